"""Every metric reads only the tables it declares (its cache is keyed on exactly those)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import event

from command_center.db import frames, summaries
from command_center.db.base import Base
from command_center.metrics import MetricRegistry
from command_center.periods import parse_period
from command_center.types import MetricQuery
from tests.conftest import make_host

ALWAYS = {"meta", "people"}  # versions; the org tree every roll-up reads
SUMMARY_OF = {s.table: summaries.SALES_TABLES for s in summaries.SUMMARIES}


def _tables_in(sql: str, known: set[str]) -> set[str]:
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", sql))
    found = words & known
    for summary, detail in SUMMARY_OF.items():
        if summary in found:
            found = (found - {summary}) | set(detail)
    return found


@pytest.fixture
def reads(demo_db, monkeypatch) -> Iterator[set[str]]:
    """The tables every SQL statement of the block names, whichever path it takes."""
    known = set(Base.metadata.tables)
    seen: set[str] = set()
    real = frames.read_frame

    def recording(engine, query, schema=None):
        seen.update(_tables_in(frames.compile_sql(engine, query), known))
        return real(engine, query, schema)

    def on_execute(_conn, _cursor, statement, *_args) -> None:
        seen.update(_tables_in(statement, known))

    monkeypatch.setattr(frames, "read_frame", recording)
    event.listen(demo_db.engine, "before_cursor_execute", on_execute)
    try:
        yield seen
    finally:
        event.remove(demo_db.engine, "before_cursor_execute", on_execute)


def test_each_metric_reads_only_what_it_declares(demo_db, reads) -> None:
    registry = MetricRegistry(make_host())
    period = parse_period("2026-Q3")
    checked = 0
    for key in list(registry.metrics):
        spec = registry.spec(key)
        if spec.tables is None:  # depends on every write: nothing to check
            continue
        frames.clear_cache()
        reads.clear()
        spec.compute(MetricQuery(demo_db.engine, period.start, period.end, None))
        undeclared = reads - set(spec.tables) - ALWAYS
        assert not undeclared, f"metric {key!r} reads {sorted(undeclared)} beyond {spec.tables}"
        checked += 1
    assert checked >= 10
