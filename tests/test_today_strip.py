"""Issue 15, item 1: the strip above a person's agenda on Today, on known answers.

The tiny shop of tests/fixtures_incentives.py (supervisor 3 over Anna 4 and Bo 5,
supervisor 6 over Cy 7; quotas 100,000 / 100,000 / 50,000 a month) with its two
plans (reps: 5 % of revenue up to 100 % attainment, 6 % above, plus 2 % of
profit; leaders: 1 % of the revenue below them), and Anna's day on Saturday
14 February 2026: two visits and a call logged, a customer created, targets of
3 visits and 5 calls for the day.

February: Anna 100,000 revenue (profit 25,000) = 100 %; Bo 90,000 (profit
20,000) = 90 %; supervisor 3's team 190,000 of 200,000 = 95 %.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import Engine

from command_center import i18n, runtime
from command_center import testing as apptest
from command_center.agenda import (
    Standing,
    TodayCard,
    person_viewer,
    rank_by_attainment,
    standing,
    standing_cards,
    strip,
)
from command_center.db import frames
from command_center.db.engine import write_session
from command_center.db.models import Customer, Target
from command_center.metrics import MetricRegistry
from command_center.org.scope import OPERATOR, Viewer
from command_center.periods import parse_period
from plugins.customers.actions.followups import FollowUpInput, log_followup
from plugins.incentives.actions import plans as plan_actions
from plugins.incentives.logic.estimate import next_tier_revenue
from plugins.incentives.queries.estimate import running_estimate
from tests.conftest import Db, use_db
from tests.fixtures_incentives import LEADER_PLAN, REP_PLAN, build_shop, plan, viewer_for
from tests.plugins.sample_plugin.models import SampleVisit
from tests.sql_log import record_reads

DAY = dt.date(2026, 2, 14)
JAN, FEB = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
ANNA = Viewer("rep", "rep", 4, frozenset({4}))


@pytest.fixture
def shop(empty_db: Db, monkeypatch: pytest.MonkeyPatch, app_env: None) -> Db:
    """The shop, with the runtime (plugins' translations too) on it."""
    use_db(monkeypatch, empty_db)
    engine = empty_db.engine
    build_shop(engine)
    plan_actions.save_plan(engine, OPERATOR, REP_PLAN, "test", JAN)
    plan_actions.save_plan(engine, OPERATOR, LEADER_PLAN, "test", JAN)
    with write_session(engine) as session:
        session.add(Customer(customer_id=14, name="宁波新客户", owner_id=4, created_on=DAY))
        session.add_all(
            [
                Target(person_id=4, period="2026-02-14", metric="visits", target=3.0),
                Target(person_id=4, period="2026-02-14", metric="calls", target=5.0),
                Target(person_id=4, period="2026-02-13", metric="calls", target=9.0),
                Target(person_id=5, period="2026-02-14", metric="visits", target=4.0),
            ]
        )
    for cid, channel in ((10, "visit"), (11, "visit"), (14, "phone")):
        log_followup(engine, ANNA, cid, FollowUpInput(DAY, channel), DAY)
    # Bo's visit the same day is his, not Anna's.
    log_followup(engine, Viewer("rep2", "rep", 5, frozenset({5})), 12,
                 FollowUpInput(DAY, "visit"), DAY)  # fmt: skip
    return empty_db


@pytest.fixture
def registry(shop: Db) -> MetricRegistry:
    return runtime.registry()


def _edges(engine: Engine) -> dict[int, int | None]:
    return dict(frames.all_people(engine).select("person_id", "manager_id").iter_rows())


def _cards(db: Db, registry: MetricRegistry, login: str, person: int | None = None,
           day: dt.date = DAY) -> dict[str, tuple[str, str]]:  # fmt: skip
    viewer = viewer_for(db.engine, login)
    scope = person_viewer(viewer, person, _edges(db.engine))
    with i18n.language("en"):
        cards = strip(runtime.host(), db.engine, registry, scope, day)
    assert [c.order for c in cards] == sorted(c.order for c in cards)
    return {card.key: (card.value, card.detail) for card in cards}


def test_a_reps_strip_on_known_answers(shop: Db, registry: MetricRegistry) -> None:
    assert _cards(shop, registry, "rep") == {
        "activity_visits": ("2 / 3", "done / today's target"),
        "activity_calls": ("1 / 5", "done / today's target"),
        "activity_new_customers": ("1", "no target for today"),
        "attainment": ("100.0%", "¥100,000 of ¥100,000"),
        "rank": ("1 of 2", ""),
        # 100,000 x 5 % + 25,000 x 2 %: every tier reached at 100 %
        "estimate": ("¥5,500", "Every tier reached"),
        # Nothing paid: 5 January's 80,000 fell due on 4 February (30 days' terms);
        # 20 January's is due on the 19th (docs/collections.md).
        "overdue": ("¥80,000", "nothing over 90 days"),
    }


def test_bo_is_second_and_10000_short_of_the_next_tier(shop: Db, registry: MetricRegistry) -> None:
    cards = _cards(shop, registry, "rep2")
    assert cards["activity_visits"] == ("1 / 4", "done / today's target")
    assert cards["activity_calls"] == ("0", "no target for today")
    assert cards["attainment"] == ("90.0%", "¥90,000 of ¥100,000")
    assert cards["rank"] == ("2 of 2", "")
    # 90,000 x 5 % + 20,000 x 2 %; 100 % of 100,000 is 10,000 away
    assert cards["estimate"] == ("¥4,900", "¥10,000 more revenue reaches the next tier")


def test_january_and_a_supervisors_own_strip(shop: Db, registry: MetricRegistry) -> None:
    january = _cards(shop, registry, "rep2", day=dt.date(2026, 1, 31))
    assert january["attainment"] == ("80.0%", "¥80,000 of ¥100,000")
    assert january["estimate"] == ("¥4,400", "¥20,000 more revenue reaches the next tier")
    assert january["activity_visits"] == ("0", "no target for today")
    sup = _cards(shop, registry, "supervisor")
    assert sup["attainment"] == ("95.0%", "¥190,000 of ¥200,000")  # the reps' targets summed
    assert sup["rank"] == ("1 of 1", "")  # the only supervisor under manager 2
    # 1 % of the 190,000 below them; the leader plan has no tiers
    assert sup["estimate"] == ("¥1,900", "An estimate: the month is still running")
    director = _cards(shop, registry, "director")
    assert director["rank"] == ("not ranked (no target, or no team)", "")
    assert director["estimate"] == ("—", "No commission plan pays this person this month")


def test_a_month_without_sales_is_0_percent_of_its_target(
    shop: Db, registry: MetricRegistry
) -> None:
    """March has quotas and no orders yet: both reps at 0 %, sharing first place."""
    march = _cards(shop, registry, "rep", day=dt.date(2026, 3, 2))
    assert march["attainment"] == ("0.0%", "¥0 of ¥100,000")
    assert march["rank"] == ("1 of 2", "")
    assert march["estimate"] == ("¥0", "¥100,000 more revenue reaches the next tier")


def test_a_director_sees_a_reps_strip_as_the_rep_does(shop: Db, registry: MetricRegistry) -> None:
    assert _cards(shop, registry, "director", 5) == _cards(shop, registry, "rep2")
    assert _cards(shop, registry, "supervisor", 4) == _cards(shop, registry, "rep")


def test_the_estimate_is_the_engine_on_the_month_so_far(shop: Db, registry: MetricRegistry) -> None:
    engine = shop.engine
    found = {p: running_estimate(engine, registry, p, DAY) for p in (1, 3, 4, 5, 6, 7)}
    assert found[1] is None
    assert {p: e.payout for p, e in found.items() if e} == {
        3: 1_900.0, 4: 5_500.0, 5: 4_900.0, 6: 600.0, 7: 3_400.0,  # Cy: 2,500 + 600 + 300
    }  # fmt: skip
    assert found[7] is not None and found[7].next_tier is None and found[7].tiered
    assert found[5] is not None and found[5].next_tier == 10_000.0


def test_a_plugins_cards_join_the_strip_by_order(shop: Db, registry: MetricRegistry) -> None:
    """The sample plugin (tests/plugins) adds a card on a day its person has visits."""
    with write_session(shop.engine) as session:
        session.add(SampleVisit(visit_id=1, person_id=4, visit_date=DAY))
    cards = _cards(shop, registry, "rep")
    assert cards["sample_visits"] == ("1", "")
    assert list(cards)[-1] == "sample_visits"  # order 100: after the built-in cards
    assert "sample_visits" not in _cards(shop, registry, "rep2")


def test_a_reps_strip_reads_the_reps_rows_and_no_order_line(
    shop: Db, registry: MetricRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every read of follow-ups, new customers or day targets names the rep alone; the
    month's figures come from the ledger summaries, never the order lines. The one read
    of lines is the rep's open receivables (their own lines, scope in the SQL)."""
    seen = record_reads(monkeypatch)
    _cards(shop, registry, "rep")
    marks = ("from customers_followups", "customers.created_on as day", "select targets.metric")
    personal = [q for q in seen if any(mark in q for mark in marks)]
    assert len(personal) == 3  # follow-ups, customers created, the day's targets
    for query in personal:
        assert re.search(r"in \(4\)|person_id = 4", query), query
    lines = [q for q in seen if re.search(r"\bfrom orders\b|\bjoin orders\b", q)]
    # the lines, refunds and payments of the last months, and the rep's scheduled lines
    # (order_due joined to orders: contract lines only, none here)
    assert len(lines) == 6, lines
    for query in lines:
        assert re.search(r"person_id in \(4\)", query), query


def test_rank_ties_share_the_better_place_and_no_target_is_no_rank() -> None:
    import polars as pl

    peers = pl.DataFrame({"node_id": [1, 2, 3, 4], "attainment": [0.9, 1.1, 0.9, None]})
    assert [rank_by_attainment(peers, p) for p in (1, 2, 3, 4)] == [
        (2, 3), (1, 3), (2, 3), (None, 3),
    ]  # fmt: skip
    with i18n.language("en"):
        cards = standing_cards(Standing(10.0, None, None, None, 0), parse_period("2026-02"))
    assert cards == [
        TodayCard("attainment", "Attainment · 2026-02", "no target this month", order=20),
        TodayCard("rank", "Rank in the team", "not ranked (no target, or no team)", order=30),
    ]


def test_next_tier_in_amount_and_under_a_cap_of_tiers() -> None:
    amount = plan({"name": "by_amount", "type": "tiered", "base": "revenue", "measure": "amount",
                   "tiers": [{"from": 0, "rate": 0.01}, {"from": 50_000, "rate": 0.02},
                             {"from": 80_000, "rate": 0.03}], "upto": 80_000})  # fmt: skip
    row = {"revenue": 30_000.0, "quota": None, "team_revenue": 0.0, "team_quota": None}
    assert next_tier_revenue(amount, row) == 20_000.0
    assert next_tier_revenue(amount, {**row, "revenue": 60_000.0}) is None  # 80,000 pays nothing


def test_standing_reads_the_leaders_team(shop: Db, registry: MetricRegistry) -> None:
    """Cy's peers are the people under supervisor 6: only Cy, at 120 %."""
    found = standing(shop.engine, registry, ANNA, 7, parse_period("2026-02"), _edges(shop.engine))
    assert found == Standing(60_000.0, 50_000.0, 1.2, 1, 1)


# -- the page ------------------------------------------------------------------------------


def _open_day(at: object, day: dt.date) -> object:
    return at.date_input(key="today_day").set_value(day).run()  # type: ignore[attr-defined]


def _metrics(at: object) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}  # type: ignore[attr-defined]


def test_a_rep_lands_on_today_with_the_strip_above_the_agenda(shop: Db) -> None:
    at = _open_day(apptest.start(shop.engine, "rep"), DAY)
    assert not at.exception and not at.error
    shown = _metrics(at)
    assert shown["Customer visits"] == "2 / 3" and shown["Calls"] == "1 / 5"
    assert shown["Attainment · 2026-02"] == "100.0%"
    assert shown["Rank in the team"] == "1 of 2"
    assert shown["Estimated commission · 2026-02 so far"] == "¥5,500"
    assert "Every tier reached" in apptest.texts(at)


def test_a_director_opens_a_reps_today_and_sees_their_strip(shop: Db) -> None:
    at = apptest.open_page(apptest.start(shop.engine, "director"), "today")
    at = _open_day(at.selectbox(key="today_person").set_value(5).run(), DAY)
    assert not at.exception and not at.error
    shown = _metrics(at)
    assert shown["Attainment · 2026-02"] == "90.0%" and shown["Rank in the team"] == "2 of 2"
    assert shown["Estimated commission · 2026-02 so far"] == "¥4,900"
    assert "¥10,000 more revenue reaches the next tier" in apptest.texts(at)
