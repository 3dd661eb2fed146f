"""Deterministic demo data for appraisal (see :mod:`plugins.appraisal.demo.plan`).

Seeded after the plugins whose metrics the contracts score (``seeds_after`` in
the hook) so that those metrics have data; everything is written in one
transaction, and each closed period's bonus multipliers are published through
the core like a real close would.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from sqlalchemy import Engine, delete
from sqlalchemy.orm import InstrumentedAttribute, Session

from command_center import runtime
from command_center.db import frames
from command_center.db.bulk import bulk_insert
from command_center.db.engine import write_session
from command_center.db.ids import next_id
from command_center.db.models import PublishedFact
from command_center.org.scope import OPERATOR
from command_center.periods import Period
from command_center.types import DemoContext
from plugins.appraisal.actions.guards import TOPIC, policy
from plugins.appraisal.demo import plan, text
from plugins.appraisal.demo.rows import (
    actuals,
    closed_annual,
    closed_monthly,
    core_targets,
    cycles_frame,
    kpi_lines,
    stamp,
    template_frame,
    value_scores,
)
from plugins.appraisal.models import Action, Cycle, KpiLine, Record, Talk, TemplateLine
from plugins.appraisal.queries.live import metric_table

ACK_SHARE = 0.85


def _first_free_id(engine: Engine, column: InstrumentedAttribute[int]) -> int:
    """The first free id of ``column`` (the rows are written later, in one transaction)."""
    with Session(engine) as session:
        return next_id(session, column)


def _pick(rng: np.random.Generator, options: tuple[str, ...], n: int) -> pl.Series:
    return pl.Series(
        np.array(options, dtype=object)[rng.integers(0, len(options), n)], dtype=pl.String
    )


def seed(ctx: DemoContext) -> None:
    rng = np.random.default_rng(ctx.rng.randrange(2**32))
    registry = runtime.registry()
    rules = policy(ctx.engine)
    cycles = plan.cycles(ctx, _first_free_id(ctx.engine, Cycle.cycle_id))
    if not cycles:
        return
    ctx.progress(f"Appraisal: {len(cycles)} cycles")
    cyc = cycles_frame(cycles)
    records = cyc.join(plan.members(ctx), on="root_id", how="inner")
    closed, _, _ = plan.months_of(ctx)
    window = Period(closed[0], closed[-1], "month")
    with_targets = set(frames.targets(ctx.engine, OPERATOR)["metric"].unique().to_list())
    templates = {
        level: plan.template_lines(registry, ctx, level, window, with_targets)
        for level in plan.TEMPLATES
    }
    tmpl = template_frame(cyc, templates)
    metrics = sorted(set(tmpl["metric"].to_list()))
    labels = sorted(set(cyc.filter(pl.col("kind") == "monthly")["period"].to_list()))
    core = core_targets(registry, ctx, [m for m in metrics if m in with_targets], labels)
    facts, failed = actuals(registry, ctx, metrics, window)
    table = metric_table(registry, metrics).with_columns(
        pl.col("available") & ~pl.col("metric").is_in(sorted(failed))
    )
    lines = kpi_lines(records, tmpl, core, facts, table, _first_free_id(ctx.engine, KpiLine.kpi_id))
    values = value_scores(rng, ctx.people, records, rules.values)
    monthly = closed_monthly(records, lines, values, rng, rules)
    annual = closed_annual(records, monthly, values, rng, rules)
    names = dict(ctx.people.select("person_id", "name").iter_rows())
    rows = _records(rng, records, monthly, annual, names)
    _store(ctx, rng, cyc, tmpl, rows, lines, names)


def _records(
    rng: np.random.Generator,
    records: pl.DataFrame,
    monthly: pl.DataFrame,
    annual: pl.DataFrame,
    names: dict[int, str],
) -> pl.DataFrame:
    """Every record with every column of ``appraisal_records`` filled."""
    current = records.filter(pl.col("state") == "in_progress")
    acked = rng.random(current.height) < ACK_SHARE
    current = current.with_columns(
        pl.Series("_acked", acked),
        pl.lit("{}").alias("manager_values"),
        pl.lit("{}").alias("self_values"),
        pl.lit("[]").alias("training"),
        pl.lit("").alias("calibration_note"),
        pl.lit(0.0).alias("judgement"),
    )
    closed = pl.concat([monthly, annual], how="diagonal_relaxed")
    n = closed.height
    closed = closed.with_columns(
        pl.col("kind").eq("monthly").alias("_acked"),
        _pick(rng, text.SELF_COMMENTS, n).alias("self_comment"),
        _pick(rng, text.MANAGER_COMMENTS, n).alias("manager_comment"),
        pl.col("team_id").replace_strict(names, default="").alias("reviewed_by"),
        stamp(3, 20, "end").alias("self_at"),
        stamp(6, 11, "end").alias("reviewed_at"),
    )
    every = pl.concat([closed, current], how="diagonal_relaxed")
    is_monthly = pl.col("kind") == "monthly"
    return every.with_columns(
        pl.when(is_monthly)
        .then(pl.when(pl.col("_acked")).then(pl.lit("acknowledged")).otherwise(pl.lit("issued")))
        .otherwise(pl.lit("none"))
        .alias("contract"),
        pl.when(is_monthly).then(stamp(0, 10)).alias("issued_at"),
        pl.when(is_monthly & pl.col("_acked")).then(stamp(1, 15)).alias("acknowledged_at"),
        pl.col("self_comment").fill_null(""),
        pl.col("manager_comment").fill_null(""),
        pl.col("reviewed_by").fill_null(""),
    ).select(
        "cycle_id",
        "person_id",
        "level",
        "team_id",
        "contract",
        "issued_at",
        "acknowledged_at",
        "self_comment",
        "self_values",
        pl.lit(None, pl.Float64).alias("self_ability"),
        pl.lit(None, pl.Float64).alias("self_attitude"),
        pl.col("self_at").cast(pl.Datetime("us")),
        "judgement",
        "manager_comment",
        "manager_values",
        pl.col("ability").cast(pl.Float64),
        pl.col("attitude").cast(pl.Float64),
        "reviewed_by",
        pl.col("reviewed_at").cast(pl.Datetime("us")),
        *(
            pl.col(c).cast(pl.Float64)
            for c in ("kpi_score", "results_score", "values_score", "final_score")
        ),
        "proposed_rating",
        "rating",
        "calibration_note",
        "grid",
        pl.col("bonus_multiplier").cast(pl.Float64),
        pl.col("raise_pct").cast(pl.Float64),
        pl.col("promotion").cast(pl.Boolean),
        "training",
    )


def _talks(
    rng: np.random.Generator, rows: pl.DataFrame, cyc: pl.DataFrame, names: dict[int, str]
) -> pl.DataFrame:
    monthly = rows.join(cyc.select("cycle_id", "kind", "state", "end"), on="cycle_id").filter(
        (pl.col("kind") == "monthly") & (pl.col("state") == "closed")
    )
    n = monthly.height
    return monthly.select(
        "cycle_id",
        "person_id",
        (pl.col("end") + pl.duration(days=pl.Series(rng.integers(3, 10, n)))).alias("held_on"),
        pl.col("team_id").replace_strict(names, default="").alias("held_by"),
        _pick(rng, text.STRENGTHS, n).alias("strengths"),
        _pick(rng, text.IMPROVEMENTS, n).alias("improvements"),
        _pick(rng, text.EMPLOYEE_VIEWS, n).alias("employee_view"),
    )


def _actions(
    rng: np.random.Generator, talks: pl.DataFrame, rows: pl.DataFrame, first_id: int, last: str
) -> pl.DataFrame:
    """One or two improvement actions for everyone rated below expectations."""
    below = talks.join(
        rows.filter(pl.col("rating") == "below").select("cycle_id", "person_id", "team_id"),
        on=["cycle_id", "person_id"],
    )
    repeat = pl.Series("_n", rng.integers(1, 3, below.height))
    plans = below.with_columns(repeat).select(pl.all().repeat_by("_n").explode()).drop("_n")
    n = plans.height
    recent = pl.col("held_on").dt.strftime("%Y-%m") >= last
    status = np.array(["done", "done", "done", "in_progress", "dropped"], dtype=object)
    fresh = np.array(["open", "in_progress"], dtype=object)
    return plans.select(
        pl.int_range(first_id, first_id + pl.len()).alias("action_id"),
        "cycle_id",
        "person_id",
        _pick(rng, text.ACTIONS, n).alias("action"),
        pl.when(pl.Series(rng.random(n) < 0.6))
        .then("person_id")
        .otherwise("team_id")
        .alias("owner_id"),
        (pl.col("held_on") + pl.duration(days=30)).alias("due_on"),
        pl.when(recent)
        .then(pl.Series(fresh[rng.integers(0, 2, n)], dtype=pl.String))
        .otherwise(pl.Series(status[rng.integers(0, 5, n)], dtype=pl.String))
        .alias("status"),
        pl.lit("demo").alias("created_by"),
        (pl.col("held_on").cast(pl.Datetime("us")) + pl.duration(hours=17)).alias("updated_at"),
    )


def _self_scores(rng: np.random.Generator, lines: pl.DataFrame) -> pl.DataFrame:
    noise = rng.normal(3.0, 8.0, lines.height)
    return lines.with_columns(
        (pl.col("score") + pl.Series(noise)).round(0).clip(0, 150).alias("self_score")
    )


def _store(
    ctx: DemoContext,
    rng: np.random.Generator,
    cyc: pl.DataFrame,
    tmpl: pl.DataFrame,
    rows: pl.DataFrame,
    lines: pl.DataFrame,
    names: dict[int, str],
) -> None:
    talks = _talks(rng, rows, cyc, names)
    last = cyc.filter(pl.col("state") == "closed")["period"].max()
    plans = _actions(rng, talks, rows, _first_free_id(ctx.engine, Action.action_id), str(last))
    first_line = _first_free_id(ctx.engine, TemplateLine.line_id)
    tmpl = tmpl.with_columns(pl.int_range(first_line, first_line + pl.len()).alias("line_id"))
    published = rows.join(
        cyc.select("cycle_id", "kind", "period", "state", "end"), on="cycle_id"
    ).filter((pl.col("state") == "closed") & pl.col("bonus_multiplier").is_not_null())
    with write_session(ctx.engine) as session:
        for table, frame in (
            (Cycle, cyc.drop("start", "end")),
            (TemplateLine, tmpl),
            (Record, rows),
            (KpiLine, _self_scores(rng, lines)),
            (Talk, talks),
            (Action, plans),
        ):
            ctx.progress(f"Appraisal: storing {frame.height:,} {table.__tablename__}")
            bulk_insert(session, table.__table__, frame)  # type: ignore[arg-type]
        _publish(session, published)


def _publish(session: Session, published: pl.DataFrame) -> None:
    """Every closed period's multipliers under the topic incentives reads.

    What ``command_center.published.publish`` writes (its (topic, period) rows
    replaced), in one bulk insert: 60,000 ORM objects take half a minute at
    the large scale.
    """
    periods = published["period"].unique().sort().to_list()
    session.execute(
        delete(PublishedFact).where(PublishedFact.topic == TOPIC, PublishedFact.period.in_(periods))
    )
    rows = published.sort("period", "person_id").select(
        pl.lit(TOPIC).alias("topic"),
        "period",
        "person_id",
        pl.lit("bonus_multiplier").alias("key"),
        pl.col("bonus_multiplier").alias("value"),
        ("appraisal.rating." + pl.col("rating")).alias("text"),
        pl.lit("appraisal").alias("published_by"),
        (pl.col("end").cast(pl.Datetime("us")) + pl.duration(days=10, hours=18)).alias(
            "published_at"
        ),
    )
    bulk_insert(session, PublishedFact.__table__, rows)  # type: ignore[arg-type]
