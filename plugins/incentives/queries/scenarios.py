"""Reads of saved what-if scenarios: a scenario belongs to the login that saved it.

A scenario holds no person's rows (a plan version, edits and assumptions),
so its owner's login is the only key it is read by.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine

from command_center.db import frames
from command_center.db.engine import read_session
from command_center.db.tables import read_table
from plugins.incentives.models import Scenario

SCENARIO_COLUMNS = ("scenario_id", "owner", "name", "plan_version_id", "start", "end", "updated_at")


@dataclass(frozen=True)
class SavedScenario:
    scenario_id: int
    name: str
    plan_version_id: int
    start: dt.date
    end: dt.date
    edits: dict[str, object]
    assumptions: dict[str, object]


def scenarios(engine: Engine, owner: str) -> pl.DataFrame:
    """The scenarios ``owner`` saved, by name."""
    return frames.cached(
        engine,
        "incentives:scenarios",
        lambda: read_table(
            engine, Scenario, SCENARIO_COLUMNS, where=[Scenario.owner == owner]
        ).sort("name"),
        owner,
        tables=(str(Scenario.__tablename__),),
    )


def scenario(engine: Engine, owner: str, scenario_id: int) -> SavedScenario | None:
    with read_session(engine) as session:
        row = session.get(Scenario, scenario_id)
        if row is None or row.owner != owner:
            return None
        return SavedScenario(
            row.scenario_id,
            row.name,
            row.plan_version_id,
            row.start,
            row.end,
            dict(row.edits or {}),
            dict(row.assumptions or {}),
        )
