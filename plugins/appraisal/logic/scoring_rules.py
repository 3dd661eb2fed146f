"""KPI scoring rules: how a line's attainment becomes points, the built-ins and the plugins'.

A :class:`ScoringRule` is named by the ``rule`` a KPI line stores (ten
characters at most). It reads the line's attainment and, as it declares in
``uses``, the line's ``ceiling``, ``floor`` and ``steps`` (a text of its own,
up to 200 characters): the editor and the contract keep those for it. The
built-ins ``linear`` (linear with ceiling) and ``steps`` (thresholds) are
:func:`builtin_rules`; other plugins add theirs through the hook
``appraisal_register_scoring_rules`` (``plugins/appraisal/hookspecs.py``),
collected once per plugin host by :func:`installed_rules`.

Pure: Polars only.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from command_center import extensions
from plugins.appraisal.logic.cycle import Refusal
from plugins.appraisal.logic.steps import parse_steps

if TYPE_CHECKING:
    from command_center.plugins import PluginHost
    from plugins.appraisal.logic.scoring import Line

HOOK = "appraisal_register_scoring_rules"
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,9}$")
PARAMS: frozenset[str] = frozenset({"ceiling", "floor", "steps"})
POINTS_SCHEMA: dict[str, pl.DataType] = {"line_id": pl.Int64(), "points": pl.Float64()}


@dataclass(frozen=True)
class ScoringRule:
    """One scoring rule (``rule`` of a KPI line).

    - ``name``: what lines store (lower-case, at most 10 characters);
      ``label``: the message key naming it (editor, contract table);
    - ``points(lines)``: ``line_id, points`` for the lines of this rule that
      have an attainment (``line_id, metric, attainment`` (1.0 = on target),
      ``target, actual, weight, ceiling, floor, steps``); 100 points = on
      target; a line left out scores 0;
    - ``uses``: which of ``ceiling``, ``floor``, ``steps`` the rule reads (the
      others are not kept on its lines);
    - ``check(line)``: a :class:`Refusal` for a line whose parameters cannot
      be used, else ``None``;
    - ``describe(line)``: the rule's parameters in a few characters (e.g.
      ``≤ 120%``), shown after its label.

    ``plugin`` is set by :func:`installed_rules` to the plugin that added it.
    """

    name: str
    label: str
    points: Callable[[pl.DataFrame], pl.DataFrame]
    uses: frozenset[str] = frozenset()
    check: Callable[[Line], Refusal | None] | None = None
    describe: Callable[[Line], str] | None = None
    plugin: str = "appraisal"

    def words(self, line: Line) -> str:
        """What a contract table shows for ``line``: the label's translation and parameters."""
        from command_center.i18n import t

        extra = self.describe(line) if self.describe is not None else ""
        return f"{t(self.label)} {extra}".strip()


class ScoringKit:
    """What implementations of ``appraisal_register_scoring_rules`` build with (no import of
    appraisal): ``kit.Rule`` and ``kit.Refusal`` (a message key and its parameters)."""

    Rule = ScoringRule
    Refusal = Refusal


def _linear_points(lines: pl.DataFrame) -> pl.DataFrame:
    points = (
        pl.when(pl.col("attainment") < pl.col("floor"))
        .then(0.0)
        .otherwise(pl.min_horizontal("attainment", "ceiling") * 100)
    )
    return lines.select("line_id", points.alias("points"))


def _step_points(lines: pl.DataFrame) -> pl.DataFrame:
    """The points of the highest step whose attainment (in %) each line reaches."""
    tables = {text: parse_steps(text) for text in lines["steps"].unique().to_list()}
    table = pl.DataFrame(
        {
            "steps": [text for text, steps in tables.items() for _ in steps],
            "low": [low for steps in tables.values() for low, _ in steps],
            "points": [points for steps in tables.values() for _, points in steps],
        },
        schema={"steps": pl.String, "low": pl.Float64, "points": pl.Float64},
    )
    return (
        lines.select("line_id", "steps", "attainment")
        .join(table, on="steps", how="inner")
        .filter(pl.col("attainment") * 100 >= pl.col("low") - 1e-9)
        .group_by("line_id")
        .agg(pl.col("points").sort_by("low", descending=True).first())
    )


def _linear_check(line: Line) -> Refusal | None:
    if line.ceiling < 1:
        return Refusal("appraisal.error.bad_ceiling", {"metric": line.metric})
    if not 0 <= line.floor < line.ceiling:
        return Refusal("appraisal.error.bad_floor", {"metric": line.metric})
    return None


def _steps_check(line: Line) -> Refusal | None:
    try:
        parse_steps(line.steps)
    except ValueError as exc:
        return Refusal("appraisal.error.bad_steps", {"metric": line.metric, "part": str(exc)})
    return None


@functools.cache
def builtin_rules() -> dict[str, ScoringRule]:
    """``linear`` and ``steps``, defined the way plugins define theirs."""
    return {
        "linear": ScoringRule(
            "linear",
            "appraisal.rule.linear",
            _linear_points,
            frozenset({"ceiling", "floor"}),
            _linear_check,
            lambda line: f"≤ {line.ceiling:.0%}",
        ),
        "steps": ScoringRule(
            "steps",
            "appraisal.rule.steps",
            _step_points,
            frozenset({"steps"}),
            _steps_check,
            lambda line: f"({line.steps})",
        ),
    }


def refusal(found: Any) -> str | None:
    """Why ``found`` (one answer of the hook) cannot be a scoring rule, or ``None``."""
    if not isinstance(found, ScoringRule):
        return f"{found!r} is not a kit.Rule"
    if not NAME_PATTERN.match(found.name):
        return f"scoring rule {found.name!r}: lower-case letters, digits and _, 10 at most"
    if not found.uses <= PARAMS:
        return f"scoring rule {found.name!r}: uses only {', '.join(sorted(PARAMS))}"
    if not callable(found.points):
        return f"scoring rule {found.name!r}: points must be a function"
    return None


installed_rules = extensions.registry(
    HOOK, lambda: builtin_rules().values(), name=lambda r: r.name, refuse=refusal, kit=ScoringKit
)
"""``{name: ScoringRule}`` for a host (default: the process's), built-ins first."""


def rules_for(names: Iterable[str], host: PluginHost | None = None) -> Mapping[str, ScoringRule]:
    """The rules to read lines using ``names``: the built-ins alone when they suffice
    (no plugin host needed), else the installed ones."""
    builtins = builtin_rules()
    return builtins if set(names) <= set(builtins) else installed_rules(host)


def rule_points(
    rules: Mapping[str, ScoringRule], lines: pl.DataFrame
) -> tuple[pl.DataFrame, set[str]]:
    """:data:`POINTS_SCHEMA` for ``lines`` (with an attainment) by their rules, and the
    plugins' rules that failed (recorded against their plugin): a rule not
    installed, or failing, scores none of its lines."""
    parts = [pl.DataFrame(schema=POINTS_SCHEMA)]
    failed: set[str] = set()
    for name in sorted(set(lines["rule"].to_list())):
        rule = rules.get(name)
        if rule is None:
            continue
        mine = lines.filter(pl.col("rule") == name)
        try:
            found = rule.points(mine).select("line_id", "points").cast(POINTS_SCHEMA)  # type: ignore[arg-type]
        except Exception as exc:
            if rule.plugin == "appraisal":
                raise
            from command_center.plugins import get_host

            error = f"scoring rule {name!r}: {type(exc).__name__}: {exc}"
            extensions.failed(get_host(), rule.plugin, HOOK, error)
            failed.add(name)
            continue
        parts.append(found.filter(pl.col("line_id").is_in(mine["line_id"].implode())))
    return pl.concat(parts).unique("line_id", keep="first"), failed
