"""examples/new_logo_bonus extends incentives from outside: installed, it pays; without it, refused.

The example's own tests (``examples/new_logo_bonus/tests``) go through the
CLI and the pages on SQLite; these check the installed entry point in a
fresh process, the hand-counted amounts and statement lines on SQLite and
PostgreSQL through incentives' own reads, and the package's layout.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path

import cc_new_logo_bonus
import polars as pl
import pytest
from cc_new_logo_bonus.demo import load_small_shop

from command_center.db.engine import get_engine
from command_center.db.migrate import upgrade
from command_center.layout import layout_problems
from command_center.org.scope import OPERATOR
from command_center.plugins import PluginHost
from command_center.settings import get_settings
from command_center.testing import fresh_cli
from plugins.incentives.actions import settlement as settlement_actions
from plugins.incentives.errors import PlanInvalid
from plugins.incentives.logic.component_types import installed_types
from plugins.incentives.logic.plan_model import parse_plan
from plugins.incentives.queries import settlements as settlement_reads
from plugins.incentives.queries import simulation
from tests.conftest import make_host, use_db

JAN, MAR = dt.date(2026, 1, 1), dt.date(2026, 3, 1)
PLAN = "name: 新客户方案\ncomponents:\n  - {name: new_logo_bonus, type: new_logo, amount: 1000}\n"
LABELLED = (
    "name: 新客户方案\ncomponents:\n"
    "  - {name: logos, label: 新客户首单奖, type: new_logo, amount: 800}\n"
)
PACKAGE = Path(cc_new_logo_bonus.__file__).parent


def entry_point_host(monkeypatch: pytest.MonkeyPatch, disabled: str = "") -> PluginHost:
    monkeypatch.setenv("COMMAND_CENTER_DISABLED_PLUGINS", disabled)
    return PluginHost(get_settings(), entry_points=True)


def test_installed_it_adds_the_new_logo_type(monkeypatch: pytest.MonkeyPatch) -> None:
    host = entry_point_host(monkeypatch)
    info = host.infos.get("new_logo")
    assert info is not None, "run `make test`: it installs examples/new_logo_bonus"
    assert info.source == "entrypoint" and info.enabled and info.error is None
    assert info.hooks == ["incentives_register_components", "register_metrics"]
    kinds = installed_types(host)
    assert kinds.names()[-1] == "new_logo" and kinds["new_logo"].plugin == "new_logo"
    plan = parse_plan(PLAN, types=kinds).plan
    assert plan.metrics() == {"new_logos"}
    assert plan.to_yaml().endswith("- {name: new_logo_bonus, type: new_logo, amount: 1000.0}\n")


def test_without_it_a_plan_using_the_type_fails_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    host = entry_point_host(monkeypatch, disabled="new_logo")
    with pytest.raises(PlanInvalid) as caught:
        parse_plan(PLAN, types=installed_types(host))
    assert [str(issue) for issue in caught.value.issues] == [
        "components[0].type: unknown component type 'new_logo': must be one of tiered, rate, "
        "override, bonus, pool, product_rate, spiff (a plugin that adds it may be off or not "
        "installed)"
    ]


def test_the_package_keeps_the_layout() -> None:
    assert layout_problems(PACKAGE, "new_logo") == []


def _cli(url: str, plan: Path, disabled: str = "") -> subprocess.CompletedProcess[str]:
    args = ["commission", "simulate", "--plan", str(plan), "--from", "2026-01", "--to", "2026-03"]
    return fresh_cli(*args, COMMAND_CENTER_DB_URL=url, COMMAND_CENTER_DISABLED_PLUGINS=disabled)


def test_commission_simulate_in_a_fresh_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The installed entry point, as a user runs it; then as if it were uninstalled."""
    url = f"sqlite:///{tmp_path}/shop.db"
    engine = get_engine(url)
    upgrade(engine, entry_point_host(monkeypatch))  # every installed plugin's tables
    load_small_shop(engine)
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    paid = _cli(url, plan)
    assert paid.returncode == 0, paid.stderr
    frame = pl.read_csv(io.StringIO(paid.stdout))
    assert frame.group_by("person_id").agg(pl.col("new_logo_bonus").sum()).sort(
        "person_id"
    ).rows() == [(1, 0.0), (2, 0.0), (3, 1000.0), (4, 3000.0), (5, 1000.0)]
    refused = _cli(url, plan, disabled="new_logo")
    assert refused.returncode == 1
    assert f"{plan}: components[0].type: unknown component type 'new_logo'" in refused.stderr


@pytest.fixture
def shop(empty_db, monkeypatch, app_env):
    load_small_shop(empty_db.engine)
    host = make_host(extra=[("new_logo", cc_new_logo_bonus)])
    use_db(monkeypatch, empty_db, host)
    return empty_db.engine, host


def test_hand_counted_amounts_and_statement_lines(shop) -> None:
    engine, host = shop
    from command_center import runtime

    registry = runtime.registry()
    kinds = installed_types(host)
    plan = parse_plan(LABELLED, frozenset(registry.keys()), kinds).plan
    result = simulation.simulate(engine, registry, OPERATOR, plan, JAN, MAR)
    paid = {
        (pid, period): amount
        for pid, period, amount in result.frame.select("person_id", "period", "logos").rows()
        if amount
    }
    assert paid == {
        (4, "2026-01"): 800.0,
        (5, "2026-01"): 800.0,
        (4, "2026-02"): 800.0,
        (3, "2026-03"): 800.0,
        (4, "2026-03"): 800.0,
    }
    from plugins.incentives.actions import plans as plan_actions

    plan_actions.save_plan(engine, OPERATOR, LABELLED, "test", JAN, "", frozenset(registry.keys()))
    done = settlement_actions.compute_settlement(engine, registry, OPERATOR, JAN, "test")
    assert done.total == 1600.0
    current = settlement_reads.current_statements(engine, OPERATOR, "2026-01")
    row = current.filter(pl.col("person_id") == 4).row(0, named=True)
    doc, _ = settlement_reads.statement_doc(engine, OPERATOR, row, {4: "代表甲"}, str)
    assert doc.lines.rows()[0][:2] == ("新客户首单奖", 800.0)
