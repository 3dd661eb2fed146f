"""A team's weekly digest: sales, meetings, action items, announcements, what is next."""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import Engine

from command_center.db import frames
from command_center.org.scope import Viewer
from plugins.team_events import queries
from plugins.team_events.logic import attendance, comms, items
from plugins.team_events.logic.recurrence import week_start
from plugins.team_events.queries.teams import check_team, team_members


def build(
    engine: Engine, viewer: Viewer, team_root: int, day: dt.date, today: dt.date | None = None
) -> comms.Digest:
    """The digest of the week (Monday to Sunday) holding ``day`` for ``team_root``'s team."""
    check_team(engine, viewer, team_root)
    now = today or dt.date.today()
    start = week_start(day)
    end = start + dt.timedelta(days=6)
    as_of = min(now, end + dt.timedelta(days=1))
    ids = team_members(engine, team_root, include_left=True)
    team = viewer.narrow(frozenset(ids))
    people = frames.people(engine, team)
    orders = queries.daily_sales(engine, team, start - dt.timedelta(days=7), end)
    revenue, lines, previous, top = comms.week_sales(orders, people, start)

    in_team = pl.col("team_root").is_in(sorted(ids))
    week = queries.events(engine, team, start, end + dt.timedelta(days=7)).filter(in_team)
    meetings = week.filter(
        pl.col("event_date").is_between(start, end)
        & pl.col("kind").is_in(attendance.MEETING_KINDS)
        & (pl.col("status") != "cancelled")
    )
    invites = queries.invitations(engine, team, meetings["event_id"].to_list())
    upcoming = week.filter((pl.col("event_date") > end) & (pl.col("status") != "cancelled"))

    acts = queries.actions(engine, team).filter(in_team)
    raised = acts.filter(pl.col("origin_date").is_between(start, end)).height
    closed = acts.filter(
        (pl.col("status") == "done") & pl.col("closed_on").is_between(start, end)
    ).height
    late = items.overdue(acts, as_of).join(
        people.select("person_id", pl.col("name").alias("owner")),
        left_on="owner_id",
        right_on="person_id",
        how="left",
    )

    rows, members = queries.announcements(engine, team)
    posted = rows.filter(pl.col("published_on").is_between(start, end))
    stats = comms.read_stats(members, queries.reads(engine, team))
    posted = posted.join(stats, on="announcement_id", how="inner").select(
        "announcement_id", "title", "published_on", "audience_size", "read", "read_rate"
    )

    spent = queries.spend(engine, team).filter(in_team & pl.col("spent_on").is_between(start, end))
    return comms.Digest(
        team_root=team_root,
        week_start=start,
        revenue=revenue,
        order_lines=lines,
        previous_revenue=previous,
        meetings=meetings.select("event_id", "event_date", "start_time", "title", "kind"),
        attendance_rate=attendance.rate(invites),
        actions_raised=raised,
        actions_closed=closed,
        overdue=late,
        upcoming=upcoming.select("event_id", "event_date", "start_time", "title", "kind"),
        announcements=posted,
        spend=float(spent["amount"].sum()),
        top_sellers=top,
    )
