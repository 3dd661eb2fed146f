"""The pipeline at scale: caches keyed on the tables they read, the list paged on the server.

Old path: every read straight from the database. New path: whole tables
cached per table version (``tables=``), metrics declaring what they read.
After each write the cached frames, the funnel and the forecast equal what a
fresh read gives, and a write elsewhere leaves the cache in place.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import select

from command_center import testing as apptest
from command_center.db.engine import write_session
from command_center.db.models import Customer
from command_center.metrics import MetricRegistry
from command_center.org.scope import OPERATOR
from plugins.pipeline import actions, queries
from plugins.pipeline import settings as cfg
from plugins.pipeline.logic import analytics
from plugins.pipeline.logic.listing import PAGE_SIZE, clamp_page, page_of, page_range
from plugins.pipeline.models import Opportunity, StageChange
from tests.conftest import make_host, use_db
from tests.fixtures_pipeline import AT, REP4, SUP3, new_deal, org

pytestmark = pytest.mark.one_backend  # old vs new path in Polars: SQLite suffices


@pytest.fixture
def db(empty_db):
    org(empty_db.engine)
    return empty_db.engine


def _fresh(engine, model, schema) -> pl.DataFrame:
    """The old read: the table straight from the database, no cache."""
    table = model.__table__
    query = select(*(table.c[c] for c in schema)).order_by(*table.primary_key.columns)
    return queries._read(engine, query, schema)


def _check_against_fresh(engine) -> None:
    opps = _fresh(engine, Opportunity, queries.OPP_SCHEMA)
    history = _fresh(engine, StageChange, queries.HISTORY_SCHEMA)
    assert_frame_equal(queries.all_opportunities(engine), opps)
    assert_frame_equal(queries.all_history(engine), history)
    model = cfg.stage_model(cfg.current(engine))
    assert_frame_equal(
        analytics.funnel(queries.all_history(engine), queries.all_opportunities(engine), model),
        analytics.funnel(history, opps, model),
    )
    months = [dt.date(2026, m, 1) for m in (11, 12)]
    people = pl.DataFrame({"person_id": [3, 4, 5], "manager_id": [2, 3, 3]})
    team_of = analytics.team_membership(people, [3])
    booked = pl.DataFrame(schema={"person_id": pl.Int64, "month": pl.Date, "revenue": pl.Float64})
    goals = pl.DataFrame(schema={"team_id": pl.Int64, "month": pl.Date, "target": pl.Float64})
    args = (model, booked, team_of, goals, months, months[0])
    assert_frame_equal(
        analytics.forecast(queries.all_opportunities(engine), *args),
        analytics.forecast(opps, *args),
    )


def test_cached_frames_funnel_and_forecast_follow_every_write(db) -> None:
    _check_against_fresh(db)
    first = new_deal(db)
    _check_against_fresh(db)
    second = new_deal(db, amount=25_000.0)
    actions.move_stage(db, REP4, first, "qualified", at=AT)
    _check_against_fresh(db)
    actions.move_stage(db, SUP3, second, "lost", lost_reason="price", at=AT)
    _check_against_fresh(db)
    assert queries.all_opportunities(db).height == 2


def test_a_write_elsewhere_keeps_the_cached_deals(db) -> None:
    new_deal(db)
    before = queries.all_opportunities(db)
    with write_session(db) as session:
        session.add(
            Customer(
                customer_id=99,
                name="丁公司",
                industry="制造",
                size="smb",
                owner_id=4,
                region="华东",
                created_on=dt.date(2022, 1, 1),
            )
        )
    assert queries.all_opportunities(db) is before


def test_metrics_declare_their_tables_and_follow_a_new_deal(db) -> None:
    registry = MetricRegistry(make_host())
    for key in ("pipeline_value", "weighted_pipeline", "win_rate", "satisfaction"):
        assert registry.spec(key).tables
    month = dt.date(2026, 12, 1)
    before = registry.facts(db, OPERATOR, "pipeline_value", month, month)
    assert before.is_empty()
    new_deal(db, amount=12_345.0)
    after = registry.facts(db, OPERATOR, "pipeline_value", month, month)
    assert after["num"].sum() == pytest.approx(12_345.0)


def test_pages_of_the_list() -> None:
    assert PAGE_SIZE == 50
    assert clamp_page(-1, 120) == 0
    assert clamp_page(7, 120) == 2
    assert clamp_page(3, 0) == 0
    assert page_range(0, 120) == (1, 50)
    assert page_range(2, 120) == (101, 120)
    assert page_range(0, 0) == (0, 0)
    rows = pl.DataFrame({"opp_id": list(range(120))})
    assert page_of(rows, 2)["opp_id"].to_list() == list(range(100, 120))


@pytest.fixture
def app(demo_db, monkeypatch, app_env):
    use_db(monkeypatch, demo_db)
    return demo_db


def _caption(at, needle: str) -> str:
    return next(str(c.value) for c in at.caption if needle in str(c.value))


def test_the_list_shows_one_page_and_steps_through_all(app) -> None:
    at = apptest.start(app.engine, "director")
    at = apptest.open_page(at, "pipeline-list")
    assert not at.exception and not at.error
    total = int(next(m.value for m in at.metric if m.label == "Deals").replace(",", ""))
    assert total > PAGE_SIZE  # the demo has more open deals than one page
    seen: list[int] = []
    for page in range((total - 1) // PAGE_SIZE + 1):
        table = at.dataframe[0].value
        assert len(table) == min(PAGE_SIZE, total - page * PAGE_SIZE)
        first, last = page * PAGE_SIZE + 1, min((page + 1) * PAGE_SIZE, total)
        assert _caption(at, " of ") == f"{first:,}–{last:,} of {total:,}"
        seen += table["No."].tolist()
        if last < total:
            at.button(key="pipeline_list_next").click().run()
    assert at.button(key="pipeline_list_next").disabled
    model = cfg.stage_model(cfg.current(app.engine))
    open_ids = queries.all_opportunities(app.engine).filter(pl.col("stage").is_in(model.open))
    assert sorted(seen) == sorted(open_ids["opp_id"].to_list())
    at.button(key="pipeline_list_prev").click().run()
    assert _caption(at, " of ").startswith(f"{(page - 1) * PAGE_SIZE + 1:,}–")


def test_the_list_pager_in_chinese(app) -> None:
    at = apptest.start(app.engine, "director", "zh_CN")
    at = apptest.open_page(at, "pipeline-list")
    assert not at.exception and not at.error
    assert _caption(at, "条").startswith("第 1–50 条，共 ")
    assert at.button(key="pipeline_list_next").label == "下一页"
    assert at.button(key="pipeline_list_prev").label == "上一页"


def _old_velocity(history: pl.DataFrame, model) -> pl.DataFrame:
    """The old stays: the next change found with a window per deal."""
    stays = (
        history.sort("opp_id", "changed_at", "change_id")
        .with_columns(pl.col("changed_at").shift(-1).over("opp_id").alias("left_at"))
        .drop_nulls("left_at")
        .filter(pl.col("to_stage").is_in(list(model.open)))
        .with_columns(
            ((pl.col("left_at") - pl.col("changed_at")).dt.total_seconds() / 86_400).alias("days")
        )
        .group_by("to_stage")
        .agg(
            pl.len().cast(pl.Int64).alias("stays"),
            pl.col("days").mean().alias("mean_days"),
            pl.col("days").median().alias("median_days"),
        )
    )
    grid = pl.DataFrame({"stage": list(model.open)}).with_row_index("position")
    return (
        grid.join(stays, left_on="stage", right_on="to_stage", how="left")
        .with_columns(pl.col("stays").fill_null(0))
        .sort("position")
        .select("stage", "stays", "mean_days", "median_days")
    )


def test_velocity_equals_the_old_window_per_deal(demo_db) -> None:
    model = cfg.stage_model(cfg.current(demo_db.engine))
    history = queries.all_history(demo_db.engine)
    new = analytics.velocity(history, model)
    assert new["stays"].sum() > 0
    assert_frame_equal(new, _old_velocity(history, model), check_exact=False, rel_tol=1e-12)
