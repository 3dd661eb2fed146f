"""Team events' part of a day's agenda: the day's meetings at their time (whose row a
meeting is), the action items due and the reports owed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any

import polars as pl

from command_center.i18n import t
from command_center.types import AgendaItem


def meeting_rows(
    events: pl.DataFrame, invitees: pl.DataFrame, me: int | None, day: dt.date
) -> pl.DataFrame:
    """``event_id, kind, title, location, person_id, starts_at``: one row per event.

    ``person_id`` is ``me`` (whose day it is) when they are invited, organise it or
    lead its team; else the first invitee in scope; else the team's leader.
    ``starts_at`` is the day at the event's ``start_time`` (``HH:MM``; unreadable:
    the start of the day).
    """
    first_invitee = invitees.group_by("event_id").agg(pl.col("person_id").min().alias("invitee"))
    mine = (
        invitees.filter(pl.col("person_id") == me).select("event_id").unique()
        if me is not None
        else invitees.clear().select("event_id")
    )
    time = pl.col("start_time").str.strptime(pl.Time, "%H:%M", strict=False)
    own = (
        pl.col("event_id").is_in(mine["event_id"].implode())
        | (pl.col("organiser_id") == me)
        | (pl.col("team_root") == me)
    )
    return (
        events.join(first_invitee, on="event_id", how="left")
        .with_columns(
            pl.when(own.fill_null(False))
            .then(pl.lit(me, dtype=pl.Int64))
            .otherwise(pl.coalesce("invitee", "team_root"))
            .alias("person_id"),
            pl.lit(day).dt.combine(time.fill_null(dt.time.min)).alias("starts_at"),
        )
        .select("event_id", "kind", "title", "location", "person_id", "starts_at")
        .sort("starts_at", "event_id")
    )


def agenda_items(
    events: pl.DataFrame,
    invitees: pl.DataFrame,
    actions: pl.DataFrame,
    me: int | None,
    day: dt.date,
) -> list[AgendaItem]:
    """The day's meetings (:func:`meeting_rows`) and the open action items
    (``action_id, owner_id, title, due_date``) as agenda rows."""
    items = [
        AgendaItem(
            "meeting",
            row["starts_at"],
            row["person_id"],
            t("team_events.agenda.meeting_at", title=row["title"], place=row["location"])
            if row["location"]
            else t("team_events.agenda.meeting", title=row["title"]),
            f"team_events:meeting:{row['event_id']}",
        )
        for row in meeting_rows(events, invitees, me, day).iter_rows(named=True)
    ]
    items += [
        AgendaItem(
            "action_item",
            row["due_date"],
            row["owner_id"],
            t("team_events.agenda.action", title=row["title"]),
            f"team_events:action:{row['action_id']}",
        )
        for row in actions.iter_rows(named=True)
    ]
    return items


def report_items(
    owed: list[tuple[int, str, dt.datetime]],
    me: int | None,
    form: Callable[..., None] | None = None,
) -> list[AgendaItem]:
    """Rows for reports owed (``person_id, period, due``): due at their deadline; the
    row of ``me`` carries ``form`` (called with the period, then ``(ctx, key)``)."""
    items = []
    for person, period, due in owed:
        weekly = "-W" in period
        action: Callable[[Any, str], None] | None = None
        if form is not None and person == me:
            action = partial(form, period)
        items.append(
            AgendaItem(
                "report",
                due,
                person,
                t(
                    "team_events.agenda.weekly_report" if weekly else "team_events.agenda.report",
                    period=period,
                    time=due.strftime("%H:%M"),
                ),
                f"team_events:report:{person}:{period}",
                render_action=action,
                action_label=t("team_events.agenda.write") if action is not None else "",
            )
        )
    return items
