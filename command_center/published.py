"""Facts one plugin publishes for the others, through the core.

The incentives plugin publishes honour titles; appraisal publishes bonus
multipliers; any plugin may read them without importing the publisher. A
publisher replaces the whole (topic, period) at once, in its transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from command_center.db import frames
from command_center.db.models import PublishedFact
from command_center.org.scope import Viewer

SCHEMA: dict[str, pl.DataType] = {
    "topic": pl.String(),
    "period": pl.String(),
    "person_id": pl.Int64(),
    "key": pl.String(),
    "value": pl.Float64(),
    "text": pl.String(),
    "published_by": pl.String(),
}


@dataclass(frozen=True)
class Fact:
    """One published row: ``key`` names what it is (e.g. an honour's id)."""

    person_id: int | None
    key: str
    value: float | None = None
    text: str = ""


def publish(
    session: Session, topic: str, period: str, facts: Iterable[Fact], publisher: str
) -> int:
    """Replace everything published under (``topic``, ``period``) with ``facts``."""
    session.execute(
        delete(PublishedFact).where(PublishedFact.topic == topic, PublishedFact.period == period)
    )
    rows = [
        PublishedFact(
            topic=topic,
            period=period,
            person_id=f.person_id,
            key=f.key,
            value=f.value,
            text=f.text,
            published_by=publisher,
        )
        for f in facts
    ]
    session.add_all(rows)
    return len(rows)


def read_published(
    engine: Engine, viewer: Viewer, topic: str, period: str | None = None
) -> pl.DataFrame:
    """The facts under ``topic`` (and ``period``) about people the viewer may see.

    Facts not about a person (``person_id`` empty) are visible to everyone.
    """
    query = select(*(PublishedFact.__table__.c[c] for c in SCHEMA)).where(
        PublishedFact.topic == topic
    )
    if period is not None:
        query = query.where(PublishedFact.period == period)
    frame = frames.cached(
        engine,
        "published",
        lambda: frames.read_frame(engine, query, SCHEMA),
        topic,
        period,
        tables=(PublishedFact.__tablename__,),
    )
    if viewer.person_ids is None:
        return frame
    return frame.filter(
        pl.col("person_id").is_null() | pl.col("person_id").is_in(sorted(viewer.person_ids))
    )
