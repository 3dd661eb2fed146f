"""Writes on events: schedule (once or recurring), cancel, minutes, attendance."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.org.scope import Viewer
from plugins.team_events.actions.guards import (
    MAX_TEXT,
    TeamEventsError,
    check_team,
    clean_text,
    managed_event,
    team_members,
    today_or,
)
from plugins.team_events.errors import RecurrenceError
from plugins.team_events.logic.recurrence import (
    WORKDAYS,
    Recurrence,
    occurrences,
    weekdays_text,
)
from plugins.team_events.models import ATTENDANCE, EVENT_KINDS, Event, EventSeries, Invitee

TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class NewEvent:
    """What the schedule form asks for; ``invitees=None`` invites the whole team."""

    kind: str
    title: str
    team_root: int
    first_date: dt.date
    start_time: str = "09:00"
    duration_minutes: int = 60
    location: str = ""
    agenda: str = ""
    recurrence: Recurrence = "none"
    every: int = 1
    count: int | None = None
    until: dt.date | None = None
    invitees: tuple[int, ...] | None = None
    weekdays: tuple[int, ...] = WORKDAYS
    """The days of a ``workdays`` series (0 Monday)."""


def plan(engine: Engine, viewer: Viewer, new: NewEvent) -> tuple[list[dt.date], list[int]]:
    """Check ``new`` and return its dates and invitees (nothing written)."""
    check_team(engine, viewer, new.team_root)
    if new.kind not in EVENT_KINDS:
        raise TeamEventsError("team_events.error.kind", kind=new.kind)
    clean_text(new.title, "team_events.field.title")
    if not TIME.match(new.start_time):
        raise TeamEventsError("team_events.error.time", value=new.start_time)
    if not 1 <= new.duration_minutes <= 24 * 60:
        raise TeamEventsError("team_events.error.duration")
    try:
        dates = occurrences(
            new.first_date, new.recurrence, new.every, new.count, new.until, weekdays=new.weekdays
        )
        if not dates:
            raise RecurrenceError("team_events.error.no_dates")
    except RecurrenceError as exc:
        raise TeamEventsError(exc.key, **exc.params) from None
    team = team_members(engine, new.team_root)
    if new.invitees is None:
        invitees = sorted(team)
    else:
        invitees = sorted(set(new.invitees) | {new.team_root})
        outside = [p for p in invitees if not viewer.can_see(p)]
        if outside:
            raise TeamEventsError("team_events.error.invitee_out_of_scope", person=outside[0])
    return dates, invitees


def schedule(engine: Engine, viewer: Viewer, new: NewEvent, actor: str) -> list[int]:
    """Create the event (every occurrence of a series) with its invitees; the new ids."""
    dates, invitees = plan(engine, viewer, new)
    with write_session(engine) as session:
        series_id = None
        if new.recurrence != "none":
            row = EventSeries(
                kind=new.kind,
                title=new.title.strip(),
                team_root=new.team_root,
                recurrence=new.recurrence,
                every=new.every,
                first_date=dates[0],
                until_date=dates[-1],
                occurrences=len(dates),
                created_by=actor,
                weekdays=weekdays_text(new.weekdays) if new.recurrence == "workdays" else "",
            )
            session.add(row)
            session.flush()
            series_id = row.series_id
        created = [
            Event(
                series_id=series_id,
                kind=new.kind,
                title=new.title.strip(),
                team_root=new.team_root,
                organiser_id=viewer.person_id,
                event_date=day,
                start_time=new.start_time,
                duration_minutes=new.duration_minutes,
                location=new.location.strip()[:200],
                status="scheduled",
                agenda=new.agenda.strip()[:MAX_TEXT],
                notes="",
                decisions="",
                created_by=actor,
            )
            for day in dates
        ]
        session.add_all(created)
        session.flush()
        session.add_all(
            Invitee(event_id=ev.event_id, person_id=pid, attendance="invited")
            for ev in created
            for pid in invitees
        )
        ids = [ev.event_id for ev in created]
        audit(
            session,
            actor,
            "event_scheduled",
            "team_events_event",
            ids[0],
            kind=new.kind,
            team_root=new.team_root,
            occurrences=len(ids),
            series_id=series_id,
            invitees=len(invitees),
        )
    return ids


def cancel(
    engine: Engine,
    viewer: Viewer,
    event_id: int,
    actor: str,
    rest_of_series: bool = False,
    today: dt.date | None = None,
) -> list[int]:
    """Cancel an event not yet held (and, optionally, the series' later occurrences)."""
    day = today_or(today)
    with write_session(engine) as session:
        event = managed_event(session, viewer, event_id)
        if event.status != "scheduled" or event.event_date < day:
            raise TeamEventsError("team_events.error.cannot_cancel")
        targets = [event]
        if rest_of_series and event.series_id is not None:
            targets = list(
                session.scalars(
                    select(Event).where(
                        Event.series_id == event.series_id,
                        Event.event_date >= event.event_date,
                        Event.status == "scheduled",
                    )
                )
            )
        for row in targets:
            row.status = "cancelled"
        ids = sorted(row.event_id for row in targets)
        audit(session, actor, "event_cancelled", "team_events_event", event_id, cancelled=ids)
    return ids


def save_minutes(
    engine: Engine,
    viewer: Viewer,
    event_id: int,
    actor: str,
    agenda: str,
    notes: str,
    decisions: str,
    today: dt.date | None = None,
) -> None:
    """Store the agenda, notes and decisions; a past meeting with notes counts as held."""
    day = today_or(today)
    texts = {
        "agenda": clean_text(agenda, "team_events.field.agenda", MAX_TEXT, required=False),
        "notes": clean_text(notes, "team_events.field.notes", MAX_TEXT, required=False),
        "decisions": clean_text(decisions, "team_events.field.decisions", MAX_TEXT, required=False),
    }
    with write_session(engine) as session:
        event = managed_event(session, viewer, event_id)
        if event.status == "cancelled":
            raise TeamEventsError("team_events.error.cancelled")
        changed = [name for name, value in texts.items() if getattr(event, name) != value]
        if not changed:
            raise TeamEventsError("team_events.error.nothing_changed")
        for name in changed:
            setattr(event, name, texts[name])
        if event.event_date <= day and (texts["notes"] or texts["decisions"]):
            event.status = "held"
        audit(session, actor, "minutes_saved", "team_events_event", event_id, fields=changed)


def record_attendance(
    engine: Engine,
    viewer: Viewer,
    event_id: int,
    statuses: dict[int, str],
    actor: str,
    today: dt.date | None = None,
) -> int:
    """Set invitees' attendance of a past (or today's) event; marks it held. Rows changed."""
    day = today_or(today)
    bad = sorted({s for s in statuses.values() if s not in ATTENDANCE})
    if bad:
        raise TeamEventsError("team_events.error.attendance", value=bad[0])
    with write_session(engine) as session:
        event = managed_event(session, viewer, event_id)
        if event.status == "cancelled":
            raise TeamEventsError("team_events.error.cancelled")
        if event.event_date > day:
            raise TeamEventsError("team_events.error.future_attendance")
        rows = _invitees(session, event_id)
        unknown = sorted(set(statuses) - set(rows))
        if unknown:
            raise TeamEventsError("team_events.error.not_invited", person=unknown[0])
        hidden = [pid for pid in statuses if not viewer.can_see(pid)]
        if hidden:
            raise TeamEventsError("team_events.error.invitee_out_of_scope", person=hidden[0])
        changed = 0
        for pid, status in statuses.items():
            if rows[pid].attendance != status:
                rows[pid].attendance = status
                changed += 1
        event.status = "held"
        audit(session, actor, "attendance_recorded", "team_events_event", event_id, changed=changed)
    return changed


def _invitees(session: Session, event_id: int) -> dict[int, Invitee]:
    found = session.scalars(select(Invitee).where(Invitee.event_id == event_id))
    return {row.person_id: row for row in found}
