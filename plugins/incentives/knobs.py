"""The levers of a plan: every number a what-if may change, addressed by its YAML path.

Pure: the simulator page turns each :class:`Knob` into a widget and the
widgets' values back into ``{path: value}`` edits for
:func:`plugins.incentives.plan.apply_edits`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from plugins.incentives.plan import Bonus, Override, Plan, Pool, Rate, Tiered

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
class Knob:
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


def display(knob_kind: Kind, value: Any) -> Any:
    """Model value -> widget value (fractions become percentages)."""
    if knob_kind in ("rate", "share") and value is not None:
        return round(float(value) * 100, 6)
    return value


def model(knob_kind: Kind, value: Any) -> Any:
    """Widget value -> model value."""
    if knob_kind in ("rate", "share") and value is not None:
        return round(float(value) / 100, 9)
    return value


def _threshold_kind(metric: str) -> Kind:
    return "share" if metric in RATIO_METRICS else "number"


def _tiered(i: int, comp: Tiered, owner: str) -> list[Knob]:
    path = f"components[{i}]"
    bound: Kind = "share" if comp.measure == "attainment" else "amount"
    out: list[Knob] = []
    for j, tier in enumerate(comp.tiers):
        if j > 0 or tier.lo > 0:
            out.append(
                Knob(
                    f"{path}.tiers[{j}].from",
                    bound,
                    tier.lo,
                    "rates",
                    owner,
                    "incentives.knob.tier_from",
                    (("n", j + 1),),
                )
            )
        out.append(
            Knob(
                f"{path}.tiers[{j}].rate",
                "rate",
                tier.rate,
                "rates",
                owner,
                "incentives.knob.tier_rate",
                (("n", j + 1),),
            )
        )
    if comp.upto is not None:
        out.append(Knob(f"{path}.upto", bound, comp.upto, "rates", owner, "incentives.knob.upto"))
    for name, bands in (("accelerators", comp.accelerators), ("decelerators", comp.decelerators)):
        for j, band in enumerate(bands):
            where = f"{path}.{name}[{j}]"
            out.append(
                Knob(
                    f"{where}.from",
                    bound,
                    band.lo,
                    "rates",
                    owner,
                    f"incentives.knob.{name}_from",
                    (("n", j + 1),),
                )
            )
            out.append(
                Knob(
                    f"{where}.multiplier",
                    "multiplier",
                    band.multiplier,
                    "rates",
                    owner,
                    f"incentives.knob.{name}_mult",
                    (("n", j + 1),),
                )
            )
    return out


def _component(i: int, comp: Tiered | Rate | Override | Bonus | Pool) -> list[Knob]:
    path = f"components[{i}]"
    owner = comp.label or comp.name
    group: Group = "bonuses" if isinstance(comp, Bonus | Pool) else "rates"
    out = [Knob(f"{path}.enabled", "toggle", comp.enabled, group, owner, "incentives.knob.enabled")]
    if isinstance(comp, Tiered):
        out += _tiered(i, comp, owner)
    elif isinstance(comp, Rate | Override):
        out.append(Knob(f"{path}.rate", "rate", comp.rate, "rates", owner, "incentives.knob.rate"))
        if isinstance(comp, Override) and comp.min_team_attainment is not None:
            out.append(
                Knob(
                    f"{path}.min_team_attainment",
                    "share",
                    comp.min_team_attainment,
                    "rates",
                    owner,
                    "incentives.knob.min_team_attainment",
                )
            )
    elif isinstance(comp, Bonus):
        out.append(
            Knob(
                f"{path}.amount", "amount", comp.amount, "bonuses", owner, "incentives.knob.amount"
            )
        )
        for j, cond in enumerate(comp.when):
            for side in ("min", "max"):
                value = getattr(cond, side)
                if value is not None:
                    out.append(
                        Knob(
                            f"{path}.when[{j}].{side}",
                            _threshold_kind(cond.metric),
                            value,
                            "bonuses",
                            owner,
                            f"incentives.knob.when_{side}",
                            (("metric", cond.metric),),
                        )
                    )
    else:
        if comp.share_of_profit is not None:
            out.append(
                Knob(
                    f"{path}.share_of_profit",
                    "rate",
                    comp.share_of_profit,
                    "bonuses",
                    owner,
                    "incentives.knob.share_of_profit",
                )
            )
        if comp.amount is not None:
            out.append(
                Knob(
                    f"{path}.amount",
                    "amount",
                    comp.amount,
                    "bonuses",
                    owner,
                    "incentives.knob.pool_amount",
                )
            )
        out.append(
            Knob(
                f"{path}.min_attainment",
                "share",
                comp.min_attainment,
                "bonuses",
                owner,
                "incentives.knob.min_attainment",
            )
        )
    if comp.cap is not None:
        out.append(Knob(f"{path}.cap", "amount", comp.cap, "gates", owner, "incentives.knob.cap"))
    return out


def knobs(plan: Plan) -> list[Knob]:
    """Every lever of ``plan``, components first, then gates and the plan's cap."""
    out: list[Knob] = []
    for i, comp in enumerate(plan.components):
        out += _component(i, comp)
    for i, gate in enumerate(plan.gates):
        owner = f"gate:{gate.metric}"
        path = f"gates[{i}]"
        out += [
            Knob(
                f"{path}.enabled", "toggle", gate.enabled, "gates", owner, "incentives.knob.enabled"
            ),
            Knob(
                f"{path}.below",
                _threshold_kind(gate.metric),
                gate.below,
                "gates",
                owner,
                "incentives.knob.gate_below",
                (("metric", gate.metric),),
            ),
            Knob(
                f"{path}.multiplier",
                "multiplier",
                gate.multiplier,
                "gates",
                owner,
                "incentives.knob.gate_multiplier",
            ),
        ]
    if plan.cap is not None and plan.cap.multiple is not None:
        out.append(
            Knob(
                "cap.multiple",
                "multiplier",
                plan.cap.multiple,
                "gates",
                "cap",
                "incentives.knob.cap_multiple",
            )
        )
    else:
        amount = plan.cap.amount if plan.cap is not None else None
        out.append(
            Knob("cap.amount", "amount", amount, "gates", "cap", "incentives.knob.cap_amount")
        )
    return out


def edits_from(values: dict[str, Any], levers: list[Knob]) -> dict[str, Any]:
    """``{path: model value}`` for every knob whose widget value differs from the plan."""
    edits: dict[str, Any] = {}
    for knob in levers:
        if knob.path not in values:
            continue
        new = model(knob.kind, values[knob.path])
        if knob.kind == "toggle":
            if bool(new) != bool(knob.value):
                edits[knob.path] = bool(new)
            continue
        if new is None:
            continue
        if knob.value is None:
            if float(new) > 0:
                edits[knob.path] = float(new)
            continue
        if abs(float(new) - float(knob.value)) > 1e-9:
            edits[knob.path] = float(new)
    return edits
