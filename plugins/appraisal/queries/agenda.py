"""What the Today agenda reads of appraisal: the steps waiting on someone in scope,
read with the scope in SQL.

- ``acknowledge``: a contract issued, not yet signed by its person (cycle planning or
  in progress);
- ``self_review``: the cycle is in self review and the person has not written theirs;
- ``manager_review``: the cycle is in manager review and the person's leader
  (``team_id``) has not reviewed them: the leader acts;
- ``improvement``: an improvement action still open, due by the day: its owner acts.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import Engine, Select, and_, literal, select, union_all

from command_center.db import frames
from command_center.org.scope import Viewer
from command_center.types import AgendaItem
from plugins.appraisal.logic.agenda import step_items
from plugins.appraisal.models import Action, Cycle, Record

STEP_SCHEMA: dict[str, pl.DataType] = {
    "step": pl.String(),
    "cycle_id": pl.Int64(),
    "period": pl.String(),
    "actor_id": pl.Int64(),
    "subject_id": pl.Int64(),
    "due_on": pl.Date(),
    "what": pl.String(),
}
ACK_STATES = ("planning", "in_progress")
OPEN_ACTIONS = ("open", "in_progress")


def _step(name: str, actor: object, where: object, day: dt.date) -> Select[tuple[object, ...]]:
    return (
        select(
            literal(name).label("step"),
            Record.cycle_id,
            Cycle.period,
            actor.label("actor_id"),  # type: ignore[attr-defined]
            Record.person_id.label("subject_id"),
            literal(day).label("due_on"),
            literal("").label("what"),
        )
        .join(Cycle, Cycle.cycle_id == Record.cycle_id)
        .where(where)  # type: ignore[arg-type]
    )


def steps_waiting(engine: Engine, viewer: Viewer, day: dt.date) -> pl.DataFrame:
    """:data:`STEP_SCHEMA` rows: each step waiting on a person in scope (``actor_id``)."""
    if viewer.role == "admin" or viewer.person_ids == frozenset():
        return pl.DataFrame(schema=STEP_SCHEMA)
    ids = None if viewer.person_ids is None else sorted(viewer.person_ids)

    def mine(column: object) -> object:
        return literal(True) if ids is None else column.in_(ids)  # type: ignore[attr-defined]

    steps = [
        _step(
            "acknowledge",
            Record.person_id,
            and_(Record.contract == "issued", Cycle.state.in_(ACK_STATES), mine(Record.person_id)),
            day,
        ),
        _step(
            "self_review",
            Record.person_id,
            and_(Cycle.state == "self_review", Record.self_at.is_(None), mine(Record.person_id)),
            day,
        ),
        _step(
            "manager_review",
            Record.team_id,
            and_(
                Cycle.state == "manager_review",
                Record.reviewed_at.is_(None),
                Record.team_id.is_not(None),
                mine(Record.team_id),
            ),
            day,
        ),
        select(
            literal("improvement").label("step"),
            Action.cycle_id,
            Cycle.period,
            Action.owner_id.label("actor_id"),
            Action.person_id.label("subject_id"),
            Action.due_on,
            Action.action.label("what"),
        )
        .join(Cycle, Cycle.cycle_id == Action.cycle_id)
        .where(Action.status.in_(OPEN_ACTIONS), Action.due_on <= day, mine(Action.owner_id)),  # type: ignore[arg-type]
    ]
    return frames.read_frame(engine, union_all(*steps), STEP_SCHEMA).sort(
        "due_on", "cycle_id", "actor_id", "subject_id", "step"
    )


def agenda_items(engine: Engine, viewer: Viewer, day: dt.date) -> list[AgendaItem]:
    """Contracts to sign, reviews to write, improvement actions due, in ``viewer``'s scope
    (the ``today_agenda`` hook)."""
    steps = steps_waiting(engine, viewer, day)
    if steps.is_empty():
        return []
    people = frames.all_people(engine)
    return step_items(steps, dict(people.select("person_id", "name").iter_rows()))
