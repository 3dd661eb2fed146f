"""Cycles: which ones a viewer sees, and the one picked.

A viewer sees a cycle when its org unit's leader is in their scope or when
anyone in their scope is appraised in it.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine, select

from command_center.db import frames
from command_center.db.tables import read_table
from command_center.org.scope import Viewer
from plugins.appraisal.models import Cycle, Record

CYCLE_COLUMNS = ("cycle_id", "kind", "period", "root_id", "state", "created_by")


@dataclass(frozen=True)
class CycleInfo:
    cycle_id: int
    kind: str
    period: str
    root_id: int
    state: str


def all_cycles(engine: Engine) -> pl.DataFrame:
    """Every cycle, unscoped (few rows; cached per data version)."""
    return frames.cached(
        engine,
        "appraisal:cycles",
        lambda: read_table(engine, Cycle, CYCLE_COLUMNS, order_by=[Cycle.cycle_id]),
        tables=("appraisal_cycles",),
    )


def cycles(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """The cycles the viewer may see, newest period first."""
    every = all_cycles(engine)
    if viewer.person_ids is not None:
        ids = sorted(viewer.person_ids)
        member = frames.read_frame(
            engine,
            select(Record.cycle_id).distinct().where(Record.person_id.in_(ids)),
            {"cycle_id": pl.Int64()},
        )["cycle_id"]
        every = every.filter(
            pl.col("root_id").is_in(ids) | pl.col("cycle_id").is_in(member.implode())
        )
    return every.sort(["period", "kind", "cycle_id"], descending=[True, False, False])


def cycle_info(row: dict[str, object]) -> CycleInfo:
    return CycleInfo(
        int(row["cycle_id"]),  # type: ignore[arg-type]
        str(row["kind"]),
        str(row["period"]),
        int(row["root_id"]),  # type: ignore[arg-type]
        str(row["state"]),
    )


def find_cycle(engine: Engine, viewer: Viewer, cycle_id: int) -> CycleInfo | None:
    """The cycle, if the viewer may see it."""
    rows = cycles(engine, viewer).filter(pl.col("cycle_id") == cycle_id)
    return cycle_info(rows.row(0, named=True)) if rows.height else None


def names(engine: Engine) -> dict[int, str]:
    """Every person's name (the org chart is not business data)."""
    people = frames.all_people(engine)
    return dict(people.select("person_id", "name").iter_rows())
