"""The host and the page fixtures shared by the team events page tests (reports, the
supervisor's board, the kickoff): one place for the set-up they all repeated.

Loaded by ``tests/conftest.py`` as a pytest plugin like every ``fixtures_*`` module, but
it defines no fixture of its own: a test module takes its ``demo`` and ``app`` from
``page_fixtures`` (``demo, app = page_fixtures("reports")``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from command_center.plugins import PluginHost
from command_center.settings import get_settings
from tests.conftest import BACKENDS, Db, _drop_db, demo_copy, use_db


def reports_host() -> PluginHost:
    """The core, customers (visits, calls, follow-ups, new customers) and team events."""
    return PluginHost(
        get_settings(),
        entry_points=False,
        builtins=["plugins.customers", "plugins.team_events"],
    )


def page_fixtures(folder: str) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """A test module's ``demo`` and ``app`` fixtures for its page tests.

    ``demo`` is the small demo of the core, customers and team events (logins rep,
    supervisor...), copied once per module and backend under a temporary ``folder``:
    the page tests write into it. ``app`` points the app at it for one test.
    """

    @pytest.fixture(scope="module", params=BACKENDS)
    def demo(
        request: pytest.FixtureRequest,
        tmp_path_factory: pytest.TempPathFactory,
        pg_databases: Any,
    ) -> Iterator[Db]:
        db = demo_copy(
            request.param,
            tmp_path_factory.mktemp(folder),
            pg_databases,
            "customers_team_events",
            reports_host,
        )
        yield db
        _drop_db(db, pg_databases)

    @pytest.fixture
    def app(demo: Db, monkeypatch: pytest.MonkeyPatch, app_env: None) -> Db:
        use_db(monkeypatch, demo, reports_host())
        return demo

    return demo, app
