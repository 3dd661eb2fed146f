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
from sqlalchemy import Engine, select

from command_center import cash
from command_center.core_plugin import monthly_revenue_targets
from command_center.db import frames
from command_center.db.models import OrderLine, Product
from command_center.metrics import MetricRegistry
from command_center.org import history
from command_center.org.scope import OPERATOR, Viewer
from command_center.periods import is_period, parse_period
from command_center.published import read_published
from command_center.types import MetricQuery
from plugins.incentives.logic.breakdowns import (
    COLLECTED,
    PRODUCT_MONTH_SCHEMA,
    SPIFF_LINE_SCHEMA,
    Needs,
    plan_needs,
    slice_columns,
    spiff_columns,
    with_columns,
)
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

    Finer periods (months, quarters) of a year are averaged into the year's row and
    kept as rows of their own (bonuses weighted by appraisal read them); ``None``
    when nothing is published.
    """
    facts = read_published(engine, OPERATOR, MULTIPLIER_TOPIC)
    facts = facts.filter(pl.col("person_id").is_not_null() & pl.col("value").is_not_null())
    if facts.is_empty():
        return None
    years = facts.group_by("person_id", pl.col("period").str.slice(0, 4).alias("period")).agg(
        pl.col("value").mean().alias("multiplier")
    )
    # A month's or quarter's own multiplier too (bonuses ``weighted_by: appraisal``);
    # a pool joins on years only.
    finer = (
        facts.filter(pl.col("period").str.len_chars() > 4)
        .group_by("person_id", "period")
        .agg(pl.col("value").mean().alias("multiplier"))
    )
    return pl.concat([years, finer]).sort("person_id", "period")


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


# -- collected cash, sales by product, SPIFF lines (logic.breakdowns) --------------------

CASH_TABLES = ("payments", "payment_credits", "collected_person_month")
ALL_MONTHS = (dt.date(1900, 1, 1), dt.date(2999, 12, 1))
LINE_TABLES = ("orders", "products")
LINE_SCHEMA: dict[str, pl.DataType] = {
    "order_id": pl.Int64(),
    "person_id": pl.Int64(),
    "order_date": pl.Date(),
    "product_id": pl.String(),
    "revenue": pl.Float64(),
    "cost": pl.Float64(),
    "credit_share": pl.Float64(),
    "category": pl.String(),
}


def product_lines(engine: Engine) -> pl.DataFrame:
    """The ledger rows of a known product with its category (rows of no product earn
    the default rate: they are never read here), cached per data version."""
    line, product = OrderLine.__table__.c, Product.__table__.c
    query = (
        select(*(line[c] for c in list(LINE_SCHEMA)[:-1]), product.category)
        .join(Product.__table__, product.product_id == line.product_id)
        .order_by(line.order_id)
    )
    return frames.cached(
        engine,
        "incentives:product_lines",
        lambda: frames.read_frame(engine, query, LINE_SCHEMA),
        tables=LINE_TABLES,
    )


def _collected_months(engine: Engine) -> pl.DataFrame:
    """``person_id, month, collected`` of everyone (the core's maintained summary)."""

    def load() -> pl.DataFrame:
        found = cash.collected_by_person_month(engine, None, *ALL_MONTHS)
        return found.select(
            "person_id",
            pl.col("period").str.to_date("%Y-%m").alias("month"),
            pl.col("collected").cast(pl.Float64),
        )

    return frames.cached(engine, "incentives:collected", load, tables=CASH_TABLES)


def product_months(engine: Engine, with_cash: bool = False) -> pl.DataFrame:
    """:data:`PRODUCT_MONTH_SCHEMA`: revenue and profit by month booked and, with ``with_cash``,
    cash collected by month paid, per person and product (cached per data version; the
    cash is read only for a plan paying on it per product: it walks the payment credits)."""

    def load() -> pl.DataFrame:
        lines = product_lines(engine)
        booked = lines.group_by(
            "person_id", pl.col("order_date").dt.truncate("1mo").alias("month"), "product_id"
        ).agg(
            pl.col("category").first(),
            pl.col("revenue").sum(),
            (pl.col("revenue") - pl.col("cost")).sum().alias("profit"),
        )
        if not with_cash:
            return (
                booked.with_columns(pl.lit(0.0).alias("collected"))
                .select(list(PRODUCT_MONTH_SCHEMA))
                .cast(PRODUCT_MONTH_SCHEMA)  # type: ignore[arg-type]
            )
        paid = cash.collected_by_line_month(engine, None, *ALL_MONTHS)
        cashed = (
            paid.join(lines.select("order_id", "product_id", "category"), on="order_id")
            .group_by(
                "person_id",
                pl.col("period").str.to_date("%Y-%m").alias("month"),
                "product_id",
            )
            .agg(pl.col("category").first(), pl.col("collected").sum())
        )
        both = booked.join(
            cashed, on=["person_id", "month", "product_id"], how="full", coalesce=True
        ).with_columns(
            pl.coalesce("category", "category_right").alias("category"),
            pl.col("revenue", "profit", "collected").fill_null(0.0),
        )
        return both.select(list(PRODUCT_MONTH_SCHEMA)).cast(PRODUCT_MONTH_SCHEMA)  # type: ignore[arg-type]

    return frames.cached(
        engine,
        "incentives:product_months",
        load,
        with_cash,
        tables=(*LINE_TABLES, *CASH_TABLES) if with_cash else LINE_TABLES,
    )


def with_needs(engine: Engine, found: Figures, needs: Needs) -> Figures:
    """``found`` with the extra columns a plan reads (:mod:`..logic.breakdowns`), built
    from frames cached per data version: no lever move reads the ledger."""
    if not needs:
        return found
    month = found.month
    if needs.collected and COLLECTED not in month.columns:
        month = with_columns(month, _collected_months(engine), (COLLECTED,))
    if needs.slices:
        on_cash = any(piece.base == COLLECTED for piece in needs.slices)
        slices = slice_columns(product_months(engine, on_cash), needs.slices)
        month = with_columns(month, slices, tuple(s.column for s in needs.slices))
    if needs.spiffs:
        lines = product_lines(engine).select(list(SPIFF_LINE_SCHEMA))
        spiffs = spiff_columns(lines, needs.spiffs)
        month = with_columns(month, spiffs, tuple(s.column for s in needs.spiffs))
    for column in needs.columns:
        if column not in month.columns:
            month = month.with_columns(pl.lit(0.0).alias(column))
    sums = tuple(dict.fromkeys((*found.sums, *needs.columns)))
    return Figures(month, found.kinds, found.quotas, sums)


def needs_tables(needs: Needs) -> tuple[str, ...]:
    """The tables the extra columns read."""
    return (*LINE_TABLES, *CASH_TABLES) if needs else ()


def figures_for(engine: Engine, registry: MetricRegistry, plan: Plan) -> Figures:
    """:func:`figures` with the registry metrics and the extra columns ``plan`` reads."""
    needs = plan_needs(plan)
    found = figures(engine, registry, plan.metrics())
    if not needs:
        return found
    tables = figure_tables(registry, set(plan.metrics()))
    return frames.cached(
        engine,
        "incentives:figures_needs",
        lambda: with_needs(engine, found, needs),
        tuple(sorted(k for k in plan.metrics() if k in registry)),
        needs.columns,
        tables=None if tables is None else (*tables, *needs_tables(needs)),
    )


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
    needs = plan_needs(plan)
    tables = figure_tables(registry, set(keys))
    return frames.cached(
        engine,
        "incentives:window",
        lambda: window(figures_for(engine, registry, plan), start, end),
        keys,
        needs.columns,
        window_start(start),
        end,
        tables=None if tables is None else (*tables, *needs_tables(needs)),
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
        return with_needs(engine, Figures(month, kinds, quotas), needs)

    needs = plan_needs(plan)
    tables = figure_tables(registry, set(keys))
    return frames.cached(
        engine,
        "incentives:team_window",
        load,
        keys,
        needs.columns,
        first,
        end,
        viewer.person_ids,
        tables=None if tables is None else (*tables, *needs_tables(needs)),
    )


def multipliers(engine: Engine) -> pl.DataFrame | None:
    """:func:`published_multipliers`, cached until published facts change."""
    return frames.cached(
        engine,
        "incentives:multipliers",
        lambda: published_multipliers(engine),
        tables=("published_facts",),
    )
