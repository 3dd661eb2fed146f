"""Writes: create a contest (audited), the import kind, demo data."""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cc_sales_contests.models import Contest
from command_center import Column, DemoContext, ImportKind, RowError
from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.io import upsert


class ContestError(ValueError):
    """A contest the plugin refuses; ``args[0]`` is a translation key."""


def create(
    session: Session, name: str, metric: str, start: dt.date, end: dt.date, prize: str, actor: str
) -> int:
    if not name.strip():
        raise ContestError("contests.error_name")
    if end < start:
        raise ContestError("contests.error_months")
    contest_id = (session.scalar(select(func.max(Contest.contest_id))) or 0) + 1
    session.add(
        Contest(
            contest_id=contest_id,
            name=name.strip(),
            metric=metric,
            start_month=start.replace(day=1),
            end_month=end.replace(day=1),
            prize=prize.strip(),
        )
    )
    audit(session, actor, "contest_created", "contest", contest_id, name=name, metric=metric)
    return contest_id


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


IMPORT_KIND = ImportKind(
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
)


def seed(ctx: DemoContext) -> None:
    last = ctx.months[-1]
    quarter_start = ctx.months[-3]
    with write_session(ctx.engine) as session:
        create(
            session,
            "季度销冠挑战赛",
            "revenue",
            quarter_start,
            last,
            "三亚团建名额 + 奖金 ¥5,000",
            "demo",
        )
        create(session, "利润之星", "profit", last, last, "荣誉奖杯", "demo")
