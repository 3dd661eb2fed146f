"""``cc.whatif(plan)``: the simulator's levers as an ipywidgets widget, driven without a browser."""

from __future__ import annotations

import polars as pl
import pytest
import yaml

from command_center import cli
from command_center import testing as apptest
from command_center.notebook import connect
from plugins.incentives.actions import scenarios as scenario_actions
from plugins.incentives.errors import IncentivesError
from plugins.incentives.logic.levers import plan_levers
from plugins.incentives.logic.plan_model import parse_plan
from plugins.incentives.queries import scenarios as scenario_reads
from tests.conftest import use_db

pytest.importorskip("ipywidgets")

PASSWORD = "demo-pass-2026"
RATE = "components[0].tiers[1].rate"


@pytest.fixture
def demo(demo_db, monkeypatch, app_env):
    use_db(monkeypatch, demo_db)
    cli.build_app()
    return demo_db


def stored_plan(cc) -> str:
    names = cc.incentives.plans()["name"].to_list()
    assert names
    return next(
        n for n in names if RATE in {lever.path for lever in plan_levers(cc.incentives.plan(n))}
    )


def test_levers_move_table_and_curve_then_save_and_export(demo) -> None:
    cc = connect(user="manager", password=PASSWORD, url=demo.url)
    name = stored_plan(cc)
    w = cc.whatif(name, start="2026-01", end="2026-03")
    assert RATE in w.controls and w.edits() == {}
    base_old, base_new = w.totals()
    assert base_old == pytest.approx(base_new)
    assert w.table.height > 0
    assert set(w.table["person_id"].to_list()) <= set(cc.viewer.person_ids or [])
    curve_before = w.curve.clone()
    old_rate = w.controls[RATE].value

    w.controls[RATE].value = old_rate + 0.05  # as the widget's text box would
    assert w.edits() == {RATE: pytest.approx(old_rate + 0.05)}
    old, new = w.totals()
    assert old == pytest.approx(base_old)
    assert new > old
    scenario = w.curve.filter(pl.col("series") == "Scenario")["payout"]
    assert scenario.max() > curve_before.filter(pl.col("series") == "Scenario")["payout"].max()
    assert w.chart().to_dict()["datasets"]

    exported = parse_plan(w.to_yaml(), frozenset(cc.registry.keys())).plan
    assert exported.components[0].tiers[1].rate == pytest.approx(old_rate + 0.05)
    assert yaml.safe_load(w.to_yaml())["name"] == w.plan.name

    scenario_id = w.save("notebook what-if")
    saved = scenario_reads.scenarios(demo.engine, "manager")
    assert "notebook what-if" in saved["name"].to_list()
    stored = scenario_reads.scenario(demo.engine, "manager", scenario_id)
    assert stored is not None
    assert stored.edits == {RATE: pytest.approx(old_rate + 0.05)}

    scenario_actions.delete_scenario(demo.engine, "manager", scenario_id)  # demo_db is shared

    w.set(RATE, old_rate)
    assert w.edits() == {}
    assert w.totals()[1] == pytest.approx(base_new)
    with pytest.raises(KeyError, match=r"(?i)no lever"):
        w.set("components[99].rate", 0.1)


def test_revenue_assumption_and_invalid_edits(demo) -> None:
    cc = connect(user="director", password=PASSWORD, url=demo.url)
    w = cc.whatif(stored_plan(cc), start="2026-01", end="2026-03")
    old, _ = w.totals()
    w.everyone.value = 0.2
    assert w.totals()[1] > old
    w.everyone.value = 0.0
    w.set(RATE, -1.0)
    assert w.problem is not None
    assert w.totals()[1] == pytest.approx(old)


def test_reps_may_not_save(demo) -> None:
    cc = connect(user="rep2", password=PASSWORD, url=demo.url)
    w = cc.whatif(stored_plan(cc), start="2026-01", end="2026-03")
    with pytest.raises(IncentivesError):
        w.save("mine")
    assert "mine" not in scenario_reads.scenarios(demo.engine, "rep2")["name"].to_list()


def test_unknown_plan_is_named(demo) -> None:
    cc = connect(user="manager", password=PASSWORD, url=demo.url)
    with pytest.raises(ValueError, match=r"(?i)no stored plan .nope."):
        cc.whatif("nope")


@pytest.mark.one_backend  # saving on both backends: the test above
def test_a_saved_scenario_is_listed_and_loaded_on_the_simulator_page(demo) -> None:
    """Saved from the notebook, found on the app's simulator page with the same figures."""
    cc = connect(user="manager", password=PASSWORD, url=demo.url)
    w = cc.whatif(stored_plan(cc), start="2026-07", end="2026-09")
    rate = w.controls[RATE].value + 0.03
    w.set(RATE, rate)
    name = "notebook scenario for the app"
    scenario_id = w.save(name)
    try:
        at = apptest.open_page(apptest.start(demo.engine, "manager"), "incentives-simulator")
        assert not at.exception and not at.error
        saved = at.selectbox(key="incentives_sim_saved")
        assert name in saved.options
        saved.select(name).run()
        at.button(key="incentives_sim_load").click().run()
        assert not at.exception and not at.error
        lever = at.number_input(key=f"incentives_sim_{w.version_id}_{RATE}")
        assert lever.value == pytest.approx(rate * 100)
        page = next(
            frame.value for frame in at.dataframe if "Payout (scenario)" in frame.value.columns
        )
        shown = pl.from_pandas(page).select(
            pl.col("Name").alias("name"),
            pl.col("Payout (baseline)").alias("payout_old"),
            pl.col("Payout (scenario)").alias("payout_new"),
        )
        mine = w.table.select("name", "payout_old", "payout_new")
        assert shown.height == mine.height > 0
        shown, mine = shown.sort(pl.all()), mine.sort(pl.all())
        assert shown["name"].to_list() == mine["name"].to_list()
        for column in ("payout_old", "payout_new"):
            assert shown[column].to_list() == pytest.approx(mine[column].to_list()), column
        assert float(mine["payout_new"].sum()) == pytest.approx(w.totals()[1])
        assert w.totals()[1] > w.totals()[0]
    finally:
        scenario_actions.delete_scenario(demo.engine, "manager", scenario_id)
