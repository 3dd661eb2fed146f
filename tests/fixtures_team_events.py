"""Shared fixtures of the team events tests (loaded by ``tests/conftest.py`` as a pytest plugin).

``te_db`` is a small demo database of the core and this plugin only, made once per
module and backend: the tests write to it (schedule, raise items, post...), so it
is never the shared read-only ``demo_db``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from command_center.org.auth import viewer_for
from command_center.org.scope import Viewer
from command_center.plugins import PluginHost
from command_center.settings import get_settings
from command_center.testing import signed_in
from tests.conftest import BACKENDS, Db, _drop_db, demo_copy


def te_host() -> PluginHost:
    """The core and the team events plugin, nothing else (figures stay deterministic)."""
    return PluginHost(get_settings(), entry_points=False, builtins=["plugins.team_events"])


def viewer(engine: Engine, login: str) -> Viewer:
    return viewer_for(engine, signed_in(engine, login))


@pytest.fixture(scope="module", params=BACKENDS)
def te_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, pg_databases: object
) -> Iterator[Db]:
    db = demo_copy(
        request.param,
        tmp_path_factory.mktemp("team-events"),
        pg_databases,
        "team_events",
        te_host,  # type: ignore[arg-type]
    )
    yield db
    _drop_db(db, pg_databases)  # type: ignore[arg-type]
