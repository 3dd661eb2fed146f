"""``command-center commission …`` against hand-computed answers, scoped with --user."""

from __future__ import annotations

import io

import polars as pl
import pytest
from typer.testing import CliRunner

from command_center import cli
from plugins.incentives.queries import settlements as settlement_reads
from tests.conftest import use_db
from tests.fixtures_incentives import build_shop

runner = CliRunner()
TIERS = """
name: CLI {mode} plan
period: month
eligible: {{levels: [rep]}}
components:
  - name: revenue_commission
    type: tiered
    base: revenue
    measure: attainment
    mode: {mode}
    tiers:
      - {{from: 0.0, rate: 0.05}}
      - {{from: 1.0, rate: 0.06}}
  - name: profit_share
    type: rate
    base: profit
    rate: 0.02
"""
COLUMNS = [
    "person_id",
    "period",
    "revenue",
    "profit",
    "quota",
    "attainment",
    "revenue_commission",
    "profit_share",
    "gate_adjustment",
    "cap_adjustment",
    "payout",
]
# person, period, revenue, profit, quota, attainment: the shop's figures.
FIGURES = [
    (4, "2026-01", 120_000.0, 30_000.0, 100_000.0, 1.2),
    (4, "2026-02", 100_000.0, 25_000.0, 100_000.0, 1.0),
    (5, "2026-01", 80_000.0, 20_000.0, 100_000.0, 0.8),
    (5, "2026-02", 90_000.0, 20_000.0, 100_000.0, 0.9),
    (7, "2026-01", 50_000.0, 10_000.0, 50_000.0, 1.0),
    (7, "2026-02", 60_000.0, 15_000.0, 50_000.0, 1.2),
]
# Marginal: each slice at its tier's rate. Retroactive: all at the rate of the tier reached.
MARGINAL = [6_200.0, 5_000.0, 4_000.0, 4_500.0, 2_500.0, 3_100.0]
RETROACTIVE = [7_200.0, 6_000.0, 4_000.0, 4_500.0, 3_000.0, 3_600.0]
PROFIT_SHARE = [600.0, 500.0, 400.0, 400.0, 200.0, 300.0]


@pytest.fixture
def shop(empty_db, monkeypatch, app_env):
    build_shop(empty_db.engine)
    use_db(monkeypatch, empty_db)
    cli.build_app()
    return empty_db


def invoke(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(cli.app, list(args), env=env)


def expected(commission: list[float]) -> list[tuple]:
    return [
        (*fig, rc, ps, 0.0, 0.0, rc + ps)
        for fig, rc, ps in zip(FIGURES, commission, PROFIT_SHARE, strict=True)
    ]


@pytest.mark.parametrize(
    ("mode", "commission"), [("marginal", MARGINAL), ("retroactive", RETROACTIVE)]
)
def test_simulate_matches_hand_computed_tiers(shop, tmp_path, mode, commission) -> None:
    plan = tmp_path / f"{mode}.yaml"
    plan.write_text(TIERS.format(mode=mode), encoding="utf-8")
    result = invoke(
        "commission", "simulate", "--plan", str(plan), "--from", "2026-01", "--to", "2026-02"
    )
    assert result.exit_code == 0, result.output
    frame = pl.read_csv(io.StringIO(result.stdout))
    assert frame.columns == COLUMNS
    assert frame.sort("person_id", "period").rows() == expected(commission)


def test_simulate_is_scoped_to_the_user(shop, tmp_path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(TIERS.format(mode="marginal"), encoding="utf-8")
    args = ("commission", "simulate", "--plan", str(plan), "--from", "2026-01", "--to", "2026-02")
    rep = invoke("--user", "rep", *args, env={"COMMAND_CENTER_PASSWORD": "demo-pass-2026"})
    assert rep.exit_code == 0, rep.output
    assert pl.read_csv(io.StringIO(rep.stdout))["person_id"].unique().to_list() == [4]
    manager = invoke("--user", "manager", *args, env={"COMMAND_CENTER_PASSWORD": "demo-pass-2026"})
    assert sorted(pl.read_csv(io.StringIO(manager.stdout))["person_id"].unique()) == [4, 5]
    table = invoke(*args, "--format", "table")
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert lines[0].split() == COLUMNS and len(lines) == 2 + 6
    assert "6800.0" in lines[2]


def test_simulate_reports_the_bad_key(shop, tmp_path) -> None:
    plan = tmp_path / "bad.yaml"
    plan.write_text(TIERS.format(mode="marginal").replace("rate: 0.06", "rate: -0.06"), "utf-8")
    result = invoke(
        "commission", "simulate", "--plan", str(plan), "--from", "2026-01", "--to", "2026-01"
    )
    assert result.exit_code == 1
    assert f"{plan}: components[0].tiers[1].rate: must be at least 0" in result.stderr
    month = invoke("commission", "simulate", "--plan", str(plan), "--from", "2026-13", "--to", "x")
    assert month.exit_code == 1 and "Not a month" in month.stderr


def test_load_then_settle_and_lock(shop, tmp_path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(TIERS.format(mode="marginal"), encoding="utf-8")
    loaded = invoke("commission", "load", str(plan), "--effective", "2026-01", "--note", "首版")
    assert loaded.exit_code == 0, loaded.output
    assert "version 1" in loaded.stdout
    listed = invoke("commission", "plans")
    assert "CLI marginal plan" in listed.stdout
    refused = invoke(
        "--user",
        "rep",
        "commission",
        "settle",
        "--period",
        "2026-01",
        env={"COMMAND_CENTER_PASSWORD": "demo-pass-2026"},
    )
    assert refused.exit_code == 1 and "not allowed" in refused.stderr
    settled = invoke("commission", "settle", "--period", "2026-01", "--lock")
    assert settled.exit_code == 0, settled.output
    assert "version 1: 3 people, payout 13,900.00 (Locked)" in settled.stdout
    versions = settlement_reads.settlements(shop.engine, "2026-01")
    assert versions.select("version", "status", "people").rows() == [(1, "locked", 3)]
    again = invoke("commission", "settle", "--period", "2026-01")
    assert again.exit_code == 1 and "everyone is locked already" in again.stderr


def test_publish_the_wall_for_a_scheduler(shop) -> None:
    """The ranking wall of February: Cy 120 %, Anna 100 %, Bo 90 % (three reps)."""
    first = invoke("commission", "publish", "--period", "2026-02")
    assert first.exit_code == 0, first.output
    assert "Published the attainment wall of 2026-02: 3 people ranked." in first.output
    again = invoke("incentives", "publish", "--period", "2026-02")
    assert "The attainment wall of 2026-02 is current; nothing published." in again.output
    forced = invoke("commission", "publish", "--period", "2026-02", "--force")
    assert "3 people ranked" in forced.output
    bad = invoke("commission", "publish", "--period", "2026-02", "--metric", "nope")
    assert bad.exit_code != 0 and "nope" in bad.output
