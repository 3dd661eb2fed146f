"""Shared fixtures: databases on SQLite and, when configured, PostgreSQL.

``COMMAND_CENTER_TEST_PG_URL`` (a server URL whose user may create databases)
adds PostgreSQL to every database fixture: each test session creates its own
databases there and drops them afterwards.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text

from command_center import runtime
from command_center.db import frames
from command_center.db.engine import dispose_engine, get_engine
from command_center.plugins import PluginHost
from command_center.settings import get_settings
from tests import demo_templates
from tests.plugins import sample_plugin

# Each built-in plugin's shared fixtures live in tests/fixtures_<plugin>.py, loaded here.
_HERE = Path(__file__).resolve().parent
pytest_plugins = sorted(f"tests.{path.stem}" for path in _HERE.glob("fixtures_*.py"))

PG_URL = os.environ.get("COMMAND_CENTER_TEST_PG_URL")
# Snapshots of the summary copies (command_center.db.snapshots) go to a throwaway
# folder, never into the repository's data/ (where PostgreSQL's would go by default).
os.environ.setdefault("COMMAND_CENTER_SNAPSHOT_DIR", tempfile.mkdtemp(prefix="cc-snapshots-"))
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]
AS_OF = dt.date(2026, 11, 15)
SEED = 7


@dataclass
class Db:
    url: str
    engine: Engine
    backend: str


def make_host(**kwargs: object) -> PluginHost:
    """The built-ins plus the sample plugin; no entry points (tests stay hermetic)."""
    extra = kwargs.pop("extra", [("sample", sample_plugin)])
    return PluginHost(get_settings(), entry_points=False, extra=extra, **kwargs)  # type: ignore[arg-type]


class _PgDatabases:
    def __init__(self, server_url: str) -> None:
        self.server = create_engine(server_url, isolation_level="AUTOCOMMIT")
        self.base = make_url(server_url)

    def create(self) -> str:
        url = self.new_url()
        name = make_url(url).database or ""
        with self.server.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            conn.execute(text(demo_templates.fast_commits(name)))
        return url

    def new_url(self) -> str:
        """The URL of a database not created yet (a template copy creates it)."""
        name = f"cc_test_{uuid.uuid4().hex[:10]}"
        return self.base.set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        dispose_engine(url)
        name = make_url(url).database
        with self.server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[_PgDatabases | None]:
    if not PG_URL:
        yield None
        return
    databases = _PgDatabases(PG_URL)
    yield databases
    databases.server.dispose()


def pytest_unconfigure(config: pytest.Config) -> None:
    demo_templates.remove_all(PG_URL)


def _new_db(backend: str, folder: object, pg: _PgDatabases | None) -> Db:
    if backend == "sqlite":
        url = f"sqlite:///{folder}/cc-{uuid.uuid4().hex[:8]}.db"
    else:
        assert pg is not None
        url = pg.create()
    return Db(url, get_engine(url), backend)


def _drop_db(db: Db, pg: _PgDatabases | None) -> None:
    frames.clear_cache()
    if db.backend == "postgresql" and pg is not None:
        pg.drop(db.url)
    else:
        dispose_engine(db.url)


@pytest.fixture(params=BACKENDS)
def empty_db(
    request: pytest.FixtureRequest, tmp_path: object, pg_databases: _PgDatabases | None
) -> Iterator[Db]:
    """A migrated database with no rows, new for each test (a copy of the run's
    migrated template: migrating PostgreSQL afresh costs seconds per test)."""
    db = demo_copy(request.param, tmp_path, pg_databases, "migrated", load=_no_rows)
    yield db
    _drop_db(db, pg_databases)


def _no_rows(url: str, host: PluginHost) -> None:
    """The ``load`` of a template that stays as the migrations leave it."""


def load_small_demo(seed: int = SEED, as_of: dt.date = AS_OF) -> Callable[[str, PluginHost], None]:
    """``load(url, host)`` for :func:`demo_copy`: the small demo at ``seed`` and ``as_of``."""

    def load(url: str, host: PluginHost) -> None:
        from command_center.demo import load_demo

        load_demo(get_engine(url), host, scale="small", seed=seed, as_of=as_of)
        failed = {name: info.hook_errors for name, info in host.infos.items() if info.hook_errors}
        assert not failed, f"a plugin failed to seed its demo: {failed}"

    return load


def demo_copy(
    backend: str,
    folder: object,
    pg: _PgDatabases | None,
    plugins: str = "all",
    host: Callable[[], PluginHost] = make_host,
    load: Callable[[str, PluginHost], None] | None = None,
    seed: int = SEED,
    as_of: dt.date = AS_OF,
) -> Db:
    """A new database holding the small demo of ``host``'s plugins (named ``plugins``),
    copied from the run's template of it (:mod:`tests.demo_templates`)."""
    if backend == "sqlite":
        url = f"sqlite:///{folder}/cc-{uuid.uuid4().hex[:8]}.db"
    else:
        assert pg is not None
        url = pg.new_url()
    demo_templates.demo_copy(
        backend, url, PG_URL, plugins, host, load or load_small_demo(seed, as_of), seed, as_of
    )
    return Db(url, get_engine(url), backend)


def small_org_copy(
    backend: str,
    folder: object,
    pg: _PgDatabases | None,
    plugins: str,
    host: Callable[[], PluginHost],
) -> Db:
    """A new database migrated for ``host`` (its plugins named ``plugins``) holding only the
    small hand-built org of :func:`tests.factories.load_small_org`, copied from a template."""
    from tests.factories import load_small_org

    def load(url: str, built: PluginHost) -> None:
        load_small_org(get_engine(url))

    return demo_copy(backend, folder, pg, f"{plugins}_org", host, load=load)


def _demo(backend: str, folder: object, pg: _PgDatabases | None) -> Db:
    return demo_copy(backend, folder, pg)


@pytest.fixture(scope="session", params=BACKENDS)
def demo_db(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    pg_databases: _PgDatabases | None,
) -> Iterator[Db]:
    """A migrated database with the small demo loaded: shared, treat as read-only."""
    db = _demo(request.param, tmp_path_factory.mktemp("demo"), pg_databases)
    yield db
    _drop_db(db, pg_databases)


@pytest.fixture(scope="session")
def sqlite_demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Db]:
    """The small demo in a SQLite file, for tests that need one real file (browser)."""
    db = _demo("sqlite", tmp_path_factory.mktemp("demo-file"), None)
    yield db
    _drop_db(db, None)


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point the process-wide runtime at a database and the test host."""
    yield
    runtime.reset(None)


def use_db(monkeypatch: pytest.MonkeyPatch, db: Db, host: PluginHost | None = None) -> PluginHost:
    """Make ``runtime`` (app and CLI) use ``db`` and ``host``."""
    monkeypatch.setenv("COMMAND_CENTER_DB_URL", db.url)
    host = host or make_host()
    runtime.reset(host)
    return host


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``one_backend`` run on SQLite only, to keep the suite's time in check:
    old path vs new path in Polars (the same on every database), and pages under
    AppTest whose SQL is their actions' and queries' (tested on both backends in
    their own files; every page also renders on PostgreSQL in tests/test_app.py)."""
    keep, drop = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        on_pg = "postgresql" in params.values()
        (drop if on_pg and item.get_closest_marker("one_backend") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
