"""The simulator's lever path (issue 18, item 1): the same figures, less work per move.

A lever move recomputes only the scenario's side: the baseline's per-person
payouts, booked revenue and earnings curve come from a cache
(:func:`simulation.baseline_view`), the charts' specs are built once
(:func:`charts.spec`), the per-person table is drawn a page at a time. Each
piece is checked against the path it replaced.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from command_center import testing as apptest
from command_center.metrics import MetricRegistry
from command_center.org.scope import OPERATOR
from plugins.incentives import charts
from plugins.incentives.logic.earnings_curve import earnings_curve, typical_sample
from plugins.incentives.logic.engine import evaluate
from plugins.incentives.logic.plan_edits import apply_edits
from plugins.incentives.logic.whatif import (
    PAGE_ROWS,
    Assumptions,
    baseline_view,
    compare,
    compare_sides,
    matching,
    page_starts,
    run_scenario,
    scenario_side,
    scope_revenue,
    side,
    within,
)
from plugins.incentives.queries import figures as figure_reads
from plugins.incentives.queries import plans as plan_reads
from plugins.incentives.queries import simulation
from plugins.incentives.ui import simulator
from tests.conftest import make_host, use_db
from tests.fixtures_incentives import ANNA, BO, JAN, MARGINAL, figures, plan, viewer_for

PEOPLE = pl.DataFrame(
    {"person_id": [1, 2], "name": ["Anna", "Bo"], "level": ["rep", "rep"]},
)
RICHER = {"components[0].tiers[1].rate": 0.1}


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort("person_id")


@pytest.mark.parametrize("scope", [None, frozenset({1}), frozenset({1, 2})])
@pytest.mark.parametrize("assumed", [Assumptions(), Assumptions(everyone=0.2)])
def test_sides_give_the_comparison_of_whole_evaluations(
    scope: frozenset[int] | None, assumed: Assumptions
) -> None:
    figs = figures([ANNA, BO])
    base = evaluate(plan(MARGINAL), figs, JAN, JAN)
    timed = run_scenario(figs, apply_edits(plan(MARGINAL), RICHER), JAN, JAN, assumed, None)
    old = side(base, figs, scope, JAN, JAN)
    new = scenario_side(timed, scope, JAN, JAN, old)
    expected = compare(within(base, scope), within(timed.evaluation, scope), PEOPLE)
    assert_frame_equal(compare_sides(old.people, new.people, PEOPLE), expected)
    assert old.revenue == scope_revenue(figs, scope, JAN, JAN)
    # Without assumptions the scenario's booked revenue is the baseline's; with, it is summed.
    assert new.revenue == scope_revenue(timed.figures, scope, JAN, JAN)
    assert (new.revenue == old.revenue) == assumed.neutral


def test_baseline_view_is_the_sample_and_curve_the_page_drew() -> None:
    figs = figures([ANNA, BO])
    stored = plan(MARGINAL)
    base = evaluate(stored, figs, JAN, JAN)
    view = baseline_view(base, figs, stored, frozenset({1}), JAN, JAN)
    sample = typical_sample(figs, stored, frozenset({1}), JAN, JAN)
    assert_frame_equal(view.sample, sample)
    assert_frame_equal(view.curve, earnings_curve(stored, sample, figs.kinds))
    assert_frame_equal(view.side.people, side(base, figs, frozenset({1}), JAN, JAN).people)


def test_pages_and_the_name_filter() -> None:
    assert page_starts(0) == [0]
    assert page_starts(PAGE_ROWS) == [0]
    assert page_starts(PAGE_ROWS + 1) == [0, PAGE_ROWS]
    assert page_starts(45, 20) == [0, 20, 40]
    table = pl.DataFrame({"name": ["Anna", "Bo", "anneliese", "李娜"], "delta": [3.0, 2, 1, 0]})
    assert matching(table, "  ANN ")["name"].to_list() == ["Anna", "anneliese"]
    assert matching(table, "李")["name"].to_list() == ["李娜"]
    assert matching(table, "a.*")["name"].to_list() == []  # literal, not a pattern
    assert matching(table, "") is table


CHART_DATA = {  # a frame of each chart's columns, and the builder's arguments after it
    "earnings_curve": (
        {"series": ["B", "S"], "attainment": [0.5, 1.0], "payout": [1.0, 2.0]},
        ("B", "S"),
    ),
    "distribution": ({"series": ["B"], "lo": [0.0], "hi": [10.0], "people": [3]}, ("B", "S")),
    "winners_losers": ({"person_id": [1], "name": ["A"], "delta": [5.0]}, ()),
}


@pytest.mark.parametrize("kind", sorted(CHART_DATA))
def test_cached_chart_specs_are_the_altair_charts_without_data(kind: str) -> None:
    columns, args = CHART_DATA[kind]
    data = pl.DataFrame(columns)
    built = getattr(charts, kind)(data, *args).to_dict()
    for key in ("data", "datasets", "config"):
        built.pop(key)
    extra = (data.height,) if kind == "winners_losers" else ()
    spec = charts.spec(kind, *args, *extra)
    assert spec == built
    spec["encoding"].clear()  # a caller's copy: the cache keeps its own
    assert charts.spec(kind, *args, *extra) == built


@pytest.fixture
def registry() -> MetricRegistry:
    return MetricRegistry(make_host())


def _stored(engine: Any) -> tuple[int, dt.date]:
    versions = plan_reads.plan_versions(engine).sort("version_id")
    version_id = int(versions["version_id"][0])
    month = figure_reads.sales_months(engine)[-2]
    return version_id, month


@pytest.mark.parametrize("login", ["manager", "director"])
def test_cached_baseline_view_is_the_baseline_in_scope(demo_db, registry, login: str) -> None:
    engine = demo_db.engine
    version_id, month = _stored(engine)
    stored = plan_reads.plan(engine, version_id)
    scope = viewer_for(engine, login).person_ids
    view = simulation.baseline_view(engine, registry, version_id, month, month, scope)
    assert simulation.baseline_view(engine, registry, version_id, month, month, scope) is view
    figs = figure_reads.figures_between(engine, registry, stored, month, month)
    base = simulation.simulate(engine, registry, OPERATOR, stored, month, month)
    direct = baseline_view(base, figs, stored, scope, month, month)
    assert_frame_equal(_sorted(view.side.people), _sorted(direct.side.people))
    assert view.side.revenue == pytest.approx(direct.side.revenue)
    assert_frame_equal(view.curve, direct.curve)
    assert view.side.people.height > 0


def _table_rows(at: Any) -> pl.DataFrame:
    page = next(f.value for f in at.dataframe if "Payout (scenario)" in f.value.columns)
    return pl.from_pandas(page)


def test_a_long_per_person_table_is_paged_with_every_row_reachable(
    demo_db, monkeypatch, app_env
) -> None:
    use_db(monkeypatch, demo_db)
    monkeypatch.setattr(simulator, "PAGE_ROWS", 20)
    at = apptest.open_page(apptest.start(demo_db.engine, "director"), "incentives-simulator")
    assert not at.exception and not at.error
    lever = at.number_input[0]
    lever.set_value(lever.value + 1).run()  # the scenario moves: rows sorted by change
    pager = at.selectbox(key=simulator.PAGE_KEY)
    assert pager.options[:2] == ["1–20", "21–40"]
    caption = next(c.value for c in at.caption if "rows at a time" in c.value)
    count = int(re.match(r"(\d+) of (\d+) people", caption).group(2))  # type: ignore[union-attr]
    assert count > 20 and len(pager.options) == -(-count // 20)
    first = _table_rows(at)
    seen = [first]
    for index in range(1, len(pager.options)):
        at.selectbox(key=simulator.PAGE_KEY).select_index(index).run()
        assert not at.exception
        seen.append(_table_rows(at))
    assert [page.height for page in seen[:-1]] == [20] * (len(seen) - 1)
    everyone = pl.concat(seen)
    assert everyone.height == count  # every row on some page
    changes = everyone["Change (¥)"].to_list()
    assert changes == sorted(changes, reverse=True)  # the pages continue one order
    assert changes[0] > 0  # the lever moved someone

    name = str(first["Name"][0])
    at.text_input(key=simulator.FIND_KEY).input(name).run()
    found = _table_rows(at)
    assert found.height >= 1 and set(found["Name"].to_list()) == {name}
