"""Writes on action items: raise at a meeting, change status (carried until closed)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.org.scope import Viewer
from command_center.types import LEADER_ROLES
from plugins.team_events.actions.guards import (
    TeamEventsError,
    clean_text,
    managed_event,
    team_members,
    today_or,
)
from plugins.team_events.models import (
    ACTION_STATUSES,
    CLOSED_STATUSES,
    ActionItem,
    ActionUpdate,
    Event,
)

MAX_ACTION = 300


def add_action(
    engine: Engine,
    viewer: Viewer,
    event_id: int,
    owner_id: int,
    title: str,
    due_date: dt.date,
    actor: str,
    today: dt.date | None = None,
) -> int:
    """Raise an action item at a meeting; the owner must be on the meeting's team."""
    day = today_or(today)
    text = clean_text(title, "team_events.field.action", MAX_ACTION)
    with write_session(engine) as session:
        event = managed_event(session, viewer, event_id)
        if event.status == "cancelled":
            raise TeamEventsError("team_events.error.cancelled")
        if owner_id not in team_members(engine, event.team_root) or not viewer.can_see(owner_id):
            raise TeamEventsError("team_events.error.owner_not_in_team", person=owner_id)
        if due_date < event.event_date:
            raise TeamEventsError("team_events.error.due_before_meeting")
        item = ActionItem(
            event_id=event_id,
            team_root=event.team_root,
            owner_id=owner_id,
            title=text,
            due_date=due_date,
            status="open",
            created_on=day,
            closed_on=None,
            created_by=actor,
        )
        session.add(item)
        session.flush()
        session.add(
            ActionUpdate(
                action_id=item.action_id,
                event_id=event_id,
                on_date=day,
                status="open",
                note="",
                actor=actor,
            )
        )
        audit(
            session,
            actor,
            "action_raised",
            "team_events_action",
            item.action_id,
            event_id=event_id,
            owner_id=owner_id,
            due_date=due_date,
        )
        return item.action_id


def update_action(
    engine: Engine,
    viewer: Viewer,
    action_id: int,
    status: str,
    actor: str,
    note: str = "",
    event_id: int | None = None,
    due_date: dt.date | None = None,
    today: dt.date | None = None,
) -> None:
    """Change an item's status (and due date); closing stamps ``closed_on``, reopening clears it.

    The owner may update their own item; leaders may update any item of a
    team in their scope and move due dates. ``event_id`` names the meeting at
    which the item was reviewed (it must belong to the same team).
    """
    day = today_or(today)
    if status not in ACTION_STATUSES:
        raise TeamEventsError("team_events.error.status", value=status)
    text = clean_text(note, "team_events.field.note", 500, required=False)
    with write_session(engine) as session:
        item = session.get(ActionItem, action_id)
        if item is None or not viewer.can_see(item.owner_id):
            raise TeamEventsError("team_events.error.action_not_found", action_id=action_id)
        leads = viewer.role in LEADER_ROLES and viewer.can_see(item.team_root)
        if not leads and viewer.person_id != item.owner_id:
            raise TeamEventsError("team_events.error.not_your_action")
        if due_date is not None and due_date != item.due_date and not leads:
            raise TeamEventsError("team_events.error.leaders_move_due")
        if event_id is not None:
            meeting = session.get(Event, event_id)
            if meeting is None or meeting.team_root != item.team_root:
                raise TeamEventsError("team_events.error.event_not_found", event_id=event_id)
        moved = due_date is not None and due_date != item.due_date
        if status == item.status and not moved and not text:
            raise TeamEventsError("team_events.error.nothing_changed")
        if moved and due_date is not None and due_date < day:
            raise TeamEventsError("team_events.error.due_in_past")
        before = item.status
        item.status = status
        if status in CLOSED_STATUSES:
            if before not in CLOSED_STATUSES or item.closed_on is None:
                item.closed_on = day
        else:
            item.closed_on = None
        if moved and due_date is not None:
            item.due_date = due_date
        session.add(
            ActionUpdate(
                action_id=action_id,
                event_id=event_id,
                on_date=day,
                status=status,
                note=text,
                actor=actor,
            )
        )
        audit(
            session,
            actor,
            "action_updated",
            "team_events_action",
            action_id,
            status_before=before,
            status=status,
            due_date=item.due_date,
            event_id=event_id,
        )
