"""The levers of a plan: every number a what-if may change, addressed by its YAML path.

Pure: the simulator page turns each :class:`Lever` into a widget and the
widgets' values back into ``{path: value}`` edits for
:func:`plugins.incentives.logic.plan_edits.apply_edits`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from plugins.incentives.logic.plan_model import Bonus, Override, Plan, Pool, Rate, Tiered

Kind = Literal["rate", "share", "amount", "number", "multiplier", "toggle"]
Group = Literal["rates", "bonuses", "gates"]
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


def _tiered(i: int, comp: Tiered, owner: str) -> list[Lever]:
    path = f"components[{i}]"
    bound: Kind = "share" if comp.measure == "attainment" else "amount"
    out: list[Lever] = []
    for j, tier in enumerate(comp.tiers):
        if j > 0 or tier.lo > 0:
            out.append(
                Lever(
                    f"{path}.tiers[{j}].from",
                    bound,
                    tier.lo,
                    "rates",
                    owner,
                    "incentives.lever.tier_from",
                    (("n", j + 1),),
                )
            )
        out.append(
            Lever(
                f"{path}.tiers[{j}].rate",
                "rate",
                tier.rate,
                "rates",
                owner,
                "incentives.lever.tier_rate",
                (("n", j + 1),),
            )
        )
    if comp.upto is not None:
        out.append(Lever(f"{path}.upto", bound, comp.upto, "rates", owner, "incentives.lever.upto"))
    for name, bands in (("accelerators", comp.accelerators), ("decelerators", comp.decelerators)):
        for j, band in enumerate(bands):
            where = f"{path}.{name}[{j}]"
            out.append(
                Lever(
                    f"{where}.from",
                    bound,
                    band.lo,
                    "rates",
                    owner,
                    f"incentives.lever.{name}_from",
                    (("n", j + 1),),
                )
            )
            out.append(
                Lever(
                    f"{where}.multiplier",
                    "multiplier",
                    band.multiplier,
                    "rates",
                    owner,
                    f"incentives.lever.{name}_mult",
                    (("n", j + 1),),
                )
            )
    return out


def _component(i: int, comp: Tiered | Rate | Override | Bonus | Pool) -> list[Lever]:
    path = f"components[{i}]"
    owner = comp.label or comp.name
    group: Group = "bonuses" if isinstance(comp, Bonus | Pool) else "rates"
    out = [
        Lever(f"{path}.enabled", "toggle", comp.enabled, group, owner, "incentives.lever.enabled")
    ]
    if isinstance(comp, Tiered):
        out += _tiered(i, comp, owner)
    elif isinstance(comp, Rate | Override):
        out.append(
            Lever(f"{path}.rate", "rate", comp.rate, "rates", owner, "incentives.lever.rate")
        )
        if isinstance(comp, Override) and comp.min_team_attainment is not None:
            out.append(
                Lever(
                    f"{path}.min_team_attainment",
                    "share",
                    comp.min_team_attainment,
                    "rates",
                    owner,
                    "incentives.lever.min_team_attainment",
                )
            )
    elif isinstance(comp, Bonus):
        out.append(
            Lever(
                f"{path}.amount", "amount", comp.amount, "bonuses", owner, "incentives.lever.amount"
            )
        )
        for j, cond in enumerate(comp.when):
            for side in ("min", "max"):
                value = getattr(cond, side)
                if value is not None:
                    out.append(
                        Lever(
                            f"{path}.when[{j}].{side}",
                            _threshold_kind(cond.metric),
                            value,
                            "bonuses",
                            owner,
                            f"incentives.lever.when_{side}",
                            (("metric", cond.metric),),
                        )
                    )
    else:
        if comp.share_of_profit is not None:
            out.append(
                Lever(
                    f"{path}.share_of_profit",
                    "rate",
                    comp.share_of_profit,
                    "bonuses",
                    owner,
                    "incentives.lever.share_of_profit",
                )
            )
        if comp.amount is not None:
            out.append(
                Lever(
                    f"{path}.amount",
                    "amount",
                    comp.amount,
                    "bonuses",
                    owner,
                    "incentives.lever.pool_amount",
                )
            )
        out.append(
            Lever(
                f"{path}.min_attainment",
                "share",
                comp.min_attainment,
                "bonuses",
                owner,
                "incentives.lever.min_attainment",
            )
        )
    if comp.cap is not None:
        out.append(Lever(f"{path}.cap", "amount", comp.cap, "gates", owner, "incentives.lever.cap"))
    return out


def plan_levers(plan: Plan) -> list[Lever]:
    """Every lever of ``plan``, components first, then gates and the plan's cap."""
    out: list[Lever] = []
    for i, comp in enumerate(plan.components):
        out += _component(i, comp)
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
