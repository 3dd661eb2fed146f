"""Render ``docs/plugin-hooks.md`` from the hookspecs: the core's and the built-ins' own.

``python -m command_center.hookdocs`` rewrites the file; a test fails when
the file and the hookspecs drift apart. Hooks a plugin declares for others
(``register_hookspecs``, or the ``hookspecs`` module of its package) are
listed under the plugin that owns them; an outside package's hooks render
with :func:`render` over a host that loads it.
"""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path

from command_center import hookspecs
from command_center.plugins import PluginHost
from command_center.settings import PROJECT_ROOT, get_settings

DOC_PATH = PROJECT_ROOT / "docs" / "plugin-hooks.md"

HEADER = """# Plugin hooks reference

Generated from `command_center/hookspecs.py` and the built-in plugins' own hookspecs by
`python -m command_center.hookdocs`; `tests/test_plugin_host.py` fails when the two differ.
Mark implementations with `from command_center import hookimpl`. Every hook is called once
per plugin, in isolation: an exception is recorded against that plugin (shown by
`command-center plugins` and on the Admin page) and the other plugins still run.
The types named below live in `command_center.types` and are re-exported by
`command_center`.
"""

OWNED = """
# Hooks owned by plugins

A plugin declares hooks of its own for other plugins to implement (see
`register_hookspecs` above and the section "Extending a module" of
[`plugin-guide.md`](plugin-guide.md)). They are called like the core's, in isolation
and in pluggy's order. An implementation of a hook whose plugin may be off or not
installed is marked `@hookimpl(optionalhook=True)`.
"""


def _section(name: str, func: object, level: str) -> str:
    signature = str(inspect.signature(func)).replace("'", "")  # type: ignore[arg-type]
    doc = inspect.cleandoc(getattr(func, "__doc__", None) or "")
    return f"\n{level} `{name}`\n\n```python\ndef {name}{signature}\n```\n\n{doc}\n"


def _builtin_host() -> PluginHost:
    """The built-ins alone, none disabled: the reference does not depend on the install."""
    settings = dataclasses.replace(get_settings(), disabled_plugins=frozenset())
    return PluginHost(settings, entry_points=False)


def render(host: PluginHost | None = None) -> str:
    """The reference: the core's hooks, then each plugin's own hooks under its name."""
    host = host or _builtin_host()
    parts = [HEADER]
    for name in sorted(PluginHost.hook_names()):
        parts.append(_section(name, getattr(hookspecs, name), "##"))
    owned = host.hookspec_namespaces()
    if owned:
        parts.append(OWNED)
    for plugin in sorted(owned):
        sources = ", ".join(f"`{getattr(ns, '__name__', ns)}`" for ns in owned[plugin])
        parts.append(f"\n## Hooks owned by `{plugin}`\n\nDeclared in {sources}.\n")
        declared = host.declared_hooks()
        for namespace in owned[plugin]:
            for name in sorted(n for n in dir(namespace) if declared.get(n) == plugin):
                parts.append(_section(name, getattr(namespace, name), "###"))
    return "".join(parts)


def main() -> None:
    Path(DOC_PATH).write_text(render(), encoding="utf-8")
    print(f"wrote {DOC_PATH}")


if __name__ == "__main__":
    main()
