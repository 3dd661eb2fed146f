"""Commission plans as documents: the YAML shape and its validation.

A plan is YAML validated by the pydantic models below (unknown keys are
refused). Every problem is reported as a :class:`Issue` whose ``path`` names
the bad key the way a person reads the document: ``components[0].tiers[1].rate``.
Checks that pydantic cannot express (tier order, names, metrics) run after
it and report paths just as precisely. ``docs/commission-plans.md`` documents
every key with worked examples.

The ``type:`` of a component is one of the component types in force
(:mod:`plugins.incentives.logic.component_types`): the built-ins below, and
those other plugins add through the hook ``incentives_register_components``.
A plan parsed with more types than the built-ins is an instance of a subclass
of :class:`Plan` that knows them (``type(plan).component_types``), so editing
and re-validating it keeps them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from plugins.incentives.errors import Issue, PlanInvalid
from plugins.incentives.logic.plan_yaml import from_pydantic, load_yaml

if TYPE_CHECKING:
    from plugins.incentives.logic.component_types import ComponentTypes

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
BASES = ("revenue", "profit", "team_revenue", "team_profit", "collected")
# What a product rate may pay on: booked revenue, profit, or cash collected in the period.
LINE_BASES = ("revenue", "profit", "collected")
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


class ComponentBase(_Model):
    """What every component has: ``name`` (its column), ``label``, ``enabled``, ``cap``.

    A component type's model adds ``type: Literal["<type>"]`` and its own keys.
    """

    name: str = Field(pattern=NAME_PATTERN)
    label: str = Field(default="", max_length=100)
    enabled: bool = True
    cap: float | None = Field(default=None, ge=0)


_Component = ComponentBase


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
    # ``appraisal``: the amount x the person's published appraisal multiplier (of the
    # bonus's own period when one is published for it, else of its year; else 1).
    weighted_by: Literal["appraisal"] | None = None


class Pool(_Component):
    type: Literal["pool"]
    amount: float | None = Field(default=None, ge=0)
    share_of_profit: float | None = Field(default=None, ge=0, le=1)
    split: Literal["attainment", "appraisal"] = "appraisal"
    min_attainment: float = Field(default=0.0, ge=0)
    max_attainment: float | None = Field(default=None, gt=0)
    power: float = Field(default=1.0, gt=0, le=4)


class ProductRateEntry(_Model):
    """The rate of one product (by its key) or one category of the catalogue."""

    product: str | None = Field(default=None, min_length=1, max_length=64)
    category: str | None = Field(default=None, min_length=1, max_length=50)
    rate: float = Field(ge=0)


class ProductRate(_Component):
    type: Literal["product_rate"]
    base: Literal["revenue", "profit", "collected"] = "revenue"
    default: float = Field(default=0.0, ge=0)
    rates: list[ProductRateEntry] = Field(min_length=1, max_length=50)


class Spiff(_Component):
    """A bonus per order line of a product (or category) booked from ``from`` to ``to``."""

    type: Literal["spiff"]
    product: str | None = Field(default=None, min_length=1, max_length=64)
    category: str | None = Field(default=None, min_length=1, max_length=50)
    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")
    amount: float = Field(ge=0)


Component = Annotated[
    Tiered | Rate | Override | Bonus | Pool | ProductRate | Spiff, Field(discriminator="type")
]


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
    """A plan of the built-in component types; plugins' types make a subclass (see module)."""

    component_types: ClassVar[Any] = None  # ComponentTypes; None = the built-ins

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

    def types(self) -> ComponentTypes:
        """The component types this plan was validated with."""
        from plugins.incentives.logic.component_types import types_of

        return types_of(self)

    def metrics(self) -> set[str]:
        """Registry metric keys this plan reads (bases, conditions, gates, plugins' types)."""
        types = self.types()
        keys: set[str] = set()
        for comp in self.components:
            keys.update(m for m in types.of(comp).metrics(comp).values() if m not in FIGURES)
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
    path: str, metric: str, available: frozenset[str] | None, use: str, vouched: bool = False
) -> tuple[list[Issue], list[Issue]]:
    """(errors, warnings) for a metric key used at ``path``.

    ``vouched``: a plugin's component type reads it (its own metric): without
    ``available`` (a stored plan read again) it is taken as known.
    """
    if metric in FIGURES:
        return [], []
    if metric in OWN_METRICS:
        return [Issue(path, "own_metric", {"metric": metric})], []
    known = available is not None and metric in available
    if available is None and vouched:
        return [], []
    if not known and metric not in AGREED_METRICS:
        return [Issue(path, "unknown_metric", {"metric": metric})], []
    if available is not None and not known:
        return [], [Issue(path, f"absent_{use}", {"metric": metric})]
    return [], []


def _check_bands(path: str, bands: list[Band], accelerator: bool, errors: list[Issue]) -> None:
    """Bands at ``path`` (within the component)."""
    for j, band in enumerate(bands):
        where = f"{path}[{j}]"
        if band.to is not None and band.to <= band.lo:
            errors.append(Issue(f"{where}.to", "band_order", {"lo": band.lo}))
        if accelerator and band.multiplier < 1:
            errors.append(Issue(f"{where}.multiplier", "accelerator_below_one"))
        if not accelerator and band.multiplier > 1:
            errors.append(Issue(f"{where}.multiplier", "decelerator_above_one"))


def base_metrics(comp: Tiered | Rate) -> dict[str, str]:
    """The registry metric a tiered or rate component pays on (``{}``: a figure)."""
    return {} if comp.base in BASES else {"base": comp.base}


def condition_metrics(comp: Bonus) -> dict[str, str]:
    return {f"when[{j}].metric": cond.metric for j, cond in enumerate(comp.when)}


Found = tuple[list[Issue], list[Issue]]  # (errors, warnings), paths within the component


def tiered_checks(comp: Tiered, plan: Plan) -> Found:
    errors: list[Issue] = []
    warnings: list[Issue] = []
    for j in range(1, len(comp.tiers)):
        before, tier = comp.tiers[j - 1], comp.tiers[j]
        if tier.lo <= before.lo:
            errors.append(
                Issue(f"tiers[{j}].from", "tier_order", {"index": j - 1, "lo": before.lo})
            )
        elif comp.mode == "retroactive" and tier.rate < before.rate:
            warnings.append(Issue(f"tiers[{j}].rate", "retro_falls"))
    if comp.upto is not None and comp.upto <= comp.tiers[0].lo:
        errors.append(Issue("upto", "upto_low", {"lo": comp.tiers[0].lo}))
    _check_bands("accelerators", comp.accelerators, True, errors)
    _check_bands("decelerators", comp.decelerators, False, errors)
    return errors, warnings


def bonus_checks(comp: Bonus, plan: Plan) -> Found:
    errors: list[Issue] = []
    every = comp.every or plan.period
    if GRAIN_MONTHS[every] < GRAIN_MONTHS[plan.period]:
        errors.append(Issue("every", "every_finer", {"period": plan.period}))
    for j, cond in enumerate(comp.when):
        if cond.min is None and cond.max is None:
            errors.append(Issue(f"when[{j}]", "condition_bound"))
    return errors, []


def pool_checks(comp: Pool, plan: Plan) -> Found:
    if (comp.amount is None) == (comp.share_of_profit is None):
        return [Issue("", "pool_size")], []
    return [], []


def _one_of(product: str | None, category: str | None, where: str) -> list[Issue]:
    if (product is None) == (category is None):
        return [Issue(where, "product_or_category")]
    return []


def product_rate_checks(comp: ProductRate, plan: Plan) -> Found:
    errors: list[Issue] = []
    seen: dict[tuple[str | None, str | None], int] = {}
    for j, entry in enumerate(comp.rates):
        errors += _one_of(entry.product, entry.category, f"rates[{j}]")
        key = (entry.product, entry.category)
        if key in seen:
            errors.append(Issue(f"rates[{j}]", "duplicate_rate", {"index": seen[key]}))
        seen.setdefault(key, j)
    return errors, []


def spiff_checks(comp: Spiff, plan: Plan) -> Found:
    errors = _one_of(comp.product, comp.category, "")
    if comp.end < comp.start:
        errors.append(Issue("to", "spiff_dates", {"start": comp.start.isoformat()}))
    return errors, []


def _at(path: str, within: str) -> str:
    return f"{path}.{within}" if within else path


def _within(path: str, issue: Issue) -> Issue:
    """``issue`` (its path relative to a component) at the component's ``path``."""
    return Issue(_at(path, issue.path), issue.code, issue.params, issue.fallback)


def _check_component(
    i: int,
    comp: ComponentBase,
    plan: Plan,
    available: frozenset[str] | None,
    errors: list[Issue],
    warnings: list[Issue],
) -> None:
    path = f"components[{i}]"
    kind = plan.types().of(comp)
    if comp.name in RESERVED_COLUMNS:
        errors.append(Issue(f"{path}.name", "reserved_name", {"name": comp.name}))
    for where, metric in kind.metrics(comp).items():
        vouched = kind.plugin != "incentives"
        more = _metric_issue(_at(path, where), metric, available, kind.absent, vouched)
        errors.extend(more[0])
        warnings.extend(more[1])
    if kind.check is not None:
        bad, doubtful = kind.check(comp, plan)
        errors.extend(_within(path, issue) for issue in bad)
        warnings.extend(_within(path, issue) for issue in doubtful)


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


def parse_data(
    data: Any,
    available: frozenset[str] | None = None,
    types: ComponentTypes | None = None,
) -> Checked:
    """``data`` as a plan; ``types``: the component types allowed (default: those in force,
    the built-ins and every enabled plugin's, see ``component_types.installed_types``)."""
    from plugins.incentives.logic.component_types import installed_types

    types = types if types is not None else installed_types()
    if not isinstance(data, dict):
        raise PlanInvalid([Issue("", "not_mapping")])
    try:
        plan = types.plan_class.model_validate(data)
    except ValidationError as exc:
        raise PlanInvalid(from_pydantic(exc, types.names())) from None
    return check(plan, available)


def parse_plan(
    text: str, available: frozenset[str] | None = None, types: ComponentTypes | None = None
) -> Checked:
    """The plan in ``text`` (YAML), or :class:`PlanInvalid` naming every bad key."""
    return parse_data(load_yaml(text), available, types)
