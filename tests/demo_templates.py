"""The small demo built once per test run and copied for every fixture that wants one.

Loading the demo costs seconds per database (more on PostgreSQL, and
pytest-xdist gives each worker its own fixtures), while a copy costs a
fraction of one: SQLite files are copied with SQLite's backup API,
PostgreSQL databases are created from a template database. Workers share the
templates through a folder named in the environment by the first process
(the xdist controller, whose environment the workers inherit), take turns
building each one under a file lock, and the first process removes them when
the run ends (:func:`remove_all`).

A template is named after what makes its rows: the plugins it was loaded
with, the seed and the as-of date. A fixture whose demo differs in any other
way builds its own.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from command_center.db.engine import dispose_engine, get_engine
from command_center.db.migrate import upgrade
from command_center.plugins import PluginHost
from command_center.testing import copy_sqlite_file

SHARED_ENV = "CC_TEST_SHARED"
RUN_ENV = "CC_TEST_RUN"
_OWNER = SHARED_ENV not in os.environ  # the first process of the run creates and removes
SHARED = Path(os.environ.setdefault(SHARED_ENV, tempfile.mkdtemp(prefix="cc-test-shared-")))
RUN = os.environ.setdefault(RUN_ENV, uuid.uuid4().hex[:8])
TEMPLATE_PREFIX = f"cc_tmpl_{RUN}_"


@contextmanager
def _locked(name: str) -> Iterator[None]:
    with open(SHARED / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _template_name(backend: str, plugins: str, seed: int, as_of: dt.date) -> str:
    return f"{TEMPLATE_PREFIX}{backend[:2]}_{plugins}_{seed}_{as_of:%Y%m%d}"


def _template_url(name: str, backend: str, server_url: str | None) -> str:
    if backend == "sqlite":
        return f"sqlite:///{SHARED / name}.db"
    assert server_url is not None
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def demo_copy(
    backend: str,
    target_url: str,
    server_url: str | None,
    plugins: str,
    host: Callable[[], PluginHost],
    load: Callable[[str, PluginHost], None],
    seed: int,
    as_of: dt.date,
) -> None:
    """Fill the new database at ``target_url`` (SQLite: a file not yet there; PostgreSQL:
    a database not yet created) with a copy of the demo ``load`` writes.

    ``plugins`` names the plugin set of ``host`` (part of the template's name);
    ``load(url, host)`` migrates and loads the demo into the template the first time.
    """
    name = _template_name(backend, plugins, seed, as_of)
    template_url = _template_url(name, backend, server_url)
    with _locked(name):
        if not (SHARED / f"{name}.ready").exists():
            if backend == "postgresql":
                _run_on_server(server_url, f'CREATE DATABASE "{name}"', fast_commits(name))
            built = host()
            upgrade(get_engine(template_url), built)
            load(template_url, built)
            dispose_engine(template_url)
            (SHARED / f"{name}.ready").touch()
        if backend == "sqlite":
            copy_sqlite_file(
                Path(make_url(template_url).database or ""),
                Path(make_url(target_url).database or ""),
            )
        else:
            target = make_url(target_url).database
            create = f'CREATE DATABASE "{target}" TEMPLATE "{name}"'
            _run_on_server(server_url, create, fast_commits(target))


def fast_commits(database: str) -> str:
    """Commits in a test database do not wait for the WAL to reach the disk (a server
    crash could lose the last ones; nothing a test needs): most tests commit many small
    transactions. A copy does not inherit it from its template, so each database gets it."""
    return f'ALTER DATABASE "{database}" SET synchronous_commit TO off'


def _run_on_server(server_url: str | None, statement: str, *more: str) -> None:
    """Statements outside a transaction; a template still being let go is retried."""
    assert server_url is not None
    server = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        for attempt in range(50):
            try:
                with server.connect() as conn:
                    conn.execute(text(statement))
                    for then in more:
                        conn.execute(text(then))
                return
            except Exception as exc:  # "is being accessed by other users": try again
                if "being accessed" not in str(exc) or attempt == 49:
                    raise
                time.sleep(0.1)
    finally:
        server.dispose()


def remove_all(server_url: str | None) -> None:
    """Drop this run's templates (only in the process that created the shared folder)."""
    if not _OWNER:
        return
    if server_url:
        server = create_engine(server_url, isolation_level="AUTOCOMMIT")
        try:
            with server.connect() as conn:
                names = conn.scalars(
                    text("SELECT datname FROM pg_database WHERE datname LIKE :prefix"),
                    {"prefix": f"{TEMPLATE_PREFIX}%"},
                ).all()
                for name in names:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            server.dispose()
    shutil.rmtree(SHARED, ignore_errors=True)
