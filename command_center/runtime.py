"""The process-wide context that the app, the CLI and plugins share.

``engine()``, ``host()`` and ``registry()`` are built once per process and
reused. One :class:`Runtime` object holds what they build for the current
plugin host, and what the CLI keeps for the command it runs (:class:`CliState`).
:func:`reset` swaps the host and forgets everything the process keeps between
calls, so that nothing survives from before it (tests rely on that):

- the plugin host (``plugins.set_host``; the host keeps the pages and cards it
  collected, see ``PluginHost.contributions``, so a new host collects afresh);
- this object: the registry, the schema check, start-up housekeeping, the
  CLI's signed-in user and mounted commands;
- the translation catalogs (back to the core's, until the new host installs its own);
- every engine (connection pools closed, created again on next use);
- every cached frame and version read (``frames.clear_cache``).

The SQLite reader process (``db.cx_worker``) is left running: it keeps nothing
between queries (each names its file, opened and closed for it), and starting
it again costs ~0.8 s, which every test that resets would pay.
"""

from __future__ import annotations

import importlib
import logging
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from command_center import i18n
from command_center.db import frames
from command_center.db.engine import dispose_engines, get_engine
from command_center.metrics import MetricRegistry
from command_center.plugins import PluginHost, get_host, set_host
from command_center.settings import get_settings

if TYPE_CHECKING:
    from command_center.org.scope import Viewer


@dataclass
class CliState:
    """What the ``command-center`` command keeps while it runs."""

    viewer: Viewer | None = None  # the --user after sign-in; None: the operator
    mounted_for: PluginHost | None = None  # the host whose plugin commands are mounted


@dataclass
class Runtime:
    """What this process built for one plugin host."""

    host: PluginHost | None = None  # the host that registry/translations were built for
    registry: MetricRegistry | None = None
    schema_current: set[str] = field(default_factory=set)  # URLs found fully migrated
    housekeeping: dict[str, threading.Thread] = field(default_factory=dict)  # per URL
    cli: CliState = field(default_factory=CliState)


_lock = threading.Lock()
logger = logging.getLogger(__name__)
_state = Runtime()


def engine() -> Engine:
    """The engine for the configured database URL."""
    return get_engine(get_settings().db_url)


def _refresh(current: PluginHost) -> None:
    if _state.host is not current:
        i18n.install(current.translations())
        _state.registry = MetricRegistry(current)
        _state.host = current


def host() -> PluginHost:
    """The plugin host, with every plugin's translations installed."""
    current = get_host()
    with _lock:
        _refresh(current)
    return current


def registry() -> MetricRegistry:
    """The metric registry over the enabled plugins."""
    current = get_host()
    with _lock:
        _refresh(current)
        assert _state.registry is not None
        return _state.registry


def cli() -> CliState:
    """The CLI's state for this process (see ``command_center.cli``)."""
    return _state.cli


def schema_behind() -> list[str]:
    """The owners whose migrations the database lacks (see ``migrate.pending``).

    Once the database is found up to date it stays so for this process (its
    code and plugins cannot change under it), so reruns skip reading every
    migration folder.
    """
    from command_center.db.migrate import pending

    url = get_settings().db_url
    with _lock:
        if url in _state.schema_current:
            return []
    behind = pending(engine(), host())
    if not behind:
        with _lock:
            _state.schema_current.add(url)
    return behind


def housekeeping() -> threading.Thread:
    """Once per process and database, in a background thread: every plugin's
    ``on_startup`` (such as the daily pool release) and the whole-force summary
    read, so the first page does not wait for them. Tests join the thread
    before the first page (``command_center.testing.start``)."""
    url = get_settings().db_url
    with _lock:
        thread = _state.housekeeping.get(url)
        if thread is not None:
            return thread
    current, engine_ = host(), engine()
    # Modules the thread may import first must be whole before pages run: altair
    # uses pandas if it is in sys.modules, half-imported by another thread or not.
    importlib.import_module("pandas")

    def run() -> None:
        try:
            current.call("on_startup", engine=engine_)
            frames.all_person_months(engine_)
        except Exception:  # the pages work without it; the server log says why
            logger.exception("start-up housekeeping failed for %s", url)

    with _lock:
        thread = _state.housekeeping.get(url)
        if thread is None:
            thread = threading.Thread(target=run, name="command-center-startup", daemon=True)
            _state.housekeeping[url] = thread
            thread.start()
    return thread


def reset(new_host: PluginHost | None = None) -> None:
    """Swap the plugin host (``None``: load afresh on next use) and forget
    everything the process keeps between calls (listed at the top of this module)."""
    global _state
    set_host(new_host)
    with _lock:
        _state = Runtime()
    i18n.install()
    dispose_engines()
    frames.clear_cache()
