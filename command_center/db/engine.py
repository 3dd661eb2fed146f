"""Engines and transactions.

One engine per URL per process. SQLite gets WAL and foreign keys on every
connection. Every write goes through :func:`write_session`, which bumps the
data version in the same transaction, so caches keyed by it never serve
stale frames and a failed write leaves nothing behind.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from command_center.db.models import Meta

DATA_VERSION_KEY = "data_version"

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # The sqlite3 module opens transactions itself, but only before DML, so
    # DDL or a PRAGMA at the start of a transaction would commit on the spot.
    # Turn that off and emit BEGIN from the "begin" event instead (the
    # pattern SQLAlchemy documents for pysqlite): every transaction is whole.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB: big writes ~3x faster
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    """``BEGIN IMMEDIATE`` for writes (``write_session``), plain ``BEGIN`` otherwise.

    A write that reads first (an import checks, then writes) takes the write
    lock up front instead of failing with "database is locked" when another
    writer committed in between.
    """
    immediate = conn.get_execution_options().get("begin_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_db_engine(url: str) -> Engine:
    """A new engine for ``url``; SQLite files get their folder created."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
    event.listen(engine, "commit", lambda _conn: forget_versions(engine))
    return engine


def get_engine(url: str) -> Engine:
    """The process-wide engine for ``url``."""
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = create_db_engine(url)
        return engine


def dispose_engine(url: str) -> None:
    """Close and forget the engine for ``url`` (tests drop databases after)."""
    with _lock:
        engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()


def dispose_engines() -> None:
    """Close and forget every engine (``runtime.reset``): the next use creates it afresh."""
    with _lock:
        engines = list(_engines.values())
        _engines.clear()
    for engine in engines:
        engine.dispose()


ANY_TABLE = "*"


def _table_key(table: str) -> str:
    return f"v:{table}"


def _increment(session: Session, key: str) -> None:
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        insert = sqlite_insert if dialect == "sqlite" else pg_insert
        statement = insert(Meta).values(key=key, value=1)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=[Meta.key], set_={"value": Meta.value + 1}
            )
        )
        return
    result = session.execute(update(Meta).where(Meta.key == key).values(value=Meta.value + 1))
    if result.rowcount == 0:  # type: ignore[attr-defined]
        session.add(Meta(key=key, value=1))


def bump_data_version(session: Session, tables: Iterable[str] | None = None) -> None:
    """Move the data version on, inside the caller's transaction.

    The global version always moves; so does each of ``tables`` (their own
    versions let a cache of, say, the orders ledger survive a follow-up being
    logged). ``tables=None`` means "unknown": the ``*`` version moves, which
    every table-keyed cache also watches.
    """
    keys = [DATA_VERSION_KEY]
    keys += (
        [_table_key(t) for t in sorted(set(tables))]
        if tables is not None
        else [_table_key(ANY_TABLE)]
    )
    for key in keys:
        _increment(session, key)


def touch(session: Session, *tables: str) -> None:
    """Declare tables written by means the session cannot see (raw DBAPI, COPY)."""
    session.info.setdefault(TOUCHED, set()).update(tables)


VERSIONS_TTL_SECONDS = 0.25
"""How long one read of the version rows serves: a page's dozens of cached reads
cost one query, not one each. A commit through this process forgets it at once;
another process's write is seen within this time (its next rerun)."""

_versions: dict[str, tuple[float, dict[str, int]]] = {}
_versions_lock = threading.Lock()


def version_rows(engine: Engine) -> dict[str, int]:
    """Every row of ``meta`` (a few dozen), read at most once per TTL."""
    url = str(engine.url)
    now = time.monotonic()
    with _versions_lock:
        memo = _versions.get(url)
    if memo is not None and now - memo[0] < VERSIONS_TTL_SECONDS:
        return memo[1]
    with engine.connect() as conn:
        rows = {key: int(value or 0) for key, value in conn.execute(select(Meta.key, Meta.value))}
    with _versions_lock:
        _versions[url] = (now, rows)
    return rows


def forget_versions(engine: Engine | None = None) -> None:
    """Read the versions afresh next time (after a commit; ``None``: every database)."""
    with _versions_lock:
        if engine is None:
            _versions.clear()
        else:
            _versions.pop(str(engine.url), None)


def data_version(engine: Engine) -> int:
    """The current global data version (0 for a database never written to)."""
    return version_rows(engine).get(DATA_VERSION_KEY, 0)


def table_versions(engine: Engine, tables: Iterable[str]) -> tuple[int, ...]:
    """The versions of ``tables`` and of ``*`` (unknown writes), in that order."""
    rows = version_rows(engine)
    keys = [_table_key(t) for t in tables] + [_table_key(ANY_TABLE)]
    return tuple(rows.get(key, 0) for key in keys)


TOUCHED = "cc_touched_tables"
UNKNOWN = "cc_unknown_write"


@event.listens_for(Session, "before_flush")
def _track_flush(session: Session, _context: Any, _instances: Any) -> None:
    touched = session.info.setdefault(TOUCHED, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table is not None:
            touched.add(table)


@event.listens_for(Session, "do_orm_execute")
def _track_statement(state: ORMExecuteState) -> None:
    if state.is_select:
        return
    table = getattr(state.statement, "table", None)
    if state.is_insert or state.is_update or state.is_delete:
        name = getattr(table, "name", None)
        if name is not None:
            state.session.info.setdefault(TOUCHED, set()).add(name)
            return
    if _writes_nothing(state.statement):
        return
    state.session.info[UNKNOWN] = True  # text() or anything we cannot name


_READ_ONLY_VERBS = ("LOCK", "SELECT", "SET", "SHOW", "PRAGMA", "ANALYZE", "EXPLAIN")


def _writes_nothing(statement: Any) -> bool:
    """A textual statement that cannot change a row (the ``LOCK TABLE`` that id
    allocation takes on PostgreSQL): it must not count as an unknown write, or
    every booking would empty every cache."""
    sql = getattr(statement, "text", None)
    if not isinstance(sql, str):
        return False
    words = sql.lstrip().split(None, 1)
    return bool(words) and words[0].upper() in _READ_ONLY_VERBS


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reads; nothing it does is committed."""
    with sessionmaker(engine)() as session:
        yield session


@contextmanager
def write_session(engine: Engine, bump: bool = True) -> Iterator[Session]:
    """One transaction: commit (with a bumped data version), or roll back whole.

    ``bump=False`` is for writes no analytic frame depends on (sign-in
    counters, the audit of a login), so a sign-in never invalidates every
    cached frame. On SQLite the transaction takes the write lock up front.
    """
    factory = sessionmaker(engine.execution_options(begin_immediate=True))
    with factory() as session, session.begin():
        yield session
        if bump:
            session.flush()
            tables = session.info.get(TOUCHED, set()) - {Meta.__tablename__}
            bump_data_version(session, None if session.info.get(UNKNOWN) else tables)
