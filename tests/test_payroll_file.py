"""The payroll hand-off: a locked month's file (CSV, XLSX) by hand-computed figures, the same
bytes on a second export, audited, scoped, refused when nothing is locked; the CLI."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from command_center import cli
from command_center.db.engine import read_session, write_session
from command_center.db.models import AuditEntry
from command_center.io.files import read_table_file
from command_center.ledger import refund
from command_center.metrics import MetricRegistry
from command_center.org.scope import OPERATOR
from plugins.incentives.actions import payroll as payroll_actions
from plugins.incentives.actions import plans as plan_actions
from plugins.incentives.actions import settlement as settlement_actions
from plugins.incentives.errors import IncentivesError
from plugins.incentives.logic.payroll import csv_bytes, payroll_rows
from tests.conftest import make_host, use_db
from tests.fixtures_incentives import LEADER_PLAN, REP_PLAN, build_shop, viewer_for

JAN, FEB = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
BONUS_PLAN = (
    REP_PLAN
    + """
  - name: target_bonus
    type: bonus
    amount: 1000
    when:
      - {metric: attainment, min: 1.0}
"""
)
HEADER = "person_key,period,gross_commission,bonuses,clawbacks,total\n"
# Anna (4): 100,000 x 5 % + 20,000 x 6 % + 30,000 x 2 % = 6,800 and the bonus (120 %);
# Bo (5): 80,000 x 5 % + 20,000 x 2 %; Cy (7): 50,000 x 5 % + 10,000 x 2 % and the bonus
# (100 %); leaders 1 % of the revenue below them (200,000 for 2 and 3, 50,000 for 6 and 8).
JANUARY = (
    HEADER + "2,2026-01,2000.00,0.00,0.00,2000.00\n"
    "3,2026-01,2000.00,0.00,0.00,2000.00\n"
    "4,2026-01,6800.00,1000.00,0.00,7800.00\n"
    "5,2026-01,4400.00,0.00,0.00,4400.00\n"
    "6,2026-01,500.00,0.00,0.00,500.00\n"
    "7,2026-01,2700.00,1000.00,0.00,3700.00\n"
    "8,2026-01,500.00,0.00,0.00,500.00\n"
)


@pytest.fixture
def shop(empty_db):
    engine = empty_db.engine
    build_shop(engine)
    plan_actions.save_plan(engine, OPERATOR, BONUS_PLAN, "test", JAN)
    plan_actions.save_plan(engine, OPERATOR, LEADER_PLAN, "test", JAN)
    return engine


@pytest.fixture
def registry():
    return MetricRegistry(make_host())


def settle(engine, registry, month: dt.date, lock: bool = True) -> int:
    done = settlement_actions.compute_settlement(engine, registry, OPERATOR, month, "director")
    if lock:
        settlement_actions.lock_settlement(engine, OPERATOR, done.settlement_id, "director")
    return done.settlement_id


def exports(engine) -> list[dict]:
    with read_session(engine) as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "payroll_exported")
        ).all()
        return [dict(row.detail) for row in rows]


def test_a_locked_month_gives_the_statements_to_the_cent(shop, registry) -> None:
    settle(shop, registry, JAN)
    done = payroll_actions.export_payroll(shop, OPERATOR, "2026-01", "csv", "director")
    assert done.data.decode("utf-8") == JANUARY
    assert (done.name, done.people, done.total_fen) == ("payroll-2026-01.csv", 7, 2_090_000)
    again = payroll_actions.export_payroll(shop, OPERATOR, "2026-01", "csv", "director")
    assert again.data == done.data
    found = exports(shop)
    assert len(found) == 2 and found[0]["sha256"] == found[1]["sha256"] == done.sha256
    assert (found[0]["format"], found[0]["versions"], found[0]["total"]) == ("csv", [1], 20_900.0)


def test_clawbacks_have_their_own_column(shop, registry) -> None:
    settle(shop, registry, JAN)
    with write_session(shop) as session:
        refund(session, 1, dt.date(2026, 2, 10), 20_000.0, "客户退货", "t")
    settle(shop, registry, FEB)
    text = payroll_actions.payroll_file(shop, OPERATOR, "2026-02", "csv").data.decode()
    # Anna in February: 100,000 x 5 % + 25,000 x 2 % and the bonus (100 %); order 1 earned
    # 4,533.33 in January and a quarter of it was refunded: -1,133.33.
    assert "4,2026-02,5500.00,1000.00,-1133.33,5366.67\n" in text.splitlines(keepends=True)


def test_the_xlsx_is_byte_identical_and_reads_back(shop, registry, tmp_path) -> None:
    settle(shop, registry, JAN)
    first = payroll_actions.payroll_file(shop, OPERATOR, "2026-01", "xlsx")
    second = payroll_actions.payroll_file(shop, OPERATOR, "2026-01", "xlsx")
    assert first.data == second.data
    path = tmp_path / first.name
    path.write_bytes(first.data)
    back = read_table_file(path)
    assert back.columns == HEADER.strip().split(",")
    anna = back.filter(pl.col("person_key") == "4").row(0)
    assert [float(v) for v in anna[2:]] == [6_800.0, 1_000.0, 0.0, 7_800.0]


def test_only_locked_statements_and_only_in_scope(shop, registry) -> None:
    sid = settle(shop, registry, JAN, lock=False)
    with pytest.raises(IncentivesError) as refused:
        payroll_actions.payroll_file(shop, OPERATOR, "2026-01", "csv")
    assert refused.value.code == "payroll_not_locked"
    settlement_actions.lock_settlement(shop, OPERATOR, sid, "director")
    manager = viewer_for(shop, "manager")  # person 2: 3, Anna and Bo below
    text = payroll_actions.payroll_file(shop, manager, "2026-01", "csv").data.decode()
    assert [line.split(",")[0] for line in text.splitlines()[1:]] == ["2", "3", "4", "5"]
    for login in ("rep", "supervisor"):
        with pytest.raises(IncentivesError) as refused:
            payroll_actions.payroll_file(shop, viewer_for(shop, login), "2026-01", "csv")
        assert refused.value.code == "not_allowed"
    with pytest.raises(IncentivesError) as refused:
        payroll_actions.payroll_file(shop, OPERATOR, "2026-01", "pdf")
    assert refused.value.code == "payroll_format"


def test_parts_add_up_in_fen_and_keys_sort_as_text() -> None:
    statements = pl.DataFrame(
        {
            "settlement_id": [1, 1],
            "person_id": [10, 9],
            "period": ["2026-03", "2026-03"],
            "plan_version_id": [5, 5],
        }
    )
    lines = pl.DataFrame(
        {
            "settlement_id": [1, 1, 1, 1, 1],
            "person_id": [10, 10, 10, 10, 9],
            "kind": ["component", "component", "gate", "clawback", "component"],
            "name": ["commission", "launch_spiff", "satisfaction", "clawback", "commission"],
            "amount": [1000.005, 200.0, -0.01, -33.33, 0.1],
        }
    )
    types = {5: {"commission": "rate", "launch_spiff": "spiff"}}
    rows = payroll_rows(statements, lines, types, {10: "E-010", 9: "=9"})
    assert csv_bytes(rows).decode() == (
        HEADER + "'=9,2026-03,0.10,0.00,0.00,0.10\nE-010,2026-03,999.99,200.00,-33.33,1166.66\n"
    )


def test_the_cli_writes_the_file(empty_db, monkeypatch, app_env, tmp_path) -> None:
    if empty_db.backend != "sqlite":
        pytest.skip("the command line once: the action runs on both backends above")
    build_shop(empty_db.engine)
    plan_actions.save_plan(empty_db.engine, OPERATOR, BONUS_PLAN, "test", JAN)
    plan_actions.save_plan(empty_db.engine, OPERATOR, LEADER_PLAN, "test", JAN)
    use_db(monkeypatch, empty_db)
    cli.build_app()
    runner = CliRunner()
    settled = runner.invoke(cli.app, ["commission", "settle", "--period", "2026-01", "--lock"])
    assert settled.exit_code == 0, settled.output
    out = tmp_path / "payroll.csv"
    args = ["incentives", "payroll", "--period", "2026-01", "--format", "csv", "--out", str(out)]
    result = runner.invoke(cli.app, args)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == JANUARY
    refused = runner.invoke(cli.app, [*args[:-2], "--out", str(out), "--period", "2026-02"])
    assert refused.exit_code == 1
