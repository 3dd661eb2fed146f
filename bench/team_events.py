"""Team events at scale: demo generation and storage, scoped reads, the review pack,
the digest and the plugin's pages under AppTest.

``python -m bench.team_events [--scale large] [--repeat 3]``

The database is ``data/bench/team_events-<scale>.db``: the core's demo plus this
plugin's only (built once; other plugins' demo data do not change these figures).
Every task runs in a spawned child (``bench.measure.isolated``): "cold" is the
first call in a fresh process (caches empty, connectorx worker not started),
"warm" a second call in the same process (per-data-version caches filled).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.measure import isolated, measure
from command_center.settings import PROJECT_ROOT

AS_OF = dt.date(2026, 11, 15)
SEED = 7
MONTH = "2026-10"
DIR = PROJECT_ROOT / "data" / "bench"


def db_path(scale: str) -> Path:
    return DIR / f"team_events-{scale}.db"


def _host() -> Any:
    from command_center.plugins import PluginHost
    from command_center.settings import get_settings

    return PluginHost(get_settings(), entry_points=False, builtins=["plugins.team_events"])


def build(scale: str) -> float | None:
    """Build the database unless it holds this scale's demo already; seconds, or None."""
    from sqlalchemy import func, select

    from command_center.db.engine import dispose_engine, get_engine
    from command_center.db.migrate import pending, upgrade
    from command_center.db.models import Person
    from command_center.demo import SCALES, load_demo
    from plugins.team_events.models import Event

    path = db_path(scale)
    url = f"sqlite:///{path}"
    if path.exists():
        engine = get_engine(url)
        try:
            with engine.connect() as conn:
                people = conn.execute(select(func.count()).select_from(Person)).scalar_one()
                events = conn.execute(select(func.count()).select_from(Event)).scalar_one()
            if people == SCALES[scale].people and events and not pending(engine, _host()):
                return None
        except Exception:
            pass
        dispose_engine(url)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    DIR.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    engine = get_engine(url)
    host = _host()
    upgrade(engine, host)

    def progress(message: str) -> None:
        print(f"  [{scale} {time.perf_counter() - started:6.1f} s] {message}", flush=True)

    load_demo(engine, host, scale=scale, seed=SEED, as_of=AS_OF, progress=progress)
    dispose_engine(url)
    return time.perf_counter() - started


def _viewer(engine: Any, login: str) -> Any:
    from command_center.org.auth import viewer_for
    from command_center.testing import signed_in

    return viewer_for(engine, signed_in(engine, login))


def demo_task(scale: str) -> list[tuple[str, float, float | None, str]]:
    """Generate the plugin's demo frames from the stored people, then store them afresh."""
    import polars as pl

    from command_center.db import frames
    from command_center.db.bulk import bulk_insert
    from command_center.db.engine import get_engine, write_session
    from command_center.db.migrate import upgrade
    from command_center.db.models import Person
    from command_center.org.scope import OPERATOR
    from plugins.team_events.demo import TABLES, generate

    engine = get_engine(f"sqlite:///{db_path(scale)}")
    people = frames.all_people(engine)
    customers = frames.customers(engine, OPERATOR)
    sample, data = measure(lambda: generate(people, customers, AS_OF, 12345))
    rows = sum(frame.height for frame in data.values())
    out = [("demo: generate frames", sample.seconds, sample.peak_mib, f"{rows:,} rows")]
    scratch = DIR / f"team_events-{scale}-scratch.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    target = get_engine(f"sqlite:///{scratch}")
    upgrade(target, _host())
    bulk_insert(target, Person.__table__, people)  # type: ignore[arg-type]

    def store() -> None:
        with write_session(target) as session:
            for name, model in TABLES.items():
                bulk_insert(session, model.__table__, data[name])  # type: ignore[attr-defined]

    sample, _ = measure(store)
    detail = ", ".join(f"{k} {v.height:,}" for k, v in data.items() if v.height > 1000)
    out.append(("demo: store (one transaction)", sample.seconds, sample.peak_mib, detail))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    del pl
    return out


def reads_task(scale: str) -> list[tuple[str, float, float | None, str]]:
    """Scoped reads, the pack and the digest, cold then warm."""
    import polars as pl

    from command_center.db.engine import get_engine
    from command_center.metrics import MetricRegistry
    from plugins.team_events import queries
    from plugins.team_events.logic import items
    from plugins.team_events.queries import digest, pack

    engine = get_engine(f"sqlite:///{db_path(scale)}")
    registry = MetricRegistry(_host())
    director, manager = _viewer(engine, "director"), _viewer(engine, "manager")
    supervisor, rep = _viewer(engine, "supervisor"), _viewer(engine, "rep")
    tasks: list[tuple[str, Callable[[], Any], Callable[[Any], str]]] = [
        (
            "events (director, all)",
            lambda: queries.events(engine, director),
            lambda f: f"{f.height:,} events",
        ),
        (
            "events (rep, invited)",
            lambda: queries.events(engine, rep),
            lambda f: f"{f.height:,} events",
        ),
        (
            "action items (director)",
            lambda: queries.actions(engine, director),
            lambda f: f"{f.height:,} items",
        ),
        (
            "announcements + audience (director)",
            lambda: queries.announcements(engine, director),
            lambda f: f"{f[0].height:,} news, {f[1].height:,} addressees",
        ),
        (
            "carry counts (director, all items)",
            lambda: items.carry_counts(
                queries.actions(engine, director),
                queries.events(engine, director).filter(pl.col("status") != "cancelled"),
                AS_OF,
            ),
            lambda f: f"{f.height:,} items",
        ),
        (
            "review pack (manager's team)",
            lambda: pack.build(engine, registry, manager, manager.person_id, MONTH, today=AS_OF),
            lambda p: f"{p.headcount:,} people, {p.results.height} metrics",
        ),
        (
            "review pack (director: whole force)",
            lambda: pack.build(engine, registry, director, director.person_id, MONTH, today=AS_OF),
            lambda p: f"{p.headcount:,} people, honours {p.honours.height}",
        ),
        (
            "weekly digest (supervisor)",
            lambda: digest.build(
                engine, supervisor, supervisor.person_id, dt.date(2026, 10, 14), AS_OF
            ),
            lambda d: f"{d.order_lines:,} order lines",
        ),
    ]
    out = []
    for name, call, describe in tasks:
        for temperature in ("cold", "warm"):
            sample, value = measure(call)
            out.append((f"{name}, {temperature}", sample.seconds, sample.peak_mib, describe(value)))
    return out


def pages_task(scale: str) -> list[tuple[str, float, float | None, str]]:
    """The plugin's pages under AppTest: first open, then a rerun of the same page."""
    import os

    url = f"sqlite:///{db_path(scale)}"
    os.environ["COMMAND_CENTER_DB_URL"] = url
    from command_center import runtime
    from command_center import testing as apptest
    from command_center.db.engine import get_engine

    runtime.reset(_host())
    engine = get_engine(url)
    out = []
    for login, page in (
        ("supervisor", "team-meetings"),
        ("manager", "team-review"),
        ("director", "team-review"),
        ("director", "team-events"),
        ("director", "team-news"),
        ("director", "team-actions"),
        ("manager", "team-building"),
    ):
        at = apptest.start(engine, login)
        sample, at = measure(lambda at=at, page=page: apptest.open_page(at, page))
        problems = [str(e.value)[:80] for e in (*at.exception, *at.error)]
        out.append(
            (
                f"page {page} ({login}), open",
                sample.seconds,
                sample.peak_mib,
                "; ".join(problems) or "ok",
            )
        )
        sample, at = measure(at.run)
        out.append(
            (
                f"page {page} ({login}), rerun",
                sample.seconds,
                sample.peak_mib,
                "ok" if not at.exception else "error",
            )
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.team_events", description=__doc__)
    parser.add_argument("--scale", default="large", choices=["small", "medium", "large"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default="demo,reads,pages")
    args = parser.parse_args(argv)
    built = isolated(build, args.scale)
    print(
        f"database {db_path(args.scale)}: "
        + ("reused" if built is None else f"built in {built:.1f} s")
    )
    tasks = {"demo": demo_task, "reads": reads_task, "pages": pages_task}
    results: dict[str, list[tuple[float, float | None, str]]] = {}
    for name in args.only.split(","):
        for _ in range(args.repeat):
            for label, seconds, peak, note in isolated(tasks[name], args.scale):
                results.setdefault(label, []).append((seconds, peak, note))
                print(f"  {label}: {seconds:.3f} s {note}", flush=True)
    print(
        f"\n| benchmark ({args.scale}, {args.repeat} runs) | median s | min s | peak MiB | note |"
    )
    print("|---|---:|---:|---:|---|")
    for label, runs in results.items():
        times = [s for s, _, _ in runs]
        peaks = [p for _, p, _ in runs if p is not None]
        peak = f"{max(peaks):,.0f}" if peaks else ""
        median = statistics.median(times)
        print(f"| {label} | {median:.3f} | {min(times):.3f} | {peak} | {runs[0][2]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
