"""The example notebooks (examples/notebooks/) run green with a real kernel on the small demo.

Each notebook is executed by nbclient with an IPython kernel against the
SQLite demo (``sqlite_demo_db``); the database, login, password and date come
in through the environment variables the notebooks read. Any error fails.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbclient
import nbformat
import pytest

from tests.conftest import AS_OF

FOLDER = Path(__file__).resolve().parent.parent / "examples" / "notebooks"
NOTEBOOKS = sorted(FOLDER.glob("*.ipynb"))


def test_the_promised_notebooks_exist() -> None:
    names = {path.stem for path in NOTEBOOKS}
    assert {"weekly_review", "abc_exploration", "commission_whatif", "charts_gallery"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    book = nbformat.read(path, as_version=4)
    nbformat.validate(book)
    for cell in book.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path: Path, sqlite_demo_db, monkeypatch) -> None:
    # The kernel inherits this process's environment.
    monkeypatch.setenv("COMMAND_CENTER_DB_URL", sqlite_demo_db.url)
    monkeypatch.setenv("COMMAND_CENTER_PASSWORD", "demo-pass-2026")
    monkeypatch.setenv("NOTEBOOK_AS_OF", AS_OF.isoformat())
    monkeypatch.delenv("COMMAND_CENTER_USER", raising=False)
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    book = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        book,
        timeout=120,
        kernel_name="python3",
        allow_errors=False,
        resources={"metadata": {"path": str(FOLDER)}},
    )
    client.execute(env=dict(os.environ))
    results = [cell for cell in book.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in results)
    shown = "".join(
        str(out.get("text", "")) + str(out.get("data", {}).get("text/plain", ""))
        for cell in results
        for out in cell.outputs
    )
    assert "Traceback" not in shown
    assert "<CommandCenter" in shown  # signed in, with the namespaces listed
    kinds = [kind for cell in results for out in cell.outputs for kind in out.get("data", {})]
    if path.stem == "charts_gallery":  # the charts render inline (Vega-Lite, or HTML embedding it)
        charts = [
            out
            for cell in results
            for out in cell.outputs
            if any(k.startswith("application/vnd.vegalite") for k in out.get("data", {}))
            or "vegaEmbed" in str(out.get("data", {}).get("text/html", ""))
        ]
        assert len(charts) >= 3, kinds
    if path.stem == "commission_whatif":  # the what-if widget is displayed as a widget view
        assert "application/vnd.jupyter.widget-view+json" in kinds, kinds
