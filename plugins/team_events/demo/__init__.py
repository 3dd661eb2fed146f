"""Deterministic demo data for team events (``seed_demo``).

Weekly meetings of every supervisor's team over the last 16 weeks (and the
next two), monthly reviews of every manager's team, attendance, minutes and
action items (some closed on time, some late, some overdue), team-building
days and dinners with spend inside yearly budgets, and announcements to the
force, each region and some teams, read by most of their audience.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from command_center.db.bulk import bulk_insert
from command_center.db.engine import write_session
from command_center.db.ids import next_id
from command_center.db.tables import polars_schema
from command_center.types import DemoContext
from plugins.team_events.demo.extras import seed_announcements, seed_building
from plugins.team_events.demo.meetings import Rows, seed_meetings
from plugins.team_events.demo.teams import build_teams
from plugins.team_events.models import (
    ActionItem,
    ActionUpdate,
    Announcement,
    Budget,
    Event,
    EventSeries,
    Invitee,
    Read,
    Spend,
)

# Frame name -> table, in the order they are stored (parents first).
TABLES: dict[str, type] = {
    "series": EventSeries,
    "events": Event,
    "invitees": Invitee,
    "actions": ActionItem,
    "updates": ActionUpdate,
    "budgets": Budget,
    "spend": Spend,
    "announcements": Announcement,
    "reads": Read,
}


@dataclass(frozen=True)
class Starts:
    """The first id of each table's new rows (after rows already stored)."""

    event: int = 1
    series: int = 1
    action: int = 1
    update: int = 1
    spend: int = 1
    announcement: int = 1


def generate(
    people: pl.DataFrame,
    customers: pl.DataFrame,
    as_of: dt.date,
    seed: int,
    starts: Starts = Starts(),
) -> dict[str, pl.DataFrame]:
    """Every demo row of the plugin, one frame per table; nothing is stored."""
    rng = np.random.default_rng(seed)
    sup_teams, mgr_teams = build_teams(people)
    rows = Rows(
        next_event=starts.event,
        next_series=starts.series,
        next_action=starts.action,
        next_update=starts.update,
    )
    seed_meetings(rows, sup_teams, mgr_teams, customers, as_of, rng)
    spend, budgets = seed_building(rows, sup_teams, mgr_teams, as_of, rng, starts.spend)
    news, reads = seed_announcements(people, sup_teams, mgr_teams, as_of, rng, starts.announcement)
    return {
        # every column's type from the model (early rows may hold only nulls)
        "series": pl.DataFrame(rows.series, schema=polars_schema(EventSeries)),
        "events": pl.DataFrame(rows.events, schema=polars_schema(Event)),
        "invitees": pl.concat(rows.invitees),
        "actions": pl.DataFrame(rows.actions, schema=polars_schema(ActionItem)),
        "updates": pl.DataFrame(rows.updates, schema=polars_schema(ActionUpdate)),
        "budgets": budgets,
        "spend": spend,
        "announcements": news,
        "reads": reads,
    }


def seed(ctx: DemoContext) -> None:
    """Generate and store the demo rows in one transaction."""
    seed_value = ctx.rng.randrange(2**32)
    with write_session(ctx.engine) as session:
        starts = Starts(
            event=next_id(session, Event.event_id),
            series=next_id(session, EventSeries.series_id),
            action=next_id(session, ActionItem.action_id),
            update=next_id(session, ActionUpdate.update_id),
            spend=next_id(session, Spend.spend_id),
            announcement=next_id(session, Announcement.announcement_id),
        )
        data = generate(ctx.people, ctx.customers, ctx.as_of, seed_value, starts)
        for name, model in TABLES.items():
            if data[name].height:
                bulk_insert(session, model.__table__, data[name])  # type: ignore[attr-defined]
        ctx.progress(
            f"team_events: {data['events'].height:,} events, {data['actions'].height:,} "
            f"action items, {data['announcements'].height:,} announcements, "
            f"{data['reads'].height:,} reads"
        )
