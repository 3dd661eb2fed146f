"""Order execution and after-sales rules: overdue milestones, the complaint SLA."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from command_center.i18n import t
from plugins.pipeline.logic.labels import milestone_name

HOUR_SECONDS = 3_600.0
SLA_STATES: tuple[str, ...] = ("in_time", "late", "overdue", "open")


def with_sla(complaints: pl.DataFrame, now: dt.datetime, sla_hours: float) -> pl.DataFrame:
    """Each complaint's ``due_at``, ``hours`` to resolve (or open so far) and ``sla_state``.

    - ``in_time``: resolved no later than ``opened_at + sla_hours``;
    - ``late``: resolved after that;
    - ``overdue``: still open past that (counts as not handled in time);
    - ``open``: still open and still within it (not decided yet).
    """
    end = pl.coalesce(pl.col("resolved_at"), pl.lit(now))
    due = pl.col("opened_at") + pl.duration(seconds=round(sla_hours * HOUR_SECONDS))
    resolved = pl.col("resolved_at").is_not_null()
    state = (
        pl.when(resolved & (pl.col("resolved_at") <= pl.col("due_at")))
        .then(pl.lit("in_time"))
        .when(resolved)
        .then(pl.lit("late"))
        .when(pl.lit(now) > pl.col("due_at"))
        .then(pl.lit("overdue"))
        .otherwise(pl.lit("open"))
    )
    return complaints.with_columns(due.alias("due_at")).with_columns(
        ((end - pl.col("opened_at")).dt.total_seconds() / HOUR_SECONDS).alias("hours"),
        state.alias("sla_state"),
    )


def sla_rate(with_states: pl.DataFrame) -> dict[str, float | int | None]:
    """Handled in time / decided complaints (in time + late + overdue)."""
    counts = dict(with_states.group_by("sla_state").len().iter_rows())
    decided = sum(counts.get(s, 0) for s in ("in_time", "late", "overdue"))
    in_time = counts.get("in_time", 0)
    return {
        **{state: int(counts.get(state, 0)) for state in SLA_STATES},
        "decided": decided,
        "rate": in_time / decided if decided else None,
    }


def with_overdue(milestones: pl.DataFrame, today: dt.date) -> pl.DataFrame:
    """``overdue`` (not done and due before ``today``) and ``days_overdue``."""
    late = (pl.col("status") != "done") & (pl.col("due_date") < today)
    days = (pl.lit(today) - pl.col("due_date")).dt.total_days()
    return milestones.with_columns(
        late.alias("overdue"),
        pl.when(late).then(days).otherwise(0).cast(pl.Int64).alias("days_overdue"),
    )


def order_progress(milestones: pl.DataFrame, today: dt.date, soon_days: int = 7) -> pl.DataFrame:
    """What a customer is told: each milestone in due order with a ``state``.

    ``done``, ``late`` (not done, past due), ``due_soon`` (within
    ``soon_days``), else ``scheduled``; ``is_next`` marks the first not done.
    """
    ordered = with_overdue(milestones, today).sort("due_date", "milestone_id")
    state = (
        pl.when(pl.col("status") == "done")
        .then(pl.lit("done"))
        .when(pl.col("overdue"))
        .then(pl.lit("late"))
        .when((pl.col("due_date") - pl.lit(today)).dt.total_days() <= soon_days)
        .then(pl.lit("due_soon"))
        .otherwise(pl.lit("scheduled"))
    )
    pending = pl.col("status") != "done"
    return ordered.with_columns(
        state.alias("state"),
        (pending & (pending.cum_sum() == 1)).alias("is_next"),
    )


def delivered(milestones: pl.DataFrame) -> bool:
    """Every milestone of the plan is done (and there is at least one)."""
    return milestones.height > 0 and bool((milestones["status"] == "done").all())


MILESTONE_STATES = ("done", "in_progress", "planned", "blocked", "overdue")
"""The states the execution chart shows (an overdue milestone counts as overdue)."""


def milestone_states(plan: pl.DataFrame) -> pl.DataFrame:
    """``kind, state, len``: milestones per kind and state (overdue ones as ``overdue``)."""
    return (
        plan.with_columns(
            pl.when(pl.col("overdue"))
            .then(pl.lit("overdue"))
            .otherwise(pl.col("status"))
            .alias("state")
        )
        .group_by("kind", "state")
        .len()
    )


def score_counts(surveys: pl.DataFrame, names: dict[int, str]) -> pl.DataFrame:
    """``score, len, label``: surveys per score, ``label`` the score's name."""
    return (
        surveys.group_by("score")
        .len()
        .with_columns(pl.col("score").replace_strict(names, return_dtype=pl.String).alias("label"))
    )


def sla_counts(complaints: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    """``sla_state, len, label``: complaints (:func:`with_sla`) per SLA state."""
    return (
        complaints.group_by("sla_state")
        .len()
        .with_columns(
            pl.col("sla_state").replace_strict(names, default=pl.col("sla_state")).alias("label")
        )
    )


def status_summary(
    deal: dict[str, Any],
    contract: dict[str, Any],
    plan: pl.DataFrame,
    today: dt.date,
    customer: str,
    owner: str,
) -> str:
    """What the customer is told about their order, in the active language (``customer``
    and ``owner``: the names to show)."""
    signed = contract["signed_at"].date() if contract["signed_at"] else today
    lines = [
        t("pipeline.summary.greeting", customer=customer),
        t(
            "pipeline.summary.order",
            title=deal["title"],
            signed=str(signed),
            delivery=str(contract["delivery_date"]),
        ),
        "",
    ]
    progress = order_progress(plan, today)
    for row in progress.iter_rows(named=True):
        when = row["done_on"] if row["state"] == "done" else row["due_date"]
        lines.append(
            t(
                f"pipeline.summary.state_{row['state']}",
                step=milestone_name(row),
                date=str(when),
            )
        )
    upcoming = progress.filter(pl.col("is_next"))
    lines.append("")
    if upcoming.height:
        row = upcoming.row(0, named=True)
        lines.append(
            t("pipeline.summary.next", step=milestone_name(row), date=str(row["due_date"]))
        )
    elif progress.height:
        lines.append(t("pipeline.summary.complete"))
    lines.append(t("pipeline.summary.contact", owner=owner))
    return "\n".join(lines)
