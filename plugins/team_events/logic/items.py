"""Action items: carry-over from meeting to meeting, overdue lists, on-time facts.

``actions`` frames hold ``action_id, event_id, team_root, owner_id, title,
due_date, status, created_on, closed_on, origin_date`` (``origin_date`` is the
date of the meeting that raised the item). An item is open on a day when it
was not closed before that day; it is carried to every later meeting of the
same team until the meeting after it was closed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import polars as pl

OPEN_STATUSES = ("open", "in_progress")
CLOSED_STATUSES = ("done", "dropped")

ACTION_SCHEMA: dict[str, pl.DataType] = {
    "action_id": pl.Int64(),
    "event_id": pl.Int64(),
    "team_root": pl.Int64(),
    "owner_id": pl.Int64(),
    "title": pl.String(),
    "due_date": pl.Date(),
    "status": pl.String(),
    "created_on": pl.Date(),
    "closed_on": pl.Date(),
    "origin_date": pl.Date(),
}


def open_on(day: dt.date) -> pl.Expr:
    """True for items not closed before ``day`` (an item closed on ``day`` still shows)."""
    return pl.col("closed_on").is_null() | (pl.col("closed_on") >= day)


def carried_over(
    actions: pl.DataFrame, team_root: int, meeting_date: dt.date, meeting_id: int
) -> pl.DataFrame:
    """The team's items raised at earlier meetings and still open at this one.

    Earlier means an earlier date, or the same date and a smaller event id
    (two meetings on one day). Oldest first.
    """
    earlier = (pl.col("origin_date") < meeting_date) | (
        (pl.col("origin_date") == meeting_date) & (pl.col("event_id") < meeting_id)
    )
    return actions.filter(
        (pl.col("team_root") == team_root)
        & (pl.col("event_id") != meeting_id)
        & earlier
        & open_on(meeting_date)
    ).sort("origin_date", "action_id")


def raised_at(actions: pl.DataFrame, meeting_id: int) -> pl.DataFrame:
    return actions.filter(pl.col("event_id") == meeting_id).sort("action_id")


def carry_counts(actions: pl.DataFrame, meetings: pl.DataFrame, today: dt.date) -> pl.DataFrame:
    """``action_id, carried``: how many later meetings of its team an item was carried to.

    ``meetings`` holds ``event_id, team_root, event_date`` of the meetings
    that took place (not cancelled). A meeting counts when it is after the
    item's own meeting and on or before the day it closed (or ``today``).
    """
    base = actions.select("action_id", "event_id", "team_root", "origin_date", "closed_on")
    later = (
        base.join(
            meetings.select(
                "team_root", pl.col("event_id").alias("m_id"), pl.col("event_date").alias("m_date")
            ),
            on="team_root",
            how="inner",
        )
        .filter(
            (pl.col("m_id") != pl.col("event_id"))
            & (
                (pl.col("m_date") > pl.col("origin_date"))
                | (
                    (pl.col("m_date") == pl.col("origin_date"))
                    & (pl.col("m_id") > pl.col("event_id"))
                )
            )
            & (pl.col("m_date") <= pl.coalesce(pl.col("closed_on"), pl.lit(today)))
        )
        .group_by("action_id")
        .agg(pl.len().cast(pl.Int64).alias("carried"))
    )
    return (
        base.select("action_id")
        .join(later, on="action_id", how="left")
        .with_columns(pl.col("carried").fill_null(0))
    )


def overdue(actions: pl.DataFrame, today: dt.date) -> pl.DataFrame:
    """Open items past their due date, most overdue first, with ``days_overdue``."""
    return (
        actions.filter(pl.col("status").is_in(OPEN_STATUSES) & (pl.col("due_date") < today))
        .with_columns((pl.lit(today) - pl.col("due_date")).dt.total_days().alias("days_overdue"))
        .sort(["days_overdue", "action_id"], descending=[True, False])
    )


def on_time_facts(actions: pl.DataFrame, today: dt.date) -> pl.DataFrame:
    """``person_id, month, num, den`` of the ``actions_on_time`` metric.

    Per owner and month of the due date: an item counts once it is done or its
    due date has passed (dropped items never count); it is on time when it was
    done on or before its due date.
    """
    counted = actions.filter(
        (pl.col("status") != "dropped")
        & ((pl.col("status") == "done") | (pl.col("due_date") < today))
    )
    on_time = (pl.col("status") == "done") & (pl.col("closed_on") <= pl.col("due_date"))
    return (
        counted.with_columns(
            pl.col("owner_id").alias("person_id"),
            pl.col("due_date").dt.truncate("1mo").alias("month"),
            on_time.fill_null(False).cast(pl.Float64).alias("num"),
            pl.lit(1.0).alias("den"),
        )
        .group_by("person_id", "month")
        .agg(pl.col("num").sum(), pl.col("den").sum())
        .sort("person_id", "month")
    )


def summary(actions: pl.DataFrame, today: dt.date) -> dict[str, int]:
    """Counts for a KPI row: open (incl. in progress), overdue, done, dropped."""
    status = actions["status"]
    return {
        "open": int(status.is_in(OPEN_STATUSES).sum()),
        "overdue": overdue(actions, today).height,
        "done": int((status == "done").sum()),
        "dropped": int((status == "dropped").sum()),
    }


def open_by_owner(
    actions: pl.DataFrame,
    today: dt.date,
    names: Mapping[int, str],
    labels: tuple[str, str],
    top: int = 15,
) -> pl.DataFrame:
    """``owner_id, state, items, owner``: open items per owner, overdue or on track.

    ``labels`` are the words for (overdue, on track); only the ``top`` owners
    with the most open items are kept (by name, as the chart shows them).
    """
    late = overdue(actions, today)["action_id"]
    late_label, on_track_label = labels
    open_now = actions.filter(pl.col("status").is_in(OPEN_STATUSES)).with_columns(
        pl.when(pl.col("action_id").is_in(late.implode()))
        .then(pl.lit(late_label))
        .otherwise(pl.lit(on_track_label))
        .alias("state")
    )
    per_owner = (
        open_now.group_by("owner_id", "state")
        .agg(pl.len().alias("items"))
        .with_columns(
            pl.col("owner_id")
            .replace_strict(dict(names), default="?", return_dtype=pl.String)
            .alias("owner")
        )
    )
    leaders = (
        per_owner.group_by("owner")
        .agg(pl.col("items").sum())
        .sort("items", descending=True)
        .head(top)
    )
    return per_owner.filter(pl.col("owner").is_in(leaders["owner"].implode()))
