"""Shared fixtures of the recruiting tests (loaded as a pytest plugin by tests/conftest.py;
the helpers ``recruiting_host`` and ``viewer`` are imported by the test modules).

Databases hold the core and the recruiting plugin only, so these tests do not
depend on the other plugins being finished; the core's own test_app covers the
app with every plugin.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from command_center import i18n
from command_center.org.scope import Viewer, people_edges, scope_for
from command_center.plugins import PluginHost
from command_center.settings import get_settings
from tests.conftest import BACKENDS, Db, _drop_db, demo_copy, small_org_copy


def recruiting_host() -> PluginHost:
    """The core and the recruiting plugin, with their messages installed."""
    host = PluginHost(get_settings(), entry_points=False, builtins=["plugins.recruiting"])
    i18n.install(host.translations())
    return host


def viewer(engine: object, role: str, person_id: int | None, login: str | None = None) -> Viewer:
    """The viewer a user with ``role`` linked to ``person_id`` gets at sign-in."""
    edges = people_edges(engine)  # type: ignore[arg-type]
    return Viewer(login or f"{role}{person_id}", role, person_id, scope_for(role, person_id, edges))


@pytest.fixture(params=BACKENDS)
def rdb(request, tmp_path, pg_databases) -> Iterator[Db]:
    """A migrated database (core + recruiting) with the small hand-built org:
    1 director -> 2 manager -> 3 supervisor -> reps 4, 5; 2 -> 6 supervisor -> rep 7."""
    db = small_org_copy(request.param, tmp_path, pg_databases, "recruiting", recruiting_host)
    yield db
    _drop_db(db, pg_databases)


@pytest.fixture(scope="session", params=BACKENDS)
def rdemo(request, tmp_path_factory, pg_databases) -> Iterator[Db]:
    """The small demo with the recruiting plugin's data: shared, treat as read-only."""
    db = demo_copy(
        request.param, tmp_path_factory.mktemp("rdemo"), pg_databases, "recruiting", recruiting_host
    )
    yield db
    _drop_db(db, pg_databases)
