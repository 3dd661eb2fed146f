"""The scale paths give the old paths' numbers, on the small demo (SQLite and PostgreSQL).

Old path: the engine on the person-month table of the whole history, the
published multipliers read afresh, a settlement's order lines filtered out
of the whole cached ledger, refunds of the whole scope. New path: the
engine on the months a range needs (:func:`plugins.incentives.logic.figures.window`,
cached per plan and range), order lines and refunds of the settled people
read with scope and dates in SQL.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from command_center.db import frames
from command_center.metrics import MetricRegistry
from command_center.org.scope import OPERATOR, Viewer
from command_center.org.tree import closure
from command_center.periods import add_months, month_end
from plugins.incentives.actions import settlement as settlement_actions
from plugins.incentives.logic.engine import Evaluation, evaluate
from plugins.incentives.logic.figures import window, window_start
from plugins.incentives.logic.levers import plan_levers
from plugins.incentives.logic.plan_edits import apply_edits
from plugins.incentives.logic.settlement import clawbacks
from plugins.incentives.logic.whatif import (
    MAX_COST_OF_SALES,
    Summary,
    closed_month,
    histogram,
    is_estimate,
    nice_step,
    run_scenario,
)
from plugins.incentives.queries import figures as figure_reads
from plugins.incentives.queries import plans as plan_reads
from plugins.incentives.queries import settlements as settlement_reads
from plugins.incentives.queries import simulation
from tests.conftest import make_host
from tests.fixtures_incentives import viewer_for

pytestmark = pytest.mark.one_backend  # old vs new path in Polars: SQLite suffices


@pytest.fixture
def demo(demo_db):
    return demo_db.engine


@pytest.fixture
def registry() -> MetricRegistry:
    return MetricRegistry(make_host())


def _months(engine) -> list[dt.date]:
    return figure_reads.months_available(engine)


def _ranges(engine) -> list[tuple[dt.date, dt.date]]:
    """A last month, a quarter across a year end, a year, and the whole history."""
    months = [m for m in _months(engine) if m <= dt.date(2026, 11, 1)]
    last = months[-1]
    return [
        (last, last),
        (dt.date(2025, 11, 1), dt.date(2026, 1, 1)),
        (dt.date(2025, 1, 1), dt.date(2025, 12, 1)),
        (add_months(last, -5), last),
        (months[0], last),
    ]


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort("person_id", "period")


def _same(new: Evaluation, old: Evaluation) -> None:
    assert new.components == old.components
    assert new.notes == old.notes
    assert_frame_equal(_sorted(new.frame), _sorted(old.frame))


def _versions(engine) -> list[int]:
    return plan_reads.plan_versions(engine)["version_id"].to_list()


def test_the_engine_on_the_window_equals_the_whole_history(demo, registry) -> None:
    mults = figure_reads.published_multipliers(demo)
    checked = 0
    for version_id in _versions(demo):
        plan = plan_reads.plan(demo, version_id)
        whole = figure_reads.figures(demo, registry, plan.metrics())
        for start, end in _ranges(demo):
            old = evaluate(plan, whole, start, end, mults)
            new = evaluate(plan, window(whole, start, end), start, end, mults)
            _same(new, old)
            checked += old.frame.height
    assert checked > 0


def test_a_scenario_on_the_window_equals_the_whole_history(demo, registry) -> None:
    people = frames.all_people(demo)
    leader = int(people.filter(pl.col("level") == "supervisor")["person_id"][0])
    assumptions = simulation.team_assumptions(demo, 0.05, leader, -0.2)
    mults = figure_reads.multipliers(demo)
    paid = 0.0
    for version_id in _versions(demo):
        plan = plan_reads.plan(demo, version_id)
        rates = [k for k in plan_levers(plan) if k.kind == "rate"]
        changed = apply_edits(plan, {rates[0].path: rates[0].value * 1.5} if rates else {})
        whole = figure_reads.figures_for(demo, registry, plan)
        for start, end in _ranges(demo)[:3]:
            cut = figure_reads.figures_between(demo, registry, plan, start, end)
            old = run_scenario(whole, changed, start, end, assumptions, mults)
            new = run_scenario(cut, changed, start, end, assumptions, mults)
            _same(new.evaluation, old.evaluation)
            paid += float(new.evaluation.frame["payout"].sum())
    assert paid > 0


@pytest.mark.parametrize("login", ["director", "manager", "supervisor"])
def test_simulate_and_baseline_give_the_old_numbers(demo, registry, login) -> None:
    viewer = viewer_for(demo, login)
    last = _ranges(demo)[0][1]
    start = add_months(last, -2)
    for version_id in _versions(demo):
        plan = plan_reads.plan(demo, version_id)
        whole = figure_reads.figures(demo, registry, plan.metrics())
        old = evaluate(plan, whole, start, last, figure_reads.published_multipliers(demo))
        new = simulation.simulate(demo, registry, viewer, plan, start, last)
        _same(new, Evaluation(viewer.filter(old.frame), old.components, old.notes, plan))
        base = simulation.baseline(demo, registry, version_id, start, last)
        _same(base, old)


def _old_orders(engine, viewer: Viewer, start: dt.date, end: dt.date) -> pl.DataFrame:
    """The old settlement read: the whole cached ledger, filtered by scope and dates."""
    span = frames.all_orders(engine).filter(pl.col("order_date").is_between(start, end))
    return viewer.filter(span)


@pytest.mark.parametrize("login", ["director", "manager"])
def test_settlement_batch_equals_the_old_path(demo, registry, login, monkeypatch) -> None:
    viewer = viewer_for(demo, login)
    month = _ranges(demo)[0][0]
    new = settlement_actions._evaluate_all(demo, registry, viewer, month, set(), None)
    with monkeypatch.context() as patched:
        patched.setattr(settlement_actions, "window", lambda figures, start, end: figures)
        patched.setattr(settlement_actions.frames, "orders", _old_orders)
        old = settlement_actions._evaluate_all(demo, registry, viewer, month, set(), None)
    assert new.statements and new.credits
    for name in ("statements", "lines", "windows"):
        left, right = getattr(new, name), getattr(old, name)
        assert len(left) == len(right)
        for a, b in zip(left, right, strict=True):
            assert_frame_equal(a.sort(a.columns), b.sort(b.columns))
    for a, b in zip(new.credits, old.credits, strict=True):
        keys = ["person_id", "order_id"]
        assert_frame_equal(a.sort(keys), b.sort(keys), check_exact=False, rel_tol=1e-9)
    total = sum(float(s["payout"].sum()) for s in new.statements)
    assert total == pytest.approx(sum(float(s["payout"].sum()) for s in old.statements))


def test_clawback_lines_equal_the_old_path(demo, registry) -> None:
    found = 0
    for month in _months(demo)[-6:]:
        batch = settlement_actions._evaluate_all(demo, registry, OPERATOR, month, set(), None)
        new = settlement_actions._clawback_lines(demo, OPERATOR, month, batch, [])
        if not batch.windows:
            continue
        windows = pl.concat(batch.windows)
        refunds = frames.refunds(demo, OPERATOR).filter(
            pl.col("person_id").is_in(windows["person_id"].implode()),
            pl.col("refund_date") <= month_end(month),
        )
        paid = settlement_reads.paid_credits(
            demo, sorted(set(refunds["order_id"].to_list())), f"{month:%Y-%m}"
        )
        old = clawbacks(
            refunds, paid, settlement_reads.clawed_refunds(demo, []), month_end(month), windows
        )
        keys = ["person_id", "refund_id"]
        assert_frame_equal(new.sort(keys), old.sort(keys))
        found += 1
    assert found > 0


def test_window_starts_in_january_of_the_first_pay_month() -> None:
    assert window_start(dt.date(2026, 5, 1)) == dt.date(2026, 1, 1)
    assert window_start(dt.date(2025, 1, 1)) == dt.date(2025, 1, 1)


def test_the_simulator_opens_on_the_last_closed_month() -> None:
    months = [dt.date(2026, m, 1) for m in range(9, 13)]
    assert closed_month(months, dt.date(2026, 12, 2)) == dt.date(2026, 11, 1)
    assert closed_month(months[:3], dt.date(2026, 12, 2)) == dt.date(2026, 11, 1)
    assert closed_month(months, dt.date(2027, 1, 1)) == dt.date(2026, 12, 1)
    assert closed_month([dt.date(2026, 12, 1)], dt.date(2026, 12, 2)) == dt.date(2026, 12, 1)
    assert closed_month([], dt.date(2026, 12, 2)) is None


def test_a_range_reaching_the_running_month_is_an_estimate() -> None:
    today = dt.date(2026, 12, 2)
    assert is_estimate(dt.date(2026, 12, 1), today)
    assert not is_estimate(dt.date(2026, 11, 1), today)


def test_cost_of_sales_is_a_dash_when_revenue_is_near_zero() -> None:
    # 2 December: two days of sales against a whole month's bonuses.
    assert Summary(1_120_000.0, 995.6, 4_000).cost_of_sales is None
    assert Summary(100.0, 0.0, 1).cost_of_sales is None
    assert Summary(5_500.0, 100_000.0, 3).cost_of_sales == pytest.approx(0.055)
    assert Summary(MAX_COST_OF_SALES * 10.0, 10.0, 1).cost_of_sales == MAX_COST_OF_SALES


def test_figures_between_are_cached_per_range(demo, registry) -> None:
    version_id = _versions(demo)[0]
    plan = plan_reads.plan(demo, version_id)
    start = _ranges(demo)[0][0]
    first = figure_reads.figures_between(demo, registry, plan, start, start)
    assert figure_reads.figures_between(demo, registry, plan, start, start) is first
    assert first.month["month"].min() >= window_start(start)
    assert first.month["month"].max() <= start
    other = figure_reads.figures_between(demo, registry, plan, add_months(start, -13), start)
    assert other is not first
    assert other.month.height > first.month.height


def _old_team(own: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    """The old team figures: a membership test on the reps inside the aggregation."""
    below = closure(people).filter(pl.col("ancestor_id") != pl.col("person_id"))
    reps = people.filter(pl.col("level") == "rep")["person_id"].implode()
    return (
        below.join(own, on="person_id", how="inner")
        .group_by("ancestor_id", "month")
        .agg(
            pl.col("revenue").sum().alias("team_revenue"),
            pl.col("profit").sum().alias("team_profit"),
            pl.col("quota").filter(pl.col("person_id").is_in(reps)).sum().alias("_team_quota"),
            pl.col("quota").filter(pl.col("person_id").is_in(reps)).count().alias("_n"),
        )
        .rename({"ancestor_id": "person_id"})
    )


def test_team_figures_equal_the_old_aggregation(demo) -> None:
    months = figure_reads.person_months(demo)
    people = frames.all_people(demo).select("person_id", "manager_id", "level")
    own = months.select("person_id", "level", "month", "revenue", "profit", "quota")
    team = _old_team(own, people)
    old = (
        own.join(team, on=["person_id", "month"], how="left")
        .with_columns(
            pl.col("team_revenue", "team_profit").fill_null(0.0),
            pl.when(pl.col("level") != "rep")
            .then(
                pl.coalesce(pl.col("quota"), pl.when(pl.col("_n") > 0).then(pl.col("_team_quota")))
            )
            .alias("team_quota"),
        )
        .select(months.columns)
        .sort("person_id", "month")
    )
    assert months.filter(pl.col("team_quota").is_not_null()).height > 0
    assert_frame_equal(months, old, check_exact=False, rel_tol=1e-12)


def test_the_payout_histogram_counts_everyone_once() -> None:
    long = pl.DataFrame(
        {
            "series": ["Baseline"] * 4 + ["Scenario"] * 4,
            "payout": [0.0, 120.0, 999.0, 5_000.0, 0.0, 130.0, 1_500.0, 6_100.0],
        }
    )
    bars = histogram(long, bins=30)
    assert nice_step(6_100.0, 30) == 500.0
    counts = bars.group_by("series").agg(pl.col("people").sum()).sort("series")
    assert counts["people"].to_list() == [4, 4]
    assert bars.filter(pl.col("series") == "Scenario")["lo"].to_list() == [0.0, 1_500.0, 6_000.0]
    assert (bars["hi"] - bars["lo"]).unique().to_list() == [500.0]
    assert histogram(long.head(0)).is_empty()
