"""Attendance: per-event counts and the ``meeting_attendance`` metric facts.

``invitations`` frames hold ``event_id, person_id, attendance, event_date,
kind, status`` (one row per invitee, with the event's date, kind and status).
Attendance is counted once recorded: present and late count as attended,
absent as missed; excused absences (leave, a customer emergency) and
invitations not yet recorded do not count either way.
"""

from __future__ import annotations

import polars as pl

MEETING_KINDS = ("weekly_meeting", "monthly_review", "kickoff", "evening_review")
ATTENDED = ("present", "late")
COUNTED = ("present", "late", "absent")


def attendance_facts(invitations: pl.DataFrame) -> pl.DataFrame:
    """``person_id, month, num, den`` of ``meeting_attendance`` (meetings not cancelled)."""
    counted = invitations.filter(
        pl.col("kind").is_in(MEETING_KINDS)
        & (pl.col("status") != "cancelled")
        & pl.col("attendance").is_in(COUNTED)
    )
    return (
        counted.with_columns(
            pl.col("event_date").dt.truncate("1mo").alias("month"),
            pl.col("attendance").is_in(ATTENDED).cast(pl.Float64).alias("num"),
            pl.lit(1.0).alias("den"),
        )
        .group_by("person_id", "month")
        .agg(pl.col("num").sum(), pl.col("den").sum())
        .sort("person_id", "month")
    )


def per_event(invitations: pl.DataFrame) -> pl.DataFrame:
    """``event_id, invited, present, late, absent, excused, rate`` (rate: attended / counted)."""
    counts = invitations.group_by("event_id").agg(
        pl.len().alias("invited"),
        *[(pl.col("attendance") == s).sum().alias(s) for s in ("present", "late", "absent")],
        (pl.col("attendance") == "excused").sum().alias("excused"),
    )
    counted = pl.col("present") + pl.col("late") + pl.col("absent")
    return counts.with_columns(
        pl.when(counted > 0)
        .then((pl.col("present") + pl.col("late")) / counted)
        .otherwise(None)
        .alias("rate")
    ).sort("event_id")


def rate(invitations: pl.DataFrame) -> float | None:
    """Attended / counted over all the rows given (``None`` when nothing is recorded)."""
    counted = invitations.filter(pl.col("attendance").is_in(COUNTED))
    if counted.is_empty():
        return None
    return float(counted["attendance"].is_in(ATTENDED).mean())  # type: ignore[arg-type]
