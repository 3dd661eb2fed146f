"""``command-center new-plugin NAME``: write an installable plugin package.

The template under ``template/`` is a small but complete plugin in the
layout every built-in follows (docs/plugin-guide.md, section Layout): a page,
a metric, a table with its migration, demo data, an import and an export
kind, a CLI command, a notebook helper, translations and its own tests, which
pass at once after ``pip install -e``.
Files are rendered with :class:`string.Template` (``$name``, ``$title``, …).

``--extends MODULE`` adds an implementation of the hook a built-in declares
for others (``extends/<module>/``, the same tree: a file that the template
has is appended to, a new one is written): for ``incentives`` a plan
component type that pays a rate of the plugin's own metric, with its tests.
"""

from __future__ import annotations

import keyword
import re
from pathlib import Path
from string import Template

TEMPLATE = Path(__file__).resolve().parent / "template"
EXTENDS = Path(__file__).resolve().parent / "extends"
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


def extendable() -> list[str]:
    """The modules ``--extends`` knows."""
    return sorted(path.name for path in EXTENDS.iterdir() if path.is_dir())


def render_tree(name: str, target: Path, extends: str | None = None) -> list[Path]:
    """Write the package for plugin ``name`` into ``target`` (which must not exist),
    with an implementation of ``extends``' own hook when given."""
    check_name(name)
    if extends is not None and extends not in extendable():
        known = ", ".join(extendable())
        raise ScaffoldError(f"--extends {extends!r}: the scaffold extends {known}")
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
        destination = _destination(source, TEMPLATE, name, target)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(Template(source.read_text("utf-8")).substitute(values), "utf-8")
        written.append(destination)
    if extends is not None:
        folder = EXTENDS / extends
        for source in sorted(folder.rglob("*.tmpl")):
            destination = _destination(source, folder, name, target)
            text = Template(source.read_text("utf-8")).substitute(values)
            if destination.exists():
                text = destination.read_text("utf-8").rstrip("\n") + "\n" + text
            else:
                written.append(destination)
            destination.write_text(text, "utf-8")
    return written


def _destination(source: Path, root: Path, name: str, target: Path) -> Path:
    relative = Path(str(source.relative_to(root)).replace("PKG", name))
    return target / relative.with_suffix("")
