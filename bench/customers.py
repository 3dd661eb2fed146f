"""ABC grading at scale: ours (Polars) beside DuckDB and pandas, in the same run.

``python -m bench.customers [--scale large] [--repeat 5] [--synthetic]``

Input: the order lines (``customer_id, order_date, revenue``) of the bench
database ``data/bench/<scale>.db`` (10M lines at large scale) and every
customer id, read once into memory; without that file (or with
``--synthetic``) a seeded NumPy frame of the same shape (500k customers,
24 months) stands in. Each engine then computes the pinned rule from the same
in-memory data: window filter, revenue per customer, every customer in the
universe (zero revenue included), whole cents, rank by revenue desc and id,
running share of those above, grades. DuckDB gets its own native tables
(loaded before timing, its best case); pandas a NumPy-backed frame. The
result (rank order, revenue and grade of every customer) must be identical
across the three, or the row says MISMATCH.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from plugins.customers.logic.abc import abc_from_lines
from plugins.customers.logic.dates import Window

AS_OF = dt.date(2026, 11, 15)
MONTHS = 12
CUTOFFS = (0.80, 0.95)
SHAPES = {"small": (3_000, 60_000), "medium": (50_000, 1_000_000), "large": (500_000, 10_000_000)}
BENCH_DIR = Path(__file__).resolve().parent.parent / "data" / "bench"


# -- data --------------------------------------------------------------------------------
def from_database(path: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    from command_center.db import frames
    from command_center.db.engine import get_engine

    engine = get_engine(f"sqlite:///{path}")
    lines = frames.read_frame(
        engine,
        "SELECT customer_id, order_date, revenue FROM orders",
        {"customer_id": pl.Int64(), "order_date": pl.Date(), "revenue": pl.Float64()},
    )
    customers = frames.read_frame(
        engine, "SELECT customer_id FROM customers", {"customer_id": pl.Int64()}
    )
    return lines, customers


def synthetic(customers: int, lines: int, seed: int = 7) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Same shape as the demo ledger: skewed customers, 24 months before AS_OF's month."""
    rng = np.random.default_rng(seed)
    value = rng.pareto(1.2, customers) + 0.05
    buyer = rng.choice(customers, lines, p=value / value.sum())
    first = np.datetime64(dt.date(AS_OF.year - 2, AS_OF.month, 1))
    last = np.datetime64(AS_OF.replace(day=1))
    day = first + rng.integers(0, int((last - first).astype(int)), lines)
    revenue = np.round(np.maximum(rng.lognormal(8.2, 0.6, lines), 50.0), 2)
    frame = pl.DataFrame(
        {
            "customer_id": pl.Series(buyer + 1, dtype=pl.Int64),
            "order_date": pl.Series(day.astype("datetime64[D]")),
            "revenue": revenue,
        }
    )
    return frame, pl.DataFrame({"customer_id": pl.Series(np.arange(1, customers + 1))})


# -- the three engines -----------------------------------------------------------------
def polars_abc(lines: pl.DataFrame, customers: pl.DataFrame) -> pl.DataFrame:
    return abc_from_lines(lines, customers, AS_OF, MONTHS, CUTOFFS)


DUCK_SQL = """
WITH rev AS (
    SELECT customer_id, SUM(revenue) AS revenue FROM orders
    WHERE order_date > DATE '{after}' AND order_date <= DATE '{until}'
    GROUP BY customer_id
), cents AS (
    SELECT c.customer_id, CAST(round(COALESCE(r.revenue, 0) * 100) AS BIGINT) AS cents
    FROM customers c LEFT JOIN rev r ON r.customer_id = c.customer_id
), ranked AS (
    SELECT customer_id, cents,
        SUM(cents) OVER (ORDER BY cents DESC, customer_id ROWS UNBOUNDED PRECEDING) AS running,
        SUM(cents) OVER () AS total
    FROM cents
)
SELECT
    row_number() OVER (ORDER BY cents DESC, customer_id) AS rank,
    customer_id,
    cents / 100.0 AS revenue,
    CASE WHEN total > 0 THEN CAST(cents AS DOUBLE) / total ELSE 0 END AS share,
    CASE WHEN total > 0 THEN CAST(running AS DOUBLE) / total ELSE 0 END AS cumulative_share,
    CASE WHEN cents <= 0 THEN 'C'
         WHEN CAST(running - cents AS DOUBLE) / total < {a} THEN 'A'
         WHEN CAST(running - cents AS DOUBLE) / total < {b} THEN 'B'
         ELSE 'C' END AS grade
FROM ranked
ORDER BY cents DESC, customer_id
"""


def duckdb_abc(con: Any) -> pl.DataFrame:
    w = Window.of(AS_OF, MONTHS)
    sql = DUCK_SQL.format(after=w.after, until=w.until, a=CUTOFFS[0], b=CUTOFFS[1])
    return pl.from_arrow(con.sql(sql).to_arrow_table())  # type: ignore[return-value]


def pandas_abc(lines: Any, customer_ids: np.ndarray) -> Any:
    import pandas as pd

    w = Window.of(AS_OF, MONTHS)
    after, until = np.datetime64(w.after), np.datetime64(w.until)
    dates = lines["order_date"].to_numpy()
    inside = lines[(dates > after) & (dates <= until)]
    revenue = inside.groupby("customer_id", sort=False)["revenue"].sum()
    cents = np.round(revenue.reindex(customer_ids, fill_value=0.0).to_numpy() * 100).astype(
        np.int64
    )
    frame = pd.DataFrame({"customer_id": customer_ids, "cents": cents})
    frame = frame.sort_values(["cents", "customer_id"], ascending=[False, True], kind="stable")
    total = int(frame["cents"].sum())
    running = frame["cents"].cumsum()
    above = (running - frame["cents"]) / total if total else running * 0.0
    grade = np.where(
        frame["cents"] <= 0,
        "C",
        np.where(above < CUTOFFS[0], "A", np.where(above < CUTOFFS[1], "B", "C")),
    )
    return pd.DataFrame(
        {
            "rank": np.arange(1, len(frame) + 1),
            "customer_id": frame["customer_id"].to_numpy(),
            "revenue": frame["cents"].to_numpy() / 100,
            "share": frame["cents"].to_numpy() / total if total else 0.0,
            "cumulative_share": running.to_numpy() / total if total else 0.0,
            "grade": grade,
        }
    )


# -- timing and report -------------------------------------------------------------------
def timed(fns: dict[str, Callable[[], Any]], repeat: int) -> dict[str, tuple[list[float], Any]]:
    """Each function once as a warm-up, then ``repeat`` rounds taking turns (round-robin),
    so that a busy machine slows every engine alike."""
    outputs = {name: fn() for name, fn in fns.items()}
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            gc.collect()
            start = time.perf_counter()
            outputs[name] = fn()
            times[name].append(time.perf_counter() - start)
    return {name: (times[name], outputs[name]) for name in fns}


def same(reference: pl.DataFrame, other: pl.DataFrame) -> str:
    cols = ["customer_id", "grade"]
    if (
        reference.select(cols).equals(other.select(cols))
        and ((reference["revenue"] - other["revenue"]).abs().max() or 0) < 0.005
    ):
        return "identical"
    return "MISMATCH"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.customers", description=__doc__)
    parser.add_argument("--scale", default="large", choices=list(SHAPES))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--synthetic", action="store_true", help="ignore data/bench/<scale>.db")
    args = parser.parse_args(argv)
    import duckdb

    path = BENCH_DIR / f"{args.scale}.db"
    started = time.perf_counter()
    if path.exists() and not args.synthetic:
        source = f"{path.relative_to(BENCH_DIR.parent.parent)} (demo ledger)"
        lines, customers = from_database(path)
    else:
        source = "synthetic NumPy frame (same shape)"
        lines, customers = synthetic(*SHAPES[args.scale])
    loaded = time.perf_counter() - started
    print(f"input: {source}: {lines.height:,} order lines, {customers.height:,} customers "
          f"(read in {loaded:.1f} s)", flush=True)  # fmt: skip

    con = duckdb.connect()
    con.register("lines_view", lines.to_arrow())
    con.register("customers_view", customers.to_arrow())
    con.execute("CREATE TABLE orders AS SELECT * FROM lines_view")
    con.execute("CREATE TABLE customers AS SELECT * FROM customers_view")
    con.unregister("lines_view")
    con.unregister("customers_view")
    pd_lines = lines.to_pandas()
    ids = customers["customer_id"].to_numpy()

    runs = {
        "Polars (ours: logic.abc.abc_from_lines)": lambda: polars_abc(lines, customers),
        "DuckDB (SQL, native tables)": lambda: duckdb_abc(con),
        "pandas (groupby, sort_values, cumsum)": lambda: pandas_abc(pd_lines, ids),
    }
    results: dict[str, tuple[list[float], pl.DataFrame]] = {}
    for name, (times, out) in timed(runs, args.repeat).items():
        frame = out if isinstance(out, pl.DataFrame) else pl.from_pandas(out)
        results[name] = (times, frame)
        print(f"  {name}: median {statistics.median(times):.3f} s", flush=True)

    reference = results["Polars (ours: logic.abc.abc_from_lines)"][1]
    duck = statistics.median(results["DuckDB (SQL, native tables)"][0])
    threads = os.environ.get("POLARS_MAX_THREADS") or str(pl.thread_pool_size())
    print()
    print(f"ABC over {lines.height:,} lines, {customers.height:,} customers, as of "
          f"{AS_OF}, {MONTHS} months, cut-offs {CUTOFFS}; {args.repeat} rounds after a warm-up, "
          f"engines taking turns; {os.cpu_count()} CPUs, Polars threads {threads}, "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print()
    print("| engine | median s | min s | × DuckDB | result |")
    print("|---|---:|---:|---:|---|")
    for name, (times, frame) in results.items():
        med = statistics.median(times)
        print(f"| {name} | {med:.3f} | {min(times):.3f} | {med / duck:.2f} | "
              f"{same(reference, frame)} |")  # fmt: skip
    counts = reference.group_by("grade").len().sort("grade")
    print()
    print("grades: " + ", ".join(f"{g} {n:,}" for g, n in counts.iter_rows()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
