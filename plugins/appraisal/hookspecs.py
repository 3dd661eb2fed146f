"""The hooks the appraisal plugin declares for other plugins (found by the host's convention).

Implement them with ``@hookimpl(optionalhook=True)`` (appraisal may be off);
``docs/plugin-hooks.md`` lists them under appraisal, and
``docs/plugin-guide.md`` (section "Extending a module") walks through one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from command_center.hookspecs import hookspec

if TYPE_CHECKING:
    from plugins.appraisal.logic.scoring_rules import ScoringKit, ScoringRule


@hookspec
def appraisal_register_scoring_rules(kit: type[ScoringKit]) -> list[ScoringRule]:
    """KPI scoring rules beside linear-with-ceiling and steps: attainment to points.

    Build each with ``kit`` (no import of appraisal needed):
    ``kit.Rule(name, label, points, uses=…, check=…, describe=…)``:

    - ``name``: what a KPI line stores as its rule (lower-case letters,
      digits and ``_``, at most 10 characters); ``label``: the message key
      naming it in the lines editor and on contracts;
    - ``points(lines)``: a Polars frame ``line_id, points`` for the lines of
      this rule that have an attainment; ``lines`` holds ``line_id, metric,
      attainment`` (1.0 = on target, lower-is-better KPIs already turned
      round), ``target, actual, weight, ceiling, floor, steps``. 100 points
      is on target; a line left out scores 0. The KPI score is the weighted
      mean of the lines' points, as for the built-ins;
    - ``uses``: which line parameters the rule reads, among ``ceiling``,
      ``floor`` and ``steps`` (a free text up to 200 characters, e.g. the
      rule's own table); the others are not kept on its lines;
    - ``check(line)``: ``kit.Refusal(message_key, params)`` when a line's
      parameters cannot be used (the contract is refused with that
      message), else ``None``; ``describe(line)``: its parameters in a few
      characters, shown after the label.

    The built-ins ``linear`` and ``steps`` are defined the same way and come
    first; a name already taken is refused and recorded against the plugin.
    A line whose rule is not installed, or whose rule fails (recorded against
    its plugin), is shown unavailable and its weight spread over the others.
    """
