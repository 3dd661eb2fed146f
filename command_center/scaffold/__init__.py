"""``command-center new-plugin NAME``: write an installable plugin package.

The template under ``template/`` is a small but complete plugin in the
layout every built-in follows (docs/plugin-guide.md, section Layout): a page,
a metric, a table with its migration, demo data, an import and an export
kind, a CLI command, a notebook helper, translations and its own tests, which
pass at once after ``pip install -e``.
Files are rendered with :class:`string.Template` (``$name``, ``$title``, …).
"""

from __future__ import annotations

import keyword
import re
from pathlib import Path
from string import Template

TEMPLATE = Path(__file__).resolve().parent / "template"
NAME = re.compile(r"^[a-z][a-z0-9_]{1,30}$")
RESERVED = {
    "core",
    "command_center",
    "plugins",
    "pages",
    "tests",
    "recruiting",
    "customers",
    "pipeline",
    "appraisal",
    "incentives",
    "team_events",
}


class ScaffoldError(ValueError):
    pass


def check_name(name: str) -> None:
    if not NAME.match(name) or keyword.iskeyword(name):
        raise ScaffoldError(
            f"{name!r} is not a plugin name: use lower-case letters, digits and _ "
            "(2 to 31 characters, starting with a letter)"
        )
    if name in RESERVED:
        raise ScaffoldError(f"{name!r} is taken by the core or a built-in plugin")


def render_tree(name: str, target: Path) -> list[Path]:
    """Write the package for plugin ``name`` into ``target`` (which must not exist)."""
    check_name(name)
    if target.exists():
        raise ScaffoldError(f"{target} exists already; choose another --dir")
    values = {
        "name": name,
        "title": name.replace("_", " ").title(),
        "dist": "cc-" + name.replace("_", "-"),
        "cls": "".join(part.title() for part in name.split("_")),
    }
    written = []
    for source in sorted(TEMPLATE.rglob("*.tmpl")):
        relative = Path(str(source.relative_to(TEMPLATE)).replace("PKG", name))
        destination = target / relative.with_suffix("")
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(Template(source.read_text("utf-8")).substitute(values), "utf-8")
        written.append(destination)
    return written
