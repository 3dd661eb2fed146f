"""One house: every built-in plugin has the rooms the scaffold writes, named the same.

The layout is described in ``docs/plugin-guide.md`` (§Layout). A room may be a
module (``logic.py``) or a package (``logic/``): the import name is the same.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from command_center.plugins import DEFAULT_PLUGINS

ROOT = Path(__file__).resolve().parents[1]
BUILTINS = [path.rsplit(".", 1)[-1] for path in DEFAULT_PLUGINS]

MODULE_OR_PACKAGE = {
    "logic", "queries", "actions", "io", "ui", "demo",
}  # fmt: skip
MODULES_ONLY = {
    "__init__", "models", "settings", "errors", "metrics", "cli", "notebook", "charts",
}  # fmt: skip
FOLDERS_ONLY = {"migrations", "i18n", "data"}

# What each hook forwards to: room, then the name inside it.
CONVENTIONAL_NAMES = {
    "register_metrics": ("metrics", "metric_specs"),
    "register_pages": ("ui", "pages"),
    "register_home_cards": ("ui.cards", "home_cards"),
    "register_panels": ("ui.cards", "panels"),
    "register_importers": ("io", "IMPORTS"),
    "register_exporters": ("io", "EXPORTS"),
    "register_cli": ("cli", "register"),
    "register_notebook": ("notebook", "helpers"),
    "seed_demo": ("demo", "seed"),
}
UI_FORBIDDEN = re.compile(
    r"^\s*(from sqlalchemy|import sqlalchemy|from command_center\.db\.engine import .*"
    r"\b(write_session|read_session)\b)",
    re.MULTILINE,
)


def _folder(plugin: str) -> Path:
    return ROOT / "plugins" / plugin


def _entries(plugin: str) -> list[Path]:
    return [
        p
        for p in _folder(plugin).iterdir()
        if p.name != "__pycache__" and not p.name.startswith(".")
    ]


@pytest.mark.parametrize("plugin", BUILTINS)
def test_top_level_entries_are_the_scaffold_rooms(plugin: str) -> None:
    strays = []
    for path in _entries(plugin):
        stem = path.stem if path.suffix == ".py" else path.name
        if path.is_dir():
            allowed = stem in MODULE_OR_PACKAGE or stem in FOLDERS_ONLY
        else:
            allowed = path.suffix == ".py" and (stem in MODULE_OR_PACKAGE or stem in MODULES_ONLY)
        if not allowed:
            strays.append(path.name)
    assert not strays, f"plugins/{plugin}: not a room of the layout: {sorted(strays)}"


@pytest.mark.parametrize("plugin", BUILTINS)
def test_migration_files_are_named_after_the_plugin(plugin: str) -> None:
    pattern = re.compile(rf"^{plugin}_\d{{4}}_[a-z0-9_]+\.py$")
    folder = _folder(plugin) / "migrations"
    names = [p.name for p in folder.glob("*.py") if p.name != "__init__.py"]
    assert names, f"plugins/{plugin} has no migrations"
    assert [n for n in names if not pattern.match(n)] == []


@pytest.mark.parametrize("plugin", BUILTINS)
def test_init_holds_hookimpls_forwarding_to_conventional_names(plugin: str) -> None:
    tree = ast.parse((_folder(plugin) / "__init__.py").read_text(encoding="utf-8"))
    problems = []
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.AsyncFunctionDef)):
            problems.append(f"{node.name}: only hook implementations belong in __init__.py")
        if not isinstance(node, ast.FunctionDef):
            continue
        decorators = {ast.unparse(d) for d in node.decorator_list}
        if "hookimpl" not in decorators:
            problems.append(f"{node.name}: not a hookimpl")
            continue
        room, name = CONVENTIONAL_NAMES.get(node.name, (None, None))
        if room is None:
            continue
        imports = [n for n in ast.walk(node) if isinstance(n, ast.ImportFrom)]
        wanted = f"plugins.{plugin}.{room}"
        if not any(i.module == wanted and any(a.name == name for a in i.names) for i in imports):
            problems.append(f"{node.name}: should forward to {wanted}.{name}")
    assert problems == []


@pytest.mark.parametrize("plugin", BUILTINS)
def test_pages_hold_no_sql_and_no_writes(plugin: str) -> None:
    ui = _folder(plugin) / "ui"
    files = list(ui.rglob("*.py")) if ui.is_dir() else [_folder(plugin) / "ui.py"]
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0).strip()}"
        for path in files
        for match in UI_FORBIDDEN.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize("plugin", BUILTINS)
def test_ids_are_allocated_by_the_core(plugin: str) -> None:
    copies = [
        f"{path.relative_to(ROOT)}: {m.group(0)}"
        for path in _folder(plugin).rglob("*.py")
        if "migrations" not in path.parts
        for m in re.finditer(r"def _?(next_id|lock_table)\b", path.read_text(encoding="utf-8"))
    ]
    assert copies == []


def test_core_pages_hold_no_sql_and_no_writes() -> None:
    offenders = [
        path.name
        for path in (ROOT / "pages").glob("*.py")
        if UI_FORBIDDEN.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
