"""The example plugin's own tests, using the helpers the core ships."""

from __future__ import annotations

import datetime as dt

import cc_sales_contests
import polars as pl
import pytest
from cc_sales_contests import actions
from cc_sales_contests.errors import ContestError
from cc_sales_contests.logic import podiums, standings

from command_center import runtime, testing
from command_center.db.engine import write_session


def test_standings_share_ranks_on_ties() -> None:
    values = pl.DataFrame({"person_id": [1, 2, 3, 4], "value": [50.0, 80.0, 80.0, None]})
    got = standings(values)
    assert got.select("person_id", "rank").rows() == [(2, 1), (3, 1), (1, 3)]


def test_podiums_count_top_three_per_month() -> None:
    month = dt.date(2026, 10, 1)
    results = pl.DataFrame(
        {
            "person_id": [1, 2, 3, 4],
            "rank": [1, 2, 3, 4],
            "contest_id": [1, 1, 1, 1],
            "end_month": [month] * 4,
        }
    )
    assert sorted(podiums(results)["person_id"].to_list()) == [1, 2, 3]


@pytest.fixture
def app(tmp_path):
    host = testing.host_with(("contests", cc_sales_contests))
    url = f"sqlite:///{tmp_path}/contests.db"
    engine = testing.demo_database(url, host)
    testing.use_database(url, host)
    yield engine
    runtime.reset(None)


def test_page_renders_for_every_role(app) -> None:
    for login in ("director", "manager", "rep"):
        at = testing.start(app, login)
        at = testing.open_page(at, "contests")
        assert not at.exception, at.exception
        assert "季度销冠挑战赛" in testing.texts(at) or at.selectbox


def test_contest_refuses_reversed_months(app) -> None:
    with pytest.raises(ContestError), write_session(app) as session:
        actions.store_contest(
            session, "x", "revenue", dt.date(2026, 5, 1), dt.date(2026, 1, 1), "", "t"
        )


def test_only_organisers_create_contests(app) -> None:
    from command_center.org.scope import Viewer

    rep = Viewer("rep", "rep", 7, frozenset({7}))
    with pytest.raises(ContestError, match=r"contests\.error_role"):
        actions.create_contest(
            app, rep, "Mine", "revenue", dt.date(2026, 1, 1), dt.date(2026, 1, 1), "", "rep"
        )
