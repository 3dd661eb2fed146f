"""Writes of the daily beat: the goals a member states at the morning kick-off.

A member sets their own goals for a kick-off they are invited to; the team's leaders
(a leader whose scope holds the team) type anyone's. Only a kick-off takes goals,
never a cancelled one; counts are whole numbers 0-999.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, select

from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.org.scope import Viewer
from command_center.types import LEADER_ROLES
from plugins.team_events.actions.guards import TeamEventsError, clean_text
from plugins.team_events.logic.goals import GOAL_METRICS, MAX_GOAL
from plugins.team_events.models import Event, Goal, Invitee


@dataclass(frozen=True)
class DayGoal:
    """A member's goals for the day."""

    visits: int = 0
    calls: int = 0
    new_customers: int = 0
    note: str = ""


def set_goals(
    engine: Engine,
    viewer: Viewer,
    event_id: int,
    goals: dict[int, DayGoal],
    actor: str,
    now: dt.datetime | None = None,
) -> int:
    """Store ``goals`` (person -> goals) for kick-off ``event_id``; how many rows changed."""
    if viewer.person_id is None:
        raise TeamEventsError("team_events.error.no_person")
    at = now or dt.datetime.now().replace(microsecond=0)
    for goal in goals.values():
        for metric in GOAL_METRICS:
            if not 0 <= int(getattr(goal, metric)) <= MAX_GOAL:
                raise TeamEventsError("team_events.error.goal", limit=MAX_GOAL)
    notes = {
        pid: clean_text(goal.note, "team_events.goals.note", 500, required=False)
        for pid, goal in goals.items()
    }
    with write_session(engine) as session:
        event = session.get(Event, event_id)
        invited = set(
            session.scalars(select(Invitee.person_id).where(Invitee.event_id == event_id))
        )
        manages = (
            event is not None and viewer.role in LEADER_ROLES and viewer.can_see(event.team_root)
        )
        if event is None or not (manages or viewer.person_id in invited):
            raise TeamEventsError("team_events.error.event_not_found", event_id=event_id)
        if event.kind != "kickoff":
            raise TeamEventsError("team_events.error.goals_kickoff_only")
        if event.status == "cancelled":
            raise TeamEventsError("team_events.error.cancelled")
        for pid in goals:
            if pid not in invited:
                raise TeamEventsError("team_events.error.not_invited", person=pid)
            if not manages and pid != viewer.person_id:
                raise TeamEventsError("team_events.error.goals_own_only")
            if not viewer.can_see(pid) and pid != viewer.person_id:
                raise TeamEventsError("team_events.error.invitee_out_of_scope", person=pid)
        changed = 0
        for pid, goal in goals.items():
            values = {m: int(getattr(goal, m)) for m in GOAL_METRICS} | {"note": notes[pid]}
            row = session.get(Goal, (event_id, pid))
            if row is None:
                session.add(
                    Goal(event_id=event_id, person_id=pid, set_by=actor, updated_at=at, **values)
                )
                changed += 1
            elif any(getattr(row, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(row, k, v)
                row.set_by, row.updated_at = actor, at
                changed += 1
        audit(session, actor, "goals_set", "team_events_event", event_id, people=sorted(goals))
    return changed
