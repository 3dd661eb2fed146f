"""The bench databases: ``data/bench/<scale>.db``, built once with the project's own code.

A database is rebuilt when the file is missing, its schema is pending, or its
row counts do not match the scale (say a build that was interrupted).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

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

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"


def db_path(scale: str) -> Path:
    return BENCH_DIR / f"{scale}.db"


def host() -> PluginHost:
    """The plugin host the app would use (entry points included)."""
    return PluginHost(get_settings())


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def is_current(scale: str) -> bool:
    """True when the file exists, its schema is up to date and its counts match."""
    path = db_path(scale)
    if not path.exists():
        return False
    url = f"sqlite:///{path}"
    engine = get_engine(url)
    try:
        if pending(engine, host()):
            return False
        with engine.connect() as conn:
            people = conn.execute(select(func.count()).select_from(Person)).scalar_one()
            lines = conn.execute(select(func.max(OrderLine.order_id))).scalar()
    except Exception:
        return False
    finally:
        dispose_engine(url)
    spec = SCALES[scale]
    return people == spec.people and lines == spec.order_lines


def build(scale: str) -> float:
    """(Re)build the database for ``scale`` from scratch; returns the seconds it took."""
    path = db_path(scale)
    path.parent.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{path}"
    dispose_engine(url)
    _remove(path)
    started = time.perf_counter()

    def progress(message: str) -> None:
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
    return time.perf_counter() - started


def ensure(scale: str) -> BenchDb:
    """The bench database for ``scale``, built first when needed (in this process)."""
    if is_current(scale):
        return BenchDb(scale, db_path(scale))
    return BenchDb(scale, db_path(scale), build(scale))
