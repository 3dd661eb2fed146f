"""Customers plugin at scale: the figures read from the ledger summaries, the scoped
book and the paged archive equal what the old paths computed from the order lines
and the whole book (worked out here with Polars on the small demo)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import select

from command_center import testing as apptest
from command_center.db import frames
from command_center.db.models import Customer
from command_center.keys import key_of
from command_center.org.auth import viewer_for
from command_center.org.scope import OPERATOR, Viewer
from command_center.testing import signed_in
from command_center.types import MetricQuery
from plugins.customers import metrics
from plugins.customers import settings as settings_mod
from plugins.customers.logic import abc, archive
from plugins.customers.logic.dates import month_end, month_ends
from plugins.customers.models import CustomerProfile
from plugins.customers.queries import activity, figures, grades, ledger
from plugins.customers.queries import book as book_q
from tests.conftest import AS_OF, use_db

pytestmark = pytest.mark.one_backend  # old vs new path in Polars: SQLite suffices

CUTOFFS = (0.8, 0.95)
# a month end, a mid-month day (partial edge months) and the day before a month end
DAYS = (dt.date(2026, 10, 31), AS_OF, dt.date(2026, 2, 27))


def who(engine, login: str) -> Viewer:
    return viewer_for(engine, signed_in(engine, login))


def lines(engine) -> pl.DataFrame:
    """Every order line, read directly (the old path's raw material)."""
    return frames.orders(engine, OPERATOR)


def whole_book(engine) -> pl.DataFrame:
    """The whole book as the old path read it: every customer, then filtered in Polars."""
    c, p = Customer.__table__.c, CustomerProfile.__table__.c
    query = select(c.customer_id, c.owner_id, c.created_on, c.name, p.first_owner_id).select_from(
        Customer.__table__.outerjoin(CustomerProfile.__table__)
    )
    schema = {
        "customer_id": pl.Int64(),
        "owner_id": pl.Int64(),
        "created_on": pl.Date(),
        "name": pl.String(),
        "first_owner_id": pl.Int64(),
    }
    return frames.read_frame(engine, query, schema)


def old_monthly(engine, person_ids: frozenset[int] | None = None) -> pl.DataFrame:
    """The old ``all_monthly``: customer x person x month from the order lines."""
    frame = lines(engine)
    if person_ids is not None:
        frame = frame.filter(pl.col("person_id").is_in(sorted(person_ids)))
    return (
        frame.group_by(
            "customer_id", "person_id", pl.col("order_date").dt.truncate("1mo").alias("month")
        )
        .agg(pl.col("revenue").sum(), pl.len().cast(pl.Int64).alias("lines"))
        .sort("customer_id", "person_id", "month")
    )


@pytest.fixture(scope="module")
def views(demo_db):
    return {login: who(demo_db.engine, login) for login in ("director", "supervisor", "rep")}


def test_monthly_totals_equal_the_ledgers(demo_db, views) -> None:
    engine = demo_db.engine
    new = ledger.all_monthly(engine).sort("customer_id", "person_id", "month")
    old = old_monthly(engine)
    assert new.height == old.height > 0
    assert_frame_equal(new, old, check_dtypes=False, abs_tol=1e-6)
    for login in ("supervisor", "rep"):
        viewer = views[login]
        mine = ledger.monthly(engine, viewer).sort("customer_id", "person_id", "month")
        assert_frame_equal(
            mine, old_monthly(engine, viewer.person_ids), check_dtypes=False, abs_tol=1e-6
        )


@pytest.mark.parametrize("as_of", DAYS)
def test_company_grades_equal_grading_the_order_lines(demo_db, as_of) -> None:
    engine = demo_db.engine
    everyone = whole_book(engine).select("customer_id")
    for months in (12, 3):
        new = grades.company_grades(engine, as_of, months, CUTOFFS)
        old = abc.abc_from_lines(lines(engine), everyone, as_of, months, CUTOFFS)
        assert new.height == old.height == everyone.height
        assert_frame_equal(new, old, abs_tol=1e-9)
        assert new["grade"].n_unique() == 3


@pytest.mark.parametrize("as_of", DAYS)
def test_scoped_grades_equal_grading_the_scopes_order_lines(demo_db, views, as_of) -> None:
    engine = demo_db.engine
    book = whole_book(engine)
    for login in ("supervisor", "rep"):
        viewer = views[login]
        ids = sorted(viewer.person_ids or ())
        theirs = book.filter(pl.col("owner_id").is_in(ids)).select("customer_id")
        booked = lines(engine).filter(pl.col("person_id").is_in(ids))
        old = abc.abc_from_lines(booked, theirs, as_of, 12, CUTOFFS)
        new = grades.scoped_grades(engine, viewer, as_of, 12, CUTOFFS)
        assert new.height == old.height > 0
        assert_frame_equal(new, old, abs_tol=1e-9)


def test_grade_history_equals_the_old_totals_path(demo_db, views) -> None:
    engine = demo_db.engine
    points = [*month_ends(AS_OF, 6), AS_OF]
    book = whole_book(engine)
    raw = lines(engine).rename({"order_date": "order_date"})
    daily = raw.group_by("customer_id", "person_id", "order_date").agg(pl.col("revenue").sum())
    old = abc.history(old_monthly(engine), daily, book, points, 12, CUTOFFS)
    new = grades.company_history(engine, points, 12, CUTOFFS)
    assert_frame_equal(new, old, abs_tol=1e-9)
    rep = views["rep"]
    ids = sorted(rep.person_ids or ())
    theirs = book.filter(pl.col("owner_id").is_in(ids))
    old_rep = abc.history(
        old_monthly(engine, rep.person_ids),
        daily.filter(pl.col("person_id").is_in(ids)),
        theirs,
        points,
        12,
        CUTOFFS,
    )
    assert_frame_equal(grades.scoped_history(engine, rep, points, 12, CUTOFFS), old_rep)


def test_a_grade_revenue_share_equals_the_old_path(demo_db) -> None:
    engine = demo_db.engine
    rules = settings_mod.get(engine)
    start, end = dt.date(2026, 6, 1), dt.date(2026, 10, 1)
    months = [dt.date(2026, m, 1) for m in range(6, 11)]
    new = metrics.a_grade_revenue_share(MetricQuery(engine, start, end))
    # old: the whole ledger's monthly totals joined to the A grades at each month's end
    history = abc.history(
        old_monthly(engine),
        lines(engine)
        .group_by("customer_id", "person_id", "order_date")
        .agg(pl.col("revenue").sum()),
        whole_book(engine),
        [month_end(m) for m in months],
        rules.abc_months,
        rules.cutoffs,
    )
    a_grade = history.filter(pl.col("grade") == "A").select(
        pl.col("as_of").dt.truncate("1mo").alias("month"), "customer_id", pl.lit(True).alias("a")
    )
    old = (
        old_monthly(engine)
        .filter(pl.col("month").is_in(months))
        .join(a_grade, on=["month", "customer_id"], how="left")
        .group_by("person_id", "month")
        .agg(
            pl.col("revenue").filter(pl.col("a").fill_null(False)).sum().alias("num"),
            pl.col("revenue").sum().alias("den"),
        )
    )
    key = ["person_id", "month"]
    assert new.height == old.height > 0
    assert_frame_equal(
        new.sort(key), old.sort(key), check_dtypes=False, check_column_order=False, abs_tol=1e-6
    )
    assert new["num"].sum() > 0


def test_counting_metrics_equal_the_whole_book_and_log(demo_db) -> None:
    engine = demo_db.engine
    start, end = dt.date(2026, 1, 1), dt.date(2026, 11, 1)
    q = MetricQuery(engine, start, end)
    key = ["person_id", "month"]
    made = whole_book(engine).filter(pl.col("created_on").is_between(start, month_end(end)))
    old_new = (
        made.with_columns(pl.coalesce("first_owner_id", "owner_id").alias("person_id"))
        .drop_nulls("person_id")
        .group_by("person_id", pl.col("created_on").dt.truncate("1mo").alias("month"))
        .agg(pl.len().cast(pl.Float64).alias("num"))
    )
    assert_frame_equal(
        metrics.new_customers(q).select(*key, "num").sort(key),
        old_new.sort(key),
        check_dtypes=False,
    )
    logged = activity.all_followups(engine).filter(
        pl.col("followup_date").is_between(start, month_end(end))
    )
    for fn, rows in (
        (metrics.followups, logged),
        (metrics.visits, logged.filter(pl.col("channel") == "visit")),
    ):
        old = rows.group_by("person_id", pl.col("followup_date").dt.truncate("1mo").alias("month"))
        old = old.agg(pl.len().cast(pl.Float64).alias("num"))
        got = fn(q).select(*key, "num").sort(key)
        assert got.height == old.height > 0
        assert_frame_equal(got, old.sort(key), check_dtypes=False)


def test_every_metric_declares_its_tables() -> None:
    assert all(spec.tables for spec in metrics.metric_specs())


def test_book_is_read_with_the_scope_in_sql(demo_db, views) -> None:
    engine = demo_db.engine
    everyone = book_q.all_customers(engine)
    for login in ("supervisor", "rep"):
        viewer = views[login]
        mine = book_q.book(engine, viewer)
        old = everyone.filter(pl.col("owner_id").is_in(sorted(viewer.person_ids or ())))
        assert_frame_equal(mine.sort("customer_id"), old.sort("customer_id"))
    public = book_q.public_pool(engine, views["rep"])
    old_public = everyone.filter(pl.col("owner_id").is_null()).select(book_q.PUBLIC_COLUMNS)
    assert_frame_equal(public.sort("customer_id"), old_public.sort("customer_id"))
    other = int(everyone.filter(~pl.col("owner_id").is_in([views["rep"].person_id]))[0, 0])
    assert book_q.customer_row(engine, views["rep"], other) is None
    assert book_q.customer_row(engine, views["director"], other) is not None


def test_archive_figures_equal_the_old_join(demo_db, views) -> None:
    engine = demo_db.engine
    rules = settings_mod.get(engine)
    for login in ("director", "rep"):
        viewer = views[login]
        got = figures.archive_figures(engine, viewer, AS_OF, rules)
        book = book_q.book(engine, viewer)
        company = grades.company_grades(engine, AS_OF, rules.abc_months, rules.cutoffs)
        # the old page: revenue from grading the scope's order lines
        ids = None if viewer.person_ids is None else sorted(viewer.person_ids)
        booked = lines(engine)
        if ids is not None:
            booked = booked.filter(pl.col("person_id").is_in(ids))
        revenue = abc.abc_from_lines(
            booked, book.select("customer_id"), AS_OF, rules.abc_months, rules.cutoffs
        ).select("customer_id", "revenue")
        old = (
            book.join(company.select("customer_id", "grade"), on="customer_id", how="left")
            .join(revenue, on="customer_id", how="left")
            .with_columns(pl.col("grade").fill_null("C"), pl.col("revenue").fill_null(0.0))
            .sort(["revenue", "customer_id"], descending=[True, False])
        )
        assert got["customer_id"].to_list() == old["customer_id"].to_list()
        assert got["grade"].to_list() == old["grade"].to_list()
        assert got["revenue"].to_list() == pytest.approx(old["revenue"].to_list())


def test_archive_pages_through_the_filtered_book(demo_db, views) -> None:
    engine = demo_db.engine
    rules = settings_mod.get(engine)
    director = views["director"]
    every = figures.archive_figures(engine, director, AS_OF, rules)
    wanted = archive.ArchiveFilter(grades=("A", "B"))
    expected = every.filter(pl.col("grade").is_in(["A", "B"]))
    seen: list[int] = []
    page = 0
    while True:
        rows, total = figures.archive_page(engine, director, AS_OF, rules, wanted, page, size=7)
        assert total == expected.height > 7
        seen += rows["customer_id"].to_list()
        if page == archive.last_page(total, 7):
            break
        assert rows.height == 7
        page += 1
    assert seen == expected["customer_id"].to_list()
    assert archive.page_bounds(total, 10**6, 7) == ((total - 1) // 7 * 7, total)
    assert archive.page_bounds(0, 3, 7) == (0, 0)


def test_search_runs_in_sql_within_the_scope(demo_db, views) -> None:
    engine = demo_db.engine
    rep = views["rep"]
    mine = book_q.book(engine, rep)
    target = mine.filter(pl.col("phone_key") != "").row(0, named=True)
    for text in (
        target["name"][1:5],
        target["phone"],
        key_of(engine, "customer", target["customer_id"]),  # the key, as other systems write it
        target["tax_id"].lower(),
    ):
        if not text:
            continue
        hits = book_q.search_ids(engine, rep, text)
        assert target["customer_id"] in hits.to_list(), text
        assert set(hits.to_list()) <= set(mine["customer_id"])
    theirs = book_q.book(engine, views["supervisor"]).filter(pl.col("owner_id") != rep.person_id)
    if theirs.height:
        other = theirs.row(0, named=True)
        assert other["customer_id"] not in book_q.search_ids(engine, rep, other["name"]).to_list()
    everyone = book_q.search_ids(engine, views["director"], target["name"])
    assert target["customer_id"] in everyone.to_list()
    assert book_q.search_ids(engine, rep, "%").is_empty()
    assert book_q.search_ids(engine, rep, "zz%%no-such-customer%%zz").is_empty()


@pytest.fixture
def app(demo_db, monkeypatch, app_env):
    use_db(monkeypatch, demo_db)
    return demo_db


def test_archive_page_pages_fifty_at_a_time_and_searches(app) -> None:
    engine = app.engine
    director = who(engine, "director")
    total = book_q.book(engine, director).height
    assert total > 2 * archive.PAGE_SIZE
    at = apptest.open_page(apptest.start(engine, "director"), "customers")
    assert f"Showing 1–50 of {total}." in apptest.texts(at)
    table = at.dataframe[0].value
    assert len(table) == archive.PAGE_SIZE
    at = next(b for b in at.button if b.label == "Next →").click().run()
    assert f"Showing 51–100 of {total}." in apptest.texts(at)
    first = book_q.book(engine, director).row(0, named=True)
    at = at.text_input(key="customers_search").input(first["name"]).run()
    shown = apptest.texts(at)
    assert "Showing 1–" in shown and f"of {total}." not in shown  # back to page 1, narrowed
    found = at.dataframe[0].value
    assert key_of(engine, "customer", first["customer_id"]) in list(found.iloc[:, 0])  # by key
    zh = apptest.open_page(apptest.start(engine, "rep", "zh_CN"), "customers")
    mine = book_q.book(engine, who(engine, "rep")).height
    assert f"共 {mine} 个" in apptest.texts(zh)


def test_overdue_customers_equal_the_old_whole_log_path(demo_db) -> None:
    from plugins.customers.logic import cadence
    from plugins.customers.logic.pool import ownership_spells

    engine = demo_db.engine
    rules = settings_mod.get(engine)
    q = MetricQuery(engine, dt.date(2026, 1, 1), dt.date(2026, 11, 1))
    new = metrics.overdue_customers(q, today=AS_OF)
    months = [dt.date(2026, m, 1) for m in range(1, 12)]
    points = [min(month_end(m), AS_OF) for m in months]
    spells = ownership_spells(
        whole_book(engine).select("customer_id", "owner_id", "created_on"),
        activity.all_moves(engine),
    )
    history = grades.company_history(engine, points, rules.abc_months, rules.cutoffs)
    old = cadence.overdue_at_points(
        spells, activity.all_followups(engine), history, rules.intervals, points
    ).select(
        "person_id",
        pl.col("as_of").dt.truncate("1mo").alias("month"),
        pl.col("overdue").cast(pl.Float64).alias("num"),
    )
    key = ["person_id", "month"]
    assert old.height > 0 and old["num"].sum() > 0
    assert_frame_equal(new.select(*key, "num").sort(key), old.sort(key))
