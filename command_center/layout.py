"""The one plugin layout: the rooms every plugin has, and a check that a package keeps to them.

Every built-in plugin, the scaffold (``command-center new-plugin``) and the
outside examples share these rooms, so a developer who knows one plugin
knows where everything is in all (docs/plugin-guide.md, section Layout).
A room may be a module (``logic.py``) or a package (``logic/``): the import
name is the same. :func:`layout_problems` lists where a package departs.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

# Rooms that may grow from a module into a package.
MODULE_OR_PACKAGE = ("logic", "queries", "actions", "io", "ui", "demo")
MODULES = (
    "__init__",
    "models",
    "settings",
    "errors",
    "metrics",
    "cli",
    "notebook",
    "charts",
    "hookspecs",  # hooks the plugin declares for others (docs/plugin-guide.md, Extending a module)
)
FOLDERS = ("migrations", "i18n", "data")

# Each hook's implementation forwards to this name in this room.
CONVENTIONAL_NAMES: dict[str, tuple[str, str]] = {
    "register_metrics": ("metrics", "metric_specs"),
    "register_pages": ("ui", "pages"),
    "register_home_cards": ("ui.cards", "home_cards"),
    "register_panels": ("ui.cards", "panels"),
    "register_importers": ("io", "IMPORTS"),
    "register_exporters": ("io", "EXPORTS"),
    "register_cli": ("cli", "commands"),
    "register_notebook": ("notebook", "helpers"),
    "seed_demo": ("demo", "seed"),
}

# Pages are widgets and layout: no SQL, no sessions of their own.
PAGE_FORBIDDEN = re.compile(
    r"^\s*(from sqlalchemy|import sqlalchemy|from command_center\.db\.engine import .*"
    r"\b(write_session|read_session)\b)",
    re.MULTILINE,
)


def layout_problems(folder: Path, plugin: str | None = None) -> list[str]:
    """Where the plugin package in ``folder`` departs from the layout (empty: none).

    ``plugin`` is the plugin's name (its entry point's) when it differs from
    the package's: migration files and tables are named after the plugin.
    """
    return [
        *_stray_entries(folder),
        *_migration_names(folder, plugin or folder.name),
        *_init_forwards(folder, folder.name),
        *page_problems(folder),
        *_own_id_allocation(folder),
    ]


def _stray_entries(folder: Path) -> list[str]:
    problems = []
    for path in sorted(folder.iterdir()):
        if path.name == "__pycache__" or path.name.startswith("."):
            continue
        if path.is_dir():
            allowed = path.name in MODULE_OR_PACKAGE or path.name in FOLDERS
        else:
            allowed = path.suffix == ".py" and (
                path.stem in MODULE_OR_PACKAGE or path.stem in MODULES
            )
        if not allowed:
            problems.append(f"{path.name}: not a room of the layout")
    problems += [
        f"{room}.py and {room}/: one room is a module or a package, not both"
        for room in MODULE_OR_PACKAGE
        if (folder / f"{room}.py").is_file() and (folder / room).is_dir()
    ]
    return problems


# The rooms in the order docs/plugin-guide.md lists them.
ROOM_ORDER = (
    "models", "migrations", "i18n", "settings", "errors", "logic", "queries", "actions",
    "metrics", "io", "cli", "notebook", "charts", "hookspecs", "ui", "demo", "data",
)  # fmt: skip


def room_forms(folder: Path) -> dict[str, str]:
    """Each room the package in ``folder`` has, as it has it: ``logic/`` or ``logic.py``."""
    forms = {}
    for room in ROOM_ORDER:
        if (folder / room).is_dir():
            forms[room] = f"{room}/"
        elif (folder / f"{room}.py").is_file():
            forms[room] = f"{room}.py"
    return forms


def forms_table(packages: dict[str, Path]) -> str:
    """A Markdown table: a row per room, a column per package, each cell the room's form."""
    forms = {name: room_forms(folder) for name, folder in packages.items()}
    lines = [
        "| room | " + " | ".join(packages) + " |",
        "|---|" + "---|" * len(packages),
    ]
    for room in ROOM_ORDER:
        cells = [f"`{forms[name][room]}`" if room in forms[name] else "—" for name in packages]
        if any(cell != "—" for cell in cells):
            lines.append(f"| {room} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _migration_names(folder: Path, plugin: str) -> list[str]:
    pattern = re.compile(rf"^{plugin}_\d{{4}}_[a-z0-9_]+\.py$")
    return [
        f"migrations/{path.name}: name it {plugin}_NNNN_<what>.py"
        for path in sorted((folder / "migrations").glob("*.py"))
        if path.name != "__init__.py" and not pattern.match(path.name)
    ]


def _init_forwards(folder: Path, plugin: str) -> list[str]:
    tree = ast.parse((folder / "__init__.py").read_text(encoding="utf-8"))
    problems = []
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.AsyncFunctionDef)):
            problems.append(f"__init__.py: {node.name}: only hook implementations belong here")
        if not isinstance(node, ast.FunctionDef):
            continue
        if "hookimpl" not in {ast.unparse(d).split("(")[0] for d in node.decorator_list}:
            problems.append(f"__init__.py: {node.name}: not a hook implementation")
            continue
        room, wanted = CONVENTIONAL_NAMES.get(node.name, ("", ""))
        if not room:
            continue
        module = f"{plugin}.{room}"
        imports = [n for n in ast.walk(node) if isinstance(n, ast.ImportFrom)]
        if not any(
            (i.module or "").endswith(module) and any(a.name == wanted for a in i.names)
            for i in imports
        ):
            problems.append(f"__init__.py: {node.name}: forward to {module}.{wanted}")
    return problems


def page_problems(folder: Path) -> list[str]:
    """SQL imports or sessions opened in a plugin's ``ui`` room (or a folder of pages)."""
    ui = folder / "ui"
    files = sorted(ui.rglob("*.py")) if ui.is_dir() else [folder / "ui.py"]
    if folder.name == "pages":
        files = sorted(folder.glob("*.py"))
    return [
        f"{path.relative_to(folder)}: {match.group(0).strip()}"
        for path in files
        if path.exists()
        for match in PAGE_FORBIDDEN.finditer(path.read_text(encoding="utf-8"))
    ]


def _own_id_allocation(folder: Path) -> list[str]:
    return [
        f"{path.relative_to(folder)}: {match.group(0)}: use command_center.db.ids.next_id"
        for path in sorted(folder.rglob("*.py"))
        if "migrations" not in path.parts
        for match in re.finditer(r"def _?(next_id|lock_table)\b", path.read_text(encoding="utf-8"))
    ]
