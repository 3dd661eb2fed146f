"""The ranking wall's reads: the publisher's inputs (the force, by design) and the
readers' few rows of published facts.

The publisher side (:func:`ranking`) reads the metric for the whole force from the
registry (person-month summaries, never order lines) and the people's names,
levels, leaders and regions: it runs inside :mod:`plugins.incentives.actions.wall`
only. A reader reads the facts of one group with the filters in SQL
(:func:`group_rows`: the top of the list and the reader's own row), a few dozen
rows, whatever the force's size (docs/recognition.md).
"""

from __future__ import annotations

import hashlib
import json

import polars as pl
from sqlalchemy import Engine

from command_center.db import frames
from command_center.db.engine import version_rows
from command_center.metrics import MetricRegistry
from command_center.org.scope import OPERATOR, Viewer
from command_center.periods import Period
from command_center.published import public_keys, read_public
from plugins.incentives.logic.wall import (
    MARKER,
    ROW_SCHEMA,
    Marker,
    group_key,
    ranked,
    rows,
    topic,
)

SOURCE_TABLES = ("people",)  # besides the metric's own: names, levels, leaders, regions
IGNORED_VERSIONS = ("data_version", "v:published_facts")


def source_stamp(engine: Engine, registry: MetricRegistry, metric: str, today: str) -> str:
    """A short digest of what a wall of ``metric`` is computed from: the versions of the
    metric's tables (and ``attainment``'s, people, unknown writes) and the day; every
    table's version but the published facts' when the metric does not name its tables."""
    versions = version_rows(engine)
    tables: set[str] | None = set(SOURCE_TABLES)
    for key in (metric, "attainment"):
        if key not in registry:
            continue
        read = registry.spec(key).tables
        if read is None:
            tables = None
            break
        assert tables is not None
        tables.update(read)
    if tables is None:
        picked = {k: v for k, v in versions.items() if k not in IGNORED_VERSIONS}
    else:
        picked = {k: versions.get(k, 0) for k in [f"v:{t}" for t in sorted(tables)] + ["v:*"]}
    text = json.dumps([metric, today, sorted(picked.items())])
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def ranking(
    engine: Engine,
    registry: MetricRegistry,
    metric: str,
    period: Period,
    levels: list[str],
) -> pl.DataFrame:
    """The publisher's ranking (:func:`plugins.incentives.logic.wall.ranked`) over the
    whole force: each person's figure (a leader's: their team's roll-up) for ``period``."""
    spec = registry.spec(metric)
    values = registry.rollup(engine, OPERATOR, metric, period).select(
        pl.col("node_id").alias("person_id"), "value"
    )
    attainment = None
    if "attainment" in registry:
        attainment = registry.rollup(engine, OPERATOR, "attainment", period).select(
            pl.col("node_id").alias("person_id"), "value"
        )
    people = frames.all_people(engine).select(
        "person_id", "name", "level", "manager_id", "region", "status"
    )
    return ranked(values, people, levels, spec.higher_is_better, attainment)


def marker(engine: Engine, metric: str, period: str) -> tuple[Marker | None, int]:
    """The publication's marker and the number it ranked (``None, 0``: never published)."""
    found = read_public(engine, topic(metric), period, key=MARKER)
    if found.is_empty():
        return None, 0
    return Marker.parse(found["text"][0]), int(found["value"][0] or 0)


def group_rows(
    engine: Engine,
    metric: str,
    period: str,
    key: str,
    top: int | None,
    person_id: int | None = None,
) -> pl.DataFrame:
    """:data:`ROW_SCHEMA` rows of one group: ranks up to ``top`` (``None``: all) and the
    row of ``person_id`` wherever they stand; filtered in SQL. The top is cached once
    for every reader; a reader's own row outside it is read on its own, not cached."""
    found = read_public(engine, topic(metric), period, key=key, upto=top)
    outside = top is not None and person_id is not None and person_id not in found["person_id"]
    if outside:  # their own row, wherever they stand
        own = read_public(engine, topic(metric), period, key=key, person_id=person_id,
                          shared=False)  # fmt: skip
        found = pl.concat([found, own])
    if found.is_empty():
        return pl.DataFrame(schema=ROW_SCHEMA)
    return rows(found.select("person_id", "value", "text"))


def groups(engine: Engine, metric: str, period: str) -> list[str]:
    """Every group key published for the wall (teams and regions to pick from)."""
    return [k for k in public_keys(engine, topic(metric), period) if k != MARKER]


def own_place(engine: Engine, viewer: Viewer) -> dict[str, object] | None:
    """The viewer's own ``level``, ``manager_id`` and ``region`` (their row only)."""
    if viewer.person_id is None:
        return None
    me = frames.people(engine, viewer).filter(pl.col("person_id") == viewer.person_id)
    if me.is_empty():
        return None
    return me.select("person_id", "level", "manager_id", "region").row(0, named=True)


def own_keys(place: dict[str, object] | None, level: str) -> dict[str, str | None]:
    """The group keys a person at ``place`` belongs to on the wall of ``level`` people:
    ``force``, ``region``, ``team`` (a leader's team: the people under them)."""
    if place is None:
        return {"force": group_key(level, "force"), "region": None, "team": None}
    own_level = place["level"]
    region = place["region"] or None
    # A person at the wall's level is in their leader's team; a leader looks at theirs.
    leader = place["manager_id"] if own_level == level else place["person_id"]
    return {
        "force": group_key(level, "force"),
        "region": None if region is None else group_key(level, "region", region),
        "team": None if leader is None else group_key(level, "team", leader),
    }
