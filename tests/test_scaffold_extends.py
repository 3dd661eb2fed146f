"""`command-center new-plugin NAME --extends incentives`: the package implements incentives'
own hook (a plan component type) and passes its own generated tests for it.

The plain package's tests (and its install through pip) are tests/test_scaffold.py's; the
extension adds one hook implementation, one component type and one test file, run here
with the package on the path.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from command_center import cli
from command_center.layout import layout_problems
from command_center.scaffold import ScaffoldError, extendable, render_tree


def test_only_modules_with_a_skeleton_are_extended(tmp_path) -> None:
    assert "incentives" in extendable()
    with pytest.raises(ScaffoldError, match="--extends 'payroll': the scaffold extends"):
        render_tree("expenses", tmp_path / "expenses", "payroll")
    assert not (tmp_path / "expenses").exists()


def test_cli_writes_the_extension_in_the_layout(tmp_path) -> None:
    target = tmp_path / "expenses"
    args = ["new-plugin", "expenses", "--dir", str(target), "--extends", "incentives"]
    result = CliRunner().invoke(cli.app, args)
    assert result.exit_code == 0, result.output
    package = target / "expenses"
    assert layout_problems(package) == []
    init = (package / "__init__.py").read_text()
    assert "@hookimpl(optionalhook=True)\ndef incentives_register_components(kit" in init
    assert "def component_types(kit" in (package / "logic.py").read_text()
    assert '[expenses.component]\ntype = "Expenses share"' in (package / "i18n/en.toml").read_text()
    assert (target / "tests" / "test_expenses_incentives.py").exists()


def test_the_generated_extension_passes_its_own_tests(tmp_path) -> None:
    target = tmp_path / "expenses"
    render_tree("expenses", target, "incentives")
    env = {**os.environ, "PYTHONPATH": str(target), "COMMAND_CENTER_DISABLED_PLUGINS": ""}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         str(target / "tests" / "test_expenses_incentives.py")],
        cwd=target, capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "2 passed" in run.stdout
