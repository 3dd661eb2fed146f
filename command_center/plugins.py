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

A plugin may declare hooks of its own for other plugins to implement (the
model is pytest's ``pytest_addhooks``): the ``hookspecs`` module of its
package, or whatever its ``register_hookspecs`` returns, holds functions
marked with ``command_center.hookspecs.hookspec`` whose names start with the
plugin's name (``incentives_register_components``). They are added with
pluggy's ``PluginManager.add_hookspecs`` once every plugin is registered, and
called like the core's: :meth:`PluginHost.call`, in pluggy's order, each
implementation isolated. An implementation of a hook nobody declares fails
its plugin (a typo), unless it is marked ``@hookimpl(optionalhook=True)``: an
extension of a module that may be off or not installed.

A plugin may replace another and keep its data: it says so with a module
attribute ``REPLACES = "<name>"`` and is registered under its own name. The
plugin it replaces must be disabled (``COMMAND_CENTER_DISABLED_PLUGINS``),
else the replacement is refused and the original keeps running; two
replacements of one plugin are refused after the first. The replacement then
owns the replaced plugin's data: its migrations continue the replaced
plugin's track (the same version table; the replaced plugin's own migration
folder, when installed, stays first in it), and it may declare hooks named
after the replaced plugin, so other plugins' extensions of it keep working.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
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
    declares: list[str] = field(default_factory=list)  # hooks of its own, for other plugins
    replaces: str | None = None  # the plugin whose part and data it takes over
    replaced_by: str | None = None  # the plugin taking over this one's part and data

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
            "declares": self.declares,
            "replaces": self.replaces,
            "replaced_by": self.replaced_by,
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


def _spec_names(pm: pluggy.PluginManager, namespace: object) -> list[str]:
    return [name for name in dir(namespace) if pm.parse_hookspec_opts(namespace, name) is not None]


def _spec_args(pm: pluggy.PluginManager, namespace: object, name: str) -> set[str]:
    """The arguments pluggy reads from a hookspec (``self`` of a class dropped)."""
    opts = pm.parse_hookspec_opts(namespace, name)
    assert opts is not None
    caller = pluggy.HookCaller(name, lambda *args: None, namespace, opts)  # type: ignore[arg-type]
    assert caller.spec is not None
    return {*caller.spec.argnames, *caller.spec.kwargnames}


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
        self._modules: dict[str, str] = {}  # plugin -> its module's path, loaded or not
        self._contributions: dict[str, list[tuple[str, Any]]] = {}
        self._load_module("core", CORE_PLUGIN, "core")
        for path in DEFAULT_PLUGINS if builtins is None else builtins:
            self._load_module(path.rsplit(".", 1)[-1], path, "builtin")
        for name, obj in extra:
            self._load(name, obj, "extra", __version__)
        if entry_points:
            self._load_entry_points()
        self._check_replacements()
        # pluggy calls the last registered first: register in reverse load order
        # so that plain implementations run in load order.
        for name, obj in reversed(self._loaded):
            self._register(name, obj)
        self._declared: dict[str, str] = {}  # plugin-owned hook -> the plugin declaring it
        self._namespaces: dict[str, list[object]] = {}
        self._add_plugin_hookspecs()
        self._check_pending()
        self._list_hooks()

    # -- loading ---------------------------------------------------------
    def _disabled(self, name: str) -> bool:
        return name != "core" and name in self.settings.disabled_plugins

    def _load_module(self, name: str, path: str, source: str) -> None:
        info = self.infos[name] = PluginInfo(name, __version__, source)
        self._modules[name] = path
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
            self._modules[ep.name] = ep.module
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

    def _check_replacements(self) -> None:
        """Each ``REPLACES`` declared by a loaded plugin: the replaced plugin must be off,
        and replaced once; a refused replacement is not registered (the original runs)."""
        loaded = {name for name, _ in self._loaded}
        taken: dict[str, str] = {}
        for name, obj in list(self._loaded):
            replaces = getattr(obj, "REPLACES", None)
            if replaces is None:
                continue
            why = None
            if not isinstance(replaces, str) or not replaces or replaces == name:
                why = f"REPLACES must name another plugin, not {replaces!r}"
            elif replaces in loaded:
                why = (
                    f"replaces {replaces!r}, which is enabled: disable it "
                    f"(COMMAND_CENTER_DISABLED_PLUGINS={replaces}) to use {name!r}"
                )
            elif replaces in taken:
                why = f"replaces {replaces!r}, already replaced by {taken[replaces]!r}"
            if why is not None:
                self._loaded.remove((name, obj))
                self.infos[name].enabled = False
                self.infos[name].error = why
                continue
            taken[replaces] = name
            self.infos[name].replaces = replaces
            if replaces in self.infos:
                self.infos[replaces].replaced_by = name

    def data_owner(self, name: str) -> str:
        """Whose data ``name`` works on: the plugin it replaces, else its own name."""
        info = self.infos.get(name)
        return info.replaces if info is not None and info.replaces else name

    def _replaced_migrations(self, name: str) -> list[tuple[str, Path]]:
        """The migration folder of the plugin ``name`` replaces, when that one is installed."""
        replaced = self.infos[name].replaces
        path = self._modules.get(replaced) if replaced else None
        if replaced is None or path is None:
            return []
        try:
            spec = importlib.util.find_spec(path)
        except (ImportError, ValueError):
            return []
        places = list(spec.submodule_search_locations or []) if spec is not None else []
        folder = Path(places[0]) / "migrations" if places else None
        return [(replaced, folder)] if folder is not None and folder.is_dir() else []

    def _register(self, name: str, obj: object) -> None:
        info = self.infos[name]
        try:
            _refuse_wrappers(self.pm, obj)
            self.pm.register(obj, name=name)
        except Exception as exc:
            info.error = _short_error(exc)
            info.enabled = False

    def _fail(self, name: str, error: str) -> None:
        """Take a registered plugin out: it is listed with ``error``, the rest runs."""
        plugin = self.pm.get_plugin(name)
        if plugin is not None:
            self.pm.unregister(plugin)
        info = self.infos[name]
        info.enabled = False
        info.error = error

    def _check_pending(self) -> None:
        """Unknown hook names (typos) make that plugin fail, not the app.

        ``@hookimpl(optionalhook=True)`` marks an implementation of another
        plugin's hook that may be absent (that plugin off or not installed).
        """
        known = set(self.known_hooks())
        for name in list(self.infos):
            plugin = self.pm.get_plugin(name)
            if plugin is None:
                continue
            for attr in dir(plugin):
                opts = self.pm.parse_hookimpl_opts(plugin, attr)
                if opts is not None and attr not in known and not opts.get("optionalhook"):
                    self._fail(name, f"unknown hook {attr!r}")
                    break

    def _list_hooks(self) -> None:
        known = set(self.known_hooks())
        for name, info in self.infos.items():
            plugin = self.pm.get_plugin(name)
            if plugin is not None:
                callers = self.pm.get_hookcallers(plugin) or []
                info.hooks = sorted(hc.name for hc in callers if hc.name in known)
            info.declares = sorted(h for h, owner in self._declared.items() if owner == name)

    # -- hooks owned by plugins ----------------------------------------------
    def _add_plugin_hookspecs(self) -> None:
        """Each plugin's own hooks: its package's ``hookspecs`` module, then its
        ``register_hookspecs`` answers; a refusal is recorded against the declarer."""
        for name, module, folder in self.packages():
            if not (folder / "hookspecs.py").exists():
                continue
            try:
                found = importlib.import_module(f"{module.__name__}.hookspecs")
                self.add_hookspecs(name, found)
            except Exception as exc:
                self.infos[name].hook_errors["register_hookspecs"] = _short_error(exc)
        for result in self.call("register_hookspecs"):
            namespaces = result.value if isinstance(result.value, list | tuple) else [result.value]
            for namespace in namespaces:
                try:
                    self.add_hookspecs(result.plugin, namespace)
                except Exception as exc:
                    self.infos[result.plugin].hook_errors["register_hookspecs"] = _short_error(exc)

    def add_hookspecs(self, plugin: str, namespace: object) -> list[str]:
        """Declare ``plugin``'s own hooks: the hookspecs in ``namespace`` (a module or class).

        The names must start with ``<plugin>_`` (or the name of the plugin it
        replaces, see ``REPLACES``) and be new; wrappers and
        historic hooks are refused (calls are isolated, one implementation at
        a time). An implementation already registered whose arguments the spec
        lacks fails its own plugin. Returns the names added (``ValueError``
        when the namespace is refused as a whole).
        """
        names = _spec_names(self.pm, namespace)
        if not names:
            raise ValueError(f"{namespace!r} holds no hookspec (mark them with hookspec)")
        prefixes = tuple(dict.fromkeys([f"{plugin}_", f"{self.data_owner(plugin)}_"]))
        for name in names:
            opts = self.pm.parse_hookspec_opts(namespace, name) or {}
            if not name.startswith(prefixes):
                raise ValueError(
                    f"hook {name!r}: the hooks of {plugin!r} start with "
                    + " or ".join(repr(p) for p in prefixes)
                )
            owner = "core" if name in self.hook_names() else self._declared.get(name)
            if owner is not None:
                raise ValueError(f"hook {name!r} is already declared by {owner!r}")
            if opts.get("historic") or opts.get("warn_on_impl"):
                raise ValueError(f"hook {name!r}: historic hooks are not supported")
        for name in names:
            self._verify_registered(name, _spec_args(self.pm, namespace, name))
        self.pm.add_hookspecs(namespace)
        for name in names:
            self._declared[name] = plugin
        self._namespaces.setdefault(plugin, []).append(namespace)
        return names

    def _verify_registered(self, hook: str, args: set[str]) -> None:
        """Implementations registered before the spec: wrong arguments fail their plugin."""
        caller = getattr(self.pm.hook, hook, None)
        for impl in list(caller.get_hookimpls()) if caller is not None else []:
            extra = set(impl.argnames) - args
            if extra:
                self._fail(
                    impl.plugin_name,
                    f"hook {hook!r}: argument(s) {', '.join(sorted(extra))} not in its hookspec",
                )

    def declared_hooks(self) -> dict[str, str]:
        """Hooks declared by plugins, each with the plugin declaring it."""
        return dict(self._declared)

    def hookspec_namespaces(self) -> dict[str, list[object]]:
        """Per plugin, the modules or classes its own hookspecs were added from."""
        return {plugin: list(found) for plugin, found in self._namespaces.items()}

    def known_hooks(self) -> list[str]:
        """The core's hooks and those the enabled plugins declared."""
        return [*self.hook_names(), *self._declared]

    @staticmethod
    def hook_names() -> list[str]:
        return [
            name
            for name in dir(hookspecs)
            if getattr(getattr(hookspecs, name), "command_center_spec", None) is not None
        ]

    # -- calling ----------------------------------------------------------
    def call(self, hook: str, **kwargs: Any) -> list[HookResult]:
        """Call ``hook`` on every enabled plugin, each in its own try/except.

        A hook declared ``firstresult`` stops at the first answer that is not
        ``None`` (pluggy's rule); an implementation that raised does not count.
        """
        results: list[HookResult] = []
        caller = self._caller(hook)
        first = bool(caller.spec and caller.spec.opts.get("firstresult"))
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
                if first:
                    break
        return results

    def _caller(self, hook: str) -> pluggy.HookCaller:
        caller = getattr(self.pm.hook, hook, None)
        if caller is None or (caller.spec is None and hook not in self.hook_names()):
            raise KeyError(f"no enabled plugin declares the hook {hook!r}")
        return caller  # type: ignore[no-any-return]

    def implementations(self, hook: str) -> list[pluggy.HookImpl]:
        """``hook``'s implementations in pluggy's calling order.

        ``KeyError`` for a hook that neither the core nor an enabled plugin
        declares (see :meth:`declares`).
        """
        return list(reversed(self._caller(hook).get_hookimpls()))

    def declares(self, hook: str) -> bool:
        """Whether ``hook`` can be called: the core's, or declared by an enabled plugin."""
        return hook in self.hook_names() or hook in self._declared

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
        """``(owner, folder)``: each package's ``migrations/``, and ``register_migrations``.

        The owner is the plugin whose track (version table) the folder belongs
        to: a replacement's folders continue the replaced plugin's track, after
        the replaced plugin's own folder when that one is installed.
        """
        conventional = []
        for name, _, folder in self.packages():
            if (folder / "migrations").is_dir():
                conventional += self._replaced_migrations(name)
                conventional.append((self.data_owner(name), folder / "migrations"))
        hooked = [
            (self.data_owner(plugin), Path(folder))
            for plugin, folder in self.collect("register_migrations")
        ]
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
