"""Bulk insert of a Polars frame: the fastest path each dialect offers.

- SQLite: the driver's ``executemany`` on chunks of plain tuples (dates as
  ISO strings, the way SQLAlchemy stores them);
- PostgreSQL with psycopg 3: ``COPY ... FROM STDIN (FORMAT csv)`` fed with
  CSV chunks that Polars writes;
- anything else: SQLAlchemy ``executemany`` on chunks of dicts.

A big frame going into an empty table on SQLite or PostgreSQL has the table's
plain indexes dropped first and built again afterwards (in the same
transaction): sorting once is several times faster than growing B-trees row
by row. Indexes that back a constraint (primary key, unique) stay. On
PostgreSQL the table's foreign keys are dropped and added back the same way:
one validating join instead of a trigger per row (about 3x faster).

Nothing here commits: given a connection (or session) the rows join its
transaction; given an engine, one transaction is opened for the whole frame.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import polars as pl
from sqlalchemy import Connection, Engine, Table, text
from sqlalchemy.orm import Session

from command_center.db.engine import touch

TEXT_KEYS = {
    "people": ("person_id", "person_key"),
    "customers": ("customer_id", "customer_key"),
    "orders": ("order_id", "order_key"),
}
"""Tables with an external key beside the id: a frame without the key stores the
text of the id (as the models' ``text_of`` default does for the ORM)."""
# How SQLAlchemy's SQLite dialect stores DATETIME values.
_SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S%.6f"
# From this many rows into an empty table, indexes are rebuilt rather than grown.
REBUILD_INDEXES_FROM = 200_000

_INDEXES_SQL = {
    "sqlite": "SELECT name, sql FROM sqlite_master "
    "WHERE type = 'index' AND tbl_name = :table AND sql IS NOT NULL ORDER BY name",
    "postgresql": "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
    "JOIN pg_class i ON i.oid = x.indexrelid "
    "WHERE x.indrelid = CAST(:table AS regclass) AND NOT EXISTS "
    "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY i.relname",
}
_PG_FOREIGN_KEYS_SQL = (
    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
    "WHERE conrelid = CAST(:table AS regclass) AND contype = 'f' ORDER BY conname"
)


def bulk_insert(
    engine_or_connection: Engine | Connection | Session,
    table: Table,
    frame: pl.DataFrame,
    chunk: int = 100_000,
) -> int:
    """Insert every row of ``frame`` into ``table``; return the number of rows.

    The frame's columns must be columns of ``table`` (any subset, any order);
    missing columns get the database default, not SQLAlchemy's Python-side
    default, except a table's text key (:data:`TEXT_KEYS`), which is the text of the
    row's id when the frame has none. On PostgreSQL an explicitly filled serial key
    moves its sequence past the largest value, so later ordinary inserts do not collide.
    """
    if chunk < 1:
        raise ValueError("chunk must be at least 1")
    frame = with_text_keys(table, frame)
    unknown = [name for name in frame.columns if name not in table.c]
    if unknown:
        raise ValueError(f"{table.name} has no column(s) {', '.join(unknown)}")
    if frame.is_empty():
        return 0
    if isinstance(engine_or_connection, Engine):
        with engine_or_connection.begin() as conn:
            return bulk_insert(conn, table, frame, chunk)
    if isinstance(engine_or_connection, Session):
        touch(engine_or_connection, table.name)  # raw DBAPI writes: the session cannot see them
        conn = engine_or_connection.connection()
    else:
        conn = engine_or_connection
    dialect = conn.dialect
    if dialect.name == "sqlite":
        with _rebuilt(conn, table, frame.height):
            _insert_sqlite(conn, table, frame, chunk)
    elif dialect.name == "postgresql" and dialect.driver == "psycopg":
        with _rebuilt(conn, table, frame.height):
            _insert_pg_copy(conn, table, frame, chunk)
        _advance_pg_sequence(conn, table, frame)
    else:
        for part in _chunks(frame, chunk):
            conn.execute(table.insert(), part.to_dicts())
    return frame.height


def with_text_keys(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with ``table``'s text key filled from the id when it lacks the column."""
    found = TEXT_KEYS.get(table.name)
    if found is None or found[1] in frame.columns or found[0] not in frame.columns:
        return frame
    id_column, key_column = found
    return frame.with_columns(pl.col(id_column).cast(pl.String).alias(key_column))


def ensure_transaction(conn: Connection) -> None:
    """Open the database transaction now, so that DDL and PRAGMAs join it too.

    The sqlite3 module begins a transaction only before INSERT/UPDATE/DELETE;
    a DROP INDEX before the first of them would be committed on the spot
    and survive a rollback. ``IMMEDIATE`` takes the write lock up front (as
    ``write_session`` does), so a read before the first write cannot fail
    with "database is locked". Other dialects begin on the first statement.
    """
    if conn.dialect.name != "sqlite":
        return
    raw = conn.connection.driver_connection
    if not raw.in_transaction:  # type: ignore[union-attr]
        raw.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]


@contextmanager
def _rebuilt(conn: Connection, table: Table, rows: int) -> Iterator[None]:
    """For a big load into an empty table: drop plain indexes (and PostgreSQL's
    foreign keys) first, create them again after."""
    if rows < REBUILD_INDEXES_FROM or conn.execute(table.select().limit(1)).first() is not None:
        yield
        return
    ensure_transaction(conn)
    preparer = conn.dialect.identifier_preparer
    name = preparer.format_table(table)
    indexes = conn.execute(text(_INDEXES_SQL[conn.dialect.name]), {"table": name}).all()
    keys = (
        conn.execute(text(_PG_FOREIGN_KEYS_SQL), {"table": name}).all()
        if conn.dialect.name == "postgresql"
        else []
    )
    for key_name, _ in keys:
        conn.exec_driver_sql(f"ALTER TABLE {name} DROP CONSTRAINT {preparer.quote(key_name)}")
    for index_name, _ in indexes:
        conn.exec_driver_sql(f"DROP INDEX {_index_ref(conn, table, index_name)}")
    # On an error the caller's rollback brings back what was dropped.
    yield
    for _, create in indexes:
        conn.exec_driver_sql(create)
    for key_name, definition in keys:
        conn.exec_driver_sql(
            f"ALTER TABLE {name} ADD CONSTRAINT {preparer.quote(key_name)} {definition}"
        )


def _index_ref(conn: Connection, table: Table, index: str) -> str:
    preparer = conn.dialect.identifier_preparer
    if table.schema:
        return f"{preparer.quote_schema(table.schema)}.{preparer.quote(index)}"
    return preparer.quote(index)


def _chunks(frame: pl.DataFrame, chunk: int) -> Iterator[pl.DataFrame]:
    for offset in range(0, frame.height, chunk):
        yield frame.slice(offset, chunk)


def _column_list(conn: Connection, table: Table, frame: pl.DataFrame) -> tuple[str, str]:
    """The quoted table name and its quoted column list for ``frame``."""
    preparer = conn.dialect.identifier_preparer
    columns = ", ".join(preparer.quote(name) for name in frame.columns)
    return preparer.format_table(table), columns


def _sqlite_ready(frame: pl.DataFrame) -> pl.DataFrame:
    """Values the sqlite3 module binds natively, stored as SQLAlchemy stores them."""
    casts: list[pl.Expr] = []
    for name, dtype in frame.schema.items():
        if dtype == pl.Date:
            casts.append(pl.col(name).cast(pl.String))
        elif isinstance(dtype, pl.Datetime):
            casts.append(pl.col(name).dt.strftime(_SQLITE_DATETIME))
        elif dtype == pl.Boolean:
            casts.append(pl.col(name).cast(pl.Int8))
    return frame.with_columns(casts) if casts else frame


def _insert_sqlite(conn: Connection, table: Table, frame: pl.DataFrame, chunk: int) -> None:
    name, columns = _column_list(conn, table, frame)
    marks = ", ".join("?" for _ in frame.columns)
    sql = f"INSERT INTO {name} ({columns}) VALUES ({marks})"
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        for part in _chunks(_sqlite_ready(frame), chunk):
            cursor.executemany(
                sql, list(zip(*(s.to_list() for s in part.iter_columns()), strict=True))
            )
    finally:
        cursor.close()


def _insert_pg_copy(conn: Connection, table: Table, frame: pl.DataFrame, chunk: int) -> None:
    name, columns = _column_list(conn, table, frame)
    sql = f"COPY {name} ({columns}) FROM STDIN (FORMAT csv)"
    raw = conn.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[union-attr]
        for part in _chunks(frame, chunk):
            # Nulls are unquoted empty fields, empty strings are "", as COPY csv reads them.
            copy.write(part.write_csv(include_header=False).encode())


def _advance_pg_sequence(conn: Connection, table: Table, frame: pl.DataFrame) -> None:
    column = table.autoincrement_column
    if column is None or column.name not in frame.columns:
        return
    preparer = conn.dialect.identifier_preparer
    conn.execute(
        text(
            "SELECT setval(pg_get_serial_sequence(:table, :column), "
            f"COALESCE((SELECT MAX({preparer.quote(column.name)}) "
            f"FROM {preparer.format_table(table)}), 0) + 1, false)"
        ),
        {"table": preparer.format_table(table), "column": column.name},
    )
