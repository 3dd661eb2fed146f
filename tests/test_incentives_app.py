"""The incentives pages in the real app (AppTest) on the demo data."""

from __future__ import annotations

import polars as pl
import pytest

from command_center import testing as apptest
from command_center.db import frames
from command_center.org.scope import OPERATOR
from plugins.incentives.actions import scenarios as scenario_actions
from plugins.incentives.queries import plans as plan_reads
from plugins.incentives.queries import scenarios as scenario_reads
from plugins.incentives.queries import settlements as settlement_reads
from tests.conftest import use_db

REP_PLAN = "销售代表标准提成方案"


@pytest.fixture
def app(demo_db, monkeypatch, app_env):
    use_db(monkeypatch, demo_db)
    return demo_db


def metric(at, label: str) -> str:
    return next(str(m.value) for m in at.metric if m.label == label)


def test_manager_moves_a_tier_rate_and_the_comparison_redraws(app) -> None:
    at = apptest.start(app.engine, "manager")
    at = apptest.open_page(at, "incentives-simulator")
    assert not at.exception and not at.error
    versions = plan_reads.plan_versions(app.engine).filter(pl.col("name") == REP_PLAN)
    current = int(versions.sort("version", descending=True)["version_id"][0])
    key = f"incentives_sim_{current}_components[0].tiers[1].rate"
    assert at.number_input(key=key).value == 6.0
    before = metric(at, "Scenario payout")
    assert before == metric(at, "Baseline payout")
    assert metric(at, "People better off") == "0"
    at.number_input(key=key).set_value(9.0).run()
    assert not at.exception and not at.error
    assert metric(at, "Scenario payout") != metric(at, "Baseline payout")
    assert int(metric(at, "People better off")) > 0
    assert metric(at, "People worse off") == "0"
    at.text_input(key="incentives_sim_name").input("超额档提成 9%")
    next(b for b in at.button if b.label == "Save scenario").click().run()
    assert any("Saved scenario" in str(s.value) for s in at.success)
    saved = scenario_reads.scenarios(app.engine, "manager").filter(
        pl.col("name") == "超额档提成 9%"
    )
    assert saved.height == 1
    stored = scenario_reads.scenario(app.engine, "manager", int(saved["scenario_id"][0]))
    assert stored is not None and stored.edits == {"components[0].tiers[1].rate": 0.09}
    scenario_actions.delete_scenario(app.engine, "manager", stored.scenario_id)


def test_revenue_assumption_moves_the_scenario(app) -> None:
    at = apptest.start(app.engine, "director")
    at = apptest.open_page(at, "incentives-simulator")
    slider = next(s for s in at.slider if s.key and s.key.endswith("__everyone"))
    slider.set_value(-20).run()
    assert not at.exception and not at.error
    assert int(metric(at, "People worse off")) > 0


def test_rep_sees_their_locked_statement_only(app) -> None:
    at = apptest.start(app.engine, "rep")
    assert "incentives-simulator" not in apptest.page_paths(at)
    assert "incentives-settlement" not in apptest.page_paths(at)
    at = apptest.open_page(at, "incentives-statements")
    assert not at.exception and not at.error
    shown = apptest.texts(at)
    assert "Locked settlement" in shown and "Draft" not in shown
    assert "incentives_st_person" not in [s.key for s in at.selectbox]  # no one else to pick
    periods = at.selectbox(key="incentives_st_period").options
    locked = settlement_reads.settlements(app.engine).filter(pl.col("status") == "locked")
    assert periods and set(periods) <= set(locked["period"].to_list())
    me = apptest.signed_in(app.engine, "rep").person_id
    orders = next(df.value for df in at.dataframe if "Contribution" in df.value.columns)
    mine = frames.orders(app.engine, OPERATOR).filter(pl.col("person_id") == me)
    assert set(orders["Order"].tolist()) <= set(mine["order_id"].to_list())
    # each line's product, credit share and collection state
    assert {"Product", "Credit share", "Collected to date", "Outstanding"} <= set(orders.columns)
    people = frames.all_people(app.engine)
    assert people.filter(pl.col("person_id") == me)["name"].item() in shown


def test_supervisor_answers_from_the_settlement_page(app) -> None:
    at = apptest.start(app.engine, "supervisor")
    at = apptest.open_page(at, "incentives-settlement")
    assert not at.exception and not at.error
    assert "Disputes from your people" in apptest.texts(at)
    assert not [b for b in at.button if b.label == "Compute draft"]  # supervisors review only
    assert "Payroll file" not in apptest.texts(at)  # who may hand pay to payroll: not them


def test_manager_downloads_the_payroll_file(app) -> None:
    locked = settlement_reads.settlements(app.engine).filter(pl.col("status") == "locked")
    at = apptest.start(app.engine, "manager")
    at = apptest.open_page(at, "incentives-settlement")
    at.selectbox(key="incentives_settle_month").set_value(str(locked["period"].max())).run()
    assert not at.exception and not at.error
    assert "Payroll file" in apptest.texts(at)
    labels = [button.proto.label for button in at.get("download_button")]
    assert {"Payroll file (CSV)", "Payroll file (XLSX)"} <= set(labels), labels


def test_the_base_lever_switches_to_collected_cash(app) -> None:
    at = apptest.start(app.engine, "director")
    at = apptest.open_page(at, "incentives-simulator")
    versions = plan_reads.plan_versions(app.engine).filter(pl.col("name") == REP_PLAN)
    current = int(versions.sort("version", descending=True)["version_id"][0])
    lever = at.radio(key=f"incentives_sim_{current}_components[0].base")
    assert lever.value == "revenue"
    lever.set_value("collected").run()
    assert not at.exception and not at.error
    # the demo manager's saved scenario does the same
    at = apptest.start(app.engine, "manager")
    at = apptest.open_page(at, "incentives-simulator")
    saved = scenario_reads.scenarios(app.engine, "manager")
    cash = saved.filter(pl.col("name") == "销售额提成改按回款计提")["scenario_id"].item()
    at.selectbox(key="incentives_sim_saved").set_value(cash).run()
    at.button(key="incentives_sim_load").click().run()
    assert not at.exception and not at.error
    assert at.radio(key=f"incentives_sim_{current}_components[0].base").value == "collected"


def test_plan_editor_names_the_bad_key(app) -> None:
    at = apptest.start(app.engine, "director")
    at = apptest.open_page(at, "incentives-plans")
    at.selectbox(key="incentives_plans_name").set_value(REP_PLAN).run()
    area = next(a for a in at.text_area if a.key.startswith("incentives_plans_text_"))
    area.input(area.value.replace("rate: 0.06", "rate: -0.06")).run()
    next(b for b in at.button if b.label == "Check and preview").click().run()
    assert [e.value for e in at.error] == ["The plan has 1 problem:"]
    assert "components[0].tiers[1].rate: must be at least 0" in "".join(c.value for c in at.code)


def test_honours_page_shows_titles(app) -> None:
    at = apptest.start(app.engine, "director")
    at = apptest.open_page(at, "incentives-honours")
    assert not at.exception and not at.error
    shown = apptest.texts(at)
    assert "Sales champion" in shown and "Announced company-wide" in shown
