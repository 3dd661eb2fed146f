"""The import kind ``contests`` (``command-center import contests FILE`` and the Data page)."""

from __future__ import annotations

import polars as pl
from sqlalchemy.orm import Session

from cc_sales_contests.models import Contest
from command_center import Column, ImportKind, RowError
from command_center.io import upsert


def _check(session: Session, frame: pl.DataFrame) -> list[RowError]:
    bad = frame.filter(pl.col("end_month") < pl.col("start_month"))
    return [RowError(row, "end_month", "before start_month") for row in bad["_row"]]


def _apply(session: Session, frame: pl.DataFrame) -> int:
    frame = frame.with_columns(
        pl.col("prize").fill_null(""),
        pl.col("start_month").dt.truncate("1mo"),
        pl.col("end_month").dt.truncate("1mo"),
    )
    return upsert(session, Contest, frame, ["contest_id"])


IMPORTS = (
    ImportKind(
        "contests",
        (
            Column("contest_id", "int", min_value=1),
            Column("name", "str", max_length=100),
            Column("metric", "str", max_length=50),
            Column("start_month", "date"),
            Column("end_month", "date"),
            Column("prize", "str", required=False, max_length=200),
        ),
        ("contest_id",),
        _apply,
        _check,
    ),
)
