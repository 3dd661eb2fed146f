"""Customers plugin metrics on a hand-built book, with figures worked out by hand."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from command_center.db.engine import write_session
from command_center.db.models import OrderLine
from command_center.org.scope import Viewer, people_edges, scope_for
from command_center.types import MetricQuery
from plugins.customers import metrics
from plugins.customers.actions import customers as acts
from plugins.customers.actions.followups import FollowUpInput, log_followup
from tests.factories import load_small_org

D = dt.date
SEP, OCT = D(2026, 9, 1), D(2026, 10, 1)


def viewer(engine, person_id: int, role: str) -> Viewer:
    return Viewer(
        f"p{person_id}", role, person_id, scope_for(role, person_id, people_edges(engine))
    )


@pytest.fixture
def book(empty_db):
    """甲 (1, rep 4, from the core), 乙 (2, rep 5, 10-10) and 丙 (3, rep 7, 10-12)."""
    engine = empty_db.engine
    load_small_org(engine)
    director = viewer(engine, 1, "director")
    acts.create_customer(engine, director, acts.CustomerInput(name="乙公司"), 5, D(2026, 10, 10))
    acts.create_customer(engine, director, acts.CustomerInput(name="丙公司"), 7, D(2026, 10, 12))
    with write_session(engine) as session:
        session.add(
            OrderLine(
                order_id=10,
                customer_id=2,
                person_id=5,
                order_date=D(2026, 10, 15),
                revenue=1000.0,
                cost=1.0,
            )
        )
        session.add(OrderLine(order_id=11, customer_id=3, person_id=7,
                              order_date=D(2026, 10, 25), revenue=10000.0, cost=1.0))  # fmt: skip
    today = D(2026, 11, 27)
    logged = [(4, 1, D(2026, 10, 3), "phone"), (4, 1, D(2026, 10, 20), "visit"),
              (5, 2, D(2026, 10, 11), "visit")]  # fmt: skip
    for who, cid, day, channel in logged:
        log_followup(engine, viewer(engine, who, "rep"), cid, FollowUpInput(day, channel), today)
    return engine


def rows(frame: pl.DataFrame) -> list[tuple]:
    return sorted(frame.select("person_id", "month", "num", "den").rows())


def test_counts(book) -> None:
    q = MetricQuery(book, SEP, OCT)
    assert rows(metrics.new_customers(q)) == [(5, OCT, 1.0, 1.0), (7, OCT, 1.0, 1.0)]
    assert rows(metrics.followups(q)) == [(4, OCT, 2.0, 1.0), (5, OCT, 1.0, 1.0)]
    assert rows(metrics.visits(q)) == [(4, OCT, 1.0, 1.0), (5, OCT, 1.0, 1.0)]


def test_a_grade_revenue_share(book) -> None:
    # At 2026-10-31 丙 (10,000) is A; 甲 (1,050: 80 % above it) and 乙 (1,000) are B.
    out = rows(metrics.a_grade_revenue_share(MetricQuery(book, OCT, OCT)))
    assert out == [(4, OCT, 0.0, 200.0), (5, OCT, 0.0, 1300.0), (7, OCT, 10000.0, 10500.0)]


def test_overdue_customers_at_month_ends(book) -> None:
    out = rows(metrics.overdue_customers(MetricQuery(book, SEP, OCT), today=D(2026, 11, 27)))
    # Sep 30: 甲 is A (the only revenue) and never followed up -> rep 4.
    # Oct 31: 乙 (B) last followed 10-11, due 10-25 -> rep 5; 丙 (A) taken 10-12, due 10-19 -> 7;
    #         甲 (B) followed 10-20, due 11-03 -> fine.
    assert out == [(4, SEP, 1.0, 1.0), (5, OCT, 1.0, 1.0), (7, OCT, 1.0, 1.0)]
    # the running month counts as of today; months after today are not computed
    running = metrics.overdue_customers(MetricQuery(book, D(2026, 11, 1), D(2026, 12, 1)),
                                        today=D(2026, 11, 5))  # fmt: skip
    assert set(running["month"]) == {D(2026, 11, 1)}


def test_specs_are_the_agreed_keys() -> None:
    specs = {s.key: s for s in metrics.metric_specs()}
    assert set(specs) == {"new_customers", "followups", "visits", "calls", "overdue_customers",
                          "a_grade_revenue_share"}  # fmt: skip
    assert specs["a_grade_revenue_share"].kind == "ratio"
    assert not specs["overdue_customers"].higher_is_better
