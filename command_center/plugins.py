"""The plugin host: built-ins from a tuple, third parties from entry points.

Each plugin is imported, registered and called in isolation. A plugin that
fails to import, or raises in a hook, is recorded in :class:`PluginInfo` with
its error (shown by ``command-center plugins`` and the Admin page) and
everything else keeps working.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import sys
import threading
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pluggy

from command_center import __version__, hookspecs
from command_center.settings import Settings, get_settings

ENTRYPOINT_GROUP = "command_center"

# The core's own hook implementations (metrics, import kinds, demo data).
CORE_PLUGIN = "command_center.core_plugin"

# Built-in plugins, in navigation order. Names are pinned: the last part of
# the module path is the plugin's name.
DEFAULT_PLUGINS: tuple[str, ...] = (
    # one built-in per line, in navigation order
    "plugins.recruiting",
    "plugins.customers",
    "plugins.pipeline",
    "plugins.appraisal",
    "plugins.incentives",
    "plugins.team_events",
)


@dataclass
class PluginInfo:
    """What the host knows of one plugin."""

    name: str
    version: str
    source: str  # "core", "builtin", "entrypoint" or "extra"
    enabled: bool = True
    error: str | None = None
    hook_errors: dict[str, str] = field(default_factory=dict)
    hooks: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        error = self.error
        if error is None and self.hook_errors:
            error = "; ".join(f"{hook}: {msg}" for hook, msg in self.hook_errors.items())
        return {
            "name": self.name,
            "version": self.version,
            "source": self.source,
            "enabled": self.enabled,
            "error": error,
            "hooks": self.hooks,
        }


@dataclass(frozen=True)
class HookResult:
    """One plugin's answer to one hook call."""

    plugin: str
    value: Any


def _short_error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


class PluginHost:
    """Loads plugins and calls their hooks one plugin at a time."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        builtins: Iterable[str] | None = None,
        extra: Iterable[tuple[str, object]] = (),
        entry_points: bool = True,
    ) -> None:
        self.settings = settings or get_settings()
        self.pm = pluggy.PluginManager("command_center")
        self.pm.add_hookspecs(hookspecs)
        self.infos: dict[str, PluginInfo] = {}
        self._load_module("core", CORE_PLUGIN, "core")
        for path in DEFAULT_PLUGINS if builtins is None else builtins:
            self._load_module(path.rsplit(".", 1)[-1], path, "builtin")
        for name, obj in extra:
            self._register(name, obj, "extra", __version__)
        if entry_points:
            self._load_entry_points()
        self._check_pending()

    # -- loading ---------------------------------------------------------
    def _disabled(self, name: str) -> bool:
        return name != "core" and name in self.settings.disabled_plugins

    def _load_module(self, name: str, path: str, source: str) -> None:
        info = self.infos[name] = PluginInfo(name, __version__, source)
        if self._disabled(name):
            info.enabled = False
            return
        try:
            module = importlib.import_module(path)
        except Exception as exc:
            info.error = _short_error(exc)
            info.enabled = False
            return
        self._register(name, module, source, __version__)

    def _load_entry_points(self) -> None:
        for ep in importlib.metadata.entry_points(group=ENTRYPOINT_GROUP):
            version = ep.dist.version if ep.dist is not None else "?"
            info = self.infos[ep.name] = PluginInfo(ep.name, version, "entrypoint")
            if self._disabled(ep.name):
                info.enabled = False
                continue
            try:
                obj = ep.load()
            except Exception as exc:
                info.error = _short_error(exc)
                info.enabled = False
                continue
            self._register(ep.name, obj, "entrypoint", version)

    def _register(self, name: str, obj: object, source: str, version: str) -> None:
        info = self.infos.setdefault(name, PluginInfo(name, version, source))
        if self._disabled(name):
            info.enabled = False
            return
        try:
            self.pm.register(obj, name=name)
        except Exception as exc:
            info.error = _short_error(exc)
            info.enabled = False
            return
        info.hooks = sorted(
            hc.name for hc in self.pm.get_hookcallers(obj) or [] if hc.name in self.hook_names()
        )

    def _check_pending(self) -> None:
        """Unknown hook names (typos) make that plugin fail, not the app."""
        for name in list(self.infos):
            plugin = self.pm.get_plugin(name)
            if plugin is None:
                continue
            for attr in dir(plugin):
                opts = self.pm.parse_hookimpl_opts(plugin, attr)
                if opts is not None and attr not in self.hook_names():
                    self.pm.unregister(plugin)
                    info = self.infos[name]
                    info.enabled = False
                    info.error = f"unknown hook {attr!r}"
                    break

    @staticmethod
    def hook_names() -> list[str]:
        return [
            name
            for name in dir(hookspecs)
            if getattr(getattr(hookspecs, name), "command_center_spec", None) is not None
        ]

    # -- calling ----------------------------------------------------------
    def call(self, hook: str, **kwargs: Any) -> list[HookResult]:
        """Call ``hook`` on every enabled plugin, each in its own try/except."""
        caller = getattr(self.pm.hook, hook)
        results: list[HookResult] = []
        # get_hookimpls() lists implementations in registration (load) order.
        for impl in caller.get_hookimpls():
            started = time.perf_counter()
            try:
                args = {name: kwargs[name] for name in impl.argnames}
                value = impl.function(**args)
            except Exception as exc:
                self.infos[impl.plugin_name].hook_errors[hook] = _short_error(exc)
                self._trace(hook, impl.plugin_name, started, error=exc)
                if self.settings.trace_plugins:
                    traceback.print_exc(file=sys.stderr)
                continue
            self._trace(hook, impl.plugin_name, started)
            if value is not None:
                results.append(HookResult(impl.plugin_name, value))
        return results

    def collect(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Flatten the lists that every plugin returns, tagged with the plugin's name."""
        return [(r.plugin, item) for r in self.call(hook, **kwargs) for item in r.value]

    def _trace(
        self, hook: str, plugin: str, started: float, error: BaseException | None = None
    ) -> None:
        if not self.settings.trace_plugins:
            return
        ms = (time.perf_counter() - started) * 1000
        status = f" raised {_short_error(error)}" if error else ""
        print(f"[plugins] {hook} {plugin} {ms:.1f} ms{status}", file=sys.stderr)

    # -- reporting --------------------------------------------------------
    def plugins(self) -> list[PluginInfo]:
        return list(self.infos.values())

    def enabled(self, name: str) -> bool:
        info = self.infos.get(name)
        return bool(info and info.enabled and self.pm.get_plugin(name) is not None)


_host: PluginHost | None = None
_host_lock = threading.Lock()


def get_host() -> PluginHost:
    """The process-wide plugin host, loaded on first use."""
    global _host
    with _host_lock:
        if _host is None:
            _host = PluginHost()
        return _host


def set_host(host: PluginHost | None) -> None:
    """Replace the process-wide host (tests, and apps embedding the core)."""
    global _host
    with _host_lock:
        _host = host
