"""The metric registry: the spine between modules.

Plugins publish :class:`MetricSpec`s; each gives, per person and month, a
numerator and a denominator. The registry rolls them up the org tree
(value = sum(num) / sum(den) over a subtree and the months of a period),
joins targets and serves the result to every page and plugin.

Grains: a month, quarter or year sums the metric's months. A day or an ISO
week sums its days, from the metric's ``compute_days`` (asked with the
viewer's scope); a metric without figures at that grain
(:meth:`MetricSpec.supports`) has none there: empty frames, a :class:`Total`
of ``None`` with ``available`` false, never the figures of the months the
period touches.

Targets: a person's target for a period is their explicit target row for
that period; for sum metrics, missing quarter or year targets are the sum of
the finer ones. In the roll-up a leader's explicit target is the team's
target; without one the team's target is the sum of their direct reports'.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine

from command_center.db import frames
from command_center.i18n import t
from command_center.metric_days import DAY_SCHEMA, with_day_path
from command_center.org import history
from command_center.org.scope import Viewer
from command_center.org.tree import closure
from command_center.periods import DAY_GRAINS, Period, is_period, parse_period
from command_center.plugins import PluginHost
from command_center.types import DayQuery, MetricQuery, MetricSpec

FACT_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "month": pl.Date(),
    "num": pl.Float64(),
    "den": pl.Float64(),
}
VALUE_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "num": pl.Float64(),
    "den": pl.Float64(),
    "value": pl.Float64(),
}
CORE_PLUGIN = "core"


class UnknownMetric(KeyError):
    pass


class NoFigureAtGrain(ValueError):
    """The metric has no figures for periods of this grain (a month-based one at a day);
    its text is the translated note a page or command shows."""

    def __init__(self, spec: MetricSpec, grain: str) -> None:
        super().__init__(
            t("metric.no_figure_at_grain", metric=t(spec.label), grain=t(f"filter.grain_{grain}"))
        )
        self.key = spec.key
        self.grain = grain


@dataclass(frozen=True)
class RegisteredMetric:
    plugin: str
    spec: MetricSpec


def _ratio(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    return pl.when(den != 0).then(num / den).otherwise(None)


def _value(spec: MetricSpec) -> pl.Expr:
    """A sum metric's value is Σnum; a ratio's is Σnum / Σden."""
    if spec.kind == "sum":
        return pl.col("num").alias("value")
    return _ratio(pl.col("num"), pl.col("den")).alias("value")


class MetricRegistry:
    """Every metric that the enabled plugins publish, keyed by ``key``."""

    def __init__(self, host: PluginHost) -> None:
        self.metrics: dict[str, RegisteredMetric] = {}
        for plugin, spec in host.collect("register_metrics"):
            if spec.key in self.metrics:
                owner = self.metrics[spec.key].plugin
                host.infos[plugin].hook_errors["register_metrics"] = (
                    f"metric {spec.key!r} is already published by {owner!r}"
                )
                continue
            if plugin == CORE_PLUGIN:
                spec = with_day_path(spec)
            self.metrics[spec.key] = RegisteredMetric(plugin, spec)

    def __contains__(self, key: str) -> bool:
        return key in self.metrics

    def spec(self, key: str) -> MetricSpec:
        try:
            return self.metrics[key].spec
        except KeyError:
            raise UnknownMetric(key) from None

    def keys(self) -> list[str]:
        return list(self.metrics)

    def supports(self, key: str, period: Period) -> bool:
        """Has metric ``key`` figures for ``period``'s grain?"""
        return self.spec(key).supports(period.grain)

    # -- person level ---------------------------------------------------------
    def facts(
        self, engine: Engine, viewer: Viewer, key: str, start: dt.date, end: dt.date
    ) -> pl.DataFrame:
        """``person_id, month, num, den`` for months ``start``..``end``, scoped.

        Months only: a day or a week is :meth:`day_facts` (or :meth:`period_facts`)."""
        spec = self.spec(key)

        def load() -> pl.DataFrame:
            raw = spec.compute(MetricQuery(engine, start, end, None))
            return (
                raw.select([pl.col(c).cast(t) for c, t in FACT_SCHEMA.items()])
                .filter(pl.col("month").is_between(start, end))
                .group_by("person_id", "month")
                .agg(pl.col("num").sum(), pl.col("den").sum())
            )

        # Keyed on today too: a metric may judge "overdue" or "in time" against the date.
        cached = frames.cached(
            engine, f"metric:{key}", load, start, end, dt.date.today(), tables=spec.tables
        )
        return viewer.filter(cached)

    def day_facts(self, engine: Engine, viewer: Viewer, key: str, period: Period) -> pl.DataFrame:
        """``person_id, day, num, den`` over the days of ``period`` (a day or a week), scoped.

        Asks the metric for the viewer's people only and caches per scope, period
        and today; raises :class:`NoFigureAtGrain` when the metric has no day figures.
        """
        spec = self.spec(key)
        if period.grain not in DAY_GRAINS or not spec.supports(period.grain):
            raise NoFigureAtGrain(spec, period.grain)
        compute = spec.compute_days
        assert compute is not None  # MetricSpec checks it for day grains
        scope = viewer.person_ids

        def load() -> pl.DataFrame:
            raw = compute(DayQuery(engine, period, scope))
            return (
                raw.select([pl.col(c).cast(t) for c, t in DAY_SCHEMA.items()])
                .filter(pl.col("day").is_between(period.first_day, period.last_day))
                .group_by("person_id", "day")
                .agg(pl.col("num").sum(), pl.col("den").sum())
                .sort("person_id", "day")
            )

        cached = frames.cached(
            engine, f"metric_days:{key}", load, period, scope, dt.date.today(), tables=spec.tables
        )
        return viewer.filter(cached)

    def period_facts(
        self, engine: Engine, viewer: Viewer, key: str, period: Period
    ) -> pl.DataFrame | None:
        """``person_id, month, num, den`` of ``period`` at any grain (a day or a week:
        its days summed per month they fall in); ``None`` when the metric has no
        figures at ``period``'s grain."""
        if not self.supports(key, period):
            return None
        if period.grain not in DAY_GRAINS:
            return self.facts(engine, viewer, key, period.start, period.end)
        return (
            self.day_facts(engine, viewer, key, period)
            .group_by("person_id", pl.col("day").dt.truncate("1mo").alias("month"))
            .agg(pl.col("num").sum(), pl.col("den").sum())
            .select(list(FACT_SCHEMA))
        )

    def person_values(
        self, engine: Engine, viewer: Viewer, key: str, period: Period
    ) -> pl.DataFrame:
        """``person_id, num, den, value`` over ``period`` (empty where the metric has
        no figures at its grain)."""
        facts = self.period_facts(engine, viewer, key, period)
        if facts is None:
            return pl.DataFrame(schema=VALUE_SCHEMA)
        return (
            facts.group_by("person_id")
            .agg(pl.col("num").sum(), pl.col("den").sum())
            .with_columns(_value(self.spec(key)))
            .sort("person_id")
        )

    # -- roll-up --------------------------------------------------------------
    def rollup(
        self, engine: Engine, viewer: Viewer, key: str, period: Period, by_month: bool = False
    ) -> pl.DataFrame:
        """Per node of the viewer's tree: ``node_id, [month,] num, den, value``.

        A node's figures cover itself and everyone below it within scope; no
        rows where the metric has no figures at ``period``'s grain. Each month
        rolls up by the tree of its last day (:mod:`command_center.org.history`):
        a rep who moved counts where they were that month.
        """
        wide, tree = period_tree(engine, viewer, period)
        facts = self.period_facts(engine, wide, key, period)
        if facts is None:
            facts = pl.DataFrame(schema=FACT_SCHEMA)
        joined = (
            tree.join(facts, on="person_id", how="inner")
            if "month" not in tree.columns
            else tree.join(facts, on=["person_id", "month"], how="inner")
        )
        keys = ["ancestor_id", "month"] if by_month else ["ancestor_id"]
        out = (
            joined.group_by(keys)
            .agg(pl.col("num").sum(), pl.col("den").sum())
            .with_columns(_value(self.spec(key)))
            .rename({"ancestor_id": "node_id"})
        )
        return out.sort(["node_id", "month"] if by_month else ["node_id"])

    def targets(self, engine: Engine, viewer: Viewer, key: str, period: Period) -> pl.DataFrame:
        """``node_id, target`` per node of the viewer's tree (see module docstring)."""
        return frames.cached(
            engine,
            "metric_targets",
            lambda: self._targets(engine, viewer, key, period),
            key,
            period,
            viewer.person_ids,
            tables=("people", "targets"),
        )

    def _targets(self, engine: Engine, viewer: Viewer, key: str, period: Period) -> pl.DataFrame:
        spec = self.spec(key)
        people = frames.people(engine, viewer).select("person_id", "manager_id")
        own = person_targets(frames.targets(engine, viewer), key, period, spec.kind == "sum")
        nodes = people.join(own, on="person_id", how="left")
        if spec.kind != "sum":
            return nodes.select(pl.col("person_id").alias("node_id"), "target").drop_nulls()
        depth = (
            scoped_closure(engine, viewer).group_by("person_id").agg((pl.len() - 1).alias("depth"))
        )
        ordered = nodes.join(depth, on="person_id").sort("depth", descending=True)
        resolved: dict[int, float] = {}
        child_sums: dict[int, float] = {}
        for pid, mid, explicit, _ in ordered.iter_rows():
            value = explicit if explicit is not None else child_sums.get(pid)
            if value is None:
                continue
            resolved[pid] = float(value)
            if mid is not None:
                child_sums[mid] = child_sums.get(mid, 0.0) + float(value)
        return pl.DataFrame(
            {"node_id": list(resolved), "target": list(resolved.values())},
            schema={"node_id": pl.Int64, "target": pl.Float64},
        ).sort("node_id")

    def scorecard(self, engine: Engine, viewer: Viewer, key: str, period: Period) -> pl.DataFrame:
        """Per node: ``value``, ``target``, ``attainment`` and last period's ``previous``
        (a node with a target and no figure yet is a row too, its value null)."""
        now = self.rollup(engine, viewer, key, period).select("node_id", "value")
        before = self.rollup(engine, viewer, key, period.previous()).select(
            "node_id", pl.col("value").alias("previous")
        )
        goal = self.targets(engine, viewer, key, period)
        return (
            now.join(before, on="node_id", how="full", coalesce=True)
            .join(goal, on="node_id", how="full", coalesce=True)
            .with_columns(_ratio(pl.col("value"), pl.col("target")).alias("attainment"))
            .sort("node_id")
        )


def scoped_closure(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """The ancestor closure of the viewer's tree, cached per scope until people change."""
    return frames.cached(
        engine,
        "closure",
        lambda: closure(frames.people(engine, viewer)),
        viewer.person_ids,
        tables=("people",),
    )


def period_tree(engine: Engine, viewer: Viewer, period: Period) -> tuple[Viewer, pl.DataFrame]:
    """The viewer as wide as their team was over ``period``, and the closure to roll up by.

    With no org change between the period's first month-end and today (the
    usual case) that is the viewer and today's closure (``ancestor_id,
    person_id``). Otherwise the scope takes in whoever was in the viewer's
    subtree at one of the period's month-ends, and the closure has a ``month``
    column: each month's own tree (:func:`command_center.org.history.closure_by_month`).
    """
    org = frames.org_history(engine)
    months = period_months(period)
    if history.same_tree_as_today(org, months, dt.date.today()):
        return viewer, scoped_closure(engine, viewer)
    ends = [history.month_end(m) for m in months]
    wide = viewer
    if viewer.person_ids is not None:
        scope = viewer.person_ids
        managers = dict(frames.all_people(engine).select("person_id", "manager_id").iter_rows())
        roots = [p for p in scope if managers.get(p) not in scope]  # the tops of the scope
        members = frozenset().union(*(history.subtree_over(org, r, ends) for r in roots))
        wide = Viewer(viewer.login, viewer.role, viewer.person_id, scope | members)
    return wide, history.closure_by_month(org, months, wide.person_ids)


def period_months(period: Period) -> list[dt.date]:
    """The first days of the months ``period`` touches (a day or a week: one or two)."""
    months, month = [], period.first_day.replace(day=1)
    while month <= period.last_day:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def person_targets(targets: pl.DataFrame, key: str, period: Period, summable: bool) -> pl.DataFrame:
    """``person_id, target`` for ``period``: explicit rows, else finer rows summed."""
    rows = targets.filter(pl.col("metric") == key)
    labels = [label for label in rows["period"].unique().to_list() if is_period(label)]
    spans = pl.DataFrame(
        {
            "period": labels,
            "p_start": [parse_period(label).first_day for label in labels],
            "p_end": [parse_period(label).last_day for label in labels],
            "p_grain": [parse_period(label).grain for label in labels],
        },
        schema={"period": pl.String, "p_start": pl.Date, "p_end": pl.Date, "p_grain": pl.String},
    )
    rows = rows.join(spans, on="period", how="inner")
    exact = rows.filter(pl.col("period") == period.label).select("person_id", "target")
    if not summable or period.grain in ("day", "month"):
        return exact
    inside = rows.filter(
        (pl.col("p_start") >= period.first_day)
        & (pl.col("p_end") <= period.last_day)
        & (pl.col("period") != period.label)
    )
    # Prefer the finest grain a person has targets at, so months and quarters never add up twice.
    finest = inside.group_by("person_id").agg(
        pl.col("p_grain").min_by(pl.col("p_end") - pl.col("p_start")).alias("finest")
    )
    summed = (
        inside.join(finest, on="person_id")
        .filter(pl.col("p_grain") == pl.col("finest"))
        .group_by("person_id")
        .agg(pl.col("target").sum())
    )
    return summed.join(exact, on="person_id", how="full", coalesce=True, suffix="_exact").select(
        "person_id", pl.coalesce("target_exact", "target").alias("target")
    )


@dataclass(frozen=True)
class Total:
    """A metric over the viewer's whole (team-narrowed) scope for one period."""

    value: float | None
    target: float | None
    previous: float | None

    available: bool = True
    """False: the metric has no figures at the period's grain (every field ``None``)."""

    @property
    def attainment(self) -> float | None:
        if self.value is None or not self.target:
            return None
        return self.value / self.target


def total(
    registry: MetricRegistry,
    engine: Engine,
    viewer: Viewer,
    key: str,
    period: Period,
    roots: list[int],
) -> Total:
    """Σnum/Σden over everyone in scope; the target is the sum of the roots' targets."""

    if not registry.supports(key, period):
        return Total(None, None, None, available=False)
    summed = registry.spec(key).kind == "sum"

    def value(p: Period) -> float | None:
        facts = registry.period_facts(engine, viewer, key, p)
        if facts is None or facts.is_empty():
            return None
        num, den = float(facts["num"].sum()), float(facts["den"].sum())
        return num if summed else (num / den if den else None)

    goals = registry.targets(engine, viewer, key, period).filter(pl.col("node_id").is_in(roots))
    target = float(goals["target"].sum()) if goals.height else None
    return Total(value(period), target, value(period.previous()))
