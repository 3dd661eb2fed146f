"""The plugin host: built-ins from a tuple, third parties from entry points.

Each plugin is imported, registered and called in isolation. A plugin that
fails to import, or raises in a hook, is recorded in :class:`PluginInfo` with
its error (shown by ``command-center plugins`` and the Admin page) and
everything else keeps working.

Calls keep pluggy's order: ``tryfirst`` implementations first, then the
plugins in load order (core, built-ins in navigation order, extras, entry
points), then ``trylast``. Hook wrappers are refused at registration: the host
calls each implementation on its own, so a wrapper could not wrap the others.

A plugin laid out as the scaffold writes needs no hook for its tables,
migrations or translations: the host takes ``models.TABLES``, the
``migrations/`` folder and the ``i18n/`` folder of its package by convention
(:meth:`PluginHost.tables`, :meth:`PluginHost.migration_folders`,
:meth:`PluginHost.translations`).
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
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy

from command_center import __version__, hookspecs
from command_center.i18n import load_catalogs
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


def _refuse_wrappers(pm: pluggy.PluginManager, plugin: object) -> None:
    for attr in dir(plugin):
        opts = pm.parse_hookimpl_opts(plugin, attr)
        if opts and (opts.get("wrapper") or opts.get("hookwrapper")):
            raise TypeError(f"hook {attr!r}: wrappers are not supported by the command center")


def _unique(pairs: Iterable[tuple[str, Path]]) -> list[tuple[str, Path]]:
    seen: set[Path] = set()
    kept = []
    for plugin, folder in pairs:
        if folder.resolve() not in seen:
            seen.add(folder.resolve())
            kept.append((plugin, folder))
    return kept


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
        self._loaded: list[tuple[str, object]] = []  # in load order, registered below
        self._contributions: dict[str, list[tuple[str, Any]]] = {}
        self._load_module("core", CORE_PLUGIN, "core")
        for path in DEFAULT_PLUGINS if builtins is None else builtins:
            self._load_module(path.rsplit(".", 1)[-1], path, "builtin")
        for name, obj in extra:
            self._load(name, obj, "extra", __version__)
        if entry_points:
            self._load_entry_points()
        # pluggy calls the last registered first: register in reverse load order
        # so that plain implementations run in load order.
        for name, obj in reversed(self._loaded):
            self._register(name, obj)
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
        self._load(name, module, source, __version__)

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
            self._load(ep.name, obj, "entrypoint", version)

    def _load(self, name: str, obj: object, source: str, version: str) -> None:
        info = self.infos.setdefault(name, PluginInfo(name, version, source))
        if self._disabled(name):
            info.enabled = False
            return
        self._loaded.append((name, obj))

    def _register(self, name: str, obj: object) -> None:
        info = self.infos[name]
        try:
            _refuse_wrappers(self.pm, obj)
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
        results: list[HookResult] = []
        for impl in self.implementations(hook):
            started = time.perf_counter()
            errors = self.infos[impl.plugin_name].hook_errors
            try:
                args = {name: kwargs[name] for name in impl.argnames}
                value = impl.function(**args)
            except Exception as exc:
                errors[hook] = _short_error(exc)
                self._trace(hook, impl.plugin_name, started, error=exc)
                if self.settings.trace_plugins:
                    traceback.print_exc(file=sys.stderr)
                continue
            errors.pop(hook, None)  # the last call's outcome is what the Admin page shows
            self._trace(hook, impl.plugin_name, started)
            if value is not None:
                results.append(HookResult(impl.plugin_name, value))
        return results

    def implementations(self, hook: str) -> list[pluggy.HookImpl]:
        """``hook``'s implementations in pluggy's calling order."""
        return list(reversed(getattr(self.pm.hook, hook).get_hookimpls()))

    def collect(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Flatten the lists that every plugin returns, tagged with the plugin's name."""
        return [(r.plugin, item) for r in self.call(hook, **kwargs) for item in r.value]

    def contributions(self, hook: str) -> list[tuple[str, Any]]:
        """:meth:`collect` once: pages, home cards and panels do not change while
        the host lives, so reruns reuse the first answer."""
        found = self._contributions.get(hook)
        if found is None:
            found = self._contributions[hook] = self.collect(hook)
        return found

    def _trace(
        self, hook: str, plugin: str, started: float, error: BaseException | None = None
    ) -> None:
        if not self.settings.trace_plugins:
            return
        ms = (time.perf_counter() - started) * 1000
        status = f" raised {_short_error(error)}" if error else ""
        print(f"[plugins] {hook} {plugin} {ms:.1f} ms{status}", file=sys.stderr)

    # -- conventions: what a plugin's package holds by its layout -----------
    def packages(self) -> list[tuple[str, ModuleType, Path]]:
        """Enabled plugins that are packages: name, module and folder, in load order."""
        found = []
        for name in self.infos:
            plugin = self.pm.get_plugin(name) if name != "core" else None
            paths = getattr(plugin, "__path__", None)
            if isinstance(plugin, ModuleType) and paths:
                found.append((name, plugin, Path(next(iter(paths)))))
        return found

    def tables(self) -> dict[str, list[type]]:
        """Each plugin's ORM classes: ``models.TABLES`` of its package, and ``register_tables``.

        Importing them registers the tables on the shared metadata. A models
        module that fails to import is recorded against its plugin.
        """
        owned: dict[str, list[type]] = {}
        for name, module, folder in self.packages():
            if not (folder / "models.py").exists():
                continue
            try:
                models = importlib.import_module(f"{module.__name__}.models")
            except Exception as exc:
                self.infos[name].hook_errors["register_tables"] = _short_error(exc)
                continue
            owned.setdefault(name, []).extend(getattr(models, "TABLES", ()))
        for plugin, table in self.collect("register_tables"):
            if table not in owned.setdefault(plugin, []):
                owned[plugin].append(table)
        return owned

    def migration_folders(self) -> list[tuple[str, Path]]:
        """``(plugin, folder)``: each package's ``migrations/``, and ``register_migrations``."""
        conventional = [
            (name, folder / "migrations")
            for name, _, folder in self.packages()
            if (folder / "migrations").is_dir()
        ]
        hooked = [(plugin, Path(folder)) for plugin, folder in self.collect("register_migrations")]
        return _unique(conventional + hooked)

    def translations(self) -> list[dict[str, dict[str, str]]]:
        """Each package's ``i18n/`` catalogs, and ``register_translations``' answers."""
        catalogs = []
        for name, _, folder in self.packages():
            if (folder / "i18n" / "en.toml").exists():
                try:
                    catalogs.append(load_catalogs(folder / "i18n"))
                except Exception as exc:
                    self.infos[name].hook_errors["register_translations"] = _short_error(exc)
        return catalogs + [r.value for r in self.call("register_translations")]

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
