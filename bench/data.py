"""The bench databases: ``data/bench/<scale>.db``, built once with the project's own code.

Beside each file, ``<scale>.json`` records the finished build: seed, as-of
date, when, how long it took and which plugins failed to seed their demo
data. A database is rebuilt when the file or its record is missing (say an
interrupted build), the record's seed or date differ, its schema is pending,
its people or demo lines do not match the scale, or ``--rebuild`` asks for
it. ``--reuse`` keeps an existing file whatever its schema (upgraded in
place). A build whose plugins failed to seed is reused, with the failures
shown in the results: a plugin that keeps failing would rebuild it every run.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from command_center.db.engine import dispose_engine, get_engine
from command_center.db.migrate import pending, upgrade
from command_center.db.models import OrderLine, Person
from command_center.demo import SCALES, load_demo
from command_center.plugins import PluginHost
from command_center.settings import PROJECT_ROOT, get_settings

BENCH_DIR = PROJECT_ROOT / "data" / "bench"
SEED = 7
AS_OF = dt.date(2026, 11, 15)


@dataclass(frozen=True)
class BenchDb:
    """One bench database; ``built_seconds`` is set when this run built it."""

    scale: str
    path: Path
    built_seconds: float | None = None
    info: dict[str, Any] = field(default_factory=dict)  # the <scale>.json record

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"


def db_path(scale: str) -> Path:
    return BENCH_DIR / f"{scale}.db"


def info_path(scale: str) -> Path:
    return BENCH_DIR / f"{scale}.json"


def read_info(scale: str) -> dict[str, Any]:
    try:
        return dict(json.loads(info_path(scale).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


def host() -> PluginHost:
    """The plugin host the app would use (entry points included)."""
    return PluginHost(get_settings())


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def is_current(scale: str) -> bool:
    """True when the file exists, a build of it finished with our seed and date,
    its schema is up to date and its counts match the scale."""
    path = db_path(scale)
    if not path.exists():
        return False
    info = read_info(scale)  # written only once a build has finished
    if info.get("seed") != SEED or info.get("as_of") != AS_OF.isoformat():
        return False
    url = f"sqlite:///{path}"
    engine = get_engine(url)
    try:
        if pending(engine, host()):
            return False
        spec = SCALES[scale]
        with engine.connect() as conn:
            people = conn.execute(select(func.count()).select_from(Person)).scalar_one()
            # The demo's last line (plugins may book more lines after it).
            last = conn.execute(
                select(OrderLine.order_id).where(OrderLine.order_id == spec.order_lines)
            ).scalar()
    except Exception:
        return False
    finally:
        dispose_engine(url)
    return people == spec.people and last is not None


def build(scale: str) -> float:
    """(Re)build the database for ``scale`` from scratch; returns the seconds it took."""
    path = db_path(scale)
    path.parent.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{path}"
    dispose_engine(url)
    _remove(path)
    info_path(scale).unlink(missing_ok=True)
    started = time.perf_counter()
    failures: list[str] = []

    def progress(message: str) -> None:
        if "failed to seed" in message:
            failures.append(message)
        print(f"  [{scale} {time.perf_counter() - started:7.1f} s] {message}", flush=True)

    engine = get_engine(url)
    try:
        plugin_host = host()
        upgrade(engine, plugin_host)
        load_demo(engine, plugin_host, scale=scale, seed=SEED, as_of=AS_OF, progress=progress)
    except BaseException:
        dispose_engine(url)
        _remove(path)
        raise
    dispose_engine(url)
    seconds = time.perf_counter() - started
    record = {
        "scale": scale,
        "seed": SEED,
        "as_of": AS_OF.isoformat(),
        "built_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "built_seconds": round(seconds, 1),
        "seed_failures": failures,
    }
    info_path(scale).write_text(json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8")
    for failure in failures:
        print(f"  WARNING: {failure}", flush=True)
    return seconds


def upgrade_in_place(scale: str) -> None:
    """Migrate an existing file to the code's schema, keeping its rows.

    Plugins that arrived since the build get their tables but no demo data;
    ``<scale>.json`` says so.
    """
    url = f"sqlite:///{db_path(scale)}"
    engine = get_engine(url)
    try:
        plugin_host = host()
        if not pending(engine, plugin_host):
            return
        upgrade(engine, plugin_host)
    finally:
        dispose_engine(url)
    info = read_info(scale)
    info["upgraded_in_place_at"] = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    info_path(scale).write_text(json.dumps(info, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"  [{scale}] schema upgraded in place (--reuse); new plugins have no demo data")


def ensure(scale: str, rebuild: bool = False, reuse: bool = False) -> BenchDb:
    """The bench database for ``scale``, built first when needed (in this process).

    ``reuse``: keep an existing file even when its schema is pending (it is
    upgraded in place), to skip a long rebuild while the code is in flux.
    """
    if not rebuild and reuse and db_path(scale).exists():
        upgrade_in_place(scale)
        return BenchDb(scale, db_path(scale), None, read_info(scale))
    if not rebuild and is_current(scale):
        return BenchDb(scale, db_path(scale), None, read_info(scale))
    seconds = build(scale)
    return BenchDb(scale, db_path(scale), seconds, read_info(scale))
