"""Summary copies kept on disk: a new process loads them and folds in, never stale data."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, select

from command_center.db import frames, snapshots, summaries
from command_center.db.engine import create_db_engine, write_session
from command_center.db.migrate import upgrade
from command_center.db.models import CustomerMonthSales, PersonMonthSales
from command_center.ledger import NewLine, book_lines
from tests.conftest import make_host
from tests.factories import load_small_org

TABLES = (PersonMonthSales.__table__, CustomerMonthSales.__table__)


@pytest.fixture(autouse=True)
def _snapshot_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMMAND_CENTER_SNAPSHOT_DIR", str(tmp_path / "snapshots"))
    frames.clear_cache()


def _live(engine: Engine, table) -> pl.DataFrame:
    """The summary's live rows straight from the database, sorted."""
    columns = [c for c in table.c if c.name != "seq"]
    query = select(*columns).where((table.c.lines != 0) | (table.c.refund_lines != 0))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pl.DataFrame(rows, schema=frames._summary_schema(table), orient="row")
    return frame.sort(frame.columns)


def _wait_for_snapshot(engine: Engine, table: str) -> list[Path]:
    where = snapshots.folder(engine)
    assert where is not None
    for _ in range(200):
        found = sorted(where.glob(f"{table}-*.parquet"))
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"no snapshot of {table} in {where}")


def _counting_whole_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    reads: list[str] = []
    real = frames._read_copy
    monkeypatch.setattr(frames, "_read_copy", lambda *a: reads.append(a[1].name) or real(*a))
    return reads


def test_a_new_process_starts_from_the_snapshot_and_folds_in_later_writes(
    empty_db, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = empty_db.engine
    load_small_org(engine)
    for table in TABLES:
        frames.summary(engine, table)  # a whole read, written to disk behind it
        assert len(_wait_for_snapshot(engine, table.name)) == 1
    with write_session(engine) as session:
        book_lines(session, [NewLine(1, 7, dt.date(2026, 12, 1), 70.0, 7.0)], "t", "test")
    frames.clear_cache()  # what a new process has: nothing in memory
    reads = _counting_whole_reads(monkeypatch)
    for table in TABLES:
        got = frames.summary(engine, table)
        assert got.sort(got.columns).equals(_live(engine, table))
    assert reads == []  # from the snapshots, plus the one booked row
    person = frames.summary(engine, PersonMonthSales.__table__)
    booked = person.filter((pl.col("person_id") == 7) & (pl.col("month") == dt.date(2026, 12, 1)))
    assert booked["revenue"].to_list() == [70.0]


def test_a_big_write_leaves_snapshots_for_the_first_start(
    empty_db, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the demo load and ``rebuild-summaries`` end with: files on disk before they
    return, as of the last write, so a new process reads no summary whole."""
    engine = empty_db.engine
    load_small_org(engine)
    with engine.begin() as conn:
        summaries.rebuild(conn)
    with write_session(engine) as session:
        book_lines(session, [NewLine(1, 7, dt.date(2026, 12, 1), 70.0, 7.0)], "t", "test")
    frames.save_snapshots(engine)
    where = snapshots.folder(engine)
    assert where is not None
    seq = frames.version_rows(engine)[summaries.SEQ_KEY]
    for table in TABLES:
        assert [p.name.rsplit("-", 1)[1] for p in where.glob(f"{table.name}-*")] == [
            f"{seq}.parquet"
        ]
    frames.clear_cache()
    reads = _counting_whole_reads(monkeypatch)
    for table in TABLES:
        got = frames.summary(engine, table)
        assert got.sort(got.columns).equals(_live(engine, table))
    assert reads == []


def test_a_rebuild_or_a_new_database_at_the_same_path_reads_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cc.db"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade(engine, make_host())
    load_small_org(engine)
    table = PersonMonthSales.__table__
    frames.summary(engine, table)
    _wait_for_snapshot(engine, table.name)
    reads = _counting_whole_reads(monkeypatch)
    with engine.begin() as conn:
        summaries.rebuild(conn)
    frames.clear_cache()
    assert frames.summary(engine, table).height > 0
    assert reads == [table.name]  # the rebuild moved the mark the snapshot was made for

    engine.dispose()
    path.unlink()
    frames.clear_cache()
    fresh = create_db_engine(f"sqlite:///{path}")  # same path, same snapshot folder
    upgrade(fresh, make_host())
    reads.clear()
    assert frames.summary(fresh, table).is_empty()  # not the old database's rows
    assert reads == [table.name]
    fresh.dispose()


def test_snapshots_are_off_when_asked_and_forgotten_by_a_restore_target(
    empty_db, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = empty_db.engine
    load_small_org(engine)
    frames.summary(engine, PersonMonthSales.__table__)
    found = _wait_for_snapshot(engine, PersonMonthSales.__table__.name)
    snapshots.forget(engine)
    assert not any(path.exists() for path in found)
    monkeypatch.setenv("COMMAND_CENTER_SNAPSHOT_DIR", "off")
    assert snapshots.folder(engine) is None
