"""Recruiting benchmarks: ``python -m bench.recruiting [--scales small,medium,large]
[--db-scales small,medium] [--repeat 3]``.

- generate: the recruiting demo rows (pipeline simulation, training, exams) from the
  core's org and customers, without a database, at every scale;
- analytics: the funnel page's computations (furthest stage, funnel by source, time
  in stage, source effectiveness, hires) on those generated rows;
- seed: ``seed_demo`` end to end (generation + one transaction of bulk inserts) into
  a SQLite file that already holds the core demo (``--db-scales``), and into one that
  holds only the core's people and customers (``--seed-scales``, default large);
- pages: the director's funnel and candidates pages under AppTest, first (cold) and
  second (warm) run, on the same files.

Timings are medians of ``--repeat`` runs; nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from command_center.demo import SCALES, _customers, _org, demo_months
from command_center.types import DemoContext

AS_OF = dt.date(2026, 11, 15)
SEED = 7


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def context(scale: str, engine: Any = None) -> DemoContext:
    """The core's people and customers for ``scale`` (no orders: not needed here)."""
    spec = SCALES[scale]
    months = demo_months(AS_OF, spec.months)
    rng = np.random.default_rng(SEED)
    org = _org(spec, rng, months[0])
    customers = _customers(spec, rng, org).frame
    return DemoContext(
        engine,
        scale,
        SEED,
        AS_OF,
        random.Random(f"{SEED}:recruiting"),
        months,
        org.frame,
        customers,
    )


def frames_of(pipeline: Any) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    openings = {o["opening_id"]: o for o in pipeline.openings}
    cands = pl.DataFrame(
        [
            {
                **c,
                "stage": p.stage,
                "opened_on": openings[c["opening_id"]]["opened_on"],
                "hiring_manager_id": openings[c["opening_id"]]["hiring_manager_id"],
            }
            for c, p in zip(pipeline.candidates, pipeline.paths, strict=True)
        ],
        infer_schema_length=None,
    )
    events = pl.DataFrame([e for p in pipeline.paths for e in p.events], infer_schema_length=None)
    events = events.with_columns(pl.int_range(1, events.height + 1).alias("event_id"))
    offers = pl.DataFrame([p.offer for p in pipeline.paths if p.offer], infer_schema_length=None)
    return cands, events, offers


def analytics(cands: pl.DataFrame, events: pl.DataFrame, offers: pl.DataFrame) -> int:
    from plugins.recruiting.logic import analytics as funnel

    reached = funnel.furthest(cands, events)
    hired = funnel.hires(cands, offers)
    out = [
        funnel.funnel(reached),
        funnel.funnel(reached, ["source"]),
        funnel.time_in_stage(events, AS_OF),
        funnel.source_effectiveness(reached, hired, offers),
        funnel.monthly_flow(reached, hired),
    ]
    return sum(frame.height for frame in out)


def generation(scales: list[str], repeat: int) -> list[tuple[str, str, float, str]]:
    from plugins.recruiting.demo import _people_frame, simulate_pipeline
    from plugins.recruiting.demo.training import training

    rows = []
    for scale in scales:
        ctx = context(scale)
        first = int(ctx.people["person_id"].max()) + 1

        def build(ctx: DemoContext = ctx, first: int = first) -> tuple[Any, Any]:
            ctx.rng = random.Random(f"{SEED}:recruiting")
            pipe = simulate_pipeline(ctx, first)
            people = pl.concat(
                [
                    ctx.people.select(
                        "person_id", "manager_id", "level", "status", "hire_date", "name"
                    ),
                    _people_frame(pipe.hires).select(
                        "person_id", "manager_id", "level", "status", "hire_date", "name"
                    ),
                ],
                how="vertical_relaxed",
            )
            return pipe, training(ctx, people, pipe.hires)

        seconds, (pipe, train) = timed(build, repeat)
        rows.append(
            (
                scale,
                "generate demo rows",
                seconds,
                f"{len(pipe.candidates):,} candidates, {len(pipe.hires):,} hires, "
                f"{len(train.attempts):,} exam attempts, {len(train.attendance):,} "
                "attendance rows",
            )
        )
        cands, events, offers = frames_of(pipe)
        seconds, _ = timed(lambda c=cands, e=events, o=offers: analytics(c, e, o), repeat)
        rows.append((scale, "funnel analytics", seconds, f"{events.height:,} stage events"))
    return rows


def database(scales: list[str], repeat: int) -> list[tuple[str, str, float, str]]:
    from command_center import testing
    from command_center.db.engine import dispose_engine, get_engine
    from command_center.db.migrate import upgrade
    from command_center.demo import generate, load_demo
    from command_center.plugins import PluginHost
    from plugins.recruiting.demo import seed

    rows = []
    for scale in scales:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
            engine = get_engine(url)
            host = PluginHost(entry_points=False, builtins=["plugins.recruiting"])
            upgrade(engine, host)
            load_demo(
                engine,
                PluginHost(entry_points=False, builtins=[]),
                scale=scale,
                seed=SEED,
                as_of=AS_OF,
            )
            data = generate(scale, SEED, AS_OF)
            ctx = DemoContext(
                engine,
                scale,
                SEED,
                AS_OF,
                random.Random(f"{SEED}:recruiting"),
                data.months,
                data.people,
                data.customers,
            )
            del data
            started = time.perf_counter()
            seed(ctx)
            rows.append(
                (
                    scale,
                    "seed_demo into SQLite (one transaction)",
                    time.perf_counter() - started,
                    "",
                )
            )
            testing.use_database(url, host)
            for page in ("recruiting-funnel", "recruiting-candidates", "recruiting-training"):
                cold = warm = 0.0
                for _ in range(repeat):
                    from command_center.db import frames

                    frames.clear_cache()
                    at = testing.start(engine, "director")
                    started = time.perf_counter()
                    at = testing.open_page(at, page)
                    cold += time.perf_counter() - started
                    started = time.perf_counter()
                    at.run()
                    warm += time.perf_counter() - started
                    problems = [e.value for e in at.exception] + [e.value for e in at.error]
                    if problems:
                        raise RuntimeError(f"{page}: {problems[:2]}")
                rows.append((scale, f"{page} (director), first run", cold / repeat, ""))
                rows.append((scale, f"{page} (director), second run", warm / repeat, ""))
            dispose_engine(url)
    return rows


def seed_only(scales: list[str]) -> list[tuple[str, str, float, str]]:
    """``seed_demo`` on a database holding only the core's people and customers: the
    plugin's own write cost at scales whose full core demo takes too long to build."""
    from command_center.db.bulk import bulk_insert
    from command_center.db.engine import dispose_engine, get_engine
    from command_center.db.migrate import upgrade
    from command_center.db.models import Customer, Person
    from command_center.plugins import PluginHost
    from plugins.recruiting.demo import seed

    rows = []
    for scale in scales:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'seed.db'}"
            engine = get_engine(url)
            upgrade(engine, PluginHost(entry_points=False, builtins=["plugins.recruiting"]))
            ctx = context(scale, engine)
            created = pl.Series("created_on", [ctx.months[0]] * ctx.customers.height)
            bulk_insert(engine, Person.__table__, ctx.people)  # type: ignore[arg-type]
            bulk_insert(
                engine,
                Customer.__table__,  # type: ignore[arg-type]
                ctx.customers.with_columns(created),
            )
            started = time.perf_counter()
            seed(ctx)
            rows.append(
                (
                    scale,
                    "seed_demo into SQLite (core people/customers only)",
                    time.perf_counter() - started,
                    "",
                )
            )
            dispose_engine(url)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.recruiting", description=__doc__)
    parser.add_argument("--scales", default="small,medium,large")
    parser.add_argument("--db-scales", default="small,medium")
    parser.add_argument("--seed-scales", default="large")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    rows = generation([s for s in args.scales.split(",") if s], args.repeat)
    rows += database([s for s in args.db_scales.split(",") if s], args.repeat)
    rows += seed_only([s for s in args.seed_scales.split(",") if s])
    width = max(len(r[1]) for r in rows)
    print(f"{'scale':<7} {'benchmark':<{width}} {'median s':>9}  notes")
    for scale, name, seconds, note in rows:
        print(f"{scale:<7} {name:<{width}} {seconds:>9.3f}  {note}")


if __name__ == "__main__":
    main()
