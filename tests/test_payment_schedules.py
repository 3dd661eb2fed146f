"""Payment schedules (issue 16 item 4, part 2): instalments per contract line, aged by
their own due dates; payments pay the earliest instalment first.

The book (the small org of tests/factories.py, whose lines of reps 6 and 7 are all
ordered after 2026-03): a contract of 1 000 signed on 1 March 2026 with 30 % on
signing (day 0) and 70 % at 60 days (30 April); the customer pays 300 on 10 March.

- 15 March: 300 paid, 700 not due: nothing overdue.
- 5 May: the 700 is 5 days past due (bucket 0–30).
- Split 70/30 between rep 7 and supervisor 6: rep 7's row is 700 (210 + 490), the
  supervisor's 300 (90 + 210); the payment of 300 credits 210 and 90; on 5 May rep 7
  has 490 in 0–30, the supervisor 210.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from sqlalchemy import Engine, func, select

from command_center import agenda, cash, i18n
from command_center import testing as apptest
from command_center.db.engine import read_session, write_session
from command_center.db.models import OrderLine
from command_center.db.schedule_models import OrderDue
from command_center.i18n import money
from command_center.ledger import LedgerError, NewLine, book_lines
from command_center.org.auth import add_user
from command_center.org.scope import OPERATOR, Viewer
from command_center.schedules import ScheduleError, check_schedule, open_instalments
from plugins.pipeline import actions, queries
from tests.conftest import Db, make_host, use_db
from tests.factories import load_small_org
from tests.fixtures_pipeline import AT, REP4, SUP3, SUP6, approved_contract, new_deal, org, refused

D = dt.date
SIGNED = D(2026, 3, 1)
SCHEDULE = ((30.0, 0), (70.0, 60))
REP7 = Viewer("rep7", "rep", 7, frozenset({7}))


def _book(db: Db, credits: tuple[tuple[int, float], ...] = ()) -> int:
    line = NewLine(
        customer_id=1,
        person_id=7,
        order_date=SIGNED,
        revenue=1000.0,
        credits=credits,
        schedule=SCHEDULE,
    )
    with write_session(db.engine) as session:
        (order_id,) = book_lines(session, [line], "test", "test")
        cash.record_payment(session, OPERATOR_DIRECTOR, order_id, D(2026, 3, 10), 300.0,
                            "PAY-S1", today=D(2026, 3, 10))  # fmt: skip
    return order_id


OPERATOR_DIRECTOR = Viewer("finance", "director", 1, None)


@pytest.fixture
def book(empty_db: Db) -> Db:
    load_small_org(empty_db.engine)
    return empty_db


def _row(frame: pl.DataFrame, person_id: int) -> dict[str, float]:
    return frame.filter(pl.col("person_id") == person_id).to_dicts()[0]


def test_instalments_are_stored_to_the_cent(book: Db) -> None:
    order_id = _book(book)
    with read_session(book.engine) as session:
        rows = session.execute(
            select(OrderDue.due_on, OrderDue.amount)
            .where(OrderDue.order_id == order_id)
            .order_by(OrderDue.due_on)
        ).all()
    assert [tuple(r) for r in rows] == [(D(2026, 3, 1), 300.0), (D(2026, 4, 30), 700.0)]


def test_paid_first_instalment_nothing_overdue_then_the_rest_ages(book: Db) -> None:
    order_id = _book(book)
    march = cash.ageing(book.engine, REP7, D(2026, 3, 15))
    assert _row(march, 7) == pytest.approx(
        {
            "person_id": 7,
            "not_due": 700.0,
            "d0_30": 0.0,
            "d31_60": 0.0,
            "d61_90": 0.0,
            "d90_plus": 0.0,
            "total": 700.0,
            "overdue": 0.0,
        }
    )
    assert cash.overdue_total(book.engine, REP7, D(2026, 3, 15)) == (0.0, 0.0)
    assert cash.overdue_lines(book.engine, REP7, 7, D(2026, 3, 15)).is_empty()
    may = cash.ageing(book.engine, REP7, D(2026, 5, 5))
    assert _row(may, 7)["d0_30"] == pytest.approx(700.0)
    assert _row(may, 7)["overdue"] == pytest.approx(700.0)
    late = cash.overdue_lines(book.engine, REP7, 7, D(2026, 5, 5)).to_dicts()
    assert late == [
        {
            "order_id": order_id,
            "order_key": str(order_id),
            "customer_id": 1,
            "due_on": D(2026, 4, 30),
            "days_past_due": 5,
            "overdue": 700.0,
        }
    ]
    page, count = cash.open_lines(book.engine, REP7, 7, D(2026, 5, 5))
    assert count == 1
    assert page.select("due_on", "days_past_due", "outstanding", "bucket").to_dicts() == [
        {"due_on": D(2026, 4, 30), "days_past_due": 5, "outstanding": 700.0, "bucket": "d0_30"}
    ]


def test_split_line_ages_in_proportion(book: Db) -> None:
    _book(book, credits=((7, 0.7), (6, 0.3)))
    may = cash.ageing(book.engine, OPERATOR, D(2026, 5, 5))
    assert _row(may, 7)["d0_30"] == pytest.approx(490.0)
    assert _row(may, 7)["overdue"] == pytest.approx(490.0)
    assert _row(may, 6)["d0_30"] == pytest.approx(210.0)
    assert _row(may, 6)["total"] == pytest.approx(210.0)
    march = cash.ageing(book.engine, OPERATOR, D(2026, 3, 15))
    assert _row(march, 7)["not_due"] == pytest.approx(490.0)
    assert _row(march, 6)["overdue"] == pytest.approx(0.0)
    # the collection rate: due by instalment (210 in March, 490 in April), not all on 31 March
    rate = cash.collection_rate_facts(book.engine, D(2026, 3, 1), D(2026, 5, 1), frozenset({7}))
    assert rate.sort("month").select("month", "num", "den").to_dicts() == [
        {"month": D(2026, 3, 1), "num": 210.0, "den": 210.0},
        {"month": D(2026, 4, 1), "num": 0.0, "den": 490.0},
    ]


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        (((30.0, 0), (60.0, 60)), "percentages sum to 90 %, not 100 %"),
        (((30.0, -5), (70.0, 60)), "instalment 1: days must be a whole number ≥ 0, not -5"),
        (((0.0, 5), (100.0, 60)), "instalment 1: percent must be more than 0, not 0"),
        (((50.0, 30), (50.0, 30)), "instalment 2: two instalments fall due 30 days on"),
    ],
)
def test_refused_schedules(book: Db, schedule: tuple[tuple[float, int], ...], message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        check_schedule(schedule)
    line = NewLine(customer_id=1, person_id=7, order_date=SIGNED, revenue=10.0,
                   schedule=schedule)  # fmt: skip
    with pytest.raises(LedgerError, match=message), write_session(book.engine) as session:
        book_lines(session, [line], "test", "test")
    with read_session(book.engine) as session:
        assert session.scalar(select(func.count()).select_from(OrderLine)) == 6
        assert session.scalar(select(func.count()).select_from(OrderDue)) == 0


def test_payments_fill_the_earliest_refunds_take_the_latest() -> None:
    rows = pl.DataFrame(
        {
            "order_id": [1, 1, 1],
            "due_on": [D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)],
            "amount": [300.0, 300.0, 400.0],
            "revenue": [1000.0] * 3,
            "refunded": [500.0] * 3,
            "collected": [350.0] * 3,
        }
    )
    # paid 0–350 covers the first and 50 of the second; refunded 500–1000 the rest of the
    # second's last 100 and the whole third: open 0, 150, 0
    assert open_instalments(rows)["open"].to_list() == [0.0, 150.0, 0.0]


# -- the contract's schedule (pipeline) --------------------------------------------------


def _due(engine: Engine) -> list[tuple[int, dt.date, float]]:
    with read_session(engine) as session:
        query = select(OrderDue.order_id, OrderDue.due_on, OrderDue.amount).order_by(
            OrderDue.order_id, OrderDue.due_on
        )
        return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]


def test_signing_copies_the_contract_schedule_into_the_due_dates(empty_db: Db) -> None:
    engine = empty_db.engine
    org(engine)
    opp = new_deal(engine)
    cid = approved_contract(engine, opp)  # 3 000 + 500, approved
    with refused("pipeline.error.contract_action"):  # approved: withdraw to change it
        actions.save_contract_schedule(engine, REP4, cid, [(30.0, 0), (70.0, 60)])
    actions.withdraw_contract(engine, REP4, cid)
    actions.save_contract_credits(engine, REP4, cid, [(4, 70.0), (3, 30.0)])
    for rows, key in (
        ([(30.0, 0), (60.0, 60)], "pipeline.error.schedule_sum"),
        ([(30.0, -1), (70.0, 60)], "pipeline.error.schedule_days"),
        ([(30.0, 0.5), (70.0, 60)], "pipeline.error.schedule_days"),
        ([(0.0, 0), (100.0, 60)], "pipeline.error.schedule_percent"),
        ([(50.0, 60), (50.0, 60)], "pipeline.error.schedule_same_day"),
    ):
        with refused(key):
            actions.save_contract_schedule(engine, REP4, cid, rows)
    wide_rep = Viewer("odd", "rep", 5, frozenset({4, 5}))  # sees the deal, is not its owner
    with refused("pipeline.error.schedule_role"):
        actions.save_contract_schedule(engine, wide_rep, cid, [(100.0, 45)])
    with refused("pipeline.error.not_in_scope"):
        actions.save_contract_schedule(engine, SUP6, cid, [(100.0, 45)])
    actions.save_contract_schedule(engine, SUP3, cid, [(70.0, 60), (30.0, 0)])  # a leader
    assert queries.contract_schedule(engine, REP4, cid).rows() == [(30.0, 0), (70.0, 60)]
    assert queries.contract_schedule(engine, SUP6, cid).is_empty()  # out of scope
    actions.submit_contract(engine, REP4, cid, at=AT)
    actions.review_contract(engine, SUP3, cid, approve=True, comment="同意", at=AT)
    assert actions.sign_contract(engine, REP4, cid, at=AT) == [7, 9]
    signed, later = AT.date(), AT.date() + dt.timedelta(days=60)
    # rows 7/8: 2 100 (rep 4) and 900 (supervisor 3); rows 9/10: 350 and 150; each 30/70
    assert _due(engine) == [
        (7, signed, 630.0),
        (7, later, 1470.0),
        (8, signed, 270.0),
        (8, later, 630.0),
        (9, signed, 105.0),
        (9, later, 245.0),
        (10, signed, 45.0),
        (10, later, 105.0),
    ]
    with refused("pipeline.error.contract_signed"):
        actions.save_contract_schedule(engine, REP4, cid, [(100.0, 30)])


def test_a_contract_without_schedule_books_no_due_dates(empty_db: Db) -> None:
    engine = empty_db.engine
    org(engine)
    cid = approved_contract(engine, new_deal(engine))
    actions.sign_contract(engine, REP4, cid, at=AT)
    assert _due(engine) == []


# -- Today: a rep's overdue lines ----------------------------------------------------------


def test_todays_rows_hold_the_reps_overdue_lines_newest_due_first(book: Db) -> None:
    order_id = _book(book)  # 700 due 30 April, 5 days past due on 5 May
    may = D(2026, 5, 5)
    (row,) = agenda.receivable_rows(book.engine, REP7, may)
    assert (row.kind, row.due, row.person_id, row.customer_id, row.key) == (
        "receivable",
        D(2026, 4, 30),
        7,
        1,
        f"receivable:{order_id}",
    )
    assert row.title == i18n.t(
        "cash.schedule.row", customer="甲公司", order=str(order_id), amount=money(700.0), count=5
    )
    assert agenda.receivable_rows(book.engine, REP7, D(2026, 3, 15)) == []
    # six more lines of 10 each, due on signing, 1..6 March: seven overdue in all
    lines = [
        NewLine(
            customer_id=1,
            person_id=7,
            order_date=D(2026, 3, n),
            revenue=10.0,
            schedule=((100.0, 0),),
        )
        for n in range(1, 7)
    ]
    with write_session(book.engine) as session:
        book_lines(session, lines, "test", "test")
    rows = agenda.receivable_rows(book.engine, REP7, may)
    assert [r.due for r in rows] == [
        D(2026, 4, 30),
        D(2026, 3, 6),
        D(2026, 3, 5),
        D(2026, 3, 4),
        D(2026, 3, 3),
        may,  # "2 more": the Receivables page
    ]
    assert rows[-1].title == i18n.t("cash.schedule.more", count=2)
    assert rows[-1].render_action is not None
    # the merged agenda keeps them (the core's hook), in due order
    found = agenda.gather(make_host(), book.engine, REP7, may)
    assert [i.due for i in found if i.kind == "receivable"] == sorted(r.due for r in rows)


def test_a_leaders_day_has_no_overdue_rows(book: Db) -> None:
    _book(book, credits=((7, 0.7), (6, 0.3)))  # supervisor 6 has 210 past due on 5 May
    sup6 = Viewer("sup6", "supervisor", 6, frozenset({6, 7}))
    assert agenda.receivable_rows(book.engine, sup6, D(2026, 5, 5)) == []
    alone = Viewer("sup6", "supervisor", 6, frozenset({6}))
    assert agenda.receivable_rows(book.engine, alone, D(2026, 5, 5)) == []
    assert [r.person_id for r in agenda.receivable_rows(book.engine, REP7, D(2026, 5, 5))] == [7]


@pytest.mark.one_backend
def test_the_today_page_shows_the_reps_overdue_line(
    book: Db, monkeypatch: pytest.MonkeyPatch, app_env: None
) -> None:
    order_id = _book(book)
    with write_session(book.engine) as session:
        add_user(session, "rep7", "demo-pass-2026", "rep", 7)
    use_db(monkeypatch, book)
    at = apptest.start(book.engine, "rep7")  # a rep lands on Today
    at.date_input(key="today_day").set_value(D(2026, 5, 5)).run()
    assert not at.exception
    shown = apptest.texts(at)
    title = i18n.t(
        "cash.schedule.row", customer="甲公司", order=str(order_id), amount=money(700.0), count=5
    )
    assert title in shown and "Overdue payment" in shown
