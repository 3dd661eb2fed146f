"""Plan component types: what a component's ``type:`` may be, and how each type behaves.

A :class:`ComponentType` bundles everything the plugin does with one kind of
component: the pydantic model that validates its YAML entry, the engine
function that computes its amount on each person-period row, the levers the
simulator shows, and the words the plans page and statements use. The five
built-ins (``tiered``, ``rate``, ``override``, ``bonus``, ``pool``) are
:func:`builtin_types`; other plugins add theirs through the hook
``incentives_register_components`` (``plugins/incentives/hookspecs.py``),
collected by :func:`installed_types` for the plugin host in force.

Pure: no I/O. The host is only asked which types its plugins add.
"""

from __future__ import annotations

import functools
import re
import threading
import typing
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Annotated, Any, Literal

import polars as pl
from pydantic import Field, create_model

from plugins.incentives.errors import Issue
from plugins.incentives.logic.plan_model import ComponentBase, Plan
from plugins.incentives.logic.plan_yaml import COMPONENT_TYPES

if TYPE_CHECKING:
    from command_center.plugins import PluginHost
    from plugins.incentives.logic.engine import EngineContext

HOOK = "incentives_register_components"
Kind = Literal["rate", "share", "amount", "number", "multiplier", "toggle", "base"]
Group = Literal["rates", "bonuses", "gates"]
MetricLabel = Callable[[str], str]
TYPE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


@dataclass(frozen=True)
class LeverSpec:
    """One number (or switch) of a component that the what-if simulator may move.

    ``path`` is relative to the component (``amount``, ``tiers[1].rate``), as
    the plan's YAML spells it; ``kind``: ``rate`` (a fraction shown as %),
    ``share`` (an attainment-like fraction shown as %), ``amount`` (yuan),
    ``number``, ``multiplier`` or ``toggle``; ``label``: a message key, with
    ``params``. ``value`` defaults to the component's value at ``path``;
    ``group`` (the simulator's tab) to the type's.
    """

    path: str
    kind: Kind
    label: str
    params: tuple[tuple[str, Any], ...] = ()
    value: Any = UNSET
    group: Group | None = None


def _no_levers(comp: Any) -> Sequence[LeverSpec]:
    return ()


def _no_metrics(comp: Any) -> Mapping[str, str]:
    return {}


@dataclass(frozen=True)
class ComponentType:
    """One kind of plan component (``type: <type>`` in a plan's ``components``).

    - ``type``: the YAML tag (lower-case letters, digits and ``_``);
    - ``model``: its pydantic model, a subclass of ``ComponentBase`` (``name``,
      ``label``, ``enabled``, ``cap``) with ``type: Literal["<type>"]`` and the
      type's own keys; unknown keys are refused, errors name their path;
    - ``amount(comp, ctx)``: a Polars expression of the amount on each
      person-period row (``person_id, level, period, pay_month``, the figures
      ``revenue, profit, quota, attainment, team_*`` and one column per
      registry metric the type reads); ``ctx.value(metric)`` gives a metric's
      column (``None``, with a note, when it is absent) and
      ``ctx.number(metric)`` the same with 0 for absent. The component's
      ``cap`` and the rounding to the fen are applied after it;
    - ``label``: the message key naming the type (plans page);
    - ``describe(comp, plan, metric_label)``: what it pays, in words;
    - ``levers(comp)``: its :class:`LeverSpec` s (``enabled`` and ``cap`` are
      added for every type);
    - ``metrics(comp)``: ``{path within the component: registry metric key}``
      it reads (``""``: the component itself), loaded into the figures and
      checked against the registry;
    - ``line(comp)``: a statement line's wording when the component has no
      ``label`` (default: its name);
    - ``check(comp, plan)``: ``(errors, warnings)``, lists of ``Issue`` with
      paths within the component, for rules pydantic cannot express;
    - ``group``: the simulator tab of its levers (``rates`` or ``bonuses``);
    - ``absent``: what a missing metric means (``base``: it pays nothing,
      ``condition``: a condition on it is not met);
    - ``every(comp, plan)``: the grain it is computed and paid on (default the
      plan's period; a coarser one is paid in the plan period ending with it);
    - ``pool``: a year-end pool shared over everyone (built-in ``pool`` only).

    ``plugin`` is set by :func:`installed_types` to the plugin that added it.
    """

    type: str
    model: type[ComponentBase]
    amount: Callable[[Any, EngineContext], pl.Expr] | None
    label: str
    describe: Callable[[Any, Plan, MetricLabel], str]
    levers: Callable[[Any], Sequence[LeverSpec]] = _no_levers
    metrics: Callable[[Any], Mapping[str, str]] = _no_metrics
    line: Callable[[Any], str] | None = None
    check: Callable[[Any, Plan], tuple[list[Issue], list[Issue]]] | None = None
    group: Literal["rates", "bonuses"] = "bonuses"
    absent: Literal["base", "condition"] = "base"
    every: Callable[[Any, Plan], str] | None = None
    pool: bool = False
    plugin: str = "incentives"

    def grain(self, comp: Any, plan: Plan) -> str:
        return self.every(comp, plan) if self.every is not None else plan.period

    def line_label(self, comp: Any) -> str:
        """What a statement line of ``comp`` reads."""
        if comp.label:
            return str(comp.label)
        return self.line(comp) if self.line is not None else str(comp.name)


class ComponentKit:
    """What an implementation of ``incentives_register_components`` builds with.

    Passed as the hook's ``kit`` so that a plugin extends incentives without
    importing it: ``kit.Component`` (the base model), ``kit.ComponentType``,
    ``kit.LeverSpec`` and ``kit.Issue``.
    """

    Component = ComponentBase
    ComponentType = ComponentType
    LeverSpec = LeverSpec
    Issue = Issue


def refusal(found: object, known: Mapping[str, ComponentType]) -> str | None:
    """Why ``found`` (one answer of the hook) cannot be a component type, or ``None``."""
    if not isinstance(found, ComponentType):
        return f"{found!r} is not a ComponentType"
    if not TYPE_PATTERN.match(found.type):
        return f"component type {found.type!r}: lower-case letters, digits and _ only"
    if found.type in known:
        return f"component type {found.type!r} is already defined by {known[found.type].plugin!r}"
    if not (isinstance(found.model, type) and issubclass(found.model, ComponentBase)):
        return f"component type {found.type!r}: its model must extend kit.Component"
    tag = found.model.model_fields.get("type")
    if tag is None or typing.get_args(tag.annotation) != (found.type,):
        return f"component type {found.type!r}: its model needs type: Literal[{found.type!r}]"
    if found.amount is None or found.pool:
        return f"component type {found.type!r}: needs an amount function (pools are built in)"
    return None


class ComponentTypes:
    """The component types a plan may use, built-ins first, each by its tag."""

    def __init__(
        self, types: Iterable[ComponentType], plan_class: type[Plan] | None = None
    ) -> None:
        self._types = {kind.type: kind for kind in types}
        self._plan_class = plan_class

    def names(self) -> tuple[str, ...]:
        return tuple(self._types)

    def __contains__(self, tag: object) -> bool:
        return tag in self._types

    def __getitem__(self, tag: str) -> ComponentType:
        return self._types[tag]

    def __iter__(self) -> typing.Iterator[ComponentType]:
        return iter(self._types.values())

    def of(self, comp: Any) -> ComponentType:
        """The type of a component of a plan validated with these types."""
        return self._types[comp.type]

    @functools.cached_property
    def plan_class(self) -> type[Plan]:
        """The plan model whose components may be of these types (and knows them)."""
        if self._plan_class is not None:
            return self._plan_class
        models = tuple(kind.model for kind in self)
        union = Annotated[typing.Union[models], Field(discriminator="type")]  # noqa: UP007
        cls = create_model(
            "Plan",
            __base__=Plan,
            __module__=Plan.__module__,
            components=(list[union], Field(min_length=1, max_length=30)),  # type: ignore[valid-type]
        )
        cls.component_types = self
        return cls


def _bonus_every(comp: Any, plan: Plan) -> str:
    return str(comp.every or plan.period)


@functools.cache
def builtin_types() -> ComponentTypes:
    """The built-in types, the way plugins' types are defined."""
    from plugins.incentives.logic import engine, levers, plan_model, wording

    kinds = [
        ComponentType(
            "tiered",
            plan_model.Tiered,
            engine.tiered_amount,
            "incentives.type.tiered",
            wording.pays_tiered,
            levers.tiered_levers,
            plan_model.base_metrics,
            check=plan_model.tiered_checks,
            group="rates",
        ),
        ComponentType(
            "rate",
            plan_model.Rate,
            engine.rate_amount,
            "incentives.type.rate",
            wording.pays_rate,
            levers.rate_levers,
            plan_model.base_metrics,
            group="rates",
        ),
        ComponentType(
            "override",
            plan_model.Override,
            engine.override_amount,
            "incentives.type.override",
            wording.pays_override,
            levers.override_levers,
            group="rates",
        ),
        ComponentType(
            "bonus",
            plan_model.Bonus,
            engine.bonus_amount,
            "incentives.type.bonus",
            wording.pays_bonus,
            levers.bonus_levers,
            plan_model.condition_metrics,
            check=plan_model.bonus_checks,
            absent="condition",
            every=_bonus_every,
        ),
        ComponentType(
            "pool",
            plan_model.Pool,
            None,
            "incentives.type.pool",
            wording.pays_pool,
            levers.pool_levers,
            check=plan_model.pool_checks,
            pool=True,
        ),
        ComponentType(
            "product_rate",
            plan_model.ProductRate,
            engine.product_rate_amount,
            "incentives.type.product_rate",
            wording.pays_product_rate,
            levers.product_rate_levers,
            check=plan_model.product_rate_checks,
            group="rates",
        ),
        ComponentType(
            "spiff",
            plan_model.Spiff,
            engine.spiff_amount,
            "incentives.type.spiff",
            wording.pays_spiff,
            levers.spiff_levers,
            check=plan_model.spiff_checks,
        ),
    ]
    assert tuple(kind.type for kind in kinds) == COMPONENT_TYPES
    return ComponentTypes(kinds, plan_class=Plan)


def types_of(plan: Plan) -> ComponentTypes:
    """The component types ``plan`` was validated with."""
    found = type(plan).component_types
    return found if found is not None else builtin_types()


def collect_types(host: PluginHost) -> ComponentTypes:
    """The built-ins, then each plugin's types in the host's calling order.

    A type that is refused (see :func:`refusal`) is recorded against its
    plugin under the hook's name, and left out.
    """
    kinds = {kind.type: kind for kind in builtin_types()}
    if not host.declares(HOOK):
        return builtin_types()
    added = False
    for result in host.call(HOOK, kit=ComponentKit):
        answers = result.value if isinstance(result.value, list | tuple) else [result.value]
        for found in answers:
            why = refusal(found, kinds)
            if why is not None:
                host.infos[result.plugin].hook_errors[HOOK] = why
                continue
            kinds[found.type] = replace(found, plugin=result.plugin)
            added = True
    return ComponentTypes(kinds.values()) if added else builtin_types()


_by_host: weakref.WeakKeyDictionary[PluginHost, ComponentTypes] = weakref.WeakKeyDictionary()
_lock = threading.RLock()  # a plugin asked for its types may parse a plan


def installed_types(host: PluginHost | None = None) -> ComponentTypes:
    """The types in force for ``host`` (default: the process's host), asked once per host."""
    from command_center.plugins import get_host

    host = host if host is not None else get_host()
    with _lock:
        found = _by_host.get(host)
        if found is None:
            found = _by_host[host] = collect_types(host)
    return found
