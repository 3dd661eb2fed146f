"""The simulator on a running month (issue 18, item 2), in the real app.

The demo is loaded up to today and the running month's first days are
imported, as on 2 December in the issue: the page opens on the last closed
month; choosing the running month labels it an estimate, and its cost of
sales is a readable ratio or "—", never "112,490.5%".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import polars as pl
import pytest

from command_center import testing as apptest
from command_center.db.migrate import upgrade
from command_center.io import run_export
from command_center.io.runner import run_import
from command_center.org.scope import OPERATOR
from command_center.periods import add_months
from plugins.incentives.logic.whatif import MAX_COST_OF_SALES
from tests.conftest import SEED, Db, _drop_db, _new_db, make_host, use_db


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Db]:
    """The small demo on SQLite with sales up to today (one backend: it is about the page)."""
    from command_center.demo import load_demo

    db = _new_db("sqlite", tmp_path_factory.mktemp("running"), None)
    host = make_host()
    upgrade(db.engine, host)
    today = dt.date.today()
    load_demo(db.engine, host, scale="small", seed=SEED, as_of=today)
    # The demo's months are the full ones before today's: add the running month's
    # first days through the import, as a day's upload would (last month's days 1-2, moved).
    folder = tmp_path_factory.mktemp("orders")
    run_export(db.engine, host, "orders", folder / "all.csv", OPERATOR)
    orders = pl.read_csv(folder / "all.csv", try_parse_dates=True, infer_schema=False).with_columns(
        pl.col("order_date").str.to_date()
    )
    last = add_months(today.replace(day=1), -1)
    first_days = orders.filter(
        pl.col("order_date").is_between(last, last.replace(day=min(2, today.day)))
    )
    assert first_days.height > 0
    moved = first_days.with_columns(
        pl.col("order_date").map_elements(
            lambda d: d.replace(year=today.year, month=today.month), return_dtype=pl.Date
        ),
        # new lines need new keys (the export speaks the demo's text keys)
        pl.format("RUN-{}", pl.int_range(1, first_days.height + 1)).alias("order_id"),
    )
    moved.write_csv(folder / "running.csv")
    run_import(db.engine, host, "orders", folder / "running.csv")
    yield db
    _drop_db(db, None)


def percent_shown(text: str) -> float | None:
    """``12.5%`` -> 0.125; ``—`` -> None."""
    if text.strip() == "—":
        return None
    return float(re.sub(r"[^\d.\-]", "", text)) / 100


def test_opens_on_the_last_closed_month_and_labels_the_running_one(
    running, monkeypatch, app_env
) -> None:
    use_db(monkeypatch, running)
    today = dt.date.today()
    closed = add_months(today.replace(day=1), -1)
    at = apptest.open_page(apptest.start(running.engine, "manager"), "incentives-simulator")
    assert not at.exception and not at.error
    months = at.select_slider(key="incentives_sim_range")
    assert months.value[1] == f"{closed:%Y-%m}"  # not the running month, though it has sales
    assert f"{today:%Y-%m}" in months.options
    estimate = "is still running"
    assert not any(estimate in c.value for c in at.caption)

    months.set_value((f"{today:%Y-%m}", f"{today:%Y-%m}")).run()
    assert not at.exception and not at.error
    assert any(estimate in c.value for c in at.caption)
    cost = next(m.value for m in at.metric if m.label == "Cost of sales")
    shown = percent_shown(cost)
    assert shown is None or 0 <= shown <= MAX_COST_OF_SALES, cost
