"""Writes on team-building money: a team's yearly budget and the spend per event."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, func, select

from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.org.scope import Viewer
from plugins.team_events.actions.guards import (
    TeamEventsError,
    check_team,
    clean_text,
    managed_event,
)
from plugins.team_events.models import SPEND_CATEGORIES, Budget, Event, Spend

BUDGET_ROLES = frozenset({"manager", "director"})


def _spent(session: object, team_root: int, year: int) -> float:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    query = (
        select(func.coalesce(func.sum(Spend.amount), 0.0))
        .join(Event, Event.event_id == Spend.event_id)
        .where(Event.team_root == team_root, Event.event_date.between(start, end))
    )
    return float(session.scalar(query) or 0.0)  # type: ignore[attr-defined]


def set_budget(
    engine: Engine, viewer: Viewer, team_root: int, year: int, amount: float, actor: str
) -> None:
    """Set a team's budget for ``year``: managers for teams below them, directors for any."""
    check_team(engine, viewer, team_root)
    if viewer.role not in BUDGET_ROLES or (
        viewer.role != "director" and team_root == viewer.person_id
    ):
        raise TeamEventsError("team_events.error.budget_role")
    if amount < 0:
        raise TeamEventsError("team_events.error.amount")
    with write_session(engine) as session:
        spent = _spent(session, team_root, year)
        if amount + 1e-9 < spent:
            raise TeamEventsError("team_events.error.budget_below_spent", spent=round(spent, 2))
        row = session.get(Budget, (team_root, year))
        before = None if row is None else row.amount
        if row is None:
            session.add(Budget(team_root=team_root, year=year, amount=amount, updated_by=actor))
        else:
            row.amount = amount
            row.updated_by = actor
        audit(
            session,
            actor,
            "budget_set",
            "team_events_budget",
            f"{team_root}:{year}",
            amount=amount,
            before=before,
        )


def add_spend(
    engine: Engine,
    viewer: Viewer,
    event_id: int,
    amount: float,
    category: str,
    note: str,
    actor: str,
    spent_on: dt.date | None = None,
) -> int:
    """Record money spent on an event, within what is left of its team's budget."""
    if amount <= 0:
        raise TeamEventsError("team_events.error.amount")
    if category not in SPEND_CATEGORIES:
        raise TeamEventsError("team_events.error.category", value=category)
    text = clean_text(note, "team_events.field.note", 500, required=False)
    with write_session(engine) as session:
        event = managed_event(session, viewer, event_id)
        if event.status == "cancelled":
            raise TeamEventsError("team_events.error.cancelled")
        year = event.event_date.year
        budget = session.get(Budget, (event.team_root, year))
        if budget is None:
            raise TeamEventsError("team_events.error.no_budget", year=year)
        left = budget.amount - _spent(session, event.team_root, year)
        if amount > left + 1e-9:
            raise TeamEventsError("team_events.error.over_budget", left=round(left, 2))
        row = Spend(
            event_id=event_id,
            amount=amount,
            category=category,
            note=text,
            spent_on=spent_on or event.event_date,
            recorded_by=actor,
        )
        session.add(row)
        session.flush()
        audit(
            session,
            actor,
            "spend_recorded",
            "team_events_spend",
            row.spend_id,
            event_id=event_id,
            amount=amount,
            category=category,
        )
        return row.spend_id
