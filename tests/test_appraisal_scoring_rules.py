"""KPI scoring rules as an extension point: linear and steps through the registry, an
outside rule (tests/plugins/extends_appraisal.py) used in contracts and live scores,
failures isolated; SQLite and PostgreSQL.

The org (tests/factories.py), October 2026: rep 4 sold 200, rep 5 300 against revenue
targets of 250 each: attainment 80 % and 120 %.
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from typing import Any

import polars as pl
import pytest

from command_center import hookimpl, i18n, runtime
from command_center.metrics import MetricRegistry
from command_center.org.scope import OPERATOR, Viewer, people_edges, scope_for
from command_center.plugins import PluginHost
from command_center.settings import get_settings
from plugins.appraisal import actions, queries
from plugins.appraisal.errors import AppraisalError
from plugins.appraisal.logic import LINE_SCHEMA, Line, check_lines, kpi_scores, score_lines
from plugins.appraisal.logic import scoring_rules as sr
from plugins.appraisal.queries.live import live_lines
from tests.conftest import BACKENDS, Db, _drop_db, _new_db
from tests.factories import load_small_org
from tests.plugins import broken_extensions, extends_appraisal


def host(*extra: tuple[str, object]) -> PluginHost:
    return PluginHost(
        get_settings(), builtins=["plugins.appraisal"], extra=extra, entry_points=False
    )


def lines(*rows: tuple[int, str, float, float]) -> pl.DataFrame:
    """``(line_id, rule, actual, ceiling)`` on a target of 100, higher is better."""
    return pl.DataFrame(
        [
            {
                "line_id": line_id,
                "person_id": 1,
                "metric": f"m{line_id}",
                "weight": 25.0,
                "rule": rule,
                "ceiling": ceiling,
                "floor": 0.0,
                "steps": "100:100, 50:40" if rule == "steps" else "",
                "target": 100.0,
                "actual": actual,
                "available": True,
                "higher_is_better": True,
            }
            for line_id, rule, actual, ceiling in rows
        ],
        schema=LINE_SCHEMA,
    )


def test_linear_and_steps_are_rules_like_any_other() -> None:
    assert list(sr.installed_rules(host())) == ["linear", "steps"]
    assert sr.rules_for(["linear"]) is sr.builtin_rules()  # no host needed for the built-ins
    out = score_lines(lines((1, "linear", 150, 1.2), (2, "steps", 60, 1.2), (3, "steps", 10, 1.2)))
    assert out["score"].to_list() == [120.0, 40.0, 0.0]


def test_an_outside_rule_checks_and_scores_its_lines() -> None:
    rules = sr.installed_rules(host(("ext", extends_appraisal)))
    assert list(rules) == ["linear", "steps", "binary"] and rules["binary"].plugin == "ext"
    frame = lines((1, "binary", 99, 1.5), (2, "binary", 100, 1.5), (3, "linear", 50, 1.2))
    scored = score_lines(frame, rules)
    assert scored["score"].to_list() == [0.0, 150.0, 50.0]
    assert kpi_scores(scored)["kpi_score"].to_list() == [pytest.approx(200 / 3)]
    known = {"revenue": True}
    bad = check_lines([Line("revenue", 100, 1.0, "binary", ceiling=0.5)], known, rules=rules)
    assert bad is not None and (bad.key, bad.params) == (
        "binary.bad_ceiling",
        {"metric": "revenue"},
    )
    assert check_lines([Line("revenue", 100, 1.0, "binary")], known, rules=rules) is None
    missing = check_lines([Line("revenue", 100, 1.0, "binary")], known, rules=sr.builtin_rules())
    assert missing is not None and missing.key == "appraisal.error.bad_rule"
    assert rules["binary"].words(Line("revenue", 100, 1.0, "binary", ceiling=1.5)) == (
        "binary.label = 150%"
    )


def test_a_failing_rule_leaves_its_lines_unavailable_and_is_recorded() -> None:
    shaky = types.ModuleType("shaky")

    def points(frame: pl.DataFrame) -> pl.DataFrame:
        raise ArithmeticError("points broken on purpose")

    @hookimpl(optionalhook=True)
    def appraisal_register_scoring_rules(kit: Any) -> list[Any]:
        return [kit.Rule("shaky", "x", points), kit.Rule("much_too_long", "x", points)]

    shaky.appraisal_register_scoring_rules = appraisal_register_scoring_rules  # type: ignore[attr-defined]
    h = host(("shaky", shaky), ("broken", broken_extensions))
    rules = sr.installed_rules(h)
    assert list(rules) == ["linear", "steps", "shaky"]
    assert "10 at most" in h.infos["shaky"].hook_errors[sr.HOOK]
    assert "broken on purpose" in h.infos["broken"].hook_errors[sr.HOOK]
    runtime.reset(h)
    try:
        scored = score_lines(lines((1, "shaky", 100, 1.2), (2, "linear", 80, 1.2)), rules)
    finally:
        runtime.reset(None)
    assert scored["status"].to_list() == ["unavailable", "scored"]
    assert kpi_scores(scored)["kpi_score"].to_list() == [80.0]  # the weight goes to line 2
    assert "points broken on purpose" in h.infos["shaky"].hook_errors[sr.HOOK]


@pytest.fixture(params=BACKENDS)
def org(request: Any, tmp_path: Any, pg_databases: Any) -> Iterator[Db]:
    from command_center.db.migrate import upgrade

    db = _new_db(request.param, tmp_path, pg_databases)
    upgrade(db.engine, host())
    load_small_org(db.engine)
    yield db
    _drop_db(db, pg_databases)


def test_contracts_keep_an_outside_rule_and_live_scores_use_it(
    org: Db, monkeypatch: pytest.MonkeyPatch, app_env: None
) -> None:
    h = host(("ext", extends_appraisal))
    runtime.reset(h)
    i18n.install([r.value for r in h.call("register_translations")])
    registry = MetricRegistry(h)
    engine = org.engine
    mgr = Viewer("mgr", "manager", 2, scope_for("manager", 2, people_edges(engine)))
    cycle = actions.create_cycle(engine, mgr, "mgr", "monthly", "2026-10", 2)
    rep = [Line("revenue", 70, None, "binary", ceiling=1.1, steps="kept only for steps")]
    rep.append(Line("margin", 30, 0.5))
    with pytest.raises(AppraisalError) as caught:
        bad = [Line("revenue", 70, None, "binary", ceiling=0.9), Line("margin", 30, 0.5)]
        actions.save_template(engine, registry, mgr, "mgr", cycle, "rep", bad)
    assert caught.value.key == "binary.bad_ceiling"
    actions.save_template(engine, registry, mgr, "mgr", cycle, "rep", rep)
    actions.save_template(
        engine, registry, mgr, "mgr", cycle, "supervisor", [Line("revenue", 100, None)]
    )
    actions.issue_contracts(engine, registry, mgr, "mgr", cycle, "rep")
    stored = queries.kpi_lines(engine, OPERATOR, [cycle]).filter(pl.col("metric") == "revenue")
    assert set(stored.filter(pl.col("person_id").is_in([4, 5]))["rule"]) == {"binary"}
    assert set(stored.filter(pl.col("person_id") == 4)["steps"]) == {""}
    info = queries.find_cycle(engine, OPERATOR, cycle)
    assert info is not None
    points = {}
    for person in (4, 5):
        live = live_lines(engine, registry, OPERATOR, info, person)
        points[person] = live.filter(pl.col("metric") == "revenue")["score"].item()
    assert points == {4: 0.0, 5: pytest.approx(110.0)}  # 80 % misses; 120 % pays 1.1 x 100
