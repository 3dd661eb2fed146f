"""Appraisal benchmarks: ``python -m bench.appraisal [--scale small,large] [--repeat N]``.

Builds ``data/bench/appraisal-<scale>.db`` once (the core demo, migrated for
the core and appraisal only), then times, each in a fresh process:

- the appraisal demo seed (every manager's 12 closed months, an annual and an
  in-progress cycle), after deleting the appraisal rows it wrote before;
- live KPI lines of one unit's in-progress cycle (cold: caches cleared; warm);
- freezing one unit's cycle (what entering calibration computes);
- the 271 distribution, outliers and forced ratings over every closed record;
- the progress and calibration pages under AppTest for the ``manager`` login.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.measure import isolated

SEED = 7
AS_OF = dt.date(2026, 11, 15)
APPRAISAL_TABLES = (
    "appraisal_actions",
    "appraisal_talks",
    "appraisal_kpis",
    "appraisal_records",
    "appraisal_templates",
    "appraisal_cycles",
)


def db_path(scale: str) -> Path:
    from command_center.settings import PROJECT_ROOT

    return PROJECT_ROOT / "data" / "bench" / f"appraisal-{scale}.db"


def host() -> Any:
    from command_center.plugins import PluginHost
    from command_center.settings import get_settings

    return PluginHost(get_settings(), builtins=["plugins.appraisal"], entry_points=False)


def build(scale: str) -> float:
    """The core demo at ``scale`` plus appraisal's, in a new file; seconds taken."""
    from command_center import runtime
    from command_center.db.engine import dispose_engine, get_engine
    from command_center.db.migrate import upgrade
    from command_center.demo import load_demo

    path = db_path(scale)
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    plugin_host = host()
    runtime.reset(plugin_host)
    started = time.perf_counter()
    engine = get_engine(url)
    upgrade(engine, plugin_host)
    load_demo(
        engine,
        plugin_host,
        scale=scale,
        seed=SEED,
        as_of=AS_OF,
        progress=lambda m: print(f"  [{time.perf_counter() - started:7.1f} s] {m}"),
    )
    dispose_engine(url)
    return time.perf_counter() - started


def _engine(scale: str) -> Any:
    from command_center import runtime
    from command_center.db.engine import get_engine

    runtime.reset(host())
    return get_engine(f"sqlite:///{db_path(scale)}")


def seed_task(scale: str, warm: bool = False) -> float:
    """Delete appraisal's rows, then time its ``seed_demo`` alone.

    ``warm``: the core's monthly sales read first (in a whole demo load another
    plugin has usually read them already), so only appraisal's own work is timed.
    """
    import polars as pl
    from sqlalchemy import text

    from command_center.db import frames
    from command_center.db.engine import write_session
    from command_center.demo import demo_months
    from command_center.org.scope import OPERATOR
    from command_center.types import DemoContext
    from plugins.appraisal.demo import seed

    engine = _engine(scale)
    with write_session(engine) as session:
        for name in APPRAISAL_TABLES:
            session.execute(text(f"DELETE FROM {name}"))
        session.execute(text("DELETE FROM published_facts WHERE topic LIKE 'appraisal.%'"))
    people = frames.all_people(engine)
    customers = frames.customers(engine, OPERATOR)
    if warm:
        frames.all_monthly_sales(engine)
    ctx = DemoContext(
        engine,
        scale,
        SEED,
        AS_OF,
        random.Random(f"{SEED}:appraisal"),
        demo_months(AS_OF),
        people,
        customers,
    )
    started = time.perf_counter()
    seed(ctx)
    seconds = time.perf_counter() - started
    counts = {
        n: engine.connect().execute(text(f"SELECT COUNT(*) FROM {n}")).scalar()
        for n in APPRAISAL_TABLES
    }
    print(f"    rows: {counts}")
    del pl
    return seconds


def _unit_cycle(engine: Any, state: str) -> Any:
    import polars as pl

    from plugins.appraisal import queries

    rows = queries.all_cycles(engine).filter(pl.col("state") == state).sort("cycle_id")
    return queries.cycle_info(rows.row(0, named=True))


def live_task(scale: str) -> tuple[float, float, int]:
    from command_center import runtime
    from command_center.db import frames
    from command_center.org.scope import OPERATOR
    from plugins.appraisal.queries.live import live_lines

    engine = _engine(scale)
    cycle = _unit_cycle(engine, "in_progress")
    frames.clear_cache()
    started = time.perf_counter()
    lines = live_lines(engine, runtime.registry(), OPERATOR, cycle)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    live_lines(engine, runtime.registry(), OPERATOR, cycle)
    return cold, time.perf_counter() - started, lines.height


def freeze_task(scale: str) -> tuple[float, int]:
    from command_center import runtime
    from plugins.appraisal.actions import policy
    from plugins.appraisal.actions.scores import freeze

    engine = _engine(scale)
    cycle = _unit_cycle(engine, "in_progress")
    started = time.perf_counter()
    frozen = freeze(engine, runtime.registry(), cycle, policy(engine))
    return time.perf_counter() - started, frozen.records.height


def calibration_task(scale: str) -> tuple[float, int]:
    import polars as pl

    from command_center.org.scope import OPERATOR
    from plugins.appraisal import queries
    from plugins.appraisal.logic import distribution, forced_ratings, outliers
    from plugins.appraisal.settings import AppraisalSettings

    engine = _engine(scale)
    records = queries.history(engine, OPERATOR)
    keyed = records.with_columns(
        (pl.col("cycle_id") * 10_000_000 + pl.col("team_id")).alias("team_id"),
        (pl.col("cycle_id") * 10_000_000 + pl.col("person_id")).alias("person_id"),
    )
    rules = AppraisalSettings()
    started = time.perf_counter()
    distribution(keyed, rules.shares, rules.tolerance)
    outliers(keyed)
    forced_ratings(keyed, rules.shares)
    return time.perf_counter() - started, keyed.height


def page_task(scale: str, page: str) -> tuple[float, float]:
    from command_center import testing as apptest
    from command_center.db import frames

    engine = _engine(scale)
    apptest.use_database(f"sqlite:///{db_path(scale)}", host())
    frames.clear_cache()
    at = apptest.start(engine, "manager")
    started = time.perf_counter()
    at = apptest.open_page(at, page)
    cold = time.perf_counter() - started
    problems = [str(e.value) for e in at.exception] + [str(e.value) for e in at.error]
    if problems:
        raise RuntimeError(f"{page}: {problems[:2]}")
    started = time.perf_counter()
    at.run()
    return cold, time.perf_counter() - started


def _median(call: Callable[[], Any], repeat: int) -> list[Any]:
    return [call() for _ in range(repeat)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.appraisal", description=__doc__)
    parser.add_argument("--scale", default="small,large")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    rows: list[tuple[str, str, str, str]] = []
    for scale in [s.strip() for s in args.scale.split(",") if s.strip()]:
        if args.rebuild or not db_path(scale).exists():
            print(f"== building {db_path(scale)}")
            built = isolated(build, scale)
            rows.append(("core + appraisal demo, whole load", scale, f"{built:.1f}", ""))
        for warm, label in ((False, "ledger cold"), (True, "ledger read before")):
            seeds = _median(lambda s=scale, w=warm: isolated(seed_task, s, w), args.repeat)
            rows.append(
                (
                    f"appraisal seed_demo ({label})",
                    scale,
                    f"{statistics.median(seeds):.2f}",
                    f"min {min(seeds):.2f}",
                )
            )
        live = _median(lambda s=scale: isolated(live_task, s), args.repeat)
        rows.append(
            (
                "live KPI lines, one unit (cold)",
                scale,
                f"{statistics.median(r[0] for r in live):.3f}",
                f"{live[0][2]} lines",
            )
        )
        rows.append(
            (
                "live KPI lines, one unit (warm)",
                scale,
                f"{statistics.median(r[1] for r in live):.3f}",
                "",
            )
        )
        frozen = _median(lambda s=scale: isolated(freeze_task, s), args.repeat)
        rows.append(
            (
                "freeze one unit's cycle",
                scale,
                f"{statistics.median(r[0] for r in frozen):.3f}",
                f"{frozen[0][1]} people",
            )
        )
        calib = _median(lambda s=scale: isolated(calibration_task, s), args.repeat)
        rows.append(
            (
                "271 distribution + outliers + forced, all closed",
                scale,
                f"{statistics.median(r[0] for r in calib):.3f}",
                f"{calib[0][1]} records",
            )
        )
        for page in ("appraisal-progress", "appraisal-calibration", "appraisal-mine"):
            runs = _median(lambda s=scale, p=page: isolated(page_task, s, p), args.repeat)
            rows.append(
                (
                    f"page {page} (manager), cold",
                    scale,
                    f"{statistics.median(r[0] for r in runs):.3f}",
                    "",
                )
            )
            rows.append(
                (
                    f"page {page} (manager), warm",
                    scale,
                    f"{statistics.median(r[1] for r in runs):.3f}",
                    "",
                )
            )
    print("\n| benchmark | scale | median s | note |\n|---|---|---:|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
