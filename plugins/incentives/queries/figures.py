"""The engine's input read from the database: the person-month figures, cached.

One row per person and month for the whole force (pools and team figures
need everyone; every result is filtered to the viewer's scope afterwards):
revenue and profit from the ledger, the quota (the person's revenue target,
core targets table), the team figures (everyone below the person) and, per
registry metric a plan reads, its numerator and denominator. Everything is
cached with :func:`command_center.db.frames.cached`, keyed by the versions
of the tables it reads (a settlement or a dispute being written leaves it in
place), so the what-if simulator never reads the database while a manager
moves a slider.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import Engine

from command_center.core_plugin import monthly_revenue_targets
from command_center.db import frames
from command_center.metrics import MetricRegistry
from command_center.org import history
from command_center.org.scope import OPERATOR, Viewer
from command_center.periods import is_period, parse_period
from command_center.published import read_published
from command_center.types import MetricQuery
from plugins.incentives.logic.figures import (
    MONTH_SCHEMA,
    Figures,
    den_col,
    month_table,
    num_col,
    window,
    window_start,
)
from plugins.incentives.logic.plan_model import Plan

MULTIPLIER_TOPIC = "appraisal.bonus_multiplier"
CORE_TABLES = ("orders", "people", "targets", "org_history")  # what person months read


def figure_tables(
    registry: MetricRegistry, metrics: set[str] | frozenset[str]
) -> tuple[str, ...] | None:
    """The tables :func:`figures` reads for ``metrics`` (``None``: some metric does not say)."""
    tables = set(CORE_TABLES)
    for key in metrics:
        if key not in registry:
            continue
        read = registry.spec(key).tables
        if read is None:
            return None
        tables.update(read)
    return tuple(sorted(tables))


def month_span(engine: Engine) -> tuple[dt.date, dt.date] | None:
    """First and last month with sales or a monthly target."""
    sales = frames.all_monthly_sales(engine)
    months = sales["month"].drop_nulls().to_list()
    labels = frames.targets(engine, OPERATOR)["period"].unique().to_list()
    months += [parse_period(p).start for p in labels if is_period(p) and len(p) == 7]
    if not months:
        return None
    return min(months), max(months)


def _build_months(engine: Engine) -> pl.DataFrame:
    span = month_span(engine)
    if span is None:
        return pl.DataFrame(schema=MONTH_SCHEMA)
    first, last = span
    people = frames.all_people(engine).select("person_id", "manager_id", "level")
    sales = frames.all_monthly_sales(engine).select(
        "person_id", "month", "revenue", (pl.col("revenue") - pl.col("cost")).alias("profit")
    )
    quota = monthly_revenue_targets(MetricQuery(engine, first, last)).select(
        "person_id", "month", pl.col("target").alias("quota")
    )
    return month_table(people, first, last, sales, quota, _history_tree(engine, first, last))


def _history_tree(engine: Engine, first: dt.date, last: dt.date) -> pl.DataFrame | None:
    """Each month's org when it changed over ``first..last`` (team figures of the past
    stay with the team of their month); ``None``: today's tree serves every month."""
    org = frames.org_history(engine)
    months = pl.date_range(first, last, "1mo", eager=True).to_list()
    if history.same_tree_as_today(org, months, dt.date.today()):
        return None
    return history.closure_by_month(org, months, None)


def person_months(engine: Engine) -> pl.DataFrame:
    """The person-month table (everyone), cached per data version."""
    return frames.cached(
        engine, "incentives:months", lambda: _build_months(engine), tables=CORE_TABLES
    )


def _explicit_quotas(engine: Engine) -> pl.DataFrame:
    rows = frames.targets(engine, OPERATOR).filter(
        (pl.col("metric") == "revenue") & (pl.col("period").str.len_chars() != 7)
    )
    return rows.select("person_id", "period", pl.col("target").alias("quota"))


def _metric_columns(
    engine: Engine, registry: MetricRegistry, key: str, first: dt.date, last: dt.date
) -> pl.DataFrame:
    facts = registry.facts(engine, OPERATOR, key, first, last)
    return facts.select(
        "person_id",
        "month",
        pl.col("num").alias(num_col(key)),
        pl.col("den").alias(den_col(key)),
    )


def figures(
    engine: Engine, registry: MetricRegistry, metrics: set[str] | frozenset[str]
) -> Figures:
    """:class:`Figures` with the registry metrics in ``metrics`` that exist now.

    Cached per data version and metric set; absent metrics are simply not
    columns (the engine notes that and treats conditions on them as unmet).
    """
    keys = tuple(sorted(k for k in metrics if k in registry))

    def load() -> Figures:
        month = person_months(engine)
        kinds: dict[str, str] = {}
        if not month.is_empty():
            first, last = month["month"].min(), month["month"].max()
            assert isinstance(first, dt.date) and isinstance(last, dt.date)
            for key in keys:
                kind = registry.spec(key).kind
                cols = _metric_columns(engine, registry, key, first, last)
                month = month.join(cols, on=["person_id", "month"], how="left")
                if kind == "sum":
                    month = month.with_columns(
                        pl.col(num_col(key)).fill_null(0.0), pl.col(den_col(key)).fill_null(1.0)
                    )
                kinds[key] = kind
        else:
            kinds = {key: registry.spec(key).kind for key in keys}
            for key in keys:
                month = month.with_columns(
                    pl.lit(None, pl.Float64).alias(num_col(key)),
                    pl.lit(None, pl.Float64).alias(den_col(key)),
                )
        return Figures(month, kinds, _explicit_quotas(engine))

    return frames.cached(
        engine, "incentives:figures", load, keys, tables=figure_tables(registry, set(keys))
    )


def published_multipliers(engine: Engine) -> pl.DataFrame | None:
    """``person_id, period (YYYY), multiplier`` published by the appraisal plugin (read now).

    Finer periods (months, quarters) of a year are averaged; ``None`` when
    nothing is published.
    """
    facts = read_published(engine, OPERATOR, MULTIPLIER_TOPIC)
    facts = facts.filter(pl.col("person_id").is_not_null() & pl.col("value").is_not_null())
    if facts.is_empty():
        return None
    return (
        facts.group_by("person_id", pl.col("period").str.slice(0, 4).alias("period"))
        .agg(pl.col("value").mean().alias("multiplier"))
        .sort("person_id", "period")
    )


def months_available(engine: Engine) -> list[dt.date]:
    span = month_span(engine)
    if span is None:
        return []
    return pl.date_range(span[0], span[1], "1mo", eager=True).to_list()


def sales_months(engine: Engine) -> list[dt.date]:
    """Months that have sales (the ones worth settling or simulating), oldest first."""

    def load() -> list[dt.date]:
        sales = person_months(engine)
        if sales.is_empty():
            return []
        return sales.filter(pl.col("revenue") != 0)["month"].unique().sort().to_list()

    return frames.cached(engine, "incentives:sales_months", load, tables=CORE_TABLES)


def figures_for(engine: Engine, registry: MetricRegistry, plan: Plan) -> Figures:
    """:func:`figures` with the registry metrics ``plan`` reads."""
    return figures(engine, registry, plan.metrics())


def figures_between(
    engine: Engine, registry: MetricRegistry, plan: Plan, start: dt.date, end: dt.date
) -> Figures:
    """The plan's figures cut to the months of ``start..end`` (see :func:`window`), cached.

    The simulator's baseline and every scenario run on this: a lever move
    scales and evaluates ~5,000 people x a few months, not the whole history.
    Its grains are memoised on the cached object, so they are built once per
    data version.
    """
    metrics = frozenset(plan.metrics())
    keys = tuple(sorted(k for k in metrics if k in registry))
    return frames.cached(
        engine,
        "incentives:window",
        lambda: window(figures_for(engine, registry, plan), start, end),
        keys,
        window_start(start),
        end,
        tables=figure_tables(registry, set(keys)),
    )


def team_figures_between(
    engine: Engine,
    registry: MetricRegistry,
    plan: Plan,
    start: dt.date,
    end: dt.date,
    viewer: Viewer,
) -> Figures:
    """:func:`figures_between` for the viewer's people only (a supervisor's simulation).

    Each person's team figures are the sums below them within the viewer's people,
    exact for everyone in a subtree; the rows, targets and metrics of nobody else are
    read. Cached per data version, metric set, months and scope.
    """
    keys = tuple(sorted(k for k in plan.metrics() if k in registry))
    first = window_start(start)

    def load() -> Figures:
        people = frames.people(engine, viewer).select("person_id", "manager_id", "level")
        team = frozenset(people["person_id"].to_list())
        sales = frames.person_months(engine, viewer, first, end).select(
            "person_id", "month", "revenue", (pl.col("revenue") - pl.col("cost")).alias("profit")
        )
        quota = (
            monthly_revenue_targets(MetricQuery(engine, first, end, team))
            .filter(pl.col("person_id").is_in(sorted(team)))
            .select("person_id", "month", pl.col("target").alias("quota"))
        )
        month = month_table(people, first, end, sales, quota)
        kinds: dict[str, str] = {}
        for key in keys:
            kinds[key] = registry.spec(key).kind
            facts = registry.facts(engine, viewer, key, first, end).select(
                "person_id",
                "month",
                pl.col("num").alias(num_col(key)),
                pl.col("den").alias(den_col(key)),
            )
            month = month.join(facts, on=["person_id", "month"], how="left")
            if kinds[key] == "sum":
                month = month.with_columns(
                    pl.col(num_col(key)).fill_null(0.0), pl.col(den_col(key)).fill_null(1.0)
                )
        targets = frames.targets(engine, viewer).filter(
            (pl.col("metric") == "revenue") & (pl.col("period").str.len_chars() != 7)
        )
        quotas = targets.select("person_id", "period", pl.col("target").alias("quota"))
        return Figures(month, kinds, quotas)

    return frames.cached(
        engine,
        "incentives:team_window",
        load,
        keys,
        first,
        end,
        viewer.person_ids,
        tables=figure_tables(registry, set(keys)),
    )


def multipliers(engine: Engine) -> pl.DataFrame | None:
    """:func:`published_multipliers`, cached until published facts change."""
    return frames.cached(
        engine,
        "incentives:multipliers",
        lambda: published_multipliers(engine),
        tables=("published_facts",),
    )
