"""Data load: the orders ledger and its monthly summary, by every path.

- ledger: ``frames.orders`` (read_frame → connectorx) vs the same call with
  ``frames._force_sqlalchemy`` (``pl.read_database`` over SQLAlchemy, the
  baseline) vs pandas ``read_sql`` over SQLAlchemy;
- monthly summary: the SQL of ``frames.all_monthly_sales`` through read_frame
  (connectorx) vs the same SQL through ``pl.read_database`` (baseline) vs the
  raw lines read with connectorx and grouped in Polars vs DuckDB (on the SQLite
  file when its sqlite extension loads, else on the Arrow table in memory).

Each repeat runs in a fresh process: a read's peak memory is its own.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

import polars as pl

from bench.check import check_results, compare_frames, compare_values
from bench.data import BenchDb
from bench.measure import Outcome, Result, measure, run_task

LEDGER = "load: orders ledger"
MONTHLY = "load: monthly summary"

CX = "ours: read_frame → connectorx"
READ_DATABASE = "pl.read_database (SQLAlchemy)"
PANDAS = "pandas read_sql (SQLAlchemy)"
SQL_CX = "ours: SQL GROUP BY, read_frame → connectorx"
SQL_READ_DATABASE = "SQL GROUP BY, pl.read_database (SQLAlchemy)"
POLARS_RAW = "connectorx raw lines + Polars group_by"
DUCKDB_FILE = "DuckDB sqlite_scan of the file"
DUCKDB_ARROW = "DuckDB on in-memory Arrow (read untimed)"
POLARS_MEM = "Polars on in-memory frame (read untimed)"
RAW_SQL = "SELECT person_id, order_date, revenue, cost FROM orders"


def _engine(url: str) -> Any:
    from command_center.db.engine import get_engine

    return get_engine(url)


def _ledger_summary(frame: Any) -> dict[str, Any]:
    """Row count, sums and date range: equal for every path that read the same rows."""
    if isinstance(frame, pl.DataFrame):
        dates = frame["order_date"]
        return {
            "rows": frame.height,
            "order_id": int(frame["order_id"].sum()),
            "customer_id": int(frame["customer_id"].sum()),
            "person_id": int(frame["person_id"].sum()),
            "revenue": float(frame["revenue"].sum()),
            "cost": float(frame["cost"].sum()),
            "first": dates.min(),
            "last": dates.max(),
            "sorted": bool(frame["order_id"].is_sorted()),
        }
    dates = frame["order_date"]
    return {
        "rows": len(frame),
        "order_id": int(frame["order_id"].sum()),
        "customer_id": int(frame["customer_id"].sum()),
        "person_id": int(frame["person_id"].sum()),
        "revenue": float(frame["revenue"].sum()),
        "cost": float(frame["cost"].sum()),
        "first": dates.min().date(),
        "last": dates.max().date(),
        "sorted": bool(frame["order_id"].is_monotonic_increasing),
    }


def ledger_task(repeat: int, url: str, variant: str) -> Outcome:
    from sqlalchemy import select, text

    from command_center.db import frames
    from command_center.db.models import OrderLine
    from command_center.org.scope import OPERATOR

    engine = _engine(url)
    frames._force_sqlalchemy = variant == READ_DATABASE
    if variant == PANDAS:
        import pandas as pd

        sql = frames.compile_sql(
            engine, select(*OrderLine.__table__.c).order_by(OrderLine.order_id)
        )

        def read() -> Any:
            with engine.connect() as conn:
                return pd.read_sql(text(sql), conn, parse_dates=["order_date"])
    else:

        def read() -> Any:
            return frames.orders(engine, OPERATOR)

    outcome = Outcome()
    for _ in range(repeat):
        sample, frame = measure(read)
        outcome.add(LEDGER, sample, _ledger_summary(frame))
        del frame
        gc.collect()
    return outcome


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


def _monthly_sql(engine: Any) -> str:
    from command_center.db import frames

    month = frames._month_expr(engine)
    return (
        f"SELECT person_id, {month} AS month, SUM(revenue) AS revenue, SUM(cost) AS cost, "
        f"COUNT(*) AS order_lines FROM orders GROUP BY person_id, {month}"
    )


def _polars_monthly(lines: pl.DataFrame) -> pl.DataFrame:
    from command_center.db.frames import MONTHLY_SCHEMA

    return (
        lines.group_by("person_id", pl.col("order_date").dt.truncate("1mo").alias("month"))
        .agg(pl.col("revenue").sum(), pl.col("cost").sum(), pl.len().alias("order_lines"))
        .select([pl.col(c).cast(t) for c, t in MONTHLY_SCHEMA.items()])
    )


DUCKDB_MONTHLY = (
    "SELECT person_id, CAST(date_trunc('month', CAST(order_date AS DATE)) AS DATE) AS month, "
    "SUM(revenue) AS revenue, SUM(cost) AS cost, COUNT(*) AS order_lines "
    "FROM {source} GROUP BY ALL"
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
    conform: Callable[[pl.DataFrame], pl.DataFrame] = lambda f: f.select(  # noqa: E731
        [pl.col(c).cast(t) for c, t in frames.MONTHLY_SCHEMA.items()]
    )
    lines: pl.DataFrame | None = None
    if variant in (DUCKDB_ARROW, POLARS_MEM):
        lines = _raw_lines(engine)  # setup, not timed
    con = duckdb.connect() if variant in (DUCKDB_FILE, DUCKDB_ARROW) else None
    if con is not None and lines is not None:
        con.register("lines", lines.to_arrow())  # setup, not timed

    def run() -> pl.DataFrame:
        if variant in (SQL_CX, SQL_READ_DATABASE):
            return frames.read_frame(engine, _monthly_sql(engine), frames.MONTHLY_SCHEMA)
        if variant == POLARS_RAW:
            return _polars_monthly(_raw_lines(engine))
        if variant == POLARS_MEM:
            assert lines is not None
            return _polars_monthly(lines)
        assert con is not None
        if variant == DUCKDB_FILE:
            con.sql("LOAD sqlite")
            path = engine.url.database.replace("'", "''")
            return conform(
                con.sql(DUCKDB_MONTHLY.format(source=f"sqlite_scan('{path}', 'orders')")).pl()
            )
        return conform(con.sql(DUCKDB_MONTHLY.format(source="lines")).pl())

    outcome = Outcome()
    for _ in range(repeat):
        sample, frame = measure(run)
        outcome.add(MONTHLY, sample, frame)
        del frame
        gc.collect()
    return outcome


def run(db: BenchDb, repeat: int, report: Callable[[Result], None]) -> list[Result]:
    """Every load variant at ``db``'s scale; each repeat in a fresh process."""
    results: list[Result] = []
    ledger_checks: dict[tuple[str, str], Any] = {}
    for variant, baseline in ((CX, False), (READ_DATABASE, True), (PANDAS, False)):
        outcome = run_task(ledger_task, repeat, True, db.url, variant)
        ledger_checks[(LEDGER, variant)] = outcome.checks[LEDGER]
        result = Result(LEDGER, db.scale, variant, outcome.samples[LEDGER], baseline)
        results.append(result)
        report(result)
    check_results(results, ledger_checks, compare_values)

    from bench.measure import isolated

    monthly_variants: list[tuple[str, bool, str]] = [
        (SQL_CX, False, ""),
        (SQL_READ_DATABASE, True, ""),
        (POLARS_RAW, False, ""),
    ]
    if isolated(duckdb_sqlite):
        monthly_variants.append((DUCKDB_FILE, False, ""))
    else:
        note = "DuckDB's sqlite extension could not be installed (no download): Arrow in memory"
        monthly_variants.append((DUCKDB_ARROW, False, note))
        monthly_variants.append((POLARS_MEM, False, "the same in-memory frame, for comparison"))
    monthly: list[Result] = []
    monthly_checks: dict[tuple[str, str], Any] = {}
    for variant, baseline, note in monthly_variants:
        outcome = run_task(monthly_task, repeat, True, db.url, variant)
        monthly_checks[(MONTHLY, variant)] = outcome.checks[MONTHLY]
        result = Result(MONTHLY, db.scale, variant, outcome.samples[MONTHLY], baseline, note)
        monthly.append(result)
        report(result)
    check_results(
        monthly,
        monthly_checks,
        lambda a, b: compare_frames(a, b, ["person_id", "month"]),
    )
    return results + monthly
