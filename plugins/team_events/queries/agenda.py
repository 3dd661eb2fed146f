"""What the Today agenda reads of team events, with the agenda's scope in SQL:
the events held on the day (not cancelled) that someone in scope is invited to or
whose team a leader in scope leads, who of the scope is invited, the action
items owned in scope still open by the day, and the reports of the day (and, on
the weekly report's weekday, of the week) not submitted yet by people in scope
expected to report."""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import Engine, or_, select

from command_center.db import frames
from command_center.db.tables import polars_schema
from command_center.org.scope import Viewer
from command_center.types import LEADER_ROLES, AgendaItem
from plugins.team_events import settings
from plugins.team_events.logic import agenda as agenda_logic
from plugins.team_events.logic import reports as report_logic
from plugins.team_events.models import CLOSED_STATUSES, ActionItem, Event, Invitee, Report
from plugins.team_events.queries.reports import reporters, reporters_of

DAY_EVENT_SCHEMA: dict[str, pl.DataType] = polars_schema(
    Event, ["event_id", "kind", "title", "team_root", "organiser_id", "start_time", "location"]
)
DAY_INVITEE_SCHEMA: dict[str, pl.DataType] = polars_schema(Invitee, ["event_id", "person_id"])
OPEN_ACTION_SCHEMA: dict[str, pl.DataType] = polars_schema(
    ActionItem, ["action_id", "owner_id", "title", "due_date", "status"]
)


def events_on(engine: Engine, viewer: Viewer, day: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The day's events the scope takes part in, and their invitees in scope
    (``event_id, person_id``)."""
    empty = pl.DataFrame(schema=DAY_EVENT_SCHEMA), pl.DataFrame(schema=DAY_INVITEE_SCHEMA)
    if viewer.role == "admin" or viewer.person_ids == frozenset():
        return empty
    query = select(*(Event.__table__.c[c] for c in DAY_EVENT_SCHEMA)).where(
        Event.event_date == day, Event.status != "cancelled"
    )
    invitees = select(Invitee.event_id, Invitee.person_id).join(
        Event, Event.event_id == Invitee.event_id
    )
    invitees = invitees.where(Event.event_date == day, Event.status != "cancelled")
    if viewer.person_ids is not None:
        ids = sorted(viewer.person_ids)
        invited = select(Invitee.event_id).where(Invitee.person_id.in_(ids))
        led = Event.team_root.in_(ids) if viewer.role in LEADER_ROLES else None
        query = query.where(
            Event.event_id.in_(invited) if led is None else or_(Event.event_id.in_(invited), led)
        )
        invitees = invitees.where(Invitee.person_id.in_(ids))
    query = query.order_by(Event.start_time, Event.event_id)
    return (
        frames.read_frame(engine, query, DAY_EVENT_SCHEMA),
        frames.read_frame(engine, invitees, DAY_INVITEE_SCHEMA),
    )


def actions_open(engine: Engine, viewer: Viewer, day: dt.date) -> pl.DataFrame:
    """Action items owned in scope, not closed, due on or before ``day``."""
    if viewer.role == "admin" or viewer.person_ids == frozenset():
        return pl.DataFrame(schema=OPEN_ACTION_SCHEMA)
    a = ActionItem
    query = (
        select(*(a.__table__.c[c] for c in OPEN_ACTION_SCHEMA))
        .where(a.status.not_in(CLOSED_STATUSES), a.due_date <= day)
        .order_by(a.due_date, a.action_id)
    )
    if viewer.person_ids is not None:
        query = query.where(a.owner_id.in_(sorted(viewer.person_ids)))
    return frames.read_frame(engine, query, OPEN_ACTION_SCHEMA)


SMALL = 500
"""Up to this many people the scope's ids go into the query; more read the day's rows."""
SENT_SCHEMA: dict[str, pl.DataType] = {"person_id": pl.Int64()}


def today() -> dt.date:
    """The real day (tests may patch it): report rows are for today and the days ahead."""
    return dt.date.today()


def reports_due(engine: Engine, viewer: Viewer, day: dt.date) -> list[tuple[int, str, dt.datetime]]:
    """``(person_id, period, due)`` of the reports people in scope still owe, for the
    agenda of ``day``: the day's daily report on a workday and, on the weekly report's
    weekday, the week's; today's agenda also carries the last workday's report when it is
    still not submitted (overdue). A past day's agenda has none: what was missed then is
    on the leaders' missing lists and the board. Read by period in SQL, the scope's ids
    named when they are few."""
    now = today()
    if viewer.role == "admin" or viewer.person_ids == frozenset() or day < now:
        return []
    rules = settings.load(engine)
    asks = [(report_logic.period_of("day", day), reporters(engine, viewer, day, rules))]
    week = report_logic.period_of("week", day)
    if day == week.first_day + dt.timedelta(days=rules.weekly_report_weekday):
        asks.append((week, reporters_of(engine, viewer, week, rules)))
    if day == now:
        before = report_logic.previous_workday(day, rules.workdays)
        asks.append(
            (report_logic.period_of("day", before), reporters(engine, viewer, before, rules))
        )
    owed: list[tuple[int, str, dt.datetime]] = []
    for period, expected in asks:
        people = expected["person_id"].to_list()
        if not people:
            continue
        query = select(Report.person_id).where(
            Report.first_day == period.first_day,
            Report.grain == period.grain,
            Report.submitted_at.is_not(None),
        )
        if viewer.person_ids is not None and len(people) <= SMALL:
            query = query.where(Report.person_id.in_(people))
        sent = set(frames.read_frame(engine, query, SENT_SCHEMA)["person_id"].to_list())
        due = report_logic.due_at(period, rules.report_due_time, rules.weekly_report_weekday)
        owed += [(pid, period.label, due) for pid in people if pid not in sent]
    return owed


def report_items(engine: Engine, viewer: Viewer, day: dt.date) -> list[AgendaItem]:
    """A row per report owed on ``day`` (:func:`reports_due`); the person's own row opens
    the report form."""
    owed = reports_due(engine, viewer, day)
    if not owed:
        return []
    from plugins.team_events.ui.report import agenda_form  # the row's form

    return agenda_logic.report_items(owed, viewer.person_id, agenda_form)


def agenda_items(engine: Engine, viewer: Viewer, day: dt.date) -> list[AgendaItem]:
    """The meetings of ``day``, the action items open by then and the reports owed, in
    ``viewer``'s scope (the ``today_agenda`` hook)."""
    events, invitees = events_on(engine, viewer, day)
    actions = actions_open(engine, viewer, day)
    return [
        *agenda_logic.agenda_items(events, invitees, actions, viewer.person_id, day),
        *report_items(engine, viewer, day),
    ]
