"""The hooks the incentives plugin declares for other plugins (found by the host's convention).

Implement them with ``@hookimpl(optionalhook=True)`` (incentives may be off);
``docs/plugin-hooks.md`` lists them under incentives, and
``docs/plugin-guide.md`` (section "Extending a module") walks through one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from command_center.hookspecs import hookspec

if TYPE_CHECKING:
    from plugins.incentives.logic.component_types import ComponentKit, ComponentType


@hookspec
def incentives_register_components(kit: type[ComponentKit]) -> list[ComponentType]:
    """New component types for commission plans: ``type: <tag>`` in a plan's ``components``.

    Build each with ``kit`` (no import of incentives needed):
    ``kit.ComponentType(type, model, amount, label, describe, levers=…, metrics=…,
    line=…, check=…, group=…)``:

    - ``model``: a pydantic model extending ``kit.Component`` (which holds
      ``name``, ``label``, ``enabled``, ``cap``) with ``type: Literal["<tag>"]``
      and the type's own keys, e.g. ``amount: float = Field(ge=0)``. The plan's
      validation uses it: unknown keys and bad values are refused with their
      path (``components[2].amount: must be at least 0``);
    - ``amount(comp, ctx)``: a Polars expression of the amount on each row of
      the person-period table (one row per person and plan period: figures
      ``revenue, profit, quota, attainment, team_revenue, …`` and one column per
      registry metric the type reads). ``ctx.number(key)`` is a metric's
      column with 0 where it is empty or absent. The component's ``cap``,
      gates, the plan's cap and rounding to the fen apply as for the built-ins;
    - ``metrics(comp)``: ``{path within the component: metric key}`` the type
      reads (``""``: the component itself); they are loaded for the engine
      and checked against the metric registry;
    - ``levers(comp)``: ``[kit.LeverSpec(path, kind, label_key)]``, the numbers
      the what-if simulator shows (``kind``: ``amount``, ``rate``, ``share``,
      ``number``, ``multiplier`` or ``toggle``); ``enabled`` and ``cap`` are
      added to every component;
    - ``label``: the message key naming the type on the plans page;
      ``describe(comp, plan, metric_label)``: what it pays, in words;
      ``line(comp)``: a statement line's wording when the component has no
      ``label``.

    The built-in types are defined the same way and come first; a tag already
    taken is refused and recorded against the plugin (shown by
    ``command-center plugins``). Without the plugin, a plan using its tag fails
    validation: ``components[i].type: unknown component type '<tag>'``.
    """
