"""Metric roll-up: ``MetricRegistry.rollup`` and ``scorecard`` of revenue for the
whole force (the operator's view), for a month and for a year.

Ours is measured warm (every frame cached, as on the second page view) and
cold (``frames.clear_cache()`` before each call, so it reads the people, the
monthly summary and the targets again). The baseline is the same roll-up in
pandas (closure by repeated merge, join, group-by) and beside it DuckDB SQL
(recursive CTE); both get the very frames ours reads (people, monthly sales,
targets) already in memory, so compare them with ours warm.

The pandas and DuckDB targets are "explicit target, else the sum of the
month targets in the period", summed up the closure: that is the registry's
rule when, as in the demo data, only reps carry targets. The cross-check
would show it otherwise.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

import polars as pl

from bench.check import check_results, compare_frames
from bench.data import BenchDb
from bench.load import start_worker
from bench.measure import Outcome, Result, measure, run_task

MONTH = "2026-10"  # the app's default period for the demo's as-of date
YEAR = "2026"
BENCHMARKS: tuple[tuple[str, str], ...] = (
    ("rollup", MONTH),
    ("rollup", YEAR),
    ("scorecard", MONTH),
    ("scorecard", YEAR),
)
WARM = "ours warm (frames cached)"
COLD = "ours cold (clear_cache first)"
PANDAS = "pandas (frames in memory)"
DUCKDB = "DuckDB SQL on Arrow (frames in memory)"
ROLLUP_SCHEMA = {"node_id": pl.Int64, "num": pl.Float64, "den": pl.Float64, "value": pl.Float64}
SCORECARD_SCHEMA = {
    "node_id": pl.Int64,
    "value": pl.Float64,
    "previous": pl.Float64,
    "target": pl.Float64,
    "attainment": pl.Float64,
}


def name(kind: str, label: str) -> str:
    grain = "month" if "-" in label else "year"
    return f"{kind}: revenue, {grain} {label}"


def _conform(frame: pl.DataFrame, kind: str) -> pl.DataFrame:
    schema = ROLLUP_SCHEMA if kind == "rollup" else SCORECARD_SCHEMA
    return frame.select([pl.col(c).cast(t) for c, t in schema.items()])


# -- ours ------------------------------------------------------------------------
def ours_task(repeat: int, url: str, cold: bool) -> Outcome:
    from bench.data import host
    from command_center.db import frames
    from command_center.db.engine import get_engine
    from command_center.metrics import MetricRegistry
    from command_center.org.scope import OPERATOR
    from command_center.periods import parse_period

    engine = get_engine(url)
    registry = MetricRegistry(host())
    start_worker(engine)
    outcome = Outcome()
    for kind, label in BENCHMARKS:
        period = parse_period(label)
        method = registry.rollup if kind == "rollup" else registry.scorecard

        def call(method: Callable[..., pl.DataFrame] = method, period: Any = period) -> Any:
            return method(engine, OPERATOR, "revenue", period)

        if not cold:
            call()  # warm the frames cache
        for _ in range(repeat):
            if cold:
                frames.clear_cache()
            sample, frame = measure(call)
            outcome.add(name(kind, label), sample, _conform(frame, kind))
            del frame
            gc.collect()
    return outcome


def _inputs(url: str) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The frames ours rolls up: people, monthly sales and targets (read as ours does)."""
    from command_center.db import frames
    from command_center.db.engine import get_engine
    from command_center.org.scope import OPERATOR

    engine = get_engine(url)
    people = frames.people(engine, OPERATOR).select("person_id", "manager_id")
    monthly = frames.monthly_sales(engine, OPERATOR)
    targets = frames.targets(engine, OPERATOR)
    frames.clear_cache()
    return people, monthly, targets


def _month_labels(period: Any) -> list[str]:
    return [f"{m.year}-{m.month:02d}" for m in period.months]


# -- pandas -----------------------------------------------------------------------
def pandas_closure(people: Any) -> Any:
    """(ancestor_id, person_id) for every person and each of their managers inside ``people``."""
    import pandas as pd

    ids = people["person_id"]
    manager = people["manager_id"].where(people["manager_id"].isin(ids))
    links = pd.DataFrame({"ancestor_id": ids, "manager_id": manager}).dropna()
    links = links.astype({"manager_id": "int64"})
    level = pd.DataFrame({"ancestor_id": ids.to_numpy(), "person_id": ids.to_numpy()})
    parts = [level]
    for _ in range(64):
        step = level.merge(links, on="ancestor_id")
        if step.empty:
            break
        level = pd.DataFrame(
            {
                "ancestor_id": step["manager_id"].to_numpy(),
                "person_id": step["person_id"].to_numpy(),
            }
        )
        parts.append(level)
    return pd.concat(parts, ignore_index=True).drop_duplicates()


def pandas_rollup(people: Any, monthly: Any, period: Any) -> Any:
    import pandas as pd

    tree = pandas_closure(people)
    inside = monthly["month"].between(pd.Timestamp(period.start), pd.Timestamp(period.end))
    facts = monthly.loc[inside, ["person_id", "revenue"]]
    out = (
        tree.merge(facts, on="person_id")
        .groupby("ancestor_id", as_index=False)
        .agg(num=("revenue", "sum"), den=("revenue", "size"))
        .rename(columns={"ancestor_id": "node_id"})
    )
    out["den"] = out["den"].astype("float64")
    out["value"] = out["num"]
    return out.sort_values("node_id", ignore_index=True)


def pandas_targets(people: Any, targets: Any, period: Any) -> Any:
    rows = targets[targets["metric"] == "revenue"]
    explicit = rows.loc[rows["period"] == period.label, ["person_id", "target"]]
    person = explicit
    if period.grain != "month":
        finer = (
            rows[rows["period"].isin(_month_labels(period))]
            .groupby("person_id", as_index=False)["target"]
            .sum()
        )
        person = (
            finer.set_index("person_id")["target"]
            .to_frame()
            .join(explicit.set_index("person_id")["target"].rename("explicit"), how="outer")
        )
        person["target"] = person["explicit"].combine_first(person["target"])
        person = person.reset_index()[["person_id", "target"]]
    tree = pandas_closure(people)
    return (
        tree.merge(person, on="person_id")
        .groupby("ancestor_id", as_index=False)["target"]
        .sum()
        .rename(columns={"ancestor_id": "node_id"})
    )


def pandas_scorecard(people: Any, monthly: Any, targets: Any, period: Any) -> Any:
    now = pandas_rollup(people, monthly, period)[["node_id", "value"]]
    before = pandas_rollup(people, monthly, period.previous())[["node_id", "value"]]
    out = now.merge(before.rename(columns={"value": "previous"}), on="node_id", how="outer")
    out = out.merge(pandas_targets(people, targets, period), on="node_id", how="left")
    target = out["target"].where(out["target"] != 0)
    out["attainment"] = out["value"] / target
    return out.sort_values("node_id", ignore_index=True)


def pandas_task(repeat: int, url: str) -> Outcome:
    from command_center.periods import parse_period

    people, monthly, targets = (f.to_pandas() for f in _inputs(url))
    outcome = Outcome()
    for kind, label in BENCHMARKS:
        period = parse_period(label)

        def call(kind: str = kind, period: Any = period) -> Any:
            if kind == "rollup":
                return pandas_rollup(people, monthly, period)
            return pandas_scorecard(people, monthly, targets, period)

        for _ in range(repeat):
            sample, frame = measure(call)
            outcome.add(name(kind, label), sample, _conform(pl.from_pandas(frame), kind))
    return outcome


# -- DuckDB ----------------------------------------------------------------------
TREE_SQL = """
WITH RECURSIVE links AS (
    SELECT person_id, manager_id FROM people
    WHERE manager_id IN (SELECT person_id FROM people)
), tree(ancestor_id, person_id) AS (
    SELECT person_id, person_id FROM people
    UNION
    SELECT l.manager_id, t.person_id FROM tree t JOIN links l ON l.person_id = t.ancestor_id
)"""


def _rollup_cte(period: Any) -> str:
    return (
        "SELECT t.ancestor_id AS node_id, SUM(f.revenue) AS value, "
        "CAST(COUNT(*) AS DOUBLE) AS den FROM tree t JOIN monthly f ON f.person_id = t.person_id "
        f"WHERE f.month BETWEEN DATE '{period.start}' AND DATE '{period.end}' "
        "GROUP BY t.ancestor_id"
    )


def duckdb_rollup_sql(period: Any) -> str:
    return (
        f"{TREE_SQL}, r AS ({_rollup_cte(period)}) "
        "SELECT node_id, value AS num, den, value FROM r ORDER BY node_id"
    )


def duckdb_scorecard_sql(period: Any) -> str:
    if period.grain == "month":
        person = (
            "SELECT person_id, target FROM targets "
            f"WHERE metric = 'revenue' AND period = '{period.label}'"
        )
    else:
        labels = ", ".join(f"'{m}'" for m in _month_labels(period))
        person = (
            "SELECT COALESCE(e.person_id, s.person_id) AS person_id, "
            "COALESCE(e.target, s.target) AS target FROM "
            f"(SELECT person_id, target FROM targets WHERE metric = 'revenue' "
            f"AND period = '{period.label}') e FULL JOIN "
            "(SELECT person_id, SUM(target) AS target FROM targets WHERE metric = 'revenue' "
            f"AND period IN ({labels}) GROUP BY person_id) s ON e.person_id = s.person_id"
        )
    return f"""{TREE_SQL},
now AS ({_rollup_cte(period)}),
before AS ({_rollup_cte(period.previous())}),
person AS ({person}),
goal AS (
    SELECT t.ancestor_id AS node_id, SUM(p.target) AS target
    FROM tree t JOIN person p ON p.person_id = t.person_id GROUP BY t.ancestor_id
)
SELECT COALESCE(n.node_id, b.node_id) AS node_id, n.value, b.value AS previous, g.target,
       CASE WHEN g.target <> 0 THEN n.value / g.target END AS attainment
FROM now n FULL JOIN before b ON n.node_id = b.node_id
LEFT JOIN goal g ON g.node_id = COALESCE(n.node_id, b.node_id)
ORDER BY node_id"""


def duckdb_task(repeat: int, url: str) -> Outcome:
    import duckdb

    from command_center.periods import parse_period

    people, monthly, targets = _inputs(url)
    con = duckdb.connect()
    for table, frame in (("people", people), ("monthly", monthly), ("targets", targets)):
        con.register(table, frame.to_arrow())
    outcome = Outcome()
    for kind, label in BENCHMARKS:
        period = parse_period(label)
        sql = duckdb_rollup_sql(period) if kind == "rollup" else duckdb_scorecard_sql(period)
        for _ in range(repeat):
            sample, frame = measure(lambda sql=sql: con.sql(sql).pl())
            outcome.add(name(kind, label), sample, _conform(frame, kind))
    con.close()
    return outcome


# -- the family --------------------------------------------------------------------
def run(db: BenchDb, repeat: int, report: Callable[[Result], None]) -> list[Result]:
    variants: list[tuple[str, bool, Outcome]] = []
    for variant, baseline, task, args in (
        (WARM, False, ours_task, (db.url, False)),
        (COLD, False, ours_task, (db.url, True)),
        (PANDAS, True, pandas_task, (db.url,)),
        (DUCKDB, False, duckdb_task, (db.url,)),
    ):
        variants.append((variant, baseline, run_task(task, repeat, False, *args)))
    results: list[Result] = []
    checks: dict[tuple[str, str], Any] = {}
    for kind, label in BENCHMARKS:
        bench = name(kind, label)
        for variant, baseline, outcome in variants:
            checks[(bench, variant)] = outcome.checks[bench]
            results.append(Result(bench, db.scale, variant, outcome.samples[bench], baseline))
    check_results(results, checks, lambda a, b: compare_frames(a, b, ["node_id"]))
    for result in results:
        report(result)
    return results
