"""Writes of settlements: compute a month as a draft version, lock it, unlock it (history).

A compute covers everyone in the viewer's scope who is not in a locked
settlement of that month yet; it replaces those people's lines in this
month's drafts. Locked rows are never updated or deleted: a locked month
never changes when the ledger does. All writes of one action are one
transaction, audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session

from command_center.db import frames
from command_center.db.audit import audit
from command_center.db.bulk import bulk_insert
from command_center.db.engine import write_session
from command_center.db.ids import lock_table
from command_center.db.models import utcnow
from command_center.metrics import MetricRegistry
from command_center.org.scope import Viewer
from command_center.periods import month_end
from plugins.incentives.errors import IncentivesError, month_label
from plugins.incentives.logic.breakdowns import all_needs, booked_plan
from plugins.incentives.logic.engine import Evaluation, evaluate
from plugins.incentives.logic.figures import ATTR_REVENUE, Figures, window
from plugins.incentives.logic.plan_model import GRAIN_MONTHS
from plugins.incentives.logic.settlement import (
    BOOKED,
    CLAWBACK_SCHEMA,
    clawbacks,
    component_lines,
    contributions,
    statement_rows,
)
from plugins.incentives.models import Dispute, Line, OrderCredit, Settlement, Statement
from plugins.incentives.queries import cash_lines
from plugins.incentives.queries import figures as figure_reads
from plugins.incentives.queries import plans as plan_reads
from plugins.incentives.queries import settlements as settlement_reads

SETTLERS = frozenset({"manager", "director"})
CHUNK = 900  # ids per IN (...) list


@dataclass(frozen=True)
class Computed:
    settlement_id: int
    period: str
    version: int
    people: int
    total: float
    skipped_locked: int


def _require_settler(viewer: Viewer) -> None:
    if viewer.role not in SETTLERS:
        raise IncentivesError("not_allowed")


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


@dataclass
class _Batch:
    statements: list[pl.DataFrame]
    lines: list[pl.DataFrame]
    credits: list[pl.DataFrame]
    windows: list[pl.DataFrame]


def _keep(evaluation: Evaluation, ids: pl.Series, people: pl.DataFrame) -> Evaluation:
    """Rows of ``ids``; people who left and earned nothing are not settled."""
    frame = (
        evaluation.frame.filter(pl.col("person_id").is_in(ids.implode()))
        .join(people.select("person_id", "status"), on="person_id", how="left")
        .filter((pl.col("status") != "left") | (pl.col("payout") != 0) | (pl.col("revenue") != 0))
        .drop("status")
    )
    return Evaluation(frame, evaluation.components, evaluation.notes, evaluation.plan)


def _evaluate_all(
    engine: Engine,
    registry: MetricRegistry,
    viewer: Viewer,
    month: dt.date,
    skip: set[int],
    figures: Figures | None,
) -> _Batch:
    plans = plan_reads.effective_plans(engine, month)
    if not plans:
        raise IncentivesError("no_plan", period=month_label(month))
    metrics: set[str] = set()
    for _, plan in plans:
        metrics |= plan.metrics()
    if figures is None or not metrics <= set(figures.kinds) | (metrics - set(registry.keys())):
        figures = figure_reads.figures(engine, registry, metrics)
    figures = figure_reads.with_needs(engine, figures, all_needs([p for _, p in plans]))
    figures = window(figures, month, month)  # the months a period paid in ``month`` holds
    mults = figure_reads.published_multipliers(engine)
    people = frames.all_people(engine)
    scope = people if viewer.person_ids is None else viewer.filter(people)
    assigned: set[int] = set()
    batch = _Batch([], [], [], [])
    for version_id, plan in plans:
        evaluation = evaluate(plan, figures, month, month, mults)
        mine = evaluation.frame["person_id"]
        free = scope.filter(
            pl.col("person_id").is_in(mine.implode())
            & ~pl.col("person_id").is_in(sorted(assigned | skip))
        )["person_id"]
        assigned |= set(mine.to_list())
        kept = _keep(evaluation, free, people)
        if kept.frame.is_empty():
            continue
        batch.statements.append(
            statement_rows(kept).with_columns(
                pl.lit(plan.name).alias("plan_name"),
                pl.lit(version_id, pl.Int64).alias("plan_version_id"),
            )
        )
        batch.lines.append(component_lines(kept))
        ids = kept.frame["person_id"].to_list()
        span = GRAIN_MONTHS[plan.period]
        start_index = month.year * 12 + month.month - 1 - (span - 1)
        first = dt.date(start_index // 12, start_index % 12 + 1, 1)
        # Only the scope's lines of these months (scope and dates in SQL), then these people.
        query = frames.orders_query(viewer, first, month_end(month), cash_lines.LINE_SCHEMA)
        orders = frames.read_frame(engine, query, cash_lines.LINE_SCHEMA).filter(
            pl.col("person_id").is_in(ids)
        )
        shadow = booked_plan(plan)
        if shadow is None:
            batch.credits.append(contributions(kept, orders))
        else:
            # Commission on collected cash: the lines paid this month join the booked ones,
            # and the same components on booked revenue say what is held back.
            paid = cash_lines.cash_lines(engine, orders, ids, first, month_end(month))
            booked = evaluate(shadow, figures, month, month, mults).frame.select(
                "person_id", "period", pl.col(ATTR_REVENUE).alias(BOOKED)
            )
            batch.credits.append(contributions(kept, orders, paid, booked))
        if plan.clawback.enabled:
            batch.windows.append(
                pl.DataFrame(
                    {"person_id": ids, "within_months": [plan.clawback.within_months] * len(ids)},
                    schema={"person_id": pl.Int64, "within_months": pl.Int64},
                )
            )
    return batch


def _clawback_lines(
    engine: Engine, viewer: Viewer, month: dt.date, batch: _Batch, drafts: list[int]
) -> pl.DataFrame:
    if not batch.windows:
        return pl.DataFrame(schema=CLAWBACK_SCHEMA)
    windows = pl.concat(batch.windows)
    settled = viewer.narrow(frozenset(windows["person_id"].to_list()))
    refunds = frames.refunds(engine, settled)
    refunds = refunds.filter(pl.col("refund_date") <= month_end(month))
    if refunds.is_empty():
        return pl.DataFrame(schema=CLAWBACK_SCHEMA)
    paid = settlement_reads.paid_credits(
        engine, sorted(set(refunds["order_id"].to_list())), month_label(month)
    )
    done = settlement_reads.clawed_refunds(engine, drafts)
    return clawbacks(refunds, paid, done, month_end(month), windows)


def _remove_from_drafts(session: Session, drafts: list[int], ids: list[int]) -> None:
    """Take ``ids`` out of this month's drafts; a draft left empty is deleted."""
    for settlement_id in drafts:
        for part in _chunks(ids):
            for table in (Line, OrderCredit, Statement):
                session.execute(
                    delete(table).where(
                        table.settlement_id == settlement_id, table.person_id.in_(part)
                    )
                )
        left = session.scalar(
            select(func.count())
            .select_from(Statement)
            .where(Statement.settlement_id == settlement_id)
        )
        if not left:
            session.execute(delete(Dispute).where(Dispute.settlement_id == settlement_id))
            session.execute(delete(Settlement).where(Settlement.settlement_id == settlement_id))
            continue
        total = session.scalar(
            select(func.coalesce(func.sum(Statement.payout), 0.0)).where(
                Statement.settlement_id == settlement_id
            )
        )
        session.execute(
            update(Settlement)
            .where(Settlement.settlement_id == settlement_id)
            .values(people=left, total=total)
        )


def compute_settlement(
    engine: Engine,
    registry: MetricRegistry,
    viewer: Viewer,
    month: dt.date,
    actor: str,
    figures: Figures | None = None,
) -> Computed:
    """A new draft version of ``month`` for everyone in scope not locked already.

    ``figures``: the engine's input when the caller has it already (the demo
    settles several months in a row); else read (cached) here.
    """
    _require_settler(viewer)
    month = month.replace(day=1)
    label = month_label(month)
    locked = settlement_reads.locked_people(engine, label)
    batch = _evaluate_all(engine, registry, viewer, month, locked, figures)
    if not batch.statements:
        raise IncentivesError("nothing_to_settle", period=label)
    drafts = settlement_reads.settlements(engine, label).filter(pl.col("status") == "draft")
    draft_ids = drafts["settlement_id"].to_list()
    claws = _clawback_lines(engine, viewer, month, batch, draft_ids)
    stmts = pl.concat(batch.statements, how="vertical_relaxed")
    claw_sum = claws.group_by("person_id").agg(pl.col("amount").sum().alias("_claw"))
    stmts = (
        stmts.join(claw_sum, on="person_id", how="left")
        .with_columns((pl.col("payout") + pl.col("_claw").fill_null(0.0)).alias("payout"))
        .drop("_claw")
    )
    seq0 = 100
    claw_lines = claws.select(
        "person_id",
        (pl.int_range(pl.len()).over("person_id") + seq0).cast(pl.Int64).alias("seq"),
        pl.lit("clawback").alias("kind"),
        pl.lit("clawback").alias("name"),
        "amount",
        "order_id",
        "refund_id",
    )
    lines = pl.concat([*batch.lines, claw_lines], how="vertical_relaxed")
    credits = pl.concat(batch.credits, how="vertical_relaxed")
    ids = stmts["person_id"].to_list()
    total = float(stmts["payout"].sum())
    with write_session(engine) as session:
        lock_table(session, Settlement.__tablename__)  # version numbers: MAX + 1 per month
        latest = session.scalar(
            select(func.max(Settlement.version)).where(Settlement.period == label)
        )
        _remove_from_drafts(session, draft_ids, ids)
        settlement = Settlement(
            period=label,
            version=(latest or 0) + 1,
            status="draft",
            people=len(ids),
            total=total,
            computed_by=actor,
        )
        session.add(settlement)
        session.flush()
        sid = pl.lit(settlement.settlement_id, pl.Int64).alias("settlement_id")
        # In key order: the indexes grow at their ends (several times faster on SQLite).
        stmts = stmts.sort("person_id").with_columns(sid)
        lines = lines.sort("person_id", "seq").with_columns(sid)
        credits = credits.sort("person_id", "order_id").with_columns(sid)
        bulk_insert(session, Statement.__table__, stmts)  # type: ignore[arg-type]
        bulk_insert(session, Line.__table__, lines)  # type: ignore[arg-type]
        bulk_insert(session, OrderCredit.__table__, credits)  # type: ignore[arg-type]
        audit(
            session,
            actor,
            "settlement_computed",
            "incentives_settlement",
            settlement.settlement_id,
            period=label,
            version=settlement.version,
            people=len(ids),
            total=round(total, 2),
            clawbacks=claws.height,
        )
        return Computed(
            settlement.settlement_id, label, settlement.version, len(ids), total, len(locked)
        )


def _settlement_in_scope(session: Session, viewer: Viewer, settlement_id: int) -> Settlement:
    settlement = session.get(Settlement, settlement_id)
    if settlement is None:
        raise IncentivesError("no_settlement", id=settlement_id)
    if viewer.person_ids is not None:
        outside = session.scalar(
            select(func.count())
            .select_from(Statement)
            .where(
                Statement.settlement_id == settlement_id,
                Statement.person_id.not_in(sorted(viewer.person_ids)),
            )
        )
        if outside:
            raise IncentivesError("outside_scope", count=outside)
    return settlement


def lock_settlement(engine: Engine, viewer: Viewer, settlement_id: int, actor: str) -> None:
    _require_settler(viewer)
    with write_session(engine) as session:
        settlement = _settlement_in_scope(session, viewer, settlement_id)
        if settlement.status != "draft":
            raise IncentivesError("not_draft", status=settlement.status)
        settlement.status = "locked"
        settlement.locked_at = utcnow()
        settlement.locked_by = actor
        audit(
            session,
            actor,
            "settlement_locked",
            "incentives_settlement",
            settlement_id,
            period=settlement.period,
            version=settlement.version,
            total=round(settlement.total, 2),
        )


def unlock_settlement(
    engine: Engine, viewer: Viewer, settlement_id: int, reason: str, actor: str
) -> None:
    """Reopen a locked settlement: it stays as history, its people may be recomputed."""
    _require_settler(viewer)
    if not reason.strip():
        raise IncentivesError("reason_needed")
    with write_session(engine) as session:
        settlement = _settlement_in_scope(session, viewer, settlement_id)
        if settlement.status != "locked":
            raise IncentivesError("not_locked", status=settlement.status)
        settlement.status = "unlocked"
        settlement.unlocked_at = utcnow()
        settlement.unlocked_by = actor
        settlement.reason = reason.strip()[:200]
        audit(
            session,
            actor,
            "settlement_unlocked",
            "incentives_settlement",
            settlement_id,
            period=settlement.period,
            version=settlement.version,
            reason=reason.strip()[:200],
        )
