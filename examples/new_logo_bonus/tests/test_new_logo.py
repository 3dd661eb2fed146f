"""The example's own tests: hand-counted new logos on the small shop, through public doors only.

The plugin never imports incentives, and neither do its tests: plans go in
and out through ``command-center commission …`` and the app's pages.

Expected new logos (see ``cc_new_logo_bonus.demo``): rep 4 wins one in
January, February and March, rep 5 one in January, supervisor 3 one in March
(and rep 4 one in December 2025, before the range).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import cc_new_logo_bonus
import polars as pl
import pytest
from cc_new_logo_bonus.demo import ORDERS, PASSWORD, load_small_shop
from cc_new_logo_bonus.logic import FIRST_DAY_SCHEMA, first_orders, new_logo_counts
from sqlalchemy import Engine
from typer.testing import CliRunner

from command_center import cli, runtime, testing
from command_center.db.engine import get_engine
from command_center.db.migrate import upgrade
from command_center.org.scope import OPERATOR
from command_center.plugins import PluginHost

JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)
MONTHLY = """
name: 新客户方案
period: month
components:
  - {name: new_logo_bonus, type: new_logo, amount: 1000}
"""
QUARTERLY = """
name: 季度新客户方案
period: quarter
components:
  - {name: logos, type: new_logo, amount: 1500}
"""
runner = CliRunner()


def test_first_orders_pick_the_earliest_line_of_each_customer() -> None:
    orders = pl.DataFrame(
        [(cid, oid, pid, day) for oid, cid, pid, day, _, _ in ORDERS],
        schema=list(FIRST_DAY_SCHEMA.items()),
        orient="row",
    )
    firsts = first_orders(orders).sort("customer_id")
    assert firsts.select("customer_id", "person_id").rows() == [
        (101, 4),
        (102, 4),
        (103, 5),
        (104, 4),  # orders 7 (rep 4) and 8 (rep 5) on the same day: the first line wins
        (105, 3),
        (106, 4),
    ]
    counts = new_logo_counts(firsts, JAN, MAR)
    assert counts.select("person_id", "month", "num").rows() == [
        (3, MAR, 1.0),
        (4, JAN, 1.0),
        (4, FEB, 1.0),
        (4, MAR, 1.0),
        (5, JAN, 1.0),
    ]
    assert new_logo_counts(firsts, dt.date(2025, 12, 1), dt.date(2025, 12, 1)).height == 1


def host(*, with_plugin: bool = True) -> PluginHost:
    plugins = [("new_logo", cc_new_logo_bonus)] if with_plugin else []
    return testing.host_with(*plugins)


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path}/shop.db"
    engine = get_engine(url)
    upgrade(engine, host())
    load_small_shop(engine)
    monkeypatch.setenv("COMMAND_CENTER_DB_URL", url)
    runtime.reset(host())
    cli.build_app()
    yield engine
    runtime.reset(None)


def commission(*args: str, user: str | None = None) -> tuple[int, str, str]:
    signed = ["--user", user] if user else []
    env = {"COMMAND_CENTER_PASSWORD": PASSWORD} if user else None
    result = runner.invoke(cli.app, [*signed, "commission", *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def simulate(plan: Path, start: str, end: str, user: str | None = None) -> pl.DataFrame:
    code, out, err = commission(
        "simulate", "--plan", str(plan), "--from", start, "--to", end, user=user
    )
    assert code == 0, err
    return pl.read_csv(io.StringIO(out))


def test_the_metric_counts_first_orders_per_person_and_month(shop: Engine) -> None:
    facts = runtime.registry().facts(shop, OPERATOR, "new_logos", JAN, MAR)
    got = {(p, m, n) for p, m, n in facts.select("person_id", "month", "num").iter_rows() if n}
    assert got == {(4, JAN, 1.0), (5, JAN, 1.0), (4, FEB, 1.0), (4, MAR, 1.0), (3, MAR, 1.0)}


def test_commission_simulate_pays_each_new_logo(shop: Engine, tmp_path: Path) -> None:
    plan = tmp_path / "monthly.yaml"
    plan.write_text(MONTHLY, encoding="utf-8")
    frame = simulate(plan, "2026-01", "2026-03")
    assert "new_logo_bonus" in frame.columns
    paid = {(p, period): v for p, period, v in frame.select("person_id", "period", "payout").rows()}
    assert {k: v for k, v in paid.items() if v} == {
        (4, "2026-01"): 1000.0,
        (5, "2026-01"): 1000.0,
        (4, "2026-02"): 1000.0,
        (4, "2026-03"): 1000.0,
        (3, "2026-03"): 1000.0,
    }
    assert frame["new_logo_bonus"].sum() == frame["payout"].sum() == 5000.0
    quarter = tmp_path / "quarterly.yaml"
    quarter.write_text(QUARTERLY, encoding="utf-8")
    q1 = simulate(quarter, "2026-03", "2026-03")
    assert {p: v for p, v in q1.select("person_id", "logos").rows() if v} == {
        4: 4500.0,
        5: 1500.0,
        3: 1500.0,
    }
    rep = simulate(plan, "2026-01", "2026-03", user="rep")
    assert rep["person_id"].unique().to_list() == [4] and rep["payout"].sum() == 3000.0


def test_the_simulator_shows_the_amount_as_a_lever(shop: Engine, tmp_path: Path) -> None:
    plan = tmp_path / "monthly.yaml"
    plan.write_text(MONTHLY, encoding="utf-8")
    code, _, err = commission("load", str(plan), "--effective", "2026-01")
    assert code == 0, err
    at = testing.start(shop, "manager")
    at = testing.open_page(at, "incentives-simulator")
    assert not at.exception and not at.error
    lever = next(n for n in at.number_input if n.label.startswith("Amount per new customer"))
    assert lever.value == 1000.0
    before = {m.label: str(m.value) for m in at.metric}
    assert before["Scenario payout"] == before["Baseline payout"]
    lever.set_value(1500.0).run()
    assert not at.exception and not at.error
    after = {m.label: str(m.value) for m in at.metric}
    assert after["Baseline payout"] == before["Baseline payout"]
    assert after["Scenario payout"] != after["Baseline payout"]
    assert int(after["People better off"]) > 0


def test_statements_name_the_component(shop: Engine, tmp_path: Path) -> None:
    plan = tmp_path / "monthly.yaml"
    plan.write_text(MONTHLY, encoding="utf-8")
    assert commission("load", str(plan), "--effective", "2026-01")[0] == 0
    code, _, err = commission("settle", "--period", "2026-01", "--lock")
    assert code == 0, err
    at = testing.start(shop, "rep")
    at = testing.open_page(at, "incentives-statements")
    assert not at.exception and not at.error
    # the page opens on the running month's estimate; the locked statement follows
    tables = [frame.value for frame in at.dataframe if "Amount" in frame.value.columns]
    settled = [t for t in tables if len(t) and t.to_dict("records")[0]["Amount"] == 1000.0]
    assert settled and "New-logo bonus" in settled[0].iloc[0, 0]


def test_without_the_plugin_the_plan_names_the_unknown_type(shop: Engine, tmp_path: Path) -> None:
    runtime.reset(host(with_plugin=False))
    cli.build_app()
    plan = tmp_path / "monthly.yaml"
    plan.write_text(MONTHLY, encoding="utf-8")
    code, _, err = commission(
        "simulate", "--plan", str(plan), "--from", "2026-01", "--to", "2026-01"
    )
    assert code == 1
    assert f"{plan}: components[0].type: unknown component type 'new_logo'" in err
