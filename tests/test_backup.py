"""`command-center backup FILE` / `restore FILE` (issue 13, pinned names).

A demo database is backed up (SQLite and PostgreSQL), restored into an empty
database of either backend and compared table by table, row for row; a backup
taken while a writer commits stays consistent; only the operator or an admin
may back up or restore; a non-empty target is refused.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, column, create_engine, func, insert, inspect, select, table
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from command_center import cli
from command_center.backup import BackupError, backup, restore
from command_center.db import summaries
from command_center.db.base import Base
from command_center.db.engine import read_session, write_session
from command_center.db.migrate import pending, upgrade
from command_center.db.models import AuditEntry, Customer, OrderLine, OrderRefund, Person
from tests.conftest import BACKENDS, Db, _demo, _drop_db, _new_db, make_host, use_db

runner = CliRunner()
PASSWORD = {"COMMAND_CENTER_PASSWORD": "demo-pass-2026"}
FIRST_WRITER_ID = 800_000


@pytest.fixture(scope="module", params=BACKENDS)
def own_demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, pg_databases
) -> Iterator[Db]:
    """The small demo, this module's own (the writer test adds orders)."""
    db = _demo(request.param, tmp_path_factory.mktemp("backup"), pg_databases)
    yield db
    _drop_db(db, pg_databases)


@pytest.fixture
def blank(request: pytest.FixtureRequest, tmp_path: Path, pg_databases) -> Iterator[Any]:
    """A factory of brand-new databases (no schema) on a backend; dropped afterwards."""
    made: list[Db] = []

    def new(backend: str) -> Db:
        db = _new_db(backend, tmp_path, pg_databases)
        made.append(db)
        return db

    yield new
    for db in made:
        _drop_db(db, pg_databases)


def table_rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows (migration version tables included), in a stable order."""
    reflected = MetaData()
    reflected.reflect(engine)
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for name, found in reflected.tables.items():
            table = Base.metadata.tables.get(name, found)
            rows = [tuple(row) for row in conn.execute(select(*table.c))]
            out[name] = sorted(rows, key=lambda row: tuple(map(str, row)))
    return out


def schema_checks(engine: Engine) -> dict[str, tuple[list[Any], list[Any]]]:
    """Every table's indexes and foreign keys, as the database reports them."""
    inspector = inspect(engine)
    out: dict[str, tuple[list[Any], list[Any]]] = {}
    for name in inspector.get_table_names():
        indexes = [(i["name"], i["column_names"], i["unique"]) for i in inspector.get_indexes(name)]
        keys = [
            (k["constrained_columns"], k["referred_table"], k["referred_columns"])
            for k in inspector.get_foreign_keys(name)
        ]
        out[name] = (sorted(indexes, key=str), sorted(keys, key=str))
    return out


def assert_same(source: Engine, restored: Engine) -> None:
    before, after = table_rows(source), table_rows(restored)
    assert sorted(before) == sorted(after)
    for name, rows in before.items():
        assert len(after[name]) == len(rows), name
        assert after[name] == rows, name
    assert sum(len(rows) for rows in before.values()) > 1000


@pytest.mark.parametrize("into", BACKENDS)
def test_round_trip_compares_every_table_row_for_row(
    demo_db: Db, blank: Any, tmp_path: Path, into: str
) -> None:
    if len(BACKENDS) > 1 and into == demo_db.backend:
        pytest.skip("with both backends the two cross pairs take every backup and restore path")
    host = make_host()
    file = tmp_path / "demo.backup"
    report = backup(demo_db.engine, host, file)
    assert file.is_file() and report.rows["orders"] > 0 and report.rows["people"] > 0
    target = blank(into)
    upgrade(target.engine, host)  # restore's own migration then has nothing to do
    migrated = schema_checks(target.engine)
    assert sum(len(indexes) for indexes, _ in migrated.values()) > 10
    assert sum(len(keys) for _, keys in migrated.values()) > 10
    if into == "sqlite":  # the backup file is a migrated SQLite database too
        written = create_engine(f"sqlite:///{file}")
        assert schema_checks(written) == migrated
        written.dispose()
    restored = restore(target.engine, host, file)
    assert restored.total == report.total
    assert_same(demo_db.engine, target.engine)
    # the indexes and foreign keys set aside while each table filled are all back
    assert schema_checks(target.engine) == migrated
    assert all(frame.height == 0 for frame in summaries.differences(target.engine).values())
    # the restored database keeps working: new ids continue after the restored ones
    with write_session(target.engine) as session:
        session.add(AuditEntry(actor="test", action="after_restore"))
    with pytest.raises(BackupError, match="not empty"):
        restore(target.engine, host, file)


@pytest.mark.parametrize("into", BACKENDS)
def test_a_backup_from_an_older_version_is_migrated_in_a_copy(
    blank: Any, tmp_path: Path, into: str
) -> None:
    """A backup written before the newest core migration: restored at our revisions,
    its rows intact, the file itself untouched."""
    if len(BACKENDS) > 1 and into == "postgresql":
        pytest.skip("the migrated copy is SQLite either way; the round trips write each backend")
    host = make_host()
    old = tmp_path / "old.backup"
    engine = create_engine(f"sqlite:///{old}")
    upgrade(engine, host, core_revision="0007_core", plugins=False)
    people = [
        {"person_id": 1, "name": "甲", "level": "director", "manager_id": None},
        {"person_id": 2, "name": "乙", "level": "rep", "manager_id": 1},
    ]
    with engine.begin() as conn:
        conn.execute(  # the columns of 0007's people (no person_key yet)
            insert(
                table(
                    "people",
                    *(column(c) for c in ("person_id", "name", "level", "manager_id")),
                    *(column(c) for c in ("region", "hire_date", "status")),
                )
            ),
            [
                {**p, "region": "华东", "hire_date": dt.date(2020, 1, 1), "status": "active"}
                for p in people
            ],
        )
    engine.dispose()
    written = old.read_bytes()
    target = blank(into)
    restore(target.engine, host, old)
    assert pending(target.engine, host) == []  # at our revisions, not the backup's
    with read_session(target.engine) as session:
        stored = session.execute(select(Person.person_id, Person.name, Person.manager_id)).all()
    assert sorted(tuple(row) for row in stored) == [(1, "甲", None), (2, "乙", 1)]
    assert old.read_bytes() == written


@pytest.mark.parametrize("into", BACKENDS)
def test_a_restore_that_fails_half_way_leaves_nothing_written(
    blank: Any, tmp_path: Path, into: str
) -> None:
    """A hand-edited backup (an order of an unknown customer, a date that is no date): the
    copy fails in the middle, as a database error, and the target keeps no row and every
    index and foreign key it had (those set aside while a table fills come back)."""
    host = make_host()
    broken = tmp_path / "broken.backup"
    engine = create_engine(f"sqlite:///{broken}")  # foreign keys off: the file takes anything
    upgrade(engine, host)
    person = {"person_id": 1, "name": "甲", "level": "director", "manager_id": None}
    with engine.begin() as conn:
        conn.execute(
            insert(Person.__table__),
            [{**person, "region": "华东", "hire_date": dt.date(2020, 1, 1), "status": "active"}],
        )
        conn.exec_driver_sql(
            "INSERT INTO orders (order_id, customer_id, person_id, order_date, revenue, cost) "
            "VALUES (1, 999, 1, 'no date', 1.0, 0.5)"
        )
    engine.dispose()
    target = blank(into)
    upgrade(target.engine, host)
    migrated = schema_checks(target.engine)
    with pytest.raises(DBAPIError):
        restore(target.engine, host, broken)
    with read_session(target.engine) as session:
        assert session.execute(select(func.count()).select_from(Person)).scalar_one() == 0
    assert schema_checks(target.engine) == migrated


def test_backup_never_overwrites_and_restore_wants_a_backup(
    demo_db: Db, blank: Any, tmp_path: Path
) -> None:
    host = make_host()
    taken = tmp_path / "taken.backup"
    taken.write_text("keep me", encoding="utf-8")
    with pytest.raises(BackupError, match="exists already"):
        backup(demo_db.engine, host, taken)
    assert taken.read_text(encoding="utf-8") == "keep me"
    with pytest.raises(BackupError, match="not a backup"):
        restore(blank("sqlite").engine, host, taken)
    with pytest.raises(BackupError, match="no such file"):
        restore(blank("sqlite").engine, host, tmp_path / "missing.backup")


def _writer(engine: Engine, stop: threading.Event, committed: list[int]) -> None:
    """Commits an order and its refund together, again and again, until told to stop."""
    with read_session(engine) as session:
        person_id = session.execute(select(func.min(Person.person_id))).scalar_one()
        customer_id = session.execute(select(func.min(Customer.customer_id))).scalar_one()
    order_id = FIRST_WRITER_ID
    while not stop.is_set():
        with write_session(engine) as session:
            session.add(
                OrderLine(
                    order_id=order_id,
                    customer_id=customer_id,
                    person_id=person_id,
                    order_date=dt.date(2026, 10, 1),
                    revenue=100.0,
                    cost=10.0,
                )
            )
            session.flush()
            session.add(
                OrderRefund(
                    refund_id=order_id,
                    order_id=order_id,
                    refund_date=dt.date(2026, 10, 2),
                    amount=5.0,
                    reason="pair",
                )
            )
        committed.append(order_id)
        order_id += 1


def test_backup_while_a_writer_commits_stays_consistent(own_demo: Db, tmp_path: Path) -> None:
    host = make_host()
    stop, committed = threading.Event(), []
    thread = threading.Thread(target=_writer, args=(own_demo.engine, stop, committed))
    thread.start()
    files = []
    try:
        for index in range(2):
            while len(committed) <= index * 3:  # the writer is committing around each backup
                thread.join(0.01)
                assert thread.is_alive()
            file = tmp_path / f"busy-{index}.backup"
            backup(own_demo.engine, host, file)
            files.append(file)
    finally:
        stop.set()
        thread.join()
    for file in files:  # a backup is itself a working SQLite database
        target = create_engine(f"sqlite:///{file}")
        with read_session(target) as session:
            orders = set(
                session.scalars(
                    select(OrderLine.order_id).where(OrderLine.order_id >= FIRST_WRITER_ID)
                )
            )
            refunds = set(
                session.scalars(
                    select(OrderRefund.order_id).where(OrderRefund.order_id >= FIRST_WRITER_ID)
                )
            )
        assert orders == refunds  # each pair whole or absent: one moment, not a blend
        assert orders == set(range(FIRST_WRITER_ID, FIRST_WRITER_ID + len(orders)))
        assert all(frame.height == 0 for frame in summaries.differences(target).values())
        target.dispose()
    assert len(committed) > 6


# -- the commands ------------------------------------------------------------------------


@pytest.fixture
def demo(own_demo: Db, monkeypatch: pytest.MonkeyPatch, app_env: None) -> Db:
    use_db(monkeypatch, own_demo)
    cli.build_app()
    return own_demo


def audited(db: Db, action: str) -> list[str]:
    with read_session(db.engine) as session:
        query = select(AuditEntry.actor).where(AuditEntry.action == action)
        return list(session.scalars(query))


@pytest.mark.parametrize("login", ["director", "manager", "rep"])
def test_only_the_operator_or_an_admin_backs_up(demo: Db, tmp_path: Path, login: str) -> None:
    file = tmp_path / "x.backup"
    result = runner.invoke(cli.app, ["--user", login, "backup", str(file)], env=PASSWORD)
    assert result.exit_code != 0 and f"not allowed for role {login}" in result.output
    assert not file.exists()


def test_backup_and_restore_commands(
    demo: Db, blank: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if len(BACKENDS) > 1 and demo.backend != "sqlite":
        pytest.skip("the commands are the same on both; the round trips cover each backend")
    file = tmp_path / "cli.backup"
    result = runner.invoke(cli.app, ["--user", "admin", "backup", str(file)], env=PASSWORD)
    assert result.exit_code == 0, result.output
    assert "backup written" in result.output and "admin" in audited(demo, "backup")
    again = runner.invoke(cli.app, ["backup", str(file)])
    assert again.exit_code == 1 and "exists already" in again.output
    target = blank(demo.backend)
    use_db(monkeypatch, target)
    result = runner.invoke(cli.app, ["restore", str(file)])
    assert result.exit_code == 0, result.output
    assert "restored into" in result.output
    assert audited(target, "restore") == ["operator"]
    with read_session(target.engine) as session:
        assert session.execute(select(func.count()).select_from(OrderLine)).scalar_one() > 0
    refused = runner.invoke(cli.app, ["restore", str(file)])
    assert refused.exit_code == 1 and "not empty" in refused.output
