"""Registries a plugin fills from its own hook: built-ins first, then what other plugins add.

A built-in that declares an extension point (``customers_register_grading_rules``,
``pipeline_register_estimators``, …) keeps a registry of named things, its own
defined the same way as the plugins'. :func:`collect` asks the host once:

>>> found = collect(host, HOOK, builtins, name=lambda r: r.name, refuse=why_not, kit=Kit)
>>> installed = registry(HOOK, builtins_fn, name=lambda r: r.name, refuse=why_not, kit=Kit)

- each plugin's answer (one item or a list) is checked with ``refuse(item,
  found)`` (a reason, or ``None``); a name already taken is refused for it;
- a refused item, or an implementation that raised, is recorded against the
  plugin at fault (``command-center plugins``, the Admin page) and left out;
- an accepted item is stored with ``plugin`` set to the plugin's name (items
  are frozen dataclasses with a ``plugin`` field).

:class:`PerHost` keeps one registry per plugin host (tests build several);
:func:`registry` is both: ``installed(host=None)`` is ``{name: item}`` for a host.
"""

from __future__ import annotations

import dataclasses
import threading
import weakref
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from command_center.plugins import PluginHost

T = TypeVar("T")
R = TypeVar("R")


def collect(
    host: PluginHost,
    hook: str,
    builtins: Iterable[T],
    *,
    name: Callable[[T], str],
    refuse: Callable[[Any], str | None],
    **kwargs: Any,
) -> dict[str, T]:
    """``{name: item}``: ``builtins``, then each plugin's answers to ``hook`` in calling order."""
    found = {name(item): item for item in builtins}
    if not host.declares(hook):
        return found
    for result in host.call(hook, **kwargs):
        answers = result.value if isinstance(result.value, list | tuple) else [result.value]
        for item in answers:
            why = refuse(item)
            if why is None and name(item) in found:
                owner = getattr(found[name(item)], "plugin", "?")
                why = f"{name(item)!r} is already defined by {owner!r}"
            if why is not None:
                failed(host, result.plugin, hook, why)
                continue
            found[name(item)] = dataclasses.replace(item, plugin=result.plugin)  # type: ignore[type-var]
    return found


def failed(host: PluginHost | None, plugin: str, hook: str, error: str) -> None:
    """Record ``error`` against ``plugin`` under ``hook`` (shown with the plugin's status)."""
    info = host.infos.get(plugin) if host is not None else None
    if info is not None:
        info.hook_errors[hook] = error


def problem(host: PluginHost | None, plugin: str, hook: str) -> str | None:
    """The failure last recorded against ``plugin`` under ``hook``, if any."""
    info = host.infos.get(plugin) if host is not None else None
    return None if info is None else info.hook_errors.get(hook)


class PerHost(Generic[R]):
    """``build(host)`` once per plugin host; ``self()`` is the process's host's."""

    def __init__(self, build: Callable[[PluginHost], R]) -> None:
        self._build = build
        self._by_host: weakref.WeakKeyDictionary[PluginHost, R] = weakref.WeakKeyDictionary()
        self._lock = threading.RLock()  # building may ask for another registry

    def __call__(self, host: PluginHost | None = None) -> R:
        from command_center.plugins import get_host

        host = host if host is not None else get_host()
        with self._lock:
            found = self._by_host.get(host)
            if found is None:
                found = self._by_host[host] = self._build(host)
        return found


def registry(
    hook: str,
    builtins: Callable[[], Iterable[T]],
    *,
    name: Callable[[T], str],
    refuse: Callable[[Any], str | None],
    **kwargs: Any,
) -> PerHost[dict[str, T]]:
    """``{name: item}`` per host: ``builtins()`` then what plugins answer to ``hook``
    (:func:`collect` with ``kwargs`` for the hook), asked once per host."""
    return PerHost(lambda host: collect(host, hook, builtins(), name=name, refuse=refuse, **kwargs))
