"""Upserting a typed frame into a table, for the core's kinds and plugins' alike.

:func:`upsert` writes in chunks with one ``INSERT ... ON CONFLICT DO UPDATE``
executemany per chunk (SQLite and PostgreSQL), counting first which keys
already exist so the import report can tell inserted rows from updated ones.
While :func:`command_center.io.run_import` runs a kind's ``apply``, it also
reports progress per chunk and, on a dry run, only counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import Table, func, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from command_center.db.bulk import bulk_insert

CHUNK_ROWS = 5_000
SQLITE_CACHE_KIB = 1024 * 1024
"""SQLite page cache while a multi-chunk upsert runs: with the default 2 MiB,
index updates of a million-row ledger thrash it (33 s instead of 10 s)."""


@dataclass
class WriteState:
    """What :func:`upsert` did during one import's ``apply``."""

    dry_run: bool = False
    inserted: int = 0
    updated: int = 0
    used: bool = False
    progress: Callable[[int, int], None] | None = None


_state: ContextVar[WriteState | None] = ContextVar("command_center_io_write", default=None)


@contextmanager
def tracking(state: WriteState) -> Iterator[WriteState]:
    """Let every :func:`upsert` inside the block count into (and obey) ``state``."""
    token = _state.set(state)
    try:
        yield state
    finally:
        _state.reset(token)


def writing() -> bool:
    """False during a dry run: :func:`upsert` only counts, so nothing else should write."""
    state = _state.get()
    return state is None or not state.dry_run


def _table(table: Table | type) -> Table:
    found = getattr(table, "__table__", table)
    if not isinstance(found, Table):
        raise TypeError(f"not a table or mapped class: {table!r}")
    return found


def upsert(
    session: Session,
    table: Table | type,
    frame: pl.DataFrame,
    key_columns: Sequence[str],
    *,
    chunk_rows: int = CHUNK_ROWS,
) -> int:
    """Insert ``frame``'s rows into ``table``, updating rows whose key exists.

    ``table`` is a :class:`~sqlalchemy.Table` or a mapped class; columns of
    ``frame`` that the table lacks (such as ``_row``) are ignored. The key
    columns must carry a primary key or unique constraint. Returns the number
    of rows written; runs in the caller's transaction.
    """
    target = _table(table)
    columns = [name for name in frame.columns if name in target.c]
    keys = list(key_columns)
    missing = [k for k in keys if k not in columns]
    if missing:
        raise ValueError(f"key columns not in the frame: {', '.join(missing)}")
    data = frame.select(columns)
    state = _state.get() or WriteState()
    state.used = True
    statement = _statement(session, target, columns, keys)
    defaults = _scalar_defaults(target, columns)
    largest = _largest_key(session, target, data, keys)
    chunks = max(1, -(-data.height // chunk_rows))
    with _large_cache(session, chunks > 1 and not state.dry_run):
        for index in range(chunks):
            chunk = data.slice(index * chunk_rows, chunk_rows)
            if chunk.height:
                known = chunk if largest is None else chunk.filter(pl.col(keys[0]) <= largest)
                old = _existing(session, target, known, keys)
                state.updated += old.height
                state.inserted += chunk.height - old.height
                if not state.dry_run:
                    _write(session, target, statement, chunk, keys, old, defaults)
            if state.progress is not None:
                state.progress(index + 1, chunks)
    return data.height


def _write(
    session: Session,
    table: Table,
    statement: Any,
    chunk: pl.DataFrame,
    keys: list[str],
    old: pl.DataFrame,
    defaults: dict[str, Any] | None,
) -> None:
    """New keys by plain bulk insert, existing ones by the upsert statement."""
    if defaults is None:  # a column left out has a computed default: SQLAlchemy fills it
        session.execute(statement, chunk.to_dicts())
        return
    fresh = chunk.join(old, on=keys, how="anti") if old.height else chunk
    if fresh.height:
        filled = fresh.with_columns(pl.lit(v).alias(k) for k, v in defaults.items())
        bulk_insert(session, table, filled)
    if old.height:
        session.execute(statement, chunk.join(old, on=keys, how="semi").to_dicts())


def _scalar_defaults(table: Table, columns: list[str]) -> dict[str, Any] | None:
    """Python-side defaults of the columns the frame leaves out, as the ORM would fill
    them; None when one of them is computed (a callable or SQL expression)."""
    defaults: dict[str, Any] = {}
    for column in table.c:
        default = column.default
        if column.name in columns or default is None:
            continue
        if not default.is_scalar:
            return None
        defaults[column.name] = default.arg  # type: ignore[attr-defined]
    return defaults


@contextmanager
def _large_cache(session: Session, wanted: bool) -> Iterator[None]:
    """A bigger SQLite page cache for the block, then the connection's own again."""
    if not wanted or session.get_bind().dialect.name != "sqlite":
        yield
        return
    connection = session.connection()
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(previous or -2000)}")


def _statement(session: Session, table: Table, columns: list[str], keys: list[str]) -> Any:
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        insert: Any = sqlite.insert(table)
    elif dialect == "postgresql":
        insert = postgresql.insert(table)
    else:
        raise NotImplementedError(f"upsert supports SQLite and PostgreSQL, not {dialect}")
    updates = {name: insert.excluded[name] for name in columns if name not in keys}
    if not updates:
        return insert.on_conflict_do_nothing(index_elements=keys)
    return insert.on_conflict_do_update(index_elements=keys, set_=updates)


def _largest_key(session: Session, table: Table, data: pl.DataFrame, keys: list[str]) -> int | None:
    """The table's largest key when the key is one whole-number column: rows above it
    are new without looking (an import of new order lines looks up nothing)."""
    if len(keys) != 1 or not data.schema[keys[0]].is_integer():
        return None
    largest = session.scalar(select(func.max(table.c[keys[0]])))
    return int(largest) if largest is not None else _NOTHING_BELOW


_NOTHING_BELOW = -(2**63)


def _existing(session: Session, table: Table, chunk: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Those of ``chunk``'s keys that are in ``table`` already (keys are unique in the file)."""
    if chunk.is_empty():
        return chunk.select(keys)
    if len(keys) == 1:
        column = table.c[keys[0]]
        values = chunk[keys[0]].to_list()
        query = select(column).where(column.in_(values))
    else:
        key = tuple_(*(table.c[k] for k in keys))
        values = list(chunk.select(keys).iter_rows())
        query = select(*(table.c[k] for k in keys)).where(key.in_(values))
    found = session.execute(query).all()
    return pl.DataFrame(found, schema=chunk.select(keys).schema, orient="row")
