"""The levers of a plan: every number a what-if may change, addressed by its YAML path.

Pure: the simulator page turns each :class:`Lever` into a widget and the
widgets' values back into ``{path: value}`` edits for
:func:`plugins.incentives.logic.plan_edits.apply_edits`. Each component's
levers come from its type (``ComponentType.levers``): the built-ins' below,
plugins' types from their own description.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from plugins.incentives.logic.component_types import (
    UNSET,
    ComponentType,
    Group,
    Kind,
    LeverSpec,
    types_of,
)
from plugins.incentives.logic.plan_edits import get_path
from plugins.incentives.logic.plan_model import (
    Bonus,
    ComponentBase,
    Override,
    Plan,
    Pool,
    ProductRate,
    Rate,
    Spiff,
    Tiered,
)

# Metrics whose thresholds read as percentages (ratios of 1).
RATIO_METRICS = frozenset(
    {
        "attainment",
        "team_attainment",
        "growth",
        "margin",
        "win_rate",
        "conversion_rate",
        "complaints_in_time",
        "a_grade_revenue_share",
        "bootcamp_completion",
        "meeting_attendance",
        "actions_on_time",
        "cost_of_sales",
    }
)


@dataclass(frozen=True)
class Lever:
    """One editable number (or switch) of a plan.

    ``kind``: ``rate`` (a fraction shown as %, 3 decimals), ``share`` (an
    attainment-like fraction shown as %), ``amount`` (yuan), ``number``,
    ``multiplier`` or ``toggle``. ``label`` is a message key with
    ``params``; ``owner`` is the component's (or gate's) display name.
    """

    path: str
    kind: Kind
    value: Any
    group: Group
    owner: str
    label: str
    params: tuple[tuple[str, Any], ...] = ()


def display(lever_kind: Kind, value: Any) -> Any:
    """Model value -> widget value (fractions become percentages)."""
    if lever_kind in ("rate", "share") and value is not None:
        return round(float(value) * 100, 6)
    return value


def model(lever_kind: Kind, value: Any) -> Any:
    """Widget value -> model value."""
    if lever_kind in ("rate", "share") and value is not None:
        return round(float(value) / 100, 9)
    return value


def _threshold_kind(metric: str) -> Kind:
    return "share" if metric in RATIO_METRICS else "number"


# What the base lever switches between: booked revenue or the cash collected.
BASE_CHOICES = ("revenue", "collected")


def base_lever(comp: Tiered | Rate) -> list[LeverSpec]:
    """The base switch (booked revenue <-> collected cash) of a component on either."""
    if comp.base not in BASE_CHOICES:
        return []
    return [LeverSpec("base", "base", "incentives.lever.base", value=comp.base)]


def tiered_levers(comp: Tiered) -> list[LeverSpec]:
    bound: Kind = "share" if comp.measure == "attainment" else "amount"
    out: list[LeverSpec] = base_lever(comp)
    for j, tier in enumerate(comp.tiers):
        n = (("n", j + 1),)
        if j > 0 or tier.lo > 0:
            out.append(
                LeverSpec(f"tiers[{j}].from", bound, "incentives.lever.tier_from", n, tier.lo)
            )
        out.append(
            LeverSpec(f"tiers[{j}].rate", "rate", "incentives.lever.tier_rate", n, tier.rate)
        )
    if comp.upto is not None:
        out.append(LeverSpec("upto", bound, "incentives.lever.upto", value=comp.upto))
    for name, bands in (("accelerators", comp.accelerators), ("decelerators", comp.decelerators)):
        for j, band in enumerate(bands):
            n = (("n", j + 1),)
            where = f"{name}[{j}]"
            out.append(
                LeverSpec(f"{where}.from", bound, f"incentives.lever.{name}_from", n, band.lo)
            )
            out.append(
                LeverSpec(
                    f"{where}.multiplier",
                    "multiplier",
                    f"incentives.lever.{name}_mult",
                    n,
                    band.multiplier,
                )
            )
    return out


def rate_levers(comp: Rate) -> list[LeverSpec]:
    return [*base_lever(comp), LeverSpec("rate", "rate", "incentives.lever.rate", value=comp.rate)]


def product_rate_levers(comp: ProductRate) -> list[LeverSpec]:
    out = [LeverSpec("default", "rate", "incentives.lever.default_rate", value=comp.default)]
    for j, entry in enumerate(comp.rates):
        what = entry.product if entry.product is not None else entry.category
        out.append(
            LeverSpec(
                f"rates[{j}].rate",
                "rate",
                "incentives.lever.product_rate",
                (("what", what),),
                entry.rate,
            )
        )
    return out


def spiff_levers(comp: Spiff) -> list[LeverSpec]:
    return [LeverSpec("amount", "amount", "incentives.lever.spiff_amount", value=comp.amount)]


def override_levers(comp: Override) -> list[LeverSpec]:
    out = [LeverSpec("rate", "rate", "incentives.lever.rate", value=comp.rate)]
    if comp.min_team_attainment is not None:
        out.append(
            LeverSpec(
                "min_team_attainment",
                "share",
                "incentives.lever.min_team_attainment",
                value=comp.min_team_attainment,
            )
        )
    return out


def bonus_levers(comp: Bonus) -> list[LeverSpec]:
    out = [LeverSpec("amount", "amount", "incentives.lever.amount", value=comp.amount)]
    for j, cond in enumerate(comp.when):
        for side in ("min", "max"):
            value = getattr(cond, side)
            if value is not None:
                out.append(
                    LeverSpec(
                        f"when[{j}].{side}",
                        _threshold_kind(cond.metric),
                        f"incentives.lever.when_{side}",
                        (("metric", cond.metric),),
                        value,
                    )
                )
    return out


def pool_levers(comp: Pool) -> list[LeverSpec]:
    out = []
    if comp.share_of_profit is not None:
        out.append(
            LeverSpec(
                "share_of_profit",
                "rate",
                "incentives.lever.share_of_profit",
                value=comp.share_of_profit,
            )
        )
    if comp.amount is not None:
        out.append(LeverSpec("amount", "amount", "incentives.lever.pool_amount", value=comp.amount))
    out.append(
        LeverSpec(
            "min_attainment", "share", "incentives.lever.min_attainment", value=comp.min_attainment
        )
    )
    return out


def _component(i: int, comp: ComponentBase, kind: ComponentType) -> list[Lever]:
    """The levers of one component: on/off, its type's levers, its cap."""
    path = f"components[{i}]"
    owner = comp.label or comp.name
    out = [
        Lever(
            f"{path}.enabled", "toggle", comp.enabled, kind.group, owner, "incentives.lever.enabled"
        )
    ]
    data: dict[str, Any] | None = None
    for spec in kind.levers(comp):
        value = spec.value
        if value is UNSET:
            data = data if data is not None else comp.model_dump(by_alias=True, mode="json")
            value = get_path(data, spec.path)
        group = spec.group or kind.group
        out.append(
            Lever(f"{path}.{spec.path}", spec.kind, value, group, owner, spec.label, spec.params)
        )
    if comp.cap is not None:
        out.append(Lever(f"{path}.cap", "amount", comp.cap, "gates", owner, "incentives.lever.cap"))
    return out


def plan_levers(plan: Plan) -> list[Lever]:
    """Every lever of ``plan``, components first, then gates and the plan's cap."""
    out: list[Lever] = []
    types = types_of(plan)
    for i, comp in enumerate(plan.components):
        out += _component(i, comp, types.of(comp))
    for i, gate in enumerate(plan.gates):
        owner = f"gate:{gate.metric}"
        path = f"gates[{i}]"
        out += [
            Lever(
                f"{path}.enabled",
                "toggle",
                gate.enabled,
                "gates",
                owner,
                "incentives.lever.enabled",
            ),
            Lever(
                f"{path}.below",
                _threshold_kind(gate.metric),
                gate.below,
                "gates",
                owner,
                "incentives.lever.gate_below",
                (("metric", gate.metric),),
            ),
            Lever(
                f"{path}.multiplier",
                "multiplier",
                gate.multiplier,
                "gates",
                owner,
                "incentives.lever.gate_multiplier",
            ),
        ]
    if plan.cap is not None and plan.cap.multiple is not None:
        out.append(
            Lever(
                "cap.multiple",
                "multiplier",
                plan.cap.multiple,
                "gates",
                "cap",
                "incentives.lever.cap_multiple",
            )
        )
    else:
        amount = plan.cap.amount if plan.cap is not None else None
        out.append(
            Lever("cap.amount", "amount", amount, "gates", "cap", "incentives.lever.cap_amount")
        )
    return out


def edits_from(values: dict[str, Any], levers: list[Lever]) -> dict[str, Any]:
    """``{path: model value}`` for every lever whose widget value differs from the plan."""
    edits: dict[str, Any] = {}
    for lever in levers:
        if lever.path not in values:
            continue
        new = model(lever.kind, values[lever.path])
        if lever.kind == "base":
            if new is not None and str(new) != str(lever.value):
                edits[lever.path] = str(new)
            continue
        if lever.kind == "toggle":
            if bool(new) != bool(lever.value):
                edits[lever.path] = bool(new)
            continue
        if new is None:
            continue
        if lever.value is None:
            if float(new) > 0:
                edits[lever.path] = float(new)
            continue
        if abs(float(new) - float(lever.value)) > 1e-9:
            edits[lever.path] = float(new)
    return edits
