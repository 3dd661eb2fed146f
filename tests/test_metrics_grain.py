"""Issue 15, item 2: the metric registry at day and ISO week grain, on known answers.

The tiny shop of tests/fixtures_incentives.py (director 1 > manager 2 > supervisor 3
over Anna 4 and Bo 5; manager 8 > supervisor 6 over Cy 7) with a hand-made ledger
around the turn of November 2026 (lines: order id, person, date, revenue, cost):

    2025-11-30 Sun  Anna     800          (same date as 2026-11-30, not in 2025-W49)
    2025-12-01 Mon  Anna   1,000          2025-W49 starts
    2025-12-03 Wed  Anna   2,500
    2026-11-24 Tue  Anna   3,000 / 2,000  2026-W48
    2026-11-29 Sun  Anna   1,000 /   600  2026-W48 ends
    2026-11-30 Mon  Anna   2,000 / 1,500  2026-W49 starts, still November
    2026-12-03 Thu  Anna   4,000 / 3,000  (400 of it refunded on 12-04)
    2026-12-03 Thu  Bo       500 /   100
    2026-12-06 Sun  Cy       700 /   300  2026-W49 ends
    2026-12-07 Mon  Anna   9,000 /     0  2026-W50

So 2026-W49 is Anna 6,000 (2,000 of it in November), Bo 500, Cy 700: 7,200, where
the month rows it touches (December) hold 14,200.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest
from sqlalchemy import Engine

from command_center import i18n, runtime
from command_center import testing as apptest
from command_center.db import daily, frames
from command_center.db.engine import write_session
from command_center.db.models import OrderLine, OrderRefund, Target
from command_center.metrics import MetricRegistry, NoFigureAtGrain, total
from command_center.org.scope import OPERATOR, Viewer
from command_center.periods import containing, parse_period
from command_center.types import ALL_GRAINS, MetricSpec
from plugins.customers.actions.followups import FollowUpInput, log_followup
from tests.conftest import Db, make_host, use_db
from tests.fixtures_incentives import build_shop
from tests.sql_log import record_reads

ANNA = Viewer("rep", "rep", 4, frozenset({4}))
W49, W48 = parse_period("2026-W49"), parse_period("2026-W48")
DEC3 = parse_period("2026-12-03")
LINES = [
    (100, 10, 4, dt.date(2025, 11, 30), 800.0, 0.0),
    (101, 10, 4, dt.date(2025, 12, 1), 1_000.0, 0.0),
    (102, 10, 4, dt.date(2025, 12, 3), 2_500.0, 0.0),
    (103, 10, 4, dt.date(2026, 11, 24), 3_000.0, 2_000.0),
    (104, 10, 4, dt.date(2026, 11, 29), 1_000.0, 600.0),
    (105, 10, 4, dt.date(2026, 11, 30), 2_000.0, 1_500.0),
    (106, 11, 4, dt.date(2026, 12, 3), 4_000.0, 3_000.0),
    (107, 12, 5, dt.date(2026, 12, 3), 500.0, 100.0),
    (108, 13, 7, dt.date(2026, 12, 6), 700.0, 300.0),
    (109, 10, 4, dt.date(2026, 12, 7), 9_000.0, 0.0),
]
TARGETS = [
    (4, "2026-12-01", 1_000.0),
    (4, "2026-12-03", 5_000.0),  # Anna's week: her days summed, 6,000
    (5, "2026-W49", 1_000.0),  # Bo's week: explicit, his day target below does not add
    (5, "2026-12-03", 2_000.0),
]


def _add_lines(engine: Engine, lines: list[tuple[int, int, int, dt.date, float, float]]) -> None:
    with write_session(engine) as session:
        for oid, cid, pid, day, revenue, cost in lines:
            line = OrderLine(order_id=oid, customer_id=cid, person_id=pid, order_date=day,
                             revenue=revenue, cost=cost)  # fmt: skip
            session.add(line)


@pytest.fixture
def ledger(empty_db: Db) -> Db:
    build_shop(empty_db.engine)
    _add_lines(empty_db.engine, LINES)
    with write_session(empty_db.engine) as session:
        session.add(OrderRefund(refund_id=1, order_id=106, refund_date=dt.date(2026, 12, 4),
                                amount=400.0, reason="damaged"))  # fmt: skip
        for pid, period, target in TARGETS:
            session.add(Target(person_id=pid, period=period, metric="revenue", target=target))
    return empty_db


@pytest.fixture
def registry() -> MetricRegistry:
    return MetricRegistry(make_host())


def _values(frame: pl.DataFrame, column: str = "value", node: str = "node_id") -> dict[int, float]:
    return {n: round(v, 6) for n, v in frame.select(node, column).iter_rows() if v is not None}


def test_a_week_across_the_month_boundary_is_its_seven_days(ledger: Db, registry) -> None:
    engine = ledger.engine
    week = _values(registry.rollup(engine, OPERATOR, "revenue", W49))
    assert week == {1: 7_200.0, 2: 6_500.0, 3: 6_500.0, 4: 6_000.0, 5: 500.0,
                    8: 700.0, 6: 700.0, 7: 700.0}  # fmt: skip
    december = _values(registry.rollup(engine, OPERATOR, "revenue", parse_period("2026-12")))
    assert december[1] == 14_200.0  # what the week showed before: the month it touches
    by_month = registry.rollup(engine, OPERATOR, "revenue", W49, by_month=True)
    anna = by_month.filter(pl.col("node_id") == 4).select("month", "value").rows()
    assert anna == [(dt.date(2026, 11, 1), 2_000.0), (dt.date(2026, 12, 1), 4_000.0)]
    assert total(registry, engine, OPERATOR, "order_lines", W49, [1]).value == 4.0


def test_a_day_is_its_own_lines(ledger: Db, registry) -> None:
    engine = ledger.engine
    assert _values(registry.rollup(engine, OPERATOR, "revenue", DEC3)) == {
        1: 4_500.0, 2: 4_500.0, 3: 4_500.0, 4: 4_000.0, 5: 500.0,
    }  # fmt: skip
    profit = _values(registry.person_values(engine, OPERATOR, "profit", DEC3), node="person_id")
    assert profit == {4: 1_000.0, 5: 400.0}
    margin = _values(registry.rollup(engine, OPERATOR, "margin", DEC3))
    assert margin[3] == pytest.approx((1_000 + 400) / 4_500)
    quiet = total(registry, engine, OPERATOR, "revenue", parse_period("2026-12-02"), [1])
    assert quiet.available and quiet.value is None  # no sale that day: no figure, not 0
    refunds = daily.sales_by_day(engine, None, dt.date(2026, 12, 4), dt.date(2026, 12, 4))
    assert refunds.select("person_id", "revenue", "refunds", "refund_lines").rows() == [
        (4, 0.0, 400.0, 1)
    ]
    assert (
        total(registry, engine, OPERATOR, "revenue", parse_period("2026-12-04"), [1]).value is None
    )


def test_growth_vs_previous_week_and_vs_the_same_week_last_year(ledger: Db, registry) -> None:
    engine = ledger.engine
    card = registry.scorecard(engine, OPERATOR, "revenue", W49)
    anna = card.filter(pl.col("node_id") == 4).row(0, named=True)
    assert (anna["value"], anna["previous"]) == (6_000.0, 4_000.0)  # W48: 3,000 + 1,000
    team = total(registry, engine, OPERATOR.narrow(frozenset({3, 4, 5})), "revenue", W49, [3])
    assert (team.value, team.previous) == (6_500.0, 4_000.0)
    # 2025-W49 (1-7 December 2025) held 3,500 of Anna's; 30 November 2025 is not in it.
    growth = _values(registry.rollup(engine, OPERATOR, "growth", W49))
    assert growth[4] == pytest.approx((6_000 - 3_500) / 3_500)
    assert growth[3] == pytest.approx((6_500 - 3_500) / 3_500)
    assert 5 not in growth  # Bo sold nothing that week a year ago: no ratio
    day = _values(registry.rollup(engine, OPERATOR, "growth", DEC3))
    assert day[4] == pytest.approx((4_000 - 2_500) / 2_500)  # 3 December 2025


def test_day_and_week_targets_and_attainment(ledger: Db, registry) -> None:
    engine = ledger.engine
    goals = _values(registry.targets(engine, OPERATOR, "revenue", W49), "target")
    assert goals == {4: 6_000.0, 5: 1_000.0, 3: 7_000.0, 2: 7_000.0, 1: 7_000.0}
    week = _values(registry.person_values(engine, OPERATOR, "attainment", W49), node="person_id")
    assert week == {4: 1.0, 5: 0.5}
    day = _values(registry.person_values(engine, OPERATOR, "attainment", DEC3), node="person_id")
    assert day == {4: 0.8, 5: 0.25}
    card = registry.scorecard(engine, OPERATOR, "revenue", W49)
    assert _values(card, "attainment")[3] == pytest.approx(6_500 / 7_000)


def test_a_metric_without_day_figures_says_so(ledger: Db, registry) -> None:
    engine = ledger.engine
    for key in ("overdue_customers", "win_rate", "sample_visits"):
        assert registry.supports(key, parse_period("2026-12"))
        assert not registry.supports(key, W49) and not registry.supports(key, DEC3)
        assert registry.rollup(engine, OPERATOR, key, W49).is_empty()
        assert registry.person_values(engine, OPERATOR, key, DEC3).is_empty()
        assert registry.scorecard(engine, OPERATOR, key, W49).is_empty()
        found = total(registry, engine, OPERATOR, key, DEC3, [1])
        assert not found.available and (found.value, found.target, found.previous) == (None,) * 3
        with pytest.raises(NoFigureAtGrain):
            registry.day_facts(engine, OPERATOR, key, W49)
    with pytest.raises(ValueError, match="compute_days"):
        MetricSpec("bad", "x", "count", lambda q: pl.DataFrame(), grains=ALL_GRAINS)


def test_the_no_figure_note_is_translated(
    ledger: Db, monkeypatch: pytest.MonkeyPatch, app_env: None
) -> None:
    use_db(monkeypatch, ledger)  # the runtime loads the plugins' catalogs
    registry = runtime.registry()
    with i18n.language("en"), pytest.raises(NoFigureAtGrain) as found:
        registry.day_facts(ledger.engine, OPERATOR, "overdue_customers", W49)
    assert str(found.value) == (
        "Overdue customers has no figure per Week: it is counted by month, quarter or year."
    )
    with i18n.language("zh_CN"), pytest.raises(NoFigureAtGrain) as found:
        registry.day_facts(ledger.engine, OPERATOR, "overdue_customers", DEC3)
    assert "没有按日的数据" in str(found.value)


def test_activity_metrics_count_per_day(ledger: Db, registry) -> None:
    engine = ledger.engine
    for day, customer, channel in ((dt.date(2026, 11, 30), 10, "visit"),
                                   (dt.date(2026, 12, 3), 11, "visit"),
                                   (dt.date(2026, 12, 3), 10, "phone")):  # fmt: skip
        log_followup(engine, ANNA, customer, FollowUpInput(day, channel), day)
    for key, week, on_dec3 in (("visits", 2.0, 1.0), ("calls", 1.0, 1.0), ("followups", 3.0, 2.0)):
        assert registry.supports(key, W49)
        assert total(registry, engine, ANNA, key, W49, [4]).value == week, key
        assert total(registry, engine, ANNA, key, DEC3, [4]).value == on_dec3, key
    assert total(registry, engine, ANNA, "visits", parse_period("2026-12"), [4]).value == 1.0


def test_a_reps_day_figures_read_the_reps_rows(
    ledger: Db, registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = record_reads(monkeypatch)
    found = total(registry, ledger.engine, ANNA, "revenue", W49, [4])
    assert (found.value, found.previous, found.target) == (6_000.0, 4_000.0, 6_000.0)
    ledger_reads = [q for q in seen if re.search(r"\bfrom (orders|order_refunds)\b", q)]
    assert ledger_reads  # the week's lines, the week before's and their refunds
    for query in ledger_reads:
        assert re.search(r"orders\.person_id in \(4\)", query), query
        assert "order_date >=" in query or "refund_date >=" in query, query


# -- the home page at Week and Day ----------------------------------------------------


@pytest.fixture
def shop_today(empty_db: Db, monkeypatch: pytest.MonkeyPatch, app_env: None) -> Db:
    """The shop with sales today (Anna 4,321, Bo 1,000), on the app's runtime."""
    use_db(monkeypatch, empty_db)
    build_shop(empty_db.engine)
    today = dt.date.today()
    _add_lines(empty_db.engine, [(200, 10, 4, today, 4_321.0, 1_000.0),
                                 (201, 12, 5, today, 1_000.0, 500.0)])  # fmt: skip
    return empty_db


def _home_at(db: Db, login: str, grain: str) -> object:
    at = apptest.start(db.engine, login)
    if "home" in apptest.page_paths(at):  # a rep lands on Today
        at = apptest.open_page(at, "home")
    at = at.selectbox(key="_w_flt_grain_en").set_value(grain).run()
    assert at.selectbox(key="_w_flt_period_en").value == containing(dt.date.today(), grain).label
    return at


@pytest.mark.one_backend
@pytest.mark.parametrize("grain", ["week", "day"])
@pytest.mark.parametrize(
    ("login", "revenue", "sold"),
    [("director", "¥5.32K", [4_321.0, 1_000.0]), ("rep", "¥4.32K", [4_321.0])],
)
def test_home_at_week_and_day(
    shop_today: Db, grain: str, login: str, revenue: str, sold: list[float]
) -> None:
    at = _home_at(shop_today, login, grain)
    assert not at.exception and not at.error  # type: ignore[attr-defined]
    # No "None"/"nan" in any text, metric, label or table cell as the browser shows it.
    assert apptest.page_problems(at) == []  # type: ignore[arg-type]
    shown = {m.label: m.value for m in at.metric}  # type: ignore[attr-defined]
    assert shown["Revenue"] == revenue
    assert shown["Target attainment"] == "—"  # no revenue target for the day or week
    people = at.dataframe[-1].value  # type: ignore[attr-defined]
    assert sorted(people["Revenue"].dropna().tolist()) == sorted(sold)


def test_registry_is_the_runtimes(shop_today: Db) -> None:
    """The app's registry (the runtime's) carries the core's day paths too."""
    assert runtime.registry().supports("revenue", containing(dt.date.today(), "day"))


@pytest.mark.parametrize("key", ["revenue", "profit", "order_lines", "followups", "new_customers"])
def test_the_days_of_a_month_add_up_to_the_month_on_the_demo(demo_db: Db, key: str) -> None:
    """Per day (the ledger's lines, the follow-ups) and per month (the summaries) agree."""
    registry = MetricRegistry(make_host())
    people = frames.all_people(demo_db.engine)
    rep = int(people.filter(pl.col("level") == "rep")["person_id"][0])
    october = parse_period("2026-10")
    for viewer in (OPERATOR, Viewer("rep", "rep", rep, frozenset({rep}))):
        month = total(registry, demo_db.engine, viewer, key, october, []).value
        days = [
            total(registry, demo_db.engine, viewer, key, containing(day, "day"), []).value
            for day in october.days
        ]
        assert month, (viewer.role, key)  # the demo sells and visits every month
        assert sum(d or 0.0 for d in days) == pytest.approx(month), (viewer.role, key)
