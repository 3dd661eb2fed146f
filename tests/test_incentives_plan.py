"""Plan documents: validation errors name the path of the bad key; edits use the same paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from plugins.incentives.errors import PlanInvalid
from plugins.incentives.logic.levers import display, edits_from, plan_levers
from plugins.incentives.logic.plan_edits import apply_edits
from plugins.incentives.logic.plan_model import parse_plan
from tests.fixtures_incentives import plan

PLANS = Path(__file__).resolve().parent.parent / "plugins" / "incentives" / "data"
PINNED = """
name: Standard rep plan 2026
period: month              # month | quarter | year
components:
  - name: revenue_commission
    type: tiered
    base: revenue          # revenue | profit (revenue - cost) | a registry metric
    measure: attainment    # attainment = base / quota, or amount = the base itself
    mode: marginal
    upto: 1.0
    tiers:
      - {from: 0.0, rate: 0.05}
      - {from: 1.0, rate: 0.06}
  - name: profit_share
    type: rate
    base: profit
    rate: 0.02
"""


def issues(text: str, available: frozenset[str] | None = None) -> list[str]:
    with pytest.raises(PlanInvalid) as caught:
        parse_plan(text, available)
    return [str(i) for i in caught.value.issues]


def test_the_pinned_shape_parses() -> None:
    checked = parse_plan(PINNED)
    assert checked.warnings == []
    first = checked.plan.components[0]
    assert first.tiers[1].lo == 1.0 and first.upto == 1.0  # type: ignore[union-attr]
    again = parse_plan(checked.plan.to_yaml()).plan
    assert again == checked.plan


def test_demo_plans_are_valid() -> None:
    for path in PLANS.glob("*.yaml"):
        parse_plan(path.read_text(encoding="utf-8"))


def test_type_errors_name_the_path() -> None:
    bad = PINNED.replace("{from: 1.0, rate: 0.06}", "{from: 1.0, rate: -0.06}")
    assert issues(bad) == ["components[0].tiers[1].rate: must be at least 0"]
    bad = PINNED.replace("rate: 0.02", "rat: 0.02")
    assert issues(bad) == [
        "components[1].rate: required key is missing",
        "components[1].rat: unknown key (check its spelling and indentation)",
    ]
    bad = PINNED.replace("type: rate", "type: flat")
    [found] = issues(bad)  # the unknown type named; plugins' types follow the built-ins
    assert found.startswith(
        "components[1].type: unknown component type 'flat': "
        "must be one of tiered, rate, override, bonus, pool"
    )
    bad = PINNED.replace("period: month", "period: week")
    assert issues(bad)[0].startswith("period: must be one of")
    bad = PINNED.replace("mode: marginal", "mode: marginal\n    tiers_x: 1")
    assert issues(bad) == [
        "components[0].tiers_x: unknown key (check its spelling and indentation)"
    ]


def test_semantic_errors_name_the_path() -> None:
    bad = PINNED.replace("{from: 1.0, rate: 0.06}", "{from: 0.0, rate: 0.06}")
    assert issues(bad) == ["components[0].tiers[1].from: must be greater than tiers[0].from (0.0)"]
    bad = PINNED.replace("name: profit_share", "name: revenue_commission")
    assert issues(bad) == ["components[1].name: the same name as components[0]"]
    bad = PINNED.replace("name: profit_share", "name: payout")
    assert issues(bad) == ["components[1].name: 'payout' is a reserved column name"]
    bad = PINNED.replace("base: profit", "base: revnue")
    assert issues(bad) == ["components[1].base: unknown metric 'revnue'"]
    bad = PINNED + "cap: {multiple: 2}\n"
    assert issues(bad) == ["cap.multiple: a multiple needs target_incentive"]
    bad = PINNED + "gates:\n  - {metric: attainment, below: 0.5, applies_to: [nothing]}\n"
    assert issues(bad) == ["gates[0].applies_to[0]: no component is named 'nothing'"]
    bonus = PINNED + (
        "  - name: b\n    type: bonus\n    amount: 5\n    when: [{metric: attainment}]\n"
    )
    assert issues(bonus) == ["components[2].when[0]: give min, max or both"]
    quarterly = PINNED.replace("period: month", "period: quarter") + (
        "  - name: b\n    type: bonus\n    every: month\n    amount: 5\n"
        "    when: [{metric: attainment, min: 1}]\n"
    )
    assert issues(quarterly) == [
        "components[2].every: a bonus cannot be paid more often than the plan's period (quarter)"
    ]
    accelerated = PINNED.replace("upto: 1.0", "accelerators: [{from: 1.2, multiplier: 0.5}]")
    assert issues(accelerated) == [
        "components[0].accelerators[0].multiplier: an accelerator multiplies by 1 or more "
        "(use decelerators to pay less)"
    ]


def test_yaml_errors_and_duplicate_keys() -> None:
    assert issues("name: [unclosed")[0].startswith("YAML error at line 1")
    found = issues("name: a\nname: b\ncomponents: []\n")
    assert found[0].startswith("YAML error at line 2") and "duplicate key 'name'" in found[0]
    assert issues("- a list") == ["a plan must be a YAML mapping (name, period, components …)"]


def test_metrics_absent_now_are_warnings_not_errors() -> None:
    text = PINNED + (
        "  - name: fresh\n    type: bonus\n    amount: 500\n"
        "    when: [{metric: new_customers, min: 3}]\n"
        "gates:\n  - {metric: satisfaction, below: 3.5, multiplier: 0.5}\n"
    )
    checked = parse_plan(text, frozenset({"revenue", "profit"}))
    assert [str(w) for w in checked.warnings] == [
        "components[2].when[0].metric: metric 'new_customers' is not available now "
        "(its plugin is off): the condition counts as not met",
        "gates[0].metric: metric 'satisfaction' is not available now (its plugin is off): "
        "the gate is not applied",
    ]
    retro = PINNED.replace("marginal", "retroactive").replace("rate: 0.06", "rate: 0.04")
    assert [w.code for w in parse_plan(retro).warnings] == ["retro_falls"]


def test_edits_by_path_and_their_validation() -> None:
    base = parse_plan(PINNED).plan
    changed = apply_edits(base, {"components[0].tiers[1].rate": 0.08, "cap.amount": 9000})
    assert changed.components[0].tiers[1].rate == 0.08  # type: ignore[union-attr]
    assert changed.cap is not None and changed.cap.amount == 9000
    assert base.components[0].tiers[1].rate == 0.06  # type: ignore[union-attr]
    with pytest.raises(PlanInvalid) as caught:
        apply_edits(base, {"components[0].tiers[1].from": -1})
    assert str(caught.value.issues[0]) == "components[0].tiers[1].from: must be at least 0"
    with pytest.raises(PlanInvalid):
        apply_edits(base, {"components[7].rate": 1})


def test_knobs_round_trip_through_widgets() -> None:
    p = plan(
        {
            "name": "c",
            "type": "tiered",
            "tiers": [{"from": 0, "rate": 0.05}, {"from": 1, "rate": 0.06}],
        },
        {"name": "b", "type": "bonus", "amount": 100, "when": [{"metric": "growth", "min": 0.15}]},
        gates=[{"metric": "attainment", "below": 0.5}],
    )
    levers = {k.path: k for k in plan_levers(p)}
    assert set(levers) >= {
        "components[0].tiers[0].rate",
        "components[0].tiers[1].from",
        "components[1].when[0].min",
        "gates[0].below",
        "cap.amount",
    }
    values = {path: display(k.kind, k.value) for path, k in levers.items()}
    assert (
        values["components[0].tiers[1].rate"] == 6.0 and values["components[1].when[0].min"] == 15.0
    )
    assert edits_from(values, list(levers.values())) == {}
    values["components[0].tiers[1].rate"] = 7.5
    values["components[1].enabled"] = False
    assert edits_from(values, list(levers.values())) == {
        "components[0].tiers[1].rate": 0.075,
        "components[1].enabled": False,
    }
