"""Follow-up cadence: when each customer is next due, and who is overdue.

A customer's clock starts at the later of its last follow-up and the day its
current owner got it (``owned_since``, else ``created_on``); it is due
``interval[grade]`` days later, overdue from the day after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import polars as pl

STATUSES: tuple[str, ...] = ("overdue", "due", "ok")


def last_touch() -> pl.Expr:
    """The later of the last follow-up and the start of the current ownership."""
    start = pl.coalesce("owned_since", "created_on")
    return pl.max_horizontal(pl.col("last_followup"), start).alias("last_touch")


def due_dates(
    book: pl.DataFrame,
    last_followups: pl.DataFrame,
    grades: pl.DataFrame,
    intervals: Mapping[str, int],
    today: dt.date,
) -> pl.DataFrame:
    """Per owned customer of ``book``: ``last_touch, due_on, days_overdue, status``.

    ``book`` holds ``customer_id, owner_id, owned_since, created_on``;
    ``last_followups`` ``customer_id, last_followup``; ``grades``
    ``customer_id, grade`` (missing = C). Customers without owner (public
    pool) have no cadence and are left out.
    """
    interval = pl.col("grade").replace_strict(
        dict(intervals), default=intervals["C"], return_dtype=pl.Int64
    )
    return (
        book.filter(pl.col("owner_id").is_not_null())
        .join(last_followups, on="customer_id", how="left")
        .join(grades.select("customer_id", "grade"), on="customer_id", how="left")
        .with_columns(pl.col("grade").fill_null("C"), last_touch())
        .with_columns(
            (pl.col("last_touch") + pl.duration(days=interval)).alias("due_on"),
        )
        .with_columns((pl.lit(today) - pl.col("due_on")).dt.total_days().alias("days_overdue"))
        .with_columns(
            pl.when(pl.col("days_overdue") > 0)
            .then(pl.lit("overdue"))
            .when(pl.col("days_overdue") == 0)
            .then(pl.lit("due"))
            .otherwise(pl.lit("ok"))
            .alias("status")
        )
    )


def overdue_at_points(
    spells: pl.DataFrame,
    followups: pl.DataFrame,
    grades: pl.DataFrame,
    intervals: Mapping[str, int],
    points: Sequence[dt.date],
) -> pl.DataFrame:
    """``as_of, person_id, overdue`` : customers each person owned and had overdue at each point.

    ``spells`` are ownership spells (``customer_id, owner_id, start, end``,
    ``end`` exclusive or null); ``followups`` ``customer_id, followup_date``;
    ``grades`` ``as_of, customer_id, grade`` (the grade at each point; missing = C).
    """
    parts = []
    interval = pl.col("grade").replace_strict(
        dict(intervals), default=intervals["C"], return_dtype=pl.Int64
    )
    for point in points:
        owned = spells.filter(
            (pl.col("start") <= point) & (pl.col("end").is_null() | (pl.col("end") > point))
        )
        last = (
            followups.filter(pl.col("followup_date") <= point)
            .group_by("customer_id")
            .agg(pl.col("followup_date").max().alias("last_followup"))
        )
        at = grades.filter(pl.col("as_of") == point).select("customer_id", "grade")
        overdue = (
            owned.join(last, on="customer_id", how="left")
            .join(at, on="customer_id", how="left")
            .with_columns(pl.col("grade").fill_null("C"))
            .with_columns(
                pl.max_horizontal("last_followup", "start").alias("touch"),
            )
            .filter(pl.lit(point) > pl.col("touch") + pl.duration(days=interval))
            .group_by(pl.col("owner_id").alias("person_id"))
            .agg(pl.len().cast(pl.Int64).alias("overdue"))
            .with_columns(pl.lit(point).alias("as_of"))
        )
        parts.append(overdue.select("as_of", "person_id", "overdue"))
    if not parts:
        return pl.DataFrame(schema={"as_of": pl.Date, "person_id": pl.Int64, "overdue": pl.Int64})
    return pl.concat(parts)


def pending(dues: pl.DataFrame) -> pl.DataFrame:
    """Customers due or overdue (:func:`due_dates` rows not ``ok``), most overdue first."""
    return dues.filter(pl.col("status") != "ok").sort(
        ["days_overdue", "customer_id"], descending=[True, False]
    )


def followup_choices(dues: pl.DataFrame, limit: int) -> pl.DataFrame:
    """``customer_id, name`` to offer in the follow-up form: the pending ones first, then
    the others by due date; at most ``limit``."""
    return (
        pending(dues)
        .select("customer_id", "name")
        .vstack(dues.filter(pl.col("status") == "ok").sort("due_on").select("customer_id", "name"))
        .head(limit)
    )


def overdue_by_owner(pending: pl.DataFrame, owner: pl.Expr, top: int = 30) -> pl.DataFrame:
    """``owner_id, customers, owner``: overdue customers per owner, most first; ``owner``
    names the person (e.g. ``labels.owner_names``)."""
    return (
        pending.filter(pl.col("status") == "overdue")
        .group_by("owner_id")
        .agg(pl.len().alias("customers"))
        .with_columns(owner.alias("owner"))
        .sort("customers", descending=True)
        .head(top)
    )
