"""`command-center new-plugin`: the package it writes installs and passes its own tests."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from command_center import cli
from command_center.layout import layout_problems
from command_center.scaffold import ScaffoldError, render_tree


def test_refuses_bad_and_taken_names(tmp_path) -> None:
    for name in ("Bad-Name", "customers", "core", "x", "class"):
        with pytest.raises(ScaffoldError):
            render_tree(name, tmp_path / name)
    render_tree("expenses", tmp_path / "expenses")
    with pytest.raises(ScaffoldError, match="exists"):
        render_tree("expenses", tmp_path / "expenses")


def test_cli_writes_package_with_entry_point(tmp_path) -> None:
    target = tmp_path / "expense-claims"
    result = CliRunner().invoke(cli.app, ["new-plugin", "expenses", "--dir", str(target)])
    assert result.exit_code == 0, result.output
    meta = tomllib.loads((target / "pyproject.toml").read_text())
    assert meta["project"]["entry-points"]["command_center"] == {"expenses": "expenses"}
    assert (target / "expenses" / "migrations" / "expenses_0001_entries.py").exists()


def test_generated_plugin_keeps_to_the_layout(tmp_path) -> None:
    render_tree("expenses", tmp_path / "expenses")
    assert layout_problems(tmp_path / "expenses" / "expenses") == []


def _child_venv(folder: Path) -> Path:
    """A venv that sees this one's packages (a .pth file) but installs into its own.

    The generated plugin's entry point then exists only for the child's
    interpreter: other processes using the shared venv never load it.
    """
    venv.create(folder, with_pip=False)
    child = folder / "bin" / "python"
    site = subprocess.run(
        [str(child), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ours = [p for p in sys.path if p.endswith("site-packages")]
    # addsitedir also runs the parent's .pth files (editable installs live there)
    lines = [f"import site; site.addsitedir({p!r})" for p in ours]
    Path(site, "parent_venv.pth").write_text("\n".join(lines) + "\n")
    return child


def test_generated_plugin_passes_its_tests_after_pip_install(tmp_path) -> None:
    target = tmp_path / "expenses"
    render_tree("expenses", target)
    python = str(_child_venv(tmp_path / "venv"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", "--python", python]
    subprocess.run(
        [*pip, "install", "--no-deps", "-e", str(target)], check=True, capture_output=True
    )
    run = subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(target / "tests")],
        cwd=target,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert " passed" in run.stdout
    listed = subprocess.run(
        [python, "-m", "command_center.cli", "plugins", "--json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert '"expenses"' in listed
    ours = subprocess.run(
        [sys.executable, "-m", "command_center.cli", "plugins", "--json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert '"expenses"' not in ours  # the shared venv never saw it
