"""Shared helpers of the appraisal tests (loaded by ``tests/conftest.py`` as a pytest plugin).

- :func:`appraisal_host`: the core and appraisal only, so no other plugin's metric exists;
- :func:`appraisal_demo`: a small demo database scored with that host's metrics;
- :func:`login_viewer`: the viewer of a demo login, as the app builds it.
"""

from __future__ import annotations

from sqlalchemy import Engine

from command_center import runtime
from command_center.db.engine import get_engine
from command_center.demo import load_demo
from command_center.org.auth import viewer_for
from command_center.org.scope import Viewer
from command_center.plugins import PluginHost
from command_center.settings import get_settings
from command_center.testing import signed_in
from tests.conftest import AS_OF, SEED, Db, demo_copy


def appraisal_host() -> PluginHost:
    """The core and appraisal only: no other plugin's metric exists."""
    return PluginHost(get_settings(), builtins=["plugins.appraisal"], entry_points=False)


def appraisal_demo(backend: str, folder: object, pg: object) -> Db:
    """A new database holding the small demo of the core and appraisal."""
    return demo_copy(backend, folder, pg, "appraisal", appraisal_host, _load_scored)  # type: ignore[arg-type]


def _load_scored(url: str, host: PluginHost) -> None:
    runtime.reset(host)  # the demo scores with this host's metrics
    load_demo(get_engine(url), host, scale="small", seed=SEED, as_of=AS_OF)
    runtime.reset(None)


def login_viewer(engine: Engine, login: str) -> Viewer:
    """The viewer the app builds for ``login`` signed in."""
    return viewer_for(engine, signed_in(engine, login))
