"""Commission plans as documents: the YAML shape and its validation.

A plan is YAML validated by the pydantic models below (unknown keys are
refused). Every problem is reported as a :class:`Issue` whose ``path`` names
the bad key the way a person reads the document: ``components[0].tiers[1].rate``.
Checks that pydantic cannot express (tier order, names, metrics) run after
it and report paths just as precisely. ``docs/commission-plans.md`` documents
every key with worked examples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from plugins.incentives.errors import Issue, PlanInvalid
from plugins.incentives.logic.plan_yaml import from_pydantic, load_yaml

Grain = Literal["month", "quarter", "year"]
GRAIN_MONTHS: dict[str, int] = {"month": 1, "quarter": 3, "year": 12}
LEVELS = ("rep", "supervisor", "manager", "director")
# Figures every person-period row holds; anything else is a registry metric key.
FIGURES = (
    "revenue",
    "profit",
    "quota",
    "attainment",
    "team_revenue",
    "team_profit",
    "team_quota",
    "team_attainment",
)
BASES = ("revenue", "profit", "team_revenue", "team_profit")
# Metric keys the plugins agreed on: usable even while their plugin is off.
AGREED_METRICS = frozenset(
    {
        "revenue",
        "profit",
        "margin",
        "growth",
        "attainment",
        "order_lines",
        "new_customers",
        "followups",
        "visits",
        "overdue_customers",
        "a_grade_revenue_share",
        "pipeline_value",
        "weighted_pipeline",
        "win_rate",
        "conversion_rate",
        "days_to_close",
        "satisfaction",
        "complaints_in_time",
        "hires",
        "time_to_hire",
        "training_hours",
        "exam_avg_score",
        "bootcamp_completion",
        "appraisal_score",
        "values_score",
        "meeting_attendance",
        "actions_on_time",
    }
)
OWN_METRICS = frozenset({"payout", "cost_of_sales"})  # computed from plans: never an input
RESERVED_COLUMNS = frozenset(
    {
        "person_id",
        "name",
        "level",
        "period",
        "pay_month",
        "payout",
        "gate_adjustment",
        "cap_adjustment",
        "clawback",
        *FIGURES,
    }
)
NAME_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class Tier(_Model):
    """One tier: from ``from`` (in the measure's unit) up to the next tier's ``from``."""

    lo: float = Field(alias="from", ge=0)
    rate: float = Field(ge=0)


class Band(_Model):
    """A rate multiplier on the slice of the measure between ``from`` and ``to``."""

    lo: float = Field(alias="from", default=0.0, ge=0)
    to: float | None = Field(default=None, gt=0)
    multiplier: float = Field(ge=0)


class Condition(_Model):
    """``metric`` at least ``min`` (and at most ``max``) over the bonus period."""

    metric: str = Field(min_length=1, max_length=50)
    min: float | None = None
    max: float | None = None


class _Component(_Model):
    name: str = Field(pattern=NAME_PATTERN)
    label: str = Field(default="", max_length=100)
    enabled: bool = True
    cap: float | None = Field(default=None, ge=0)


class Tiered(_Component):
    type: Literal["tiered"]
    base: str = "revenue"
    measure: Literal["attainment", "amount"] = "attainment"
    mode: Literal["marginal", "retroactive"] = "marginal"
    upto: float | None = Field(default=None, gt=0)
    tiers: list[Tier] = Field(min_length=1, max_length=20)
    accelerators: list[Band] = Field(default_factory=list, max_length=10)
    decelerators: list[Band] = Field(default_factory=list, max_length=10)


class Rate(_Component):
    type: Literal["rate"]
    base: str = "revenue"
    rate: float = Field(ge=0)


class Override(_Component):
    type: Literal["override"]
    base: Literal["revenue", "profit"] = "revenue"
    rate: float = Field(ge=0)
    min_team_attainment: float | None = Field(default=None, ge=0)


class Bonus(_Component):
    type: Literal["bonus"]
    every: Grain | None = None
    amount: float = Field(ge=0)
    when: list[Condition] = Field(min_length=1, max_length=10)


class Pool(_Component):
    type: Literal["pool"]
    amount: float | None = Field(default=None, ge=0)
    share_of_profit: float | None = Field(default=None, ge=0, le=1)
    split: Literal["attainment", "appraisal"] = "appraisal"
    min_attainment: float = Field(default=0.0, ge=0)
    max_attainment: float | None = Field(default=None, gt=0)
    power: float = Field(default=1.0, gt=0, le=4)


Component = Annotated[Tiered | Rate | Override | Bonus | Pool, Field(discriminator="type")]


class Gate(_Model):
    """Below ``below`` on ``metric`` the payout is multiplied by ``multiplier``."""

    metric: str = Field(min_length=1, max_length=50)
    below: float
    multiplier: float = Field(default=0.0, ge=0, le=1)
    applies_to: list[str] | None = None
    enabled: bool = True


class Cap(_Model):
    amount: float | None = Field(default=None, ge=0)
    multiple: float | None = Field(default=None, gt=0)


class TargetIncentive(_Model):
    amount: float | None = Field(default=None, ge=0)
    share_of_quota: float | None = Field(default=None, ge=0, le=1)


class Clawback(_Model):
    enabled: bool = True
    within_months: int = Field(default=12, ge=1, le=60)


class Eligible(_Model):
    levels: list[Literal["rep", "supervisor", "manager", "director"]] = Field(min_length=1)


class Plan(_Model):
    name: str = Field(min_length=1, max_length=100)
    period: Grain = "month"
    effective_from: str | None = Field(default=None, pattern=MONTH_PATTERN)
    description: str = Field(default="", max_length=2000)
    eligible: Eligible | None = None
    target_incentive: TargetIncentive | None = None
    components: list[Component] = Field(min_length=1, max_length=30)
    gates: list[Gate] = Field(default_factory=list, max_length=10)
    cap: Cap | None = None
    clawback: Clawback = Clawback()

    @field_validator("target_incentive", mode="before")
    @classmethod
    def _number_is_amount(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return {"amount": value}
        return value

    def levels(self) -> tuple[str, ...]:
        return tuple(self.eligible.levels) if self.eligible else LEVELS

    def metrics(self) -> set[str]:
        """Registry metric keys this plan reads (bases, conditions, gates)."""
        keys: set[str] = set()
        for comp in self.components:
            if isinstance(comp, Tiered | Rate) and comp.base not in BASES:
                keys.add(comp.base)
            if isinstance(comp, Bonus):
                keys.update(c.metric for c in comp.when if c.metric not in FIGURES)
        keys.update(g.metric for g in self.gates if g.metric not in FIGURES)
        return keys

    def to_yaml(self) -> str:
        return dump_yaml(self)


@dataclass(frozen=True)
class Checked:
    plan: Plan
    warnings: list[Issue]


def dump_yaml(plan: Plan) -> str:
    data = plan.model_dump(by_alias=True, exclude_defaults=True, mode="json")
    data = {"name": data.pop("name"), "period": plan.period, **data}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=None)


# -- checks beyond the types ------------------------------------------------------


def _metric_issue(
    path: str, metric: str, available: frozenset[str] | None, use: str
) -> tuple[list[Issue], list[Issue]]:
    """(errors, warnings) for a metric key used at ``path``."""
    if metric in FIGURES:
        return [], []
    if metric in OWN_METRICS:
        return [Issue(path, "own_metric", {"metric": metric})], []
    known = available is not None and metric in available
    if not known and metric not in AGREED_METRICS:
        return [Issue(path, "unknown_metric", {"metric": metric})], []
    if available is not None and not known:
        return [], [Issue(path, f"absent_{use}", {"metric": metric})]
    return [], []


def _check_bands(path: str, bands: list[Band], accelerator: bool, errors: list[Issue]) -> None:
    for j, band in enumerate(bands):
        where = f"{path}[{j}]"
        if band.to is not None and band.to <= band.lo:
            errors.append(Issue(f"{where}.to", "band_order", {"lo": band.lo}))
        if accelerator and band.multiplier < 1:
            errors.append(Issue(f"{where}.multiplier", "accelerator_below_one"))
        if not accelerator and band.multiplier > 1:
            errors.append(Issue(f"{where}.multiplier", "decelerator_above_one"))


def _check_component(
    i: int,
    comp: Tiered | Rate | Override | Bonus | Pool,
    plan: Plan,
    available: frozenset[str] | None,
    errors: list[Issue],
    warnings: list[Issue],
) -> None:
    path = f"components[{i}]"
    if comp.name in RESERVED_COLUMNS:
        errors.append(Issue(f"{path}.name", "reserved_name", {"name": comp.name}))
    if isinstance(comp, Tiered | Rate) and comp.base not in BASES:
        more = _metric_issue(f"{path}.base", comp.base, available, "base")
        errors.extend(more[0])
        warnings.extend(more[1])
    if isinstance(comp, Tiered):
        for j in range(1, len(comp.tiers)):
            before, tier = comp.tiers[j - 1], comp.tiers[j]
            if tier.lo <= before.lo:
                errors.append(
                    Issue(
                        f"{path}.tiers[{j}].from", "tier_order", {"index": j - 1, "lo": before.lo}
                    )
                )
            elif comp.mode == "retroactive" and tier.rate < before.rate:
                warnings.append(Issue(f"{path}.tiers[{j}].rate", "retro_falls"))
        if comp.upto is not None and comp.upto <= comp.tiers[0].lo:
            errors.append(Issue(f"{path}.upto", "upto_low", {"lo": comp.tiers[0].lo}))
        _check_bands(f"{path}.accelerators", comp.accelerators, True, errors)
        _check_bands(f"{path}.decelerators", comp.decelerators, False, errors)
    if isinstance(comp, Bonus):
        every = comp.every or plan.period
        if GRAIN_MONTHS[every] < GRAIN_MONTHS[plan.period]:
            errors.append(Issue(f"{path}.every", "every_finer", {"period": plan.period}))
        for j, cond in enumerate(comp.when):
            where = f"{path}.when[{j}]"
            if cond.min is None and cond.max is None:
                errors.append(Issue(where, "condition_bound"))
            more = _metric_issue(f"{where}.metric", cond.metric, available, "condition")
            errors.extend(more[0])
            warnings.extend(more[1])
    if isinstance(comp, Pool) and (comp.amount is None) == (comp.share_of_profit is None):
        errors.append(Issue(path, "pool_size"))


def check(plan: Plan, available: frozenset[str] | None = None) -> Checked:
    """Cross-field checks; ``available`` = registry metric keys (``None``: skip)."""
    errors: list[Issue] = []
    warnings: list[Issue] = []
    names: dict[str, int] = {}
    for i, comp in enumerate(plan.components):
        if comp.name in names:
            errors.append(
                Issue(f"components[{i}].name", "duplicate_name", {"index": names[comp.name]})
            )
        names.setdefault(comp.name, i)
        _check_component(i, comp, plan, available, errors, warnings)
    for i, gate in enumerate(plan.gates):
        more = _metric_issue(f"gates[{i}].metric", gate.metric, available, "gate")
        errors.extend(more[0])
        warnings.extend(more[1])
        for j, name in enumerate(gate.applies_to or []):
            if name not in names:
                errors.append(Issue(f"gates[{i}].applies_to[{j}]", "no_component", {"name": name}))
    if plan.cap is not None:
        if (plan.cap.amount is None) == (plan.cap.multiple is None):
            errors.append(Issue("cap", "cap_kind"))
        elif plan.cap.multiple is not None and plan.target_incentive is None:
            errors.append(Issue("cap.multiple", "cap_needs_target"))
    ti = plan.target_incentive
    if ti is not None and (ti.amount is None) == (ti.share_of_quota is None):
        errors.append(Issue("target_incentive", "target_kind"))
    if errors:
        raise PlanInvalid(errors)
    return Checked(plan, warnings)


def parse_data(data: Any, available: frozenset[str] | None = None) -> Checked:
    if not isinstance(data, dict):
        raise PlanInvalid([Issue("", "not_mapping")])
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        raise PlanInvalid(from_pydantic(exc)) from None
    return check(plan, available)


def parse_plan(text: str, available: frozenset[str] | None = None) -> Checked:
    """The plan in ``text`` (YAML), or :class:`PlanInvalid` naming every bad key."""
    return parse_data(load_yaml(text), available)
