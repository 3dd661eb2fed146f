"""``cc.charts``: the app's charts from the notebook, same builders and data as the pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import altair as alt
import polars as pl
import pytest

from command_center import charts as core_charts
from command_center import cli, runtime
from command_center.notebook import PluginUnavailable, connect
from command_center.org.auth import viewer_for
from command_center.testing import signed_in
from plugins.customers import charts as customer_charts
from plugins.customers import settings as customer_settings
from plugins.customers.logic.abc import pareto_points
from plugins.customers.queries.grades import scoped_grades
from plugins.incentives import charts as incentive_charts
from plugins.incentives.logic.earnings_curve import earnings_curve, typical_sample
from plugins.incentives.logic.whatif import curves
from plugins.incentives.queries import figures as figure_reads
from tests.conftest import use_db

PASSWORD = "demo-pass-2026"
PLAN = Path(__file__).resolve().parent.parent / "plugins" / "incentives" / "data"


@pytest.fixture
def demo(demo_db, monkeypatch, app_env):
    use_db(monkeypatch, demo_db)
    cli.build_app()
    return demo_db


def datasets(spec: Any) -> list[list[dict[str, Any]]]:
    """Every dataset a chart draws, as Vega-Lite receives them."""
    return sorted(spec.to_dict()["datasets"].values(), key=repr)


def rows(spec: Any) -> list[dict[str, Any]]:
    """The rows of a chart with one dataset."""
    found = datasets(spec)
    assert len(found) == 1, len(found)
    return found[0]


def expected(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return rows(alt.Chart(frame).mark_point())


def test_charts_lists_core_and_plugin_charts(demo) -> None:
    cc = connect(user="manager", password=PASSWORD, url=demo.url)
    assert {"revenue_trend", "pareto", "earnings_curve"} <= set(cc.charts.names())
    assert "pareto" in dir(cc.charts)
    with pytest.raises(PluginUnavailable, match=r"(?i)no chart 'nope'"):
        cc.charts.nope  # noqa: B018


def test_pareto_is_the_abc_page_chart_for_the_viewer(demo) -> None:
    as_of, months = dt.date(2026, 6, 30), 12
    for login in ("manager", "director"):
        cc = connect(user=login, password=PASSWORD, url=demo.url)
        spec = cc.charts.pareto(as_of=as_of.isoformat(), months=months)
        assert isinstance(spec, alt.LayerChart)
        viewer = viewer_for(demo.engine, signed_in(demo.engine, login))
        cuts = customer_settings.get(demo.engine).cutoffs
        graded = scoped_grades(demo.engine, viewer, as_of, months, cuts)
        page = customer_charts.pareto(pareto_points(graded), cuts)
        assert datasets(spec) == datasets(page)
        points = expected(cc.customers.pareto_data(as_of=as_of, months=months))
        assert points in datasets(spec) and len(points) > 1
    manager = connect(user="manager", password=PASSWORD, url=demo.url)
    director = connect(user="director", password=PASSWORD, url=demo.url)
    assert (
        manager.abc(as_of=as_of, months=months).height
        < director.abc(as_of=as_of, months=months).height
    )


def test_revenue_trend_is_the_home_chart_for_the_viewer(demo) -> None:
    cc = connect(user="manager", password=PASSWORD, url=demo.url)
    spec = cc.charts.revenue_trend(period="2026-10", months=12)
    assert isinstance(spec, alt.Chart)
    data = core_charts.revenue_trend_data(
        demo.engine, runtime.registry(), cc.viewer, dt.date(2026, 10, 31), 12
    )
    drawn = pl.DataFrame(rows(spec)).select("label", "series", "value")
    assert drawn.select("label", "series").to_dicts() == data.select("label", "series").to_dicts()
    assert drawn["value"].to_list() == pytest.approx(data["value"].to_list(), rel=1e-12)
    assert data["label"].n_unique() == 12
    assert data["label"].min() == "2025-11" and data["label"].max() == "2026-10"
    # Independent sum of the viewer's revenue facts for one month.
    facts = runtime.registry().facts(
        demo.engine, cc.viewer, "revenue", dt.date(2026, 10, 1), dt.date(2026, 10, 31)
    )
    october = data.filter(pl.col("label") == "2026-10", pl.col("series") == "Revenue")
    assert october["value"][0] == pytest.approx(float(facts["num"].sum()))
    director = connect(user="director", password=PASSWORD, url=demo.url)
    wider = core_charts.revenue_trend_data(
        demo.engine, runtime.registry(), director.viewer, dt.date(2026, 10, 31), 12
    )
    assert (
        wider.filter(pl.col("series") == "Revenue")["value"].sum()
        > data.filter(pl.col("series") == "Revenue")["value"].sum()
    )
    with pytest.raises(ValueError, match="months"):
        cc.charts.revenue_trend(period="2026-10", months=0)


def test_earnings_curve_is_the_simulator_chart(demo) -> None:
    cc = connect(user="manager", password=PASSWORD, url=demo.url)
    plan_file = PLAN / "standard_rep.yaml"
    spec = cc.charts.earnings_curve(plan=str(plan_file), start="2026-01", end="2026-03")
    assert isinstance(spec, alt.Chart | alt.LayerChart)
    plan = cc.incentives.plan(str(plan_file))
    start, end = dt.date(2026, 1, 1), dt.date(2026, 3, 1)
    figures = figure_reads.figures_between(demo.engine, runtime.registry(), plan, start, end)
    sample = typical_sample(figures, plan, cc.viewer.person_ids, start, end)
    labels = ("Baseline", "Scenario")
    both = curves(
        earnings_curve(plan, sample, figures.kinds),
        earnings_curve(plan, sample, figures.kinds),
        labels,
    )
    assert datasets(spec) == datasets(incentive_charts.earnings_curve(both, *labels))
    edits = {"components[0].tiers[1].rate": 0.09}
    edited = cc.incentives.curve_data(plan_file, "2026-01", "2026-03", edits)
    scenario = edited.filter(pl.col("series") == "Scenario")
    baseline = edited.filter(pl.col("series") == "Baseline")
    assert scenario["payout"].max() > baseline["payout"].max()


def test_funnel_is_the_recruiting_page_chart(demo) -> None:
    from plugins.recruiting import charts as recruiting_charts
    from plugins.recruiting import queries as recruiting_queries
    from plugins.recruiting.logic import funnel

    cc = connect(user="director", password=PASSWORD, url=demo.url)
    assert "recruiting" in cc.namespaces()
    spec = cc.charts.funnel(basis="all")
    cands = recruiting_queries.candidates(demo.engine, cc.viewer)
    events = recruiting_queries.events(demo.engine, cc.viewer)
    offers = recruiting_queries.offers(demo.engine, cc.viewer)
    view = funnel.cohort(cands, events, offers, 0, "", None, None)
    table = funnel.funnel_table(view.reached)
    assert table.height > 0
    columns = table.columns[:3]
    page = recruiting_charts.funnel_bars(table, *columns, funnel.stage_order())
    assert datasets(spec) == datasets(page)
    with pytest.raises(ValueError, match="basis"):
        cc.charts.funnel(basis="weekly")


def test_grid_271_is_the_calibration_page_chart(demo) -> None:
    from plugins.appraisal import charts as appraisal_charts
    from plugins.appraisal import queries as appraisal_queries
    from plugins.appraisal.actions import policy
    from plugins.appraisal.logic import GRIDS

    for login in ("director", "manager"):
        cc = connect(user=login, password=PASSWORD, url=demo.url)
        cycles = cc.appraisal.cycles().filter(pl.col("state").is_in(["calibration", "closed"]))
        cycle = int(cycles.sort("cycle_id", descending=True)["cycle_id"][0])
        spec = cc.charts.grid_271(cycle=cycle)
        records = appraisal_queries.records(demo.engine, cc.viewer, [cycle])
        labels = {g: cc.appraisal.grid_label(g) for g in GRIDS}
        page = appraisal_charts.grid_chart(records, policy(demo.engine), labels)
        assert spec is not None and page is not None
        assert datasets(spec) == datasets(page)
    with pytest.raises(ValueError, match="no cycle 999999"):
        cc.charts.grid_271(cycle=999_999)
