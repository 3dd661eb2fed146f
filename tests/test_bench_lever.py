"""Smoke of the lever bench (``bench/lever.py``): the small demo, a manager, one press.

The bench's own run (the app started with ``command-center run`` on a private
copy, Debian's Chromium signing in, opening the What-if simulator and pressing
the first rate's step-up) so the bench cannot rot. It asserts that the press
happened and the page rendered without an exception, never how long it took.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench import lever, pages

if pages.chromium() is None and os.environ.get("COMMAND_CENTER_REQUIRE_BROWSER") != "1":
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

pytestmark = pytest.mark.browser


def test_one_press_on_the_small_demo(sqlite_demo_db, tmp_path: Path) -> None:
    source = Path(sqlite_demo_db.engine.url.database or "")
    runs = lever.run(
        source, "small", ("manager",), 1, tmp_path, progress=False, settle_ms=150, warm=False
    )

    assert [r.role for r in runs] == ["manager"]
    done = runs[0]
    log = (tmp_path / "app.log").read_text(encoding="utf-8", errors="replace")[-3000:]
    assert done.error == "", f"{done.error}\n{log}"
    assert done.errors == [], done.errors
    assert done.open_cold is not None and done.open_warm is None  # not asked for
    assert len(done.presses) == 1, done
    pressed = done.presses[0]
    assert pressed.engine.startswith("Engine "), pressed  # the scenario re-ran and drew
    assert pressed.kib > 0  # the fragment's delta reached the browser
    assert done.load_before and done.load_after
    table = lever.markdown(runs)
    assert "| manager |" in table and pressed.engine in table
