"""The training page's tables, display-ready (columns named in the active language):
hours by month, sessions with attendance and ratings, the new hires' onboarding."""

from __future__ import annotations

import polars as pl

from command_center.i18n import t
from plugins.recruiting.logic.labels import name_column, translate
from plugins.recruiting.logic.vocabulary import ENROLMENT_STATUSES, TRAINER_KINDS


def hours_by_month(facts: pl.DataFrame) -> pl.DataFrame:
    """Hours attended per month (``YYYY-MM``) from the ``training_hours`` facts."""
    month, hours = t("recruiting.col.month"), t("recruiting.col.hours")
    return (
        facts.group_by("month")
        .agg(pl.col("num").sum().alias(hours))
        .sort("month")
        .select(pl.col("month").dt.strftime("%Y-%m").alias(month), hours)
    )


def sessions_table(
    sessions: pl.DataFrame,
    programs: pl.DataFrame,
    attendance: pl.DataFrame,
    who: dict[int, str],
) -> pl.DataFrame:
    """Sessions with program, trainer, hours, people present and mean rating."""
    names = programs.select("program_id", pl.col("name").alias("program"))
    seen = attendance.group_by("session_id").agg(
        pl.col("present").sum().alias("present"),
        pl.col("rating").mean().alias("rating"),
    )
    data = (
        sessions.join(names, on="program_id", how="left")
        .join(seen, on="session_id", how="left")
        .with_columns(pl.col("present").fill_null(0))
    )
    kinds = {k: t(f"recruiting.trainer.{k}") for k in TRAINER_KINDS}
    return data.select(
        pl.col("held_on").alias(t("recruiting.col.date")),
        pl.col("program").alias(t("recruiting.col.program")),
        pl.col("title").alias(t("recruiting.col.title")),
        pl.col("trainer_kind")
        .replace_strict(kinds, return_dtype=pl.String)
        .alias(t("recruiting.col.trainer_kind")),
        pl.coalesce(name_column(data, "trainer_id", who, "t"), pl.col("trainer_name")).alias(
            t("recruiting.col.trainer")
        ),
        pl.col("hours").alias(t("recruiting.col.hours")),
        pl.col("present").alias(t("recruiting.col.present")),
        pl.col("rating").round(2).alias(t("recruiting.col.rating")),
        pl.col("location").alias(t("recruiting.col.location")),
    )


def bootcamp_enrolments(enrolments: pl.DataFrame, programs: pl.DataFrame) -> pl.DataFrame:
    """Enrolments in a bootcamp, with the program's name as ``program``."""
    camps = programs.filter(pl.col("kind") == "bootcamp").select(
        "program_id", pl.col("name").alias("program")
    )
    return enrolments.join(camps, on="program_id", how="inner")


def onboarding_table(
    rows: pl.DataFrame, mentors: pl.DataFrame, who: dict[int, str]
) -> pl.DataFrame:
    """New hires in a bootcamp (``rows`` from :func:`bootcamp_enrolments`), newest
    first, with status, completion and mentor."""
    links = mentors.select(pl.col("mentee_id").alias("person_id"), "mentor_id")
    data = rows.join(links, on="person_id", how="left").sort("enrolled_on", descending=True)
    statuses = {s: t(f"recruiting.enrolment.{s}") for s in ENROLMENT_STATUSES}
    return data.select(
        name_column(data, "person_id", who, t("recruiting.col.name")),
        pl.col("program").alias(t("recruiting.col.program")),
        pl.col("enrolled_on").alias(t("recruiting.col.enrolled_on")),
        pl.col("due_on").alias(t("recruiting.col.due_on")),
        translate(data, "status", statuses.__getitem__).alias(t("recruiting.col.status")),
        pl.col("completed_on").alias(t("recruiting.col.completed_on")),
        name_column(data, "mentor_id", who, t("recruiting.col.mentor")),
    )
