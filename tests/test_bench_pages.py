"""Smoke of the page bench (``bench/pages.py``): the small demo, one role, a real browser.

Runs the bench's own tour (the app started with ``command-center run``, Debian's
Chromium signing in and visiting the first pages of the navigation, then each
again right after an order line was booked from outside), so the bench cannot
rot. It asserts what the tour saw, never how long it took.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench import pages
from command_center.db.engine import dispose_engine, get_engine, read_session
from command_center.db.models import OrderLine

if pages.chromium() is None and os.environ.get("COMMAND_CENTER_REQUIRE_BROWSER") != "1":
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

pytestmark = pytest.mark.browser
PAGES = 5


def _lines(url: str) -> int:
    with read_session(get_engine(url)) as session:
        return int(session.scalar(select(func.count()).select_from(OrderLine)) or 0)


def test_rep_tour_renders_pages_and_after_writes(sqlite_demo_db, tmp_path: Path) -> None:
    source = Path(sqlite_demo_db.engine.url.database or "")
    target = pages.sqlite_copy(source, tmp_path, "small")  # the shared demo stays untouched
    before = _lines(target.url)
    tours = pages.run_target(
        target,
        ("rep",),
        tmp_path / "app.log",
        kinds=("cold", "after_write"),
        settle_ms=150,
        pages=PAGES,
    )
    after = _lines(target.url)
    dispose_engine(target.url)

    assert [t.role for t in tours] == ["rep"]
    tour = tours[0]
    log = (tmp_path / "app.log").read_text(encoding="utf-8", errors="replace")[-3000:]
    assert tour.error == "", f"{tour.error}\n{log}"
    keys = [v.key for v in tour.visits]
    # The first pages of the rep's navigation, the default page (at /) among them
    # (every page of every role renders in tests/test_app.py).
    assert "" in keys, keys
    assert len(keys) == len(set(keys)) == PAGES
    broken = {v.title: v.errors for v in tour.visits if v.errors}
    assert broken == {}, broken
    for visit in tour.visits:
        assert visit.title, visit
        assert visit.cold is not None and visit.after_write is not None, visit
        assert visit.warm is None  # not asked for
    # One line booked from outside before each page's visit after a write.
    assert after - before == len(tour.visits)
    assert tour.rss_mib is not None and tour.rss_mib > 0
    assert tour.peak_mib is not None and tour.peak_mib > 0
    section = pages.markdown(tours, "test", "0", [])
    assert all(v.title in section for v in tour.visits)
