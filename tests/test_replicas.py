"""Two app processes on one database: each sees the other's writes on its next read."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
import time

import polars as pl

from command_center.db import frames
from command_center.db.engine import VERSIONS_TTL_SECONDS
from command_center.org.scope import OPERATOR
from tests.factories import load_small_org

BOOK = textwrap.dedent(
    """
    import datetime as dt, sys
    from command_center.db.engine import get_engine, write_session
    from command_center.ledger import NewLine, book_lines
    engine = get_engine(sys.argv[1])
    with write_session(engine) as session:
        book_lines(session, [NewLine(1, 7, dt.date(2026, 12, 1), 70.0, 7.0)], "other", "test")
    """
)


def _revenue(engine, person: int, month: dt.date) -> float:
    rows = frames.person_months(engine, OPERATOR).filter(
        (pl.col("person_id") == person) & (pl.col("month") == month)
    )
    return float(rows["revenue"].sum())


def test_a_write_in_another_process_is_folded_in_on_the_next_read(empty_db) -> None:
    engine = empty_db.engine
    load_small_org(engine)
    december = dt.date(2026, 12, 1)
    before = _revenue(engine, 7, december)  # this process now holds copies
    subprocess.run([sys.executable, "-c", BOOK, empty_db.url], check=True, timeout=120)
    time.sleep(VERSIONS_TTL_SECONDS + 0.05)  # the longest a version read is reused
    assert _revenue(engine, 7, december) == before + 70.0
    scorecard = frames.all_monthly_sales(engine).filter(pl.col("month") == december)
    assert scorecard["order_lines"].to_list() == [1]
