"""Grading rules: how a customer gets grade A, B or C, the built-in ABC and the plugins'.

A :class:`GradingRule` turns one row per customer (its ``facts`` in the
window: revenue, and with ``reads="orders"`` its order lines, order days and
last order) into grades. The company picks one rule (setting ``grading``);
every grade the plugin shows or uses (the grading page, a customer's record,
the follow-up cadence, the grade metrics) comes from it. The built-in
``abc`` (:mod:`plugins.customers.logic.abc`) is :func:`builtin_rules`;
other plugins add theirs through the hook ``customers_register_grading_rules``
(``plugins/customers/hookspecs.py``), collected by :func:`installed_rules`
for the plugin host in force.

Pure: Polars only. The host is only asked which rules its plugins add, and
told when one of them fails (the customers then get ABC grades).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import polars as pl

from command_center import extensions
from plugins.customers.logic import abc
from plugins.customers.logic.dates import Window

if TYPE_CHECKING:
    from command_center.plugins import PluginHost

HOOK = "customers_register_grading_rules"
DEFAULT = "abc"
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
Reads = Literal["revenue", "orders"]
FACT_SCHEMA: dict[str, pl.DataType] = {
    "customer_id": pl.Int64(),
    "revenue": pl.Float64(),
    "lines": pl.Int64(),
    "orders": pl.Int64(),
    "last_order": pl.Date(),
}
"""The facts of a rule reading ``orders`` (one reading ``revenue`` gets the first two)."""
HISTORY_SCHEMA: dict[str, pl.DataType] = {
    "as_of": pl.Date(),
    "customer_id": pl.Int64(),
    "revenue": pl.Float64(),
    "grade": pl.String(),
}


class GradingError(ValueError):
    """A rule's answer that cannot be grades (names the rule and what is wrong)."""


@dataclass(frozen=True)
class GradingContext:
    """What a rule grades against: the date, the window in months, the company's cut-offs."""

    as_of: dt.date
    months: int
    cutoffs: tuple[float, float] = abc.DEFAULT_CUTOFFS

    @property
    def window(self) -> Window:
        return Window.of(self.as_of, self.months)


@dataclass(frozen=True)
class GradingRule:
    """One way of grading customers (the company's setting ``grading`` names it).

    - ``name``: the setting's value; ``label``: the message key naming it;
    - ``describe(ctx)``: the rule in words (translated), for the grading page;
    - ``grade(facts, ctx)``: ``customer_id, grade`` (and optionally ``score``,
      higher first) for every customer of ``facts``; a frame with all of
      :data:`abc.ABC_SCHEMA` is taken as ranked by the rule itself;
    - ``reads``: ``revenue`` (facts ``customer_id, revenue``, read from the
      ledger's monthly totals) or ``orders`` (:data:`FACT_SCHEMA`, read from
      the window's order lines).

    ``plugin`` is set by :func:`installed_rules` to the plugin that added it.
    """

    name: str
    label: str
    describe: Callable[[GradingContext], str]
    grade: Callable[[pl.LazyFrame, GradingContext], pl.DataFrame]
    reads: Reads = "orders"
    plugin: str = "customers"


class GradingKit:
    """What an implementation of ``customers_register_grading_rules`` builds with.

    Passed as the hook's ``kit`` so that a plugin adds a rule without
    importing customers: ``kit.Rule``, ``kit.Context``, ``kit.GRADES`` and
    ``kit.abc`` (the built-in ABC grades of a ``customer_id, revenue`` frame,
    for a rule that refines them).
    """

    Rule = GradingRule
    Context = GradingContext
    GRADES = abc.GRADES

    @staticmethod
    def abc(facts: pl.LazyFrame | pl.DataFrame, cutoffs: Sequence[float]) -> pl.DataFrame:
        return abc.grade(facts, cutoffs)


def refusal(found: object) -> str | None:
    """Why ``found`` (one answer of the hook) cannot be a grading rule, or ``None``."""
    if not isinstance(found, GradingRule):
        return f"{found!r} is not a GradingRule"
    if not NAME_PATTERN.match(found.name):
        return f"grading rule {found.name!r}: lower-case letters, digits and _ only"
    if found.reads not in ("revenue", "orders"):
        return f"grading rule {found.name!r}: reads must be 'revenue' or 'orders'"
    if not (callable(found.grade) and callable(found.describe)):
        return f"grading rule {found.name!r}: grade and describe must be functions"
    return None


class GradingRules:
    """The rules a company may pick, the built-in first, each by its name."""

    def __init__(self, rules: Iterable[GradingRule], host: PluginHost | None = None) -> None:
        self._rules = {rule.name: rule for rule in rules}
        self._host = host

    def names(self) -> tuple[str, ...]:
        return tuple(self._rules)

    def __contains__(self, name: object) -> bool:
        return name in self._rules

    def __getitem__(self, name: str) -> GradingRule:
        return self._rules[name]

    def __iter__(self) -> Iterator[GradingRule]:
        return iter(self._rules.values())

    def chosen(self, name: str) -> GradingRule:
        """The rule ``name``, or ``abc`` when it is not installed."""
        return self._rules.get(name, self._rules[DEFAULT])

    def problem(self, rule: GradingRule) -> str | None:
        """The last failure recorded for ``rule``'s plugin under the hook, if any."""
        return extensions.problem(self._host, rule.plugin, HOOK)

    def failed(self, rule: GradingRule, error: str) -> None:
        """Record a plugin rule's failure against its plugin (the Admin page shows it)."""
        extensions.failed(self._host, rule.plugin, HOOK, f"grading rule {rule.name!r}: {error}")


def _abc_grades(facts: pl.LazyFrame, ctx: GradingContext) -> pl.DataFrame:
    return abc.grade(facts, ctx.cutoffs, ordered_by_id=True)


def _abc_words(ctx: GradingContext) -> str:
    from command_center.i18n import t

    a, b = ctx.cutoffs
    return t(
        "customers.abc.rule",
        a=f"{a:.0%}",
        b=f"{b:.0%}",
        months=ctx.months,
        as_of=ctx.as_of.isoformat(),
    )


@functools.cache
def builtin_rules() -> GradingRules:
    """The built-in ABC rule, defined the way plugins define theirs."""
    return GradingRules(
        [GradingRule(DEFAULT, "customers.grading.abc", _abc_words, _abc_grades, reads="revenue")]
    )


def collect_rules(host: PluginHost) -> GradingRules:
    """The built-in, then each plugin's rules in the host's calling order.

    A rule that is refused (see :func:`refusal`) is recorded against its
    plugin under the hook's name, and left out.
    """
    found = extensions.collect(
        host, HOOK, builtin_rules(), name=lambda r: r.name, refuse=refusal, kit=GradingKit
    )
    return GradingRules(found.values(), host)


installed_rules = extensions.PerHost(collect_rules)
"""The rules in force for a host (default: the process's host), asked once per host."""


def chosen_rule(name: str, host: PluginHost | None = None) -> GradingRule:
    """The rule a company's setting names, ``abc`` when it is not installed."""
    return installed_rules(host).chosen(name)


# -- facts and grades ------------------------------------------------------------------


def revenue_facts(ids: pl.LazyFrame, revenue: pl.LazyFrame) -> pl.LazyFrame:
    """``customer_id, revenue`` for every id (null: no revenue), in the ids' order."""
    return ids.join(revenue, on="customer_id", how="left", maintain_order="left")


def order_facts(
    ids: pl.LazyFrame, lines: pl.DataFrame | pl.LazyFrame, window: Window
) -> pl.LazyFrame:
    """:data:`FACT_SCHEMA` for every id from order lines (``customer_id, order_date, revenue``)."""
    inside = lines.lazy().filter(
        (pl.col("order_date") > window.after) & (pl.col("order_date") <= window.until)
    )
    per_customer = inside.group_by(pl.col("customer_id").cast(pl.Int32)).agg(
        pl.col("revenue").sum().cast(pl.Float64),
        pl.len().cast(pl.Int64).alias("lines"),
        pl.col("order_date").n_unique().cast(pl.Int64).alias("orders"),
        pl.col("order_date").max().alias("last_order"),
    )
    return (
        ids.join(per_customer, on="customer_id", how="left", maintain_order="left")
        .with_columns(pl.col("lines", "orders").fill_null(0))
        .cast(FACT_SCHEMA)
    )


def graded(rule: GradingRule, facts: pl.LazyFrame, ctx: GradingContext) -> pl.DataFrame:
    """:data:`abc.ABC_SCHEMA` in rank order: ``rule``'s grades of the customers of ``facts``.

    Rows are ranked A, B, C, then by the rule's ``score`` (higher first),
    revenue (higher first) and customer id. ``GradingError`` when the answer
    is not one grade A, B or C for each customer.
    """
    answer = rule.grade(facts, ctx)
    if not isinstance(answer, pl.DataFrame):
        raise GradingError(f"grading rule {rule.name!r}: grade returned {type(answer).__name__}")
    if set(abc.ABC_SCHEMA) <= set(answer.columns):
        return answer.select(list(abc.ABC_SCHEMA)).cast(abc.ABC_SCHEMA)  # type: ignore[arg-type]
    missing = {"customer_id", "grade"} - set(answer.columns)
    if missing:
        raise GradingError(f"grading rule {rule.name!r}: no column {', '.join(sorted(missing))}")
    ids = facts.select(pl.col("customer_id").cast(pl.Int64)).collect()
    given = answer.select(
        pl.col("customer_id").cast(pl.Int64),
        pl.col("grade").cast(pl.String),
        (pl.col("score") if "score" in answer.columns else pl.lit(0.0))
        .cast(pl.Float64)
        .alias("score"),
    )
    bad = given.filter(~pl.col("grade").is_in(abc.GRADES) | pl.col("grade").is_null())
    if bad.height:
        raise GradingError(
            f"grading rule {rule.name!r}: grade {bad['grade'][0]!r} is not one of A, B, C"
        )
    if given["customer_id"].n_unique() != given.height or given.height != ids.height:
        raise GradingError(f"grading rule {rule.name!r}: one grade per customer is needed")
    cents = (pl.col("revenue").fill_null(0.0) * 100).round().cast(pl.Int64)
    joined = (
        facts.select(pl.col("customer_id").cast(pl.Int64), cents.alias("cents"))
        .join(given.lazy(), on="customer_id", how="left")
        .collect()
    )
    if joined["grade"].null_count():
        raise GradingError(f"grading rule {rule.name!r}: one grade per customer is needed")
    ordered = joined.lazy().sort(
        [pl.col("grade"), pl.col("score"), pl.col("cents"), pl.col("customer_id")],
        descending=[False, True, True, False],
    )
    return abc.ranked_shares(ordered).collect()


def safely_graded(
    rules: GradingRules, rule: GradingRule, facts: pl.LazyFrame, ctx: GradingContext
) -> pl.DataFrame:
    """:func:`graded`; a plugin's rule that fails is recorded against its plugin and the
    customers get ABC grades instead (the cadence and the pages keep working)."""
    if rule.plugin == "customers":
        return graded(rule, facts, ctx)
    try:
        return graded(rule, facts, ctx)
    except Exception as exc:
        rules.failed(rule, f"{type(exc).__name__}: {exc}")
    return graded(rules[DEFAULT], facts.select("customer_id", "revenue"), ctx)


def grade_totals(
    rules: GradingRules,
    rule: GradingRule,
    monthly: pl.DataFrame | pl.LazyFrame,
    daily: pl.DataFrame | pl.LazyFrame,
    customers: pl.DataFrame | pl.LazyFrame,
    ctx: GradingContext,
) -> pl.DataFrame:
    """A ``revenue`` rule's grades from the ledger's totals (see :func:`abc.abc_from_totals`)."""
    revenue = abc.totals_in_window(monthly, daily, ctx.window, ["customer_id"])
    return safely_graded(rules, rule, revenue_facts(abc.universe(customers), revenue), ctx)


def grade_lines(
    rules: GradingRules,
    rule: GradingRule,
    lines: pl.DataFrame | pl.LazyFrame,
    customers: pl.DataFrame | pl.LazyFrame,
    ctx: GradingContext,
) -> pl.DataFrame:
    """``rule``'s grades from order lines (``customer_id, order_date, revenue``)."""
    facts = order_facts(abc.universe(customers), lines, ctx.window)
    if rule.reads == "revenue":
        facts = facts.select("customer_id", "revenue")
    return safely_graded(rules, rule, facts, ctx)


def history(
    grade_at: Callable[[pl.DataFrame, GradingContext], pl.DataFrame],
    customers: pl.DataFrame,
    points: Sequence[dt.date],
    months: int,
    cutoffs: tuple[float, float],
) -> pl.DataFrame:
    """:data:`HISTORY_SCHEMA` at each date of ``points`` (see :func:`abc.history`).

    ``grade_at(universe, ctx)`` grades the customers that existed by each
    point (``customers`` holds ``customer_id, created_on``).
    """
    parts = []
    for point in points:
        existing = customers.filter(pl.col("created_on") <= point)
        ranked = grade_at(existing, GradingContext(point, months, cutoffs))
        parts.append(ranked.select(pl.lit(point).alias("as_of"), "customer_id", "revenue", "grade"))
    if not parts:
        return pl.DataFrame(schema=HISTORY_SCHEMA)
    return pl.concat(parts).cast(HISTORY_SCHEMA)  # type: ignore[arg-type]
