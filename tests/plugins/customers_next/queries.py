"""Reads of customers' data as the built-in left it (no import of the built-in)."""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import Engine, column, select, table

FOLLOWUPS = table("customers_followups", column("person_id"), column("followup_date"))
SCHEMA: dict[str, pl.DataType] = {"person_id": pl.Int64(), "followup_date": pl.Date()}


def followups_between(engine: Engine, start: dt.date, end: dt.date) -> pl.DataFrame:
    """``person_id, followup_date`` of the follow-ups dated ``start``..``end``."""
    from command_center.db import frames

    query = select(FOLLOWUPS.c.person_id, FOLLOWUPS.c.followup_date).where(
        FOLLOWUPS.c.followup_date >= start, FOLLOWUPS.c.followup_date <= end
    )
    return frames.read_frame(engine, query, SCHEMA)
