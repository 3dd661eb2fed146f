"""Component types as an extension point: the built-ins through the registry, and a plugin's.

A test plugin adds ``per_visit`` (``amount`` per ``visits`` in the period)
through ``incentives_register_components``; the plan using it validates,
pays, shows its levers, words and statement line, and without the plugin
fails naming the unknown type. Refused answers are recorded against their
plugin and leave the built-ins working.
"""

from __future__ import annotations

import types
from typing import Any, Literal

import polars as pl
import pytest
from pydantic import Field

from command_center import hookimpl
from command_center.plugins import PluginHost
from command_center.settings import get_settings
from plugins.incentives.errors import PlanInvalid
from plugins.incentives.logic.component_types import (
    HOOK,
    ComponentKit,
    builtin_types,
    installed_types,
)
from plugins.incentives.logic.engine import evaluate
from plugins.incentives.logic.levers import plan_levers
from plugins.incentives.logic.plan_edits import apply_edits
from plugins.incentives.logic.plan_model import Plan, parse_data, parse_plan
from plugins.incentives.logic.plan_yaml import COMPONENT_TYPES
from plugins.incentives.logic.wording import component_labels, describe_plan
from tests.fixtures_incentives import ANNA, BO, JAN, MARGINAL, amounts, figures

VISITS = {(1, JAN): (4.0, 1.0), (2, JAN): (1.0, 1.0)}


def per_visit(kit: type[ComponentKit]) -> Any:
    class PerVisit(kit.Component):  # type: ignore[name-defined,misc]
        type: Literal["per_visit"]
        amount: float = Field(ge=0)
        min_visits: int = Field(default=0, ge=0)

    def amount(comp: Any, ctx: Any) -> pl.Expr:
        visits = ctx.number("visits")
        return pl.when(visits >= comp.min_visits).then(visits * comp.amount).otherwise(0.0)

    def check(comp: Any, plan: Plan) -> tuple[list[Any], list[Any]]:
        if comp.min_visits > 100:
            return [kit.Issue("min_visits", "le", {"le": 100})], []
        return [], []

    return kit.ComponentType(
        "per_visit",
        PerVisit,
        amount,
        "visitpay.type",
        lambda comp, plan, metric_label: f"{comp.amount} per {metric_label('visits')}",
        levers=lambda comp: [kit.LeverSpec("amount", "amount", "visitpay.lever.amount")],
        metrics=lambda comp: {"": "visits"},
        line=lambda comp: f"visits x {comp.amount:g}",
        check=check,
    )


def plugin(*answers: Any, name: str = "visitpay") -> types.ModuleType:
    @hookimpl(optionalhook=True)
    def incentives_register_components(kit: type[ComponentKit]) -> list[Any]:
        found = [answer(kit) if callable(answer) else answer for answer in answers]
        if "boom" in found:
            raise RuntimeError("types broken on purpose")
        return found

    module = types.ModuleType(name)
    module.incentives_register_components = incentives_register_components  # type: ignore[attr-defined]
    return module


def host_with(monkeypatch: pytest.MonkeyPatch, *extra: tuple[str, object]) -> PluginHost:
    monkeypatch.setenv("COMMAND_CENTER_DISABLED_PLUGINS", "")
    return PluginHost(
        get_settings(), builtins=["plugins.incentives"], extra=extra, entry_points=False
    )


PLAN = {
    "name": "Visits",
    "components": [
        MARGINAL,
        {"name": "visit_pay", "type": "per_visit", "amount": 50, "min_visits": 2},
    ],
}


def test_the_builtins_are_component_types_like_any_other() -> None:
    kinds = builtin_types()
    assert kinds.names() == (
        "tiered",
        "rate",
        "override",
        "bonus",
        "pool",
        "product_rate",
        "spiff",
    )
    assert kinds.plan_class is Plan
    assert all(k.plugin == "incentives" and k.label == f"incentives.type.{k.type}" for k in kinds)
    plan = parse_data({"name": "x", "components": [MARGINAL]}, types=kinds).plan
    assert type(plan) is Plan and plan.types() is kinds


def test_a_plugins_type_validates_pays_and_reads_its_metric(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kinds = installed_types(host_with(monkeypatch, ("visitpay", plugin(per_visit))))
    assert kinds.names()[-1] == "per_visit" and kinds["per_visit"].plugin == "visitpay"
    plan = parse_data(PLAN, frozenset({"visits"}), kinds).plan
    assert plan.metrics() == {"visits"}
    result = evaluate(plan, figures([ANNA, BO], {"visits": ("sum", VISITS)}), JAN, JAN)
    assert result.components == ["revenue_commission", "visit_pay"]
    assert amounts(result.frame, "visit_pay") == {1: 200.0, 2: 0.0}  # 4 x 50; 1 < 2 visits
    assert amounts(result.frame, "payout") == {1: 6_400.0, 2: 4_000.0}
    absent = evaluate(plan, figures([ANNA]), JAN, JAN)
    assert amounts(absent.frame, "visit_pay") == {1: 0.0}
    assert [n.code for n in absent.notes] == ["absent_base"]


def test_a_plugins_type_has_levers_words_and_a_statement_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kinds = installed_types(host_with(monkeypatch, ("visitpay", plugin(per_visit))))
    plan = parse_data(PLAN, types=kinds).plan
    levers = {lever.path: lever for lever in plan_levers(plan)}
    amount = levers["components[1].amount"]
    assert (amount.kind, amount.value, amount.group, amount.label) == (
        "amount",
        50.0,
        "bonuses",
        "visitpay.lever.amount",
    )
    assert levers["components[1].enabled"].group == "bonuses"
    assert component_labels(plan)["visit_pay"] == "visits x 50"
    described = describe_plan(plan, lambda key: key.upper()).row(1)
    assert "50.0 per VISITS" in described
    changed = apply_edits(plan, {"components[1].amount": 80.0})
    assert type(changed) is type(plan) and changed.components[1].amount == 80.0  # type: ignore[union-attr]
    again = parse_plan(changed.to_yaml(), types=kinds).plan
    assert again == changed


def test_a_plugins_type_reports_bad_keys_by_path(monkeypatch: pytest.MonkeyPatch) -> None:
    kinds = installed_types(host_with(monkeypatch, ("visitpay", plugin(per_visit))))

    def issues(component: dict[str, Any], available: frozenset[str] | None = None) -> list[str]:
        with pytest.raises(PlanInvalid) as caught:
            parse_data({"name": "x", "components": [component]}, available, kinds)
        return [str(issue) for issue in caught.value.issues]

    base = {"name": "v", "type": "per_visit", "amount": 5}
    assert issues({**base, "amount": -1}) == ["components[0].amount: must be at least 0"]
    assert issues({**base, "amont": 1}) == [
        "components[0].amont: unknown key (check its spelling and indentation)"
    ]
    assert issues({**base, "min_visits": 101}) == ["components[0].min_visits: must be at most 100"]
    checked = parse_data({"name": "x", "components": [base]}, frozenset({"revenue"}), kinds)
    assert [str(w) for w in checked.warnings] == [
        "components[0]: metric 'visits' is not available now (its plugin is off): "
        "this component pays nothing"
    ]


def test_without_the_plugin_the_type_is_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    kinds = installed_types(host_with(monkeypatch))
    assert kinds is builtin_types()
    with pytest.raises(PlanInvalid) as caught:
        parse_data(PLAN, types=kinds)
    assert [str(i) for i in caught.value.issues] == [
        "components[1].type: unknown component type 'per_visit': must be one of "
        "tiered, rate, override, bonus, pool, product_rate, spiff "
        "(a plugin that adds it may be off or not installed)"
    ]


def test_the_plugins_types_need_incentives_on(monkeypatch: pytest.MonkeyPatch) -> None:
    host = host_with(monkeypatch, ("visitpay", plugin(per_visit)))
    assert host.enabled("visitpay") and host.infos["visitpay"].hooks == [HOOK]
    monkeypatch.setenv("COMMAND_CENTER_DISABLED_PLUGINS", "incentives")
    off = PluginHost(get_settings(), extra=[("visitpay", plugin(per_visit))], entry_points=False)
    assert off.enabled("visitpay") and off.infos["visitpay"].hooks == []
    assert installed_types(off) is builtin_types()


def test_refused_types_are_recorded_against_their_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    def again(kit: type[ComponentKit]) -> Any:
        return per_visit(kit)

    def untagged(kit: type[ComponentKit]) -> Any:
        class Loose(kit.Component):  # type: ignore[name-defined,misc]
            type: str = "loose"

        return kit.ComponentType("loose", Loose, lambda c, x: pl.lit(1.0), "x", lambda *a: "")

    def taken(kit: type[ComponentKit]) -> Any:
        return kit.ComponentType("rate", kit.Component, lambda c, x: pl.lit(1.0), "x", str)

    host = host_with(
        monkeypatch,
        ("visitpay", plugin(per_visit)),
        ("copycat", plugin(again, name="copycat")),
        ("loose", plugin(untagged, name="loose")),
        ("thief", plugin(taken, name="thief")),
        ("junk", plugin({"type": "junk"}, name="junk")),
        ("broken", plugin("boom", name="broken")),
    )
    kinds = installed_types(host)
    assert kinds.names() == (*COMPONENT_TYPES, "per_visit")
    errors = {name: host.infos[name].hook_errors.get(HOOK, "") for name in host.infos}
    assert "already defined by 'visitpay'" in errors["copycat"]
    assert "needs type: Literal['loose']" in errors["loose"]
    assert "'rate' is already defined by 'incentives'" in errors["thief"]
    assert "is not a ComponentType" in errors["junk"]
    assert "types broken on purpose" in errors["broken"]
    assert installed_types(host) is kinds  # asked once per host
