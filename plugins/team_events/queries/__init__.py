"""Reads: SQLAlchemy selects to Polars frames, every public one scoped by a Viewer.

Base tables are read once per data version (``frames.cached``) and then
filtered by the viewer:

- events: a person sees the events they are invited to; leaders also see
  every event of a team inside their scope (a team is a leader's subtree);
- invitations, action items, reads: rows about people in scope only;
- announcements: those addressed to someone in scope (or written by the viewer);
- budgets and spend: teams inside the viewer's scope.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import Engine, func, select
from sqlalchemy.sql.elements import ColumnElement

from command_center.db import frames
from command_center.db.models import OrderLine, Person
from command_center.db.tables import polars_schema, read_table
from command_center.org.scope import Viewer
from command_center.org.tree import closure
from command_center.types import LEADER_ROLES
from plugins.team_events.logic import comms
from plugins.team_events.logic.items import ACTION_SCHEMA
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

EVENT_COLUMNS = (
    "event_id",
    "series_id",
    "kind",
    "title",
    "team_root",
    "organiser_id",
    "event_date",
    "start_time",
    "duration_minutes",
    "location",
    "status",
    "agenda",
    "notes",
    "decisions",
)
EVENT_SCHEMA = polars_schema(Event, EVENT_COLUMNS)
# An invitation with its event's date, kind, status and team.
INVITATION_SCHEMA: dict[str, pl.DataType] = {
    **polars_schema(Invitee, ["event_id", "person_id", "attendance"]),
    **polars_schema(Event, ["event_date", "kind", "status", "team_root"]),
}
SERIES_COLUMNS = (
    "series_id",
    "kind",
    "title",
    "team_root",
    "recurrence",
    "every",
    "first_date",
    "until_date",
    "occurrences",
    "weekdays",
)
SERIES_SCHEMA = polars_schema(EventSeries, SERIES_COLUMNS)
UPDATE_COLUMNS = ("update_id", "action_id", "event_id", "on_date", "status", "note", "actor")
UPDATE_SCHEMA = polars_schema(ActionUpdate, UPDATE_COLUMNS)
BUDGET_COLUMNS = ("team_root", "year", "amount")
BUDGET_SCHEMA = polars_schema(Budget, BUDGET_COLUMNS)
SPEND_COLUMNS = ("spend_id", "event_id", "amount", "category", "note", "spent_on", "recorded_by")
# A spend line with its event's team, date, title and kind.
SPEND_SCHEMA: dict[str, pl.DataType] = {
    **polars_schema(Spend, SPEND_COLUMNS),
    **polars_schema(Event, ["team_root", "event_date", "title", "kind"]),
}
SMALL_SCOPE = 40  # people: up to this many, the scope goes into SQL (see daily_sales)
DAILY_SALES_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "order_date": pl.Date(),
    "revenue": pl.Float64(),
    "lines": pl.Int64(),
}
READ_COLUMNS = ("announcement_id", "person_id", "read_on")


EVENTS = Event.__tablename__
INVITATION_TABLES = (Invitee.__tablename__, EVENTS)
ACTION_TABLES = (ActionItem.__tablename__, EVENTS)


# -- unscoped base tables (private: always filtered before leaving this module) ---------
def _all_events(engine: Engine) -> pl.DataFrame:
    return frames.cached(
        engine,
        "team_events:events",
        lambda: read_table(engine, Event, EVENT_COLUMNS),
        tables=(EVENTS,),
    )


def _all_invitations(engine: Engine) -> pl.DataFrame:
    query = select(
        Invitee.event_id,
        Invitee.person_id,
        Invitee.attendance,
        Event.event_date,
        Event.kind,
        Event.status,
        Event.team_root,
    ).join(Event, Event.event_id == Invitee.event_id)
    return frames.cached(
        engine,
        "team_events:invitations",
        lambda: frames.read_frame(engine, query, INVITATION_SCHEMA),
        tables=INVITATION_TABLES,
    )


def _all_actions(engine: Engine) -> pl.DataFrame:
    query = select(
        *(ActionItem.__table__.c[c] for c in ACTION_SCHEMA if c != "origin_date"),
        Event.event_date.label("origin_date"),
    ).join(Event, Event.event_id == ActionItem.event_id)
    return frames.cached(
        engine,
        "team_events:actions",
        lambda: frames.read_frame(engine, query, ACTION_SCHEMA),
        tables=ACTION_TABLES,
    )


def _all_announcements(engine: Engine) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every announcement and its audience (``announcement_id, person_id``)."""

    def load() -> tuple[pl.DataFrame, pl.DataFrame]:
        query = select(*(Announcement.__table__.c[c] for c in comms.ANNOUNCEMENT_SCHEMA))
        rows = frames.read_frame(engine, query, comms.ANNOUNCEMENT_SCHEMA)
        people = frames.all_people(engine)
        members = comms.audience_members(rows, people, closure(people))
        return rows.sort("published_on", "announcement_id", descending=True), members

    return frames.cached(
        engine,
        "team_events:announcements",
        load,
        tables=(Announcement.__tablename__, Person.__tablename__),
    )


def _all_reads(engine: Engine) -> pl.DataFrame:
    return frames.cached(
        engine,
        "team_events:reads",
        lambda: read_table(engine, Read, READ_COLUMNS),
        tables=(Read.__tablename__,),
    )


# -- metric inputs (the registry filters by scope itself) ------------------------------
def metric_invitations(engine: Engine) -> pl.DataFrame:
    """Every invitation, for the ``meeting_attendance`` metric only."""
    return _all_invitations(engine)


def metric_actions(engine: Engine) -> pl.DataFrame:
    """Every action item, for the ``actions_on_time`` metric only."""
    return _all_actions(engine)


# -- scoped reads -----------------------------------------------------------------------
def _leads(viewer: Viewer) -> bool:
    return viewer.role in LEADER_ROLES


def _teams(model: type[EventSeries] | type[Budget], viewer: Viewer) -> list[ColumnElement[bool]]:
    """Rows of teams led by someone in the viewer's scope."""
    if viewer.person_ids is None:
        return []
    return [model.team_root.in_(sorted(viewer.person_ids))]


def visible_event_ids(engine: Engine, viewer: Viewer) -> pl.Series:
    """Ids of the events the viewer may see (see the module docstring)."""
    events = _all_events(engine)
    if viewer.person_ids is None:
        return events["event_id"]
    invitations = _all_invitations(engine)
    ids = (
        invitations.filter(pl.col("person_id") == viewer.person_id)["event_id"]
        if viewer.person_id is not None
        else invitations["event_id"].clear()
    )
    if _leads(viewer) and viewer.person_ids:
        own = events.filter(pl.col("team_root").is_in(sorted(viewer.person_ids)))["event_id"]
        ids = ids.append(own)
    return ids.unique().sort()


def events(
    engine: Engine, viewer: Viewer, start: dt.date | None = None, end: dt.date | None = None
) -> pl.DataFrame:
    """The events the viewer may see, between ``start`` and ``end`` (inclusive)."""
    frame = _all_events(engine)
    if viewer.person_ids is not None:
        frame = frame.filter(pl.col("event_id").is_in(visible_event_ids(engine, viewer).implode()))
    if start is not None:
        frame = frame.filter(pl.col("event_date") >= start)
    if end is not None:
        frame = frame.filter(pl.col("event_date") <= end)
    return frame.sort("event_date", "start_time", "event_id")


def event(engine: Engine, viewer: Viewer, event_id: int) -> dict[str, object] | None:
    """One event as a dict, or ``None`` when it does not exist or is out of scope."""
    frame = events(engine, viewer).filter(pl.col("event_id") == event_id)
    return frame.row(0, named=True) if frame.height else None


def invitations(engine: Engine, viewer: Viewer, event_ids: list[int] | None = None) -> pl.DataFrame:
    """Invitations of people in scope (to any event, or to ``event_ids``)."""
    frame = viewer.filter(_all_invitations(engine))
    if event_ids is not None:
        frame = frame.filter(pl.col("event_id").is_in(event_ids))
    return frame


def actions(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """Action items owned by people in scope."""
    return viewer.filter(_all_actions(engine), "owner_id").sort("action_id")


def action_updates(engine: Engine, viewer: Viewer, action_ids: list[int]) -> pl.DataFrame:
    """The status history of ``action_ids``, limited to items the viewer may see."""
    allowed = actions(engine, viewer).filter(pl.col("action_id").is_in(action_ids))["action_id"]
    if allowed.is_empty():
        return pl.DataFrame(schema=UPDATE_SCHEMA)
    return read_table(
        engine,
        ActionUpdate,
        UPDATE_COLUMNS,
        where=[ActionUpdate.action_id.in_(allowed.to_list())],
        order_by=[ActionUpdate.update_id],
    )


def series_of(engine: Engine, viewer: Viewer, event_id: int) -> dict[str, object] | None:
    """The recurrence rule of an event the viewer may see (``None``: a one-off event)."""
    found = event(engine, viewer, event_id)
    if found is None or found["series_id"] is None:
        return None
    where = [EventSeries.series_id == found["series_id"]]
    rows = read_table(engine, EventSeries, SERIES_COLUMNS, where=where)
    return rows.row(0, named=True) if rows.height else None


def series(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """Recurring series of teams in the viewer's scope (leaders only)."""
    if not _leads(viewer):
        return pl.DataFrame(schema=SERIES_SCHEMA)
    return read_table(engine, EventSeries, SERIES_COLUMNS, where=_teams(EventSeries, viewer))


def budgets(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """Budgets of teams led by someone in scope (leaders only)."""
    if not _leads(viewer):
        return pl.DataFrame(schema=BUDGET_SCHEMA)
    return read_table(engine, Budget, BUDGET_COLUMNS, where=_teams(Budget, viewer))


def spend(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """Spend on events of teams in scope (leaders only), with the event's team and date."""
    if not _leads(viewer):
        return pl.DataFrame(schema=SPEND_SCHEMA)
    query = select(
        *(Spend.__table__.c[c] for c in SPEND_COLUMNS),
        Event.team_root,
        Event.event_date,
        Event.title,
        Event.kind,
    ).join(Event, Event.event_id == Spend.event_id)
    if viewer.person_ids is not None:
        query = query.where(Event.team_root.in_(sorted(viewer.person_ids)))
    return frames.read_frame(engine, query.order_by(Spend.spend_id), SPEND_SCHEMA)


def announcements(engine: Engine, viewer: Viewer) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Announcements addressed to someone in scope (or by the viewer), and their audience in scope.

    The second frame (``announcement_id, person_id``) holds only audience
    members the viewer may see, so read tracking never shows anyone else.
    """
    rows, members = _all_announcements(engine)
    if viewer.person_ids is None:
        return rows, members
    mine = viewer.filter(members)
    ids = mine["announcement_id"].unique()
    if viewer.person_id is not None:
        ids = ids.append(
            rows.filter(pl.col("author_id") == viewer.person_id)["announcement_id"]
        ).unique()
    return rows.filter(pl.col("announcement_id").is_in(ids.implode())), mine


def reads(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """Reads by people in scope."""
    return viewer.filter(_all_reads(engine))


def audience_of(engine: Engine, announcement_id: int) -> set[int]:
    """Everyone an announcement is addressed to (for checks in writes, never shown)."""
    _, members = _all_announcements(engine)
    return set(members.filter(pl.col("announcement_id") == announcement_id)["person_id"].to_list())


def daily_sales(engine: Engine, viewer: Viewer, start: dt.date, end: dt.date) -> pl.DataFrame:
    """``person_id, order_date, revenue, lines``: order lines summed per person and day.

    Summed in SQL, so a week of a team reads at most people x days rows, never the
    lines themselves. A small scope goes into the WHERE clause (the person index);
    a large one would make SQLite walk every line of those people through that
    index, so the dates alone select the lines (their index) and the scope is
    applied to the sums.
    """
    query = (
        select(
            OrderLine.person_id,
            OrderLine.order_date,
            func.sum(OrderLine.revenue).label("revenue"),
            func.count().label("lines"),
        )
        .where(OrderLine.order_date >= start, OrderLine.order_date <= end)
        .group_by(OrderLine.person_id, OrderLine.order_date)
        .order_by(OrderLine.person_id, OrderLine.order_date)
    )
    small = viewer.person_ids is not None and len(viewer.person_ids) <= SMALL_SCOPE
    if small:
        query = query.where(OrderLine.person_id.in_(sorted(viewer.person_ids or ())))
    frame = frames.read_frame(engine, query, DAILY_SALES_SCHEMA)
    return frame if small else viewer.filter(frame)
