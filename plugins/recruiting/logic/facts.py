"""The recruiting metrics' facts (``person_id, month, num, den``) from the plugin's frames."""

from __future__ import annotations

import datetime as dt

import polars as pl

from plugins.recruiting.logic.analytics import month_start

FACT_COLUMNS = ("person_id", "month", "num", "den")


def _facts(frame: pl.DataFrame, person: str, day: str, num: pl.Expr, den: pl.Expr) -> pl.DataFrame:
    return (
        frame.select(
            pl.col(person).cast(pl.Int64).alias("person_id"),
            month_start(day).alias("month"),
            num.cast(pl.Float64).alias("num"),
            den.cast(pl.Float64).alias("den"),
        )
        .group_by("person_id", "month")
        .agg(pl.col("num").sum(), pl.col("den").sum())
        .sort("person_id", "month")
    )


def hires_facts(hired: pl.DataFrame) -> pl.DataFrame:
    """One per hire, to the hiring manager, in the month the hire starts."""
    return _facts(hired, "hiring_manager_id", "start_date", pl.lit(1.0), pl.lit(1.0))


def time_to_hire_facts(hired: pl.DataFrame) -> pl.DataFrame:
    """Σ days applied -> accepted over hires, to the hiring manager, by month accepted."""
    return _facts(hired, "hiring_manager_id", "responded_on", pl.col("days_to_hire"), pl.lit(1.0))


def training_hours_facts(attendance: pl.DataFrame) -> pl.DataFrame:
    """Hours of sessions attended (present), per attendee and month."""
    present = attendance.filter(pl.col("present"))
    return _facts(present, "person_id", "held_on", pl.col("hours"), pl.lit(1.0))


def exam_score_facts(attempts: pl.DataFrame) -> pl.DataFrame:
    """Σ scores / number of attempts, per person and month taken."""
    return _facts(attempts, "person_id", "taken_on", pl.col("score"), pl.lit(1.0))


def bootcamp_completion_facts(enrolments: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """Bootcamp enrolments that are due (or done): completed / due, by month due.

    An enrolment counts once its due date has passed or it was completed
    (early completion counts in the month it was due); a dropped one counts
    as not completed.
    """
    due = enrolments.filter(
        (pl.col("status") == "completed") | (pl.col("due_on") < pl.lit(as_of))
    ).filter(pl.col("due_on").is_not_null())
    return _facts(
        due, "person_id", "due_on", (pl.col("status") == "completed").cast(pl.Float64), pl.lit(1.0)
    )
