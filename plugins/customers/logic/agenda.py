"""The customers plugin's part of a day's agenda, as frames: follow-ups due, planned
visits and pool warnings.

- follow-ups: customers due or overdue by their grade's cadence on the day, and
  customers whose latest follow-up promised a next contact on or before it (the
  rep's own date wins: it is what they said); one row per customer, and none
  for a customer with a visit planned by the day's end (the visit is the row);
- pool warnings: private, unlocked customers that the no-follow-up rule returns
  to the public pool within ``warn_days`` of the day unless someone follows up
  (the first day past ``no_followup_days`` idle, as
  :func:`plugins.customers.logic.pool.release_candidates` counts it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any

import polars as pl

from command_center.i18n import date, t
from command_center.types import AgendaItem
from plugins.customers.logic.cadence import last_touch

RowAction = Callable[..., None]
"""A row's form: called with the row's ids and name, then ``(ctx, key)`` by the page."""

FOLLOWUP_COLUMNS: tuple[str, ...] = (
    "customer_id",
    "owner_id",
    "name",
    "due",
    "promised",
    "next_step",
    "grade",
    "days_overdue",
)


def followups_due(
    dues: pl.DataFrame, promises: pl.DataFrame, visits: pl.DataFrame, day: dt.date
) -> pl.DataFrame:
    """:data:`FOLLOWUP_COLUMNS`, one row per customer to follow up by ``day``, by ``due``.

    ``dues``: the cadence (``customer_id, owner_id, name, grade, due_on,
    days_overdue``, as :func:`plugins.customers.logic.cadence.due_dates`);
    ``promises``: ``customer_id, owner_id, name, next_date, next_step``;
    ``visits``: ``customer_id`` of visits planned by the day's end.
    """
    by_cadence = dues.filter(pl.col("due_on") <= day).select(
        "customer_id",
        "owner_id",
        "name",
        pl.col("due_on").alias("due"),
        pl.lit(False).alias("promised"),
        pl.lit("").alias("next_step"),
        "grade",
        pl.col("days_overdue").cast(pl.Int64),
    )
    grades = dues.select("customer_id", "grade")
    by_promise = (
        promises.filter(pl.col("next_date") <= day)
        .join(grades, on="customer_id", how="left")
        .select(
            "customer_id",
            "owner_id",
            "name",
            pl.col("next_date").alias("due"),
            pl.lit(True).alias("promised"),
            pl.col("next_step").fill_null(""),
            pl.col("grade").fill_null("C"),
            (pl.lit(day) - pl.col("next_date"))
            .dt.total_days()
            .cast(pl.Int64)
            .alias("days_overdue"),
        )
    )
    planned = visits["customer_id"].unique().implode()
    return (
        pl.concat([by_promise, by_cadence.cast(by_promise.schema)])
        .unique("customer_id", keep="first", maintain_order=True)
        .filter(~pl.col("customer_id").is_in(planned))
        .sort("due", "customer_id")
        .select(FOLLOWUP_COLUMNS)
    )


def release_warnings(
    book: pl.DataFrame,
    last_followups: pl.DataFrame,
    day: dt.date,
    no_followup_days: int,
    warn_days: int,
) -> pl.DataFrame:
    """``customer_id, owner_id, name, release_on``: customers the no-follow-up rule
    releases on or before ``day + warn_days`` unless followed up, by ``release_on``.

    ``book``: ``customer_id, owner_id, name, locked, owned_since, created_on``;
    ``last_followups``: ``customer_id, last_followup``. The clock is the one the
    release uses: the later of the last follow-up and the start of the ownership.
    """
    horizon = day + dt.timedelta(days=warn_days)
    return (
        book.filter(pl.col("owner_id").is_not_null() & ~pl.col("locked").fill_null(False))
        .join(last_followups, on="customer_id", how="left")
        .with_columns(last_touch())
        .with_columns(
            (pl.col("last_touch") + pl.duration(days=no_followup_days + 1)).alias("release_on")
        )
        .filter(pl.col("release_on") <= horizon)
        .select("customer_id", "owner_id", "name", "release_on")
        .sort("release_on", "customer_id")
    )


def _action(form: RowAction | None, *args: Any) -> Callable[[Any, str], None] | None:
    return None if form is None else partial(form, *args)


def followup_items(
    due: pl.DataFrame, day: dt.date, form: RowAction | None = None
) -> list[AgendaItem]:
    """Rows of :func:`followups_due`; ``form(customer_id, name, ctx, key)`` logs one."""
    items = []
    for row in due.iter_rows(named=True):
        cid, name = int(row["customer_id"]), str(row["name"])
        if row["promised"]:
            step = str(row["next_step"] or "")
            title = (
                t("customers.agenda.promised_step", customer=name, step=step)
                if step
                else t("customers.agenda.promised", customer=name)
            )
        elif row["due"] < day:
            title = t(
                "customers.agenda.overdue",
                customer=name,
                grade=row["grade"],
                count=int(row["days_overdue"]),
            )
        else:
            title = t("customers.agenda.due", customer=name, grade=row["grade"])
        items.append(
            AgendaItem(
                "followup",
                row["due"],
                row["owner_id"],
                title,
                f"customers:followup:{cid}",
                customer_id=cid,
                render_action=_action(form, cid, name),
            )
        )
    return items


def visit_items(visits: pl.DataFrame, form: RowAction | None = None) -> list[AgendaItem]:
    """Planned visits (``plan_id, customer_id, person_id, planned_at, note, name``) at
    their time; ``form(plan_id, name, ctx, key)`` logs or calls one off."""
    items = []
    for row in visits.iter_rows(named=True):
        cid, name, note = int(row["customer_id"]), str(row["name"]), str(row["note"] or "")
        title = (
            t("customers.agenda.visit_note", customer=name, note=note)
            if note
            else t("customers.agenda.visit", customer=name)
        )
        items.append(
            AgendaItem(
                "visit",
                row["planned_at"],
                row["person_id"],
                title,
                f"customers:visit:{row['plan_id']}",
                customer_id=cid,
                render_action=_action(form, int(row["plan_id"]), name),
                action_label=t("customers.agenda.log_visit"),
            )
        )
    return items


def warning_items(warnings: pl.DataFrame, form: RowAction | None = None) -> list[AgendaItem]:
    """Rows of :func:`release_warnings`, due on the release day; ``form`` as for follow-ups."""
    return [
        AgendaItem(
            "pool_release",
            row["release_on"],
            row["owner_id"],
            t("customers.agenda.release", customer=str(row["name"]), day=date(row["release_on"])),
            f"customers:pool_release:{row['customer_id']}",
            customer_id=int(row["customer_id"]),
            render_action=_action(form, int(row["customer_id"]), str(row["name"])),
        )
        for row in warnings.iter_rows(named=True)
    ]
