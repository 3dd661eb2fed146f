"""Render ``docs/plugin-hooks.md`` from :mod:`command_center.hookspecs`.

``python -m command_center.hookdocs`` rewrites the file; a test fails when
the file and the hookspecs drift apart.
"""

from __future__ import annotations

import inspect
from pathlib import Path

from command_center import hookspecs
from command_center.plugins import PluginHost
from command_center.settings import PROJECT_ROOT

DOC_PATH = PROJECT_ROOT / "docs" / "plugin-hooks.md"

HEADER = """# Plugin hooks reference

Generated from `command_center/hookspecs.py` by `python -m command_center.hookdocs`;
`tests/test_plugin_host.py` fails when the two differ. Mark implementations with
`from command_center import hookimpl`. Every hook is called once per plugin, in
isolation: an exception is recorded against that plugin (shown by
`command-center plugins` and on the Admin page) and the other plugins still run.
The types named below live in `command_center.types` and are re-exported by
`command_center`.
"""


def render() -> str:
    parts = [HEADER]
    for name in sorted(PluginHost.hook_names()):
        func = getattr(hookspecs, name)
        signature = str(inspect.signature(func)).replace("'", "")
        doc = inspect.cleandoc(func.__doc__ or "")
        parts.append(f"\n## `{name}`\n\n```python\ndef {name}{signature}\n```\n\n{doc}\n")
    return "".join(parts)


def main() -> None:
    Path(DOC_PATH).write_text(render(), encoding="utf-8")
    print(f"wrote {DOC_PATH}")


if __name__ == "__main__":
    main()
