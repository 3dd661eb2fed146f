"""Facts one plugin publishes for the others, through the core.

The incentives plugin publishes honour titles; appraisal publishes bonus
multipliers; any plugin may read them without importing the publisher. A
publisher replaces the whole (topic, period) at once, in its transaction.

Two ways to read: :func:`read_published` keeps to the reader's scope (the
facts about people they may see); :func:`read_public` is the deliberate
exception for topics published *for everyone* (honour titles, the ranking
wall): the publisher computed them with the whole force's scope and chose what
they hold, and every signed-in user reads them whole. Readers of a public topic
never read the ledger of others, only these facts (see docs/recognition.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine, delete, insert, select
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
        {
            "topic": topic,
            "period": period,
            "person_id": f.person_id,
            "key": f.key,
            "value": f.value,
            "text": f.text,
            "published_by": publisher,
        }
        for f in facts
    ]
    if rows:  # one executemany: a ranking wall is thousands of rows
        session.execute(insert(PublishedFact), rows)
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


PUBLIC_SCHEMA: dict[str, pl.DataType] = {c: t for c, t in SCHEMA.items() if c != "topic"}


def read_public(
    engine: Engine,
    topic: str,
    period: str,
    *,
    key: str | None = None,
    upto: float | None = None,
    person_id: int | None = None,
    shared: bool = True,
) -> pl.DataFrame:
    """Facts of a topic published for everyone, whatever the reader's scope.

    Only for topics whose publisher made them public by design (docs/recognition.md);
    the filters run in SQL so a reader reads a few rows: ``key`` one key only;
    ``upto`` rows whose ``value`` is at most ``upto`` (a ranked list's top,
    ``value`` being the rank) and, with ``person_id``, that person's row too.
    ``shared=False``: read now, not kept in the frame cache (a row one reader wants,
    e.g. their own, where thousands of readers would each keep one).
    """
    t = PublishedFact.__table__
    query = select(*(t.c[c] for c in PUBLIC_SCHEMA)).where(t.c.topic == topic, t.c.period == period)
    if key is not None:
        query = query.where(t.c.key == key)
    if upto is not None:
        near = t.c.value <= upto
        query = query.where(near if person_id is None else near | (t.c.person_id == person_id))
    elif person_id is not None:
        query = query.where(t.c.person_id == person_id)
    query = query.order_by(t.c.value, t.c.person_id)
    if not shared:
        return frames.read_frame(engine, query, PUBLIC_SCHEMA)
    return frames.cached(
        engine,
        "published_public",
        lambda: frames.read_frame(engine, query, PUBLIC_SCHEMA),
        topic,
        period,
        key,
        upto,
        person_id,
        tables=(PublishedFact.__tablename__,),
    )


def public_keys(engine: Engine, topic: str, period: str) -> list[str]:
    """The distinct keys published under (``topic``, ``period``), sorted."""
    t = PublishedFact.__table__
    query = (
        select(t.c.key).where(t.c.topic == topic, t.c.period == period).distinct().order_by(t.c.key)
    )
    found = frames.cached(
        engine,
        "published_keys",
        lambda: frames.read_frame(engine, query, {"key": pl.String()}),
        topic,
        period,
        tables=(PublishedFact.__tablename__,),
    )
    return found["key"].to_list()
