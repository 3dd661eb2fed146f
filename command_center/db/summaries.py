"""Maintained summaries of the revenue ledger, kept by database triggers.

Two tables sum the order lines and their refunds:

- ``sales_person_month``: per booking person and month;
- ``sales_customer_month``: per customer, booking person and month.

Each holds ``revenue, cost, lines`` of the order lines dated in the month and
``refunds, refund_lines`` of the refunds dated in the month (on orders of
that person / customer). Triggers on ``orders`` and ``order_refunds`` update
them in the same transaction as every write, whatever path it takes (the
ledger API, an import's upsert, a raw bulk insert, PostgreSQL's ``COPY``):
on SQLite one row trigger per event, on PostgreSQL statement triggers over
transition tables (one set-based statement per summary and write); a big
import is summed in one set-based pass instead (:func:`bulk_write`). A row
whose lines and refunds both drop to zero stays, with zeros (readers skip
it), so a copy held in memory can be brought up to date from the changed
rows alone (:data:`SEQ_KEY`). Apart from such rows a summary always equals a
fresh ``GROUP BY`` of the detail (:func:`differences` checks;
``command-center rebuild-summaries`` recomputes them).

Pages, metrics and plugins read the summaries (120k rows at the large demo
instead of 10M order lines); only drill-downs read the ledger itself.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Column, Connection, Engine, MetaData, Table
from sqlalchemy.orm import Session

from command_center.db.base import Base

SUMMED = ("revenue", "cost", "lines", "refunds", "refund_lines")
SEQ_KEY = "summaries_seq"
"""The ``meta`` row numbering summary changes: every write to the ledger moves it
on (inside its transaction, so writers queue on it in commit order) and stamps
the summary rows it changed with it, so a reader holding a copy reads only the
rows stamped after its copy (:func:`command_center.db.frames.summary`)."""
REBUILT_KEY = "summaries_rebuilt"
"""Moves on with every :func:`rebuild`: copies are read afresh, not folded."""
_PG_SWITCH = "command_center.summaries"
"""A transaction setting that makes PostgreSQL's triggers stand aside (:func:`bulk_write`)."""
BULK_FROM = 2_000
"""From this many rows a write is summed in one pass (:func:`bulk_write`) rather than by
the triggers (a trigger per row on SQLite, per statement of an executemany on PostgreSQL)."""
_NEXT_SEQ = f"UPDATE meta SET value = value + 1 WHERE key = '{SEQ_KEY}'"
_CURRENT_SEQ = f"(SELECT value FROM meta WHERE key = '{SEQ_KEY}')"
SALES_TABLES = ("orders", "order_refunds")
"""The detail tables the summaries follow: caches of a summary declare these."""


@dataclass(frozen=True)
class Summary:
    table: str
    keys: tuple[str, ...]  # "month" is derived from the line's or refund's date


PERSON_MONTH = Summary("sales_person_month", ("person_id", "month"))
CUSTOMER_MONTH = Summary("sales_customer_month", ("customer_id", "person_id", "month"))
SUMMARIES = (PERSON_MONTH, CUSTOMER_MONTH)


def _month(dialect: str, column: str) -> str:
    if dialect == "sqlite":  # dates are stored as ISO text
        return f"substr({column}, 1, 7) || '-01'"
    return f"CAST(date_trunc('month', {column}) AS date)"


def _key_exprs(summary: Summary, dialect: str, date_column: str) -> list[str]:
    return [_month(dialect, f"x.{date_column}") if k == "month" else f"x.{k}" for k in summary.keys]


def _add(summary: Summary, dialect: str, source: str, sign: int, refunds: bool) -> str:
    """Add (``sign`` 1) or take away (-1) ``source``'s lines or refunds, grouped by key.

    ``source`` is a relation with ``person_id, customer_id`` and either
    ``order_date, revenue, cost`` (lines) or ``refund_date, amount`` (refunds).
    Every row it changes gets the current change number (:data:`SEQ_KEY`).
    """
    keys = _key_exprs(summary, dialect, "refund_date" if refunds else "order_date")
    values = (
        ["0", "0", "0", f"{sign} * SUM(x.amount)", f"{sign} * COUNT(*)"]
        if refunds
        else [f"{sign} * SUM(x.revenue)", f"{sign} * SUM(x.cost)", f"{sign} * COUNT(*)", "0", "0"]
    )
    columns = ", ".join((*summary.keys, *SUMMED, "seq"))
    updates = ", ".join(f"{c} = {summary.table}.{c} + excluded.{c}" for c in SUMMED)
    return (
        f"INSERT INTO {summary.table} ({columns}) "
        f"SELECT {', '.join([*keys, *values, _CURRENT_SEQ])} FROM {source} AS x WHERE true "
        f"GROUP BY {', '.join(keys)} "
        f"ON CONFLICT ({', '.join(summary.keys)}) DO UPDATE SET {updates}, seq = excluded.seq"
    )


# -- the sources each trigger reads, per dialect ---------------------------------
# SQLite fires per row (NEW / OLD are the row); PostgreSQL per statement over the
# transition tables new_rows / old_rows.
_SQLITE_LINE = (
    "(SELECT {r}.person_id AS person_id, {r}.customer_id AS customer_id, "
    "{r}.order_date AS order_date, {r}.revenue AS revenue, {r}.cost AS cost)"
)
_SQLITE_REFUND = (
    "(SELECT o.person_id AS person_id, o.customer_id AS customer_id, "
    "{r}.refund_date AS refund_date, {r}.amount AS amount "
    "FROM orders AS o WHERE o.order_id = {r}.order_id)"
)
_SQLITE_REFUNDS_OF_LINE = (
    "(SELECT {r}.person_id AS person_id, {r}.customer_id AS customer_id, "
    "f.refund_date AS refund_date, f.amount AS amount "
    "FROM order_refunds AS f WHERE f.order_id = {r}.order_id)"
)
_SET_LINE = "{r}"
_SET_REFUND = (
    "(SELECT o.person_id, o.customer_id, f.refund_date, f.amount "
    "FROM {r} AS f JOIN orders AS o ON o.order_id = f.order_id)"
)
_SET_REFUNDS_OF_LINE = (
    "(SELECT o.person_id, o.customer_id, f.refund_date, f.amount "
    "FROM {r} AS o JOIN order_refunds AS f ON f.order_id = o.order_id)"
)


def _sources(per_row: bool) -> dict[str, str]:
    if per_row:
        return {
            "line": _SQLITE_LINE,
            "refund": _SQLITE_REFUND,
            "refunds_of": _SQLITE_REFUNDS_OF_LINE,
        }
    return {"line": _SET_LINE, "refund": _SET_REFUND, "refunds_of": _SET_REFUNDS_OF_LINE}


def _event_statements(
    dialect: str, table: str, event: str, rows: tuple[str, str] | None = None
) -> list[str]:
    """Every summary statement one write event on ``table`` runs, in order.

    Per row on SQLite (``NEW``/``OLD``); set-based over two relations of the
    new and old rows on PostgreSQL (its transition tables) or when ``rows``
    names them (a bulk write's temporary tables, see :func:`bulk_write`).
    """
    per_row = dialect == "sqlite" and rows is None
    src = _sources(per_row)
    new, old = ("NEW", "OLD") if per_row else (rows or ("new_rows", "old_rows"))
    out: list[str] = []
    for summary in SUMMARIES:
        if table == "orders":
            moves: list[tuple[str, int, bool]] = []  # (source, sign, refunds?)
            if event in ("DELETE", "UPDATE"):
                moves += [(src["line"].format(r=old), -1, False)]
                moves += [(src["refunds_of"].format(r=old), -1, True)]
            if event in ("INSERT", "UPDATE"):
                moves += [(src["line"].format(r=new), 1, False)]
            if event == "UPDATE":  # refunds follow their order to its new person/customer
                moves += [(src["refunds_of"].format(r=new), 1, True)]
        else:
            moves = []
            if event in ("DELETE", "UPDATE"):
                moves += [(src["refund"].format(r=old), -1, True)]
            if event in ("INSERT", "UPDATE"):
                moves += [(src["refund"].format(r=new), 1, True)]
        out += [_add(summary, dialect, source, sign, refunds) for source, sign, refunds in moves]
    return [_NEXT_SEQ, *out]


EVENTS = ("INSERT", "UPDATE", "DELETE")
_WATCHED_COLUMNS = {
    "orders": "person_id, customer_id, order_date, revenue, cost",
    "order_refunds": "order_id, refund_date, amount",
}


def _trigger_name(table: str, event: str) -> str:
    return f"summaries_{table}_{event.lower()}"


def create_triggers_sql(dialect: str) -> list[str]:
    """The DDL that makes the database keep the summaries (run by the migration)."""
    out: list[str] = []
    for table in SALES_TABLES:
        for event in EVENTS:
            name = _trigger_name(table, event)
            body = _event_statements(dialect, table, event)
            if dialect == "sqlite":
                on = f"UPDATE OF {_WATCHED_COLUMNS[table]}" if event == "UPDATE" else event
                statements = "".join(f"  {s};\n" for s in body)
                out.append(f"CREATE TRIGGER {name} AFTER {on} ON {table} BEGIN\n{statements}END")
                continue
            statements = "".join(f"  {s};\n" for s in body)
            out.append(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                f"BEGIN\n  IF current_setting('{_PG_SWITCH}', true) = 'off' THEN RETURN NULL; "
                f"END IF;\n{statements}  RETURN NULL;\nEND\n$$"
            )
            referencing = {
                "INSERT": "NEW TABLE AS new_rows",
                "DELETE": "OLD TABLE AS old_rows",
                "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
            }[event]
            out.append(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
            )
    return out


def drop_triggers_sql(dialect: str) -> list[str]:
    out: list[str] = []
    for table in SALES_TABLES:
        for event in EVENTS:
            name = _trigger_name(table, event)
            if dialect == "sqlite":
                out.append(f"DROP TRIGGER IF EXISTS {name}")
            else:
                out.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                out.append(f"DROP FUNCTION IF EXISTS {name}()")
    return out


def _detail_sql(summary: Summary, dialect: str) -> str:
    """A fresh ``GROUP BY`` of the detail: what ``summary.table`` must hold."""

    def keys(date_column: str) -> str:
        exprs = _key_exprs(summary, dialect, date_column)
        return ", ".join(f"{e} AS {k}" for e, k in zip(exprs, summary.keys, strict=True))

    names = ", ".join(summary.keys)
    return (
        f"SELECT {names}, SUM(revenue) AS revenue, SUM(cost) AS cost, SUM(lines) AS lines, "
        f"SUM(refunds) AS refunds, SUM(refund_lines) AS refund_lines FROM ("
        f"SELECT {keys('order_date')}, x.revenue AS revenue, x.cost AS cost, 1 AS lines, "
        "0 AS refunds, 0 AS refund_lines FROM orders AS x UNION ALL "
        f"SELECT {keys('refund_date')}, 0, 0, 0, x.amount, 1 FROM "
        "(SELECT o.person_id, o.customer_id, f.refund_date, f.amount "
        "FROM order_refunds AS f JOIN orders AS o ON o.order_id = f.order_id) AS x"
        f") AS d GROUP BY {names}"
    )


def rebuild(conn: Connection) -> dict[str, int]:
    """Recompute both summaries from the detail, in the caller's transaction."""
    counts: dict[str, int] = {}
    dialect = conn.dialect.name
    conn.exec_driver_sql(_NEXT_SEQ)
    conn.exec_driver_sql(f"UPDATE meta SET value = value + 1 WHERE key = '{REBUILT_KEY}'")
    for summary in SUMMARIES:
        conn.exec_driver_sql(f"DELETE FROM {summary.table}")
        columns = ", ".join((*summary.keys, *SUMMED, "seq"))
        names = ", ".join((*summary.keys, *SUMMED))
        result = conn.exec_driver_sql(
            f"INSERT INTO {summary.table} ({columns}) "
            f"SELECT {names}, {_CURRENT_SEQ} FROM ({_detail_sql(summary, dialect)}) AS d"
        )
        counts[summary.table] = int(result.rowcount or 0)
    return counts


def install(conn: Connection) -> None:
    """The change counters, the triggers, and the summaries filled from the ledger
    (the migrations that create or reshape the summaries end with this)."""
    # The rebuild mark starts anywhere: a new database never shares the marks of an
    # older one at the same path, whose snapshots (command_center.db.snapshots) linger.
    starts = {SEQ_KEY: 0, REBUILT_KEY: secrets.randbelow(2**31)}
    for key, value in starts.items():  # constants, not input
        conn.exec_driver_sql(
            f"INSERT INTO meta (key, value) SELECT '{key}', {int(value)} "
            f"WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = '{key}')"
        )
    for statement in drop_triggers_sql(conn.dialect.name):
        conn.exec_driver_sql(statement)
    rebuild(conn)
    for statement in create_triggers_sql(conn.dialect.name):
        conn.exec_driver_sql(statement)


@contextmanager
def suspended(conn: Connection) -> Iterator[None]:
    """No triggers while the block writes the ledger in bulk; one rebuild after.

    For loads of millions of lines (the demo): a set-based rebuild beats a
    trigger per row. DDL is transactional on SQLite (as we drive it) and on
    PostgreSQL, so a failure in the block restores the triggers too.
    """
    dialect = conn.dialect.name
    for statement in drop_triggers_sql(dialect):
        conn.exec_driver_sql(statement)
    yield
    rebuild(conn)
    for statement in create_triggers_sql(dialect):
        conn.exec_driver_sql(statement)


@contextmanager
def bulk_write(session: Session, detail: str, frame: pl.DataFrame) -> Iterator[None]:
    """Around an upsert of ``frame``'s rows into ``detail`` (``orders`` or
    ``order_refunds``): the summaries take the change in one set-based pass.

    The rows as they were (for the frame's keys) and as they will be (the
    frame) go into two temporary tables; the triggers stand aside while the
    block writes; then the triggers' own statements run once over the two
    tables (what PostgreSQL's statement triggers do over their transition
    tables). ``frame`` holds whole rows (every column of ``detail``). Small
    frames are left to the triggers. All in the caller's transaction.
    """
    if frame.height < BULK_FROM:
        yield
        return
    from command_center.db.bulk import bulk_insert

    conn = session.connection()
    dialect = conn.dialect.name
    source = Base.metadata.tables[detail]
    columns = [c.name for c in source.c]
    key = next(c.name for c in source.primary_key.columns)
    rows = ("cc_new_rows", "cc_old_rows")
    temporary = MetaData()
    tables = [
        Table(name, temporary, *(Column(c.name, c.type) for c in source.c), prefixes=["TEMPORARY"])
        for name in rows
    ]
    for table in tables:
        table.create(conn)
    bulk_insert(conn, tables[0], frame.select(columns))
    conn.exec_driver_sql(
        f"INSERT INTO {rows[1]} SELECT d.* FROM {detail} AS d "
        f"JOIN {rows[0]} AS n ON n.{key} = d.{key}"
    )
    with _triggers_aside(conn):
        yield
    for statement in _event_statements(dialect, detail, "UPDATE", rows):
        conn.exec_driver_sql(statement)
    for table in tables:
        table.drop(conn)


@contextmanager
def _triggers_aside(conn: Connection) -> Iterator[None]:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SET LOCAL {_PG_SWITCH} = 'off'")
        yield
        conn.exec_driver_sql(f"SET LOCAL {_PG_SWITCH} = 'on'")
        return
    for statement in drop_triggers_sql(conn.dialect.name):
        conn.exec_driver_sql(statement)
    yield
    for statement in create_triggers_sql(conn.dialect.name):
        conn.exec_driver_sql(statement)


def differences(engine: Engine, tolerance: float = 1e-6) -> dict[str, pl.DataFrame]:
    """Rows where a summary and a fresh ``GROUP BY`` of the detail disagree, per table.

    Money is compared within ``tolerance`` (relative, at least one cent's
    millionth): sums added in another order round differently in the last bit.
    """
    from command_center.db.frames import read_frame

    dialect = engine.dialect.name
    out: dict[str, pl.DataFrame] = {}
    for summary in SUMMARIES:
        keys = list(summary.keys)
        columns = ", ".join((*keys, *SUMMED))
        stored = read_frame(
            engine,
            f"SELECT {columns} FROM {summary.table} WHERE lines <> 0 OR refund_lines <> 0",
        )
        fresh = read_frame(engine, _detail_sql(summary, dialect))
        both = _normalise(stored, keys).join(
            _normalise(fresh, keys), on=keys, how="full", coalesce=True, suffix="_detail"
        )
        bad = pl.lit(False)
        for column in SUMMED:
            a, b = pl.col(column).fill_null(0), pl.col(f"{column}_detail").fill_null(0)
            bad = bad | ((a - b).abs() > (tolerance * pl.max_horizontal(a.abs(), b.abs(), 1e-2)))
        out[summary.table] = both.filter(bad)
    return out


def _normalise(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    casts = [pl.col(k).cast(pl.Int64) for k in keys if k != "month"]
    month = pl.col("month")
    if frame.schema.get("month") == pl.String:
        month = month.str.to_date("%Y-%m-%d")
    return frame.with_columns(
        *casts,
        month.cast(pl.Date).alias("month"),
        *(pl.col(c).cast(pl.Float64) for c in SUMMED),
    )
