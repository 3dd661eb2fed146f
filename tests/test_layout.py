"""One house: every built-in plugin has the rooms the scaffold writes, named the same.

The rules live in ``command_center.layout`` (described in docs/plugin-guide.md,
section Layout); the scaffold's output is checked against them in test_scaffold.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from command_center.layout import forms_table, layout_problems, page_problems, room_forms
from command_center.plugins import DEFAULT_PLUGINS

ROOT = Path(__file__).resolve().parents[1]
BUILTINS = [path.rsplit(".", 1)[-1] for path in DEFAULT_PLUGINS]


@pytest.mark.parametrize("plugin", BUILTINS)
def test_builtin_plugin_keeps_to_the_layout(plugin: str) -> None:
    assert layout_problems(ROOT / "plugins" / plugin) == []


def test_outside_example_keeps_to_the_layout() -> None:
    package = ROOT / "examples" / "sales_contests" / "cc_sales_contests"
    assert layout_problems(package, plugin="contests") == []


def test_core_pages_hold_no_sql_and_no_writes() -> None:
    assert page_problems(ROOT / "pages") == []
    assert page_problems(ROOT / "command_center") == []  # its ui/ package: the page pieces


def test_the_check_finds_what_departs(tmp_path: Path) -> None:
    plugin = tmp_path / "stray"
    (plugin / "migrations").mkdir(parents=True)
    (plugin / "migrations" / "0001_first.py").write_text("")
    (plugin / "helpers.py").write_text("")
    (plugin / "ui.py").write_text("from sqlalchemy import select\n")
    (plugin / "actions.py").write_text("def next_id(session, column): ...\n")
    (plugin / "__init__.py").write_text(
        "from command_center import hookimpl\n\n"
        "def helper(): ...\n\n"
        "@hookimpl\ndef register_metrics():\n"
        "    from stray.logic import METRICS\n    return METRICS\n"
    )
    problems = "\n".join(layout_problems(plugin))
    for expected in (
        "helpers.py: not a room",
        "0001_first.py: name it stray_NNNN",
        "helper: not a hook implementation",
        "register_metrics: forward to stray.metrics.metric_specs",
        "ui.py: from sqlalchemy",
        "actions.py: def next_id",
    ):
        assert expected in problems


def test_the_guide_shows_each_builtin_rooms_as_they_are() -> None:
    packages = {name: ROOT / "plugins" / name for name in BUILTINS}
    table = forms_table(packages)
    guide = (ROOT / "docs" / "plugin-guide.md").read_text(encoding="utf-8")
    assert table in guide, f"docs/plugin-guide.md, section Layout, should show:\n{table}"


def test_a_room_is_a_module_or_a_package_not_both(tmp_path: Path) -> None:
    plugin = tmp_path / "both"
    (plugin / "queries").mkdir(parents=True)
    (plugin / "queries.py").write_text("")
    (plugin / "__init__.py").write_text("")
    assert layout_problems(plugin) == [
        "queries.py and queries/: one room is a module or a package, not both"
    ]
    assert room_forms(plugin) == {"queries": "queries/"}
