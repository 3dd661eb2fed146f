"""Data load: the orders ledger and its monthly summary, by every path.

- worker start: the first read of a process starts the connectorx worker
  (``command_center.db.cx_worker``); timed on its own with ``SELECT 1``, and
  started before the clock everywhere else;
- ledger (all lines, ``order_id, customer_id, person_id, order_date, revenue,
  cost``): ``frames.orders`` (read_frame → connectorx worker → Arrow IPC) vs
  the same call with ``frames._force_sqlalchemy`` (``pl.read_database`` over
  SQLAlchemy: the baseline) vs pandas ``read_sql`` over SQLAlchemy vs
  connectorx called in this process (what read_frame did before the worker);
- monthly summary: ours, ``frames.all_monthly_sales`` uncached (the whole
  ledger through read_frame, grouped in Polars) vs SQL ``GROUP BY`` in SQLite
  through ``pl.read_database`` (baseline) and through read_frame (the
  previous design) vs only the four needed columns through read_frame,
  grouped in Polars vs DuckDB (on the SQLite file when its sqlite extension
  loads, else on the Arrow table in memory, beside Polars on the same frame).

Each repeat runs in a fresh process, so a read's peak memory is its own.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

import polars as pl

from bench.check import check_results, compare_frames, compare_values
from bench.data import BenchDb
from bench.measure import Outcome, Result, isolated, measure, run_task

WORKER = "load: connectorx worker start"
LEDGER = "load: orders ledger"
MONTHLY = "load: monthly summary"

WORKER_START = "ours: first read_frame (SELECT 1)"
CX = "ours: read_frame → connectorx worker"
READ_DATABASE = "pl.read_database (SQLAlchemy)"
PANDAS = "pandas read_sql (SQLAlchemy)"
CX_INPROC = "connectorx in this process (no worker)"
OURS_MONTHLY = "ours: all_monthly_sales (ledger via worker + Polars)"
SQL_CX = "SQL GROUP BY, read_frame → connectorx worker"
SQL_READ_DATABASE = "SQL GROUP BY, pl.read_database (SQLAlchemy)"
POLARS_RAW = "read_frame 4 columns + Polars group_by"
DUCKDB_FILE = "DuckDB sqlite_scan of the file"
DUCKDB_ARROW = "DuckDB on in-memory Arrow (read untimed)"
POLARS_MEM = "Polars on in-memory frame (read untimed)"
RAW_SQL = "SELECT person_id, order_date, revenue, cost FROM orders"
# The SQL that all_monthly_sales ran before it moved to Polars (SQLite dialect).
MONTH_SQLITE = "strftime('%Y-%m-01', order_date)"
MONTHLY_SQL = (
    f"SELECT person_id, {MONTH_SQLITE} AS month, SUM(revenue) AS revenue, SUM(cost) AS cost, "
    f"COUNT(*) AS order_lines FROM orders GROUP BY person_id, {MONTH_SQLITE}"
)
DUCKDB_MONTHLY = (
    "SELECT person_id, CAST(date_trunc('month', CAST(order_date AS DATE)) AS DATE) AS month, "
    "SUM(revenue) AS revenue, SUM(cost) AS cost, COUNT(*) AS order_lines "
    "FROM {source} GROUP BY ALL"
)


def _engine(url: str) -> Any:
    from command_center.db.engine import get_engine

    return get_engine(url)


def start_worker(engine: Any) -> None:
    """Start the connectorx worker (a no-op on the SQLAlchemy path)."""
    from command_center.db import frames

    frames.read_frame(engine, "SELECT 1 AS one")


def _in_process(engine: Any, sql: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """connectorx in this process, conformed like read_frame conforms."""
    from command_center.db import frames

    uri = frames.connectorx_uri(engine)
    assert uri is not None
    frame = pl.read_database_uri(sql, uri, engine="connectorx")
    return frames._conform(frame, schema)


# -- worker start ------------------------------------------------------------------
def worker_task(repeat: int, url: str) -> Outcome:
    from command_center.db import cx_worker, frames

    engine = _engine(url)
    outcome = Outcome()
    for _ in range(repeat):
        cx_worker._worker.stop()
        sample, _ = measure(lambda: frames.read_frame(engine, "SELECT 1 AS one"))
        outcome.add(WORKER, sample)
    return outcome


# -- ledger ------------------------------------------------------------------------
def _ledger_summary(frame: Any) -> dict[str, Any]:
    """Row count, sums and date range: equal for every path that read the same rows."""
    polars = isinstance(frame, pl.DataFrame)
    dates = frame["order_date"]
    first, last = dates.min(), dates.max()
    return {
        "rows": len(frame),
        "order_id": int(frame["order_id"].sum()),
        "customer_id": int(frame["customer_id"].sum()),
        "person_id": int(frame["person_id"].sum()),
        "revenue": float(frame["revenue"].sum()),
        "cost": float(frame["cost"].sum()),
        "first": first if polars else first.date(),
        "last": last if polars else last.date(),
        "sorted": bool(
            frame["order_id"].is_sorted() if polars else frame["order_id"].is_monotonic_increasing
        ),
    }


def ledger_task(repeat: int, url: str, variant: str) -> Outcome:
    from sqlalchemy import select, text

    from command_center.db import frames
    from command_center.db.models import OrderLine
    from command_center.org.scope import OPERATOR

    engine = _engine(url)
    frames._force_sqlalchemy = variant in (READ_DATABASE, PANDAS)
    sql = frames.compile_sql(engine, select(*OrderLine.__table__.c).order_by(OrderLine.order_id))
    if variant == PANDAS:
        import pandas as pd

        def read() -> Any:
            with engine.connect() as conn:
                return pd.read_sql(text(sql), conn, parse_dates=["order_date"])

    elif variant == CX_INPROC:

        def read() -> Any:
            return _in_process(engine, sql, frames.ORDER_SCHEMA)

    else:
        start_worker(engine)

        def read() -> Any:
            return frames.orders(engine, OPERATOR)

    outcome = Outcome()
    for _ in range(repeat):
        sample, frame = measure(read)
        outcome.add(LEDGER, sample, _ledger_summary(frame))
        del frame
        gc.collect()
    return outcome


# -- monthly summary -------------------------------------------------------------------
def duckdb_sqlite() -> bool:
    """True when DuckDB's sqlite extension installs and loads (it is downloaded)."""
    import duckdb

    try:
        with duckdb.connect() as con:
            con.sql("INSTALL sqlite")
            con.sql("LOAD sqlite")
    except Exception:
        return False
    return True


def _conform_monthly(frame: pl.DataFrame) -> pl.DataFrame:
    from command_center.db.frames import MONTHLY_SCHEMA

    return frame.select([pl.col(c).cast(t) for c, t in MONTHLY_SCHEMA.items()])


def polars_monthly(lines: pl.DataFrame) -> pl.DataFrame:
    return _conform_monthly(
        lines.group_by("person_id", pl.col("order_date").dt.truncate("1mo").alias("month")).agg(
            pl.col("revenue").sum(), pl.col("cost").sum(), pl.len().alias("order_lines")
        )
    )


def _raw_lines(engine: Any) -> pl.DataFrame:
    from command_center.db import frames

    schema = {c: frames.ORDER_SCHEMA[c] for c in ("person_id", "order_date", "revenue", "cost")}
    return frames.read_frame(engine, RAW_SQL, schema)


def monthly_task(repeat: int, url: str, variant: str) -> Outcome:
    import duckdb

    from command_center.db import frames

    engine = _engine(url)
    frames._force_sqlalchemy = variant == SQL_READ_DATABASE
    if variant != SQL_READ_DATABASE:
        start_worker(engine)
    lines = _raw_lines(engine) if variant in (DUCKDB_ARROW, POLARS_MEM) else None  # untimed
    con = duckdb.connect() if variant in (DUCKDB_FILE, DUCKDB_ARROW) else None
    if con is not None and lines is not None:
        con.register("lines", lines.to_arrow())  # untimed
    if con is not None and variant == DUCKDB_FILE:
        con.sql("LOAD sqlite")

    def run() -> pl.DataFrame:
        if variant == OURS_MONTHLY:
            frames.clear_cache()
            return frames.all_monthly_sales(engine)
        if variant in (SQL_CX, SQL_READ_DATABASE):
            return frames.read_frame(engine, MONTHLY_SQL, frames.MONTHLY_SCHEMA)
        if variant == POLARS_RAW:
            return polars_monthly(_raw_lines(engine))
        if variant == POLARS_MEM:
            assert lines is not None
            return polars_monthly(lines)
        assert con is not None
        source = "lines"
        if variant == DUCKDB_FILE:
            path = str(engine.url.database).replace("'", "''")
            source = f"sqlite_scan('{path}', 'orders')"
        return _conform_monthly(con.sql(DUCKDB_MONTHLY.format(source=source)).pl())

    outcome = Outcome()
    for _ in range(repeat):
        sample, frame = measure(run)
        outcome.add(MONTHLY, sample, frame)
        del frame
        gc.collect()
    return outcome


# -- the family ----------------------------------------------------------------------
def _variants(
    db: BenchDb,
    repeat: int,
    bench: str,
    task: Callable[..., Outcome],
    variants: list[tuple[str, bool, str]],
    compare: Callable[[Any, Any], str],
    report: Callable[[Result], None],
) -> list[Result]:
    results: list[Result] = []
    checks: dict[tuple[str, str], Any] = {}
    for variant, baseline, note in variants:
        outcome = run_task(task, repeat, True, db.url, variant)
        checks[(bench, variant)] = outcome.checks[bench]
        results.append(Result(bench, db.scale, variant, outcome.samples[bench], baseline, note))
        gc.collect()
    check_results(results, checks, compare)
    for result in results:
        report(result)
    return results


def run_ledger(db: BenchDb, repeat: int, report: Callable[[Result], None]) -> list[Result]:
    """The worker's start and the ledger read by every path; each repeat in a fresh process."""
    worker = run_task(worker_task, repeat, True, db.url)
    results = [Result(WORKER, db.scale, WORKER_START, worker.samples[WORKER])]
    report(results[0])
    variants = [
        (CX, False, ""),
        (READ_DATABASE, True, ""),
        (PANDAS, False, ""),
        (CX_INPROC, False, ""),
    ]
    return results + _variants(db, repeat, LEDGER, ledger_task, variants, compare_values, report)


def run_monthly(db: BenchDb, repeat: int, report: Callable[[Result], None]) -> list[Result]:
    """The monthly summary by every path; each repeat in a fresh process."""
    monthly: list[tuple[str, bool, str]] = [
        (OURS_MONTHLY, False, ""),
        (SQL_READ_DATABASE, True, ""),
        (SQL_CX, False, ""),
        (POLARS_RAW, False, ""),
    ]
    if isolated(duckdb_sqlite):
        monthly.append((DUCKDB_FILE, False, ""))
    else:
        note = "DuckDB's sqlite extension cannot be downloaded here, so DuckDB reads Arrow"
        monthly.append((DUCKDB_ARROW, False, note))
        monthly.append((POLARS_MEM, False, ""))
    return _variants(
        db,
        repeat,
        MONTHLY,
        monthly_task,
        monthly,
        lambda a, b: compare_frames(a, b, ["person_id", "month"]),
        report,
    )


def run(db: BenchDb, repeat: int, report: Callable[[Result], None]) -> list[Result]:
    """Every load benchmark at ``db``'s scale."""
    return run_ledger(db, repeat, report) + run_monthly(db, repeat, report)
