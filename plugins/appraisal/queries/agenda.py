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
from typing import Any

import polars as pl
from sqlalchemy import ColumnElement, Engine, Select, and_, select, true

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


STEP_READ_SCHEMA: dict[str, pl.DataType] = {
    k: STEP_SCHEMA[k] for k in ("cycle_id", "period", "actor_id", "subject_id")
}
ACTION_READ_SCHEMA: dict[str, pl.DataType] = {
    k: STEP_SCHEMA[k] for k in ("cycle_id", "period", "actor_id", "subject_id", "due_on", "what")
}


def _step(actor: Any, where: ColumnElement[bool]) -> Select[Any]:
    return (
        select(
            Record.cycle_id,
            Cycle.period,
            actor.label("actor_id"),
            Record.person_id.label("subject_id"),
        )
        .join(Cycle, Cycle.cycle_id == Record.cycle_id)
        .where(where)
    )


def steps_waiting(engine: Engine, viewer: Viewer, day: dt.date) -> pl.DataFrame:
    """:data:`STEP_SCHEMA` rows: each step waiting on a person in scope (``actor_id``)."""
    if viewer.role == "admin" or viewer.person_ids == frozenset():
        return pl.DataFrame(schema=STEP_SCHEMA)
    ids = None if viewer.person_ids is None else sorted(viewer.person_ids)

    def mine(column: Any) -> ColumnElement[bool]:
        return true() if ids is None else column.in_(ids)

    steps = {
        "acknowledge": _step(
            Record.person_id,
            and_(Record.contract == "issued", Cycle.state.in_(ACK_STATES), mine(Record.person_id)),
        ),
        "self_review": _step(
            Record.person_id,
            and_(Cycle.state == "self_review", Record.self_at.is_(None), mine(Record.person_id)),
        ),
        "manager_review": _step(
            Record.team_id,
            and_(
                Cycle.state == "manager_review",
                Record.reviewed_at.is_(None),
                Record.team_id.is_not(None),
                mine(Record.team_id),
            ),
        ),
    }
    parts = [
        frames.read_frame(engine, query, STEP_READ_SCHEMA).with_columns(
            pl.lit(step).alias("step"), pl.lit(day).alias("due_on"), pl.lit("").alias("what")
        )
        for step, query in steps.items()
    ]
    improvements = (
        select(
            Action.cycle_id,
            Cycle.period,
            Action.owner_id.label("actor_id"),
            Action.person_id.label("subject_id"),
            Action.due_on,
            Action.action.label("what"),
        )
        .join(Cycle, Cycle.cycle_id == Action.cycle_id)
        .where(Action.status.in_(OPEN_ACTIONS), Action.due_on <= day, mine(Action.owner_id))
    )
    parts.append(
        frames.read_frame(engine, improvements, ACTION_READ_SCHEMA).with_columns(
            pl.lit("improvement").alias("step")
        )
    )
    return pl.concat([part.select(list(STEP_SCHEMA)).cast(STEP_SCHEMA) for part in parts]).sort(
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
