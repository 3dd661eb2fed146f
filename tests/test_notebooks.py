"""The example notebooks (examples/notebooks/) run green with a real kernel on the small demo.

Each notebook is executed cell by cell by nbclient in a real IPython kernel
against the SQLite demo (``sqlite_demo_db``); the database, password and date
come in through the environment variables the notebooks read. Any error
fails. One kernel serves the module (its start and the imports cost once);
each notebook begins with ``%reset -f``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import nbclient
import nbformat
import pytest
from jupyter_client.manager import KernelManager

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


@pytest.fixture(scope="module")
def kernel(sqlite_demo_db) -> Iterator[KernelManager]:
    """One IPython kernel for the example notebooks, on the SQLite demo.

    Each notebook starts from an empty namespace (``%reset``), so none leans
    on another's variables; the kernel's start and the package's imports are
    paid once.
    """
    env = {
        **os.environ,
        "COMMAND_CENTER_DB_URL": sqlite_demo_db.url,
        "COMMAND_CENTER_PASSWORD": "demo-pass-2026",
        "NOTEBOOK_AS_OF": AS_OF.isoformat(),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    env.pop("COMMAND_CENTER_USER", None)
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(env=env, cwd=str(FOLDER))
    yield manager
    manager.shutdown_kernel(now=True)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path: Path, kernel: KernelManager) -> None:
    book = nbformat.read(path, as_version=4)
    fresh = nbformat.v4.new_code_cell("%reset -f")
    run = nbformat.v4.new_notebook(cells=[fresh, *book.cells], metadata=book.metadata)
    client = nbclient.NotebookClient(run, km=kernel, timeout=120, allow_errors=False)
    try:
        client.execute()
    finally:
        if client.kc is not None:
            client.kc.stop_channels()
    book.cells = run.cells[1:]
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
