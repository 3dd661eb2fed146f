"""Customers plugin, scope in the data layer: a rep sees only their own customers,
follow-ups and revenue; leaders their subtree; directors all; admins nothing."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from command_center.db import frames
from command_center.io import run_export
from command_center.keys import key_of, keys_for
from command_center.org.auth import viewer_for
from command_center.org.scope import Viewer
from command_center.testing import signed_in
from plugins.customers.queries import activity, ledger
from plugins.customers.queries import book as book_q
from plugins.customers.queries.grades import scoped_grades
from tests.conftest import make_host

AS_OF = dt.date(2026, 10, 31)


def who(engine, login: str) -> Viewer:
    return viewer_for(engine, signed_in(engine, login))


@pytest.fixture
def views(demo_db):
    return {login: who(demo_db.engine, login) for login in
            ("director", "manager", "supervisor", "rep", "rep2", "admin")}  # fmt: skip


def test_book_follows_the_org_tree(demo_db, views) -> None:
    everyone = book_q.all_customers(demo_db.engine)
    for login, viewer in views.items():
        mine = book_q.book(demo_db.engine, viewer)
        if login == "director":
            assert mine.height == everyone.height  # the public pool included
        elif login == "admin":
            assert mine.is_empty()
        else:
            assert mine["owner_id"].is_in(sorted(viewer.person_ids)).all()
            expected = everyone.filter(pl.col("owner_id").is_in(sorted(viewer.person_ids)))
            assert mine.height == expected.height > 0
    rep, rep2 = views["rep"], views["rep2"]
    assert set(book_q.book(demo_db.engine, rep)["owner_id"]) == {rep.person_id}
    assert not set(book_q.book(demo_db.engine, rep)["customer_id"]) & set(
        book_q.book(demo_db.engine, rep2)["customer_id"]
    )


def test_public_pool_shows_basic_information_only(demo_db, views) -> None:
    public = book_q.public_pool(demo_db.engine, views["rep"])
    assert public.columns == list(book_q.PUBLIC_COLUMNS)
    assert not {"phone", "tax_id", "owner_id", "revenue", "last_owner_id"} & set(public.columns)
    assert public.height == book_q.all_customers(demo_db.engine)["owner_id"].null_count() > 0
    assert book_q.public_pool(demo_db.engine, views["admin"]).is_empty()
    cid = int(public["customer_id"][0])
    assert book_q.customer_row(demo_db.engine, views["rep"], cid) is None
    assert book_q.public_row(demo_db.engine, views["rep"], cid) is not None
    assert book_q.customer_row(demo_db.engine, views["director"], cid) is not None


def test_revenue_and_order_lines_only_from_the_viewers_scope(demo_db, views) -> None:
    rep, rep2 = views["rep"], views["rep2"]
    graded = scoped_grades(demo_db.engine, rep, AS_OF, 12, (0.8, 0.95))
    mine = book_q.book(demo_db.engine, rep)
    assert sorted(graded["customer_id"]) == sorted(mine["customer_id"])
    orders = frames.orders(demo_db.engine, rep, dt.date(2025, 11, 1), AS_OF)
    own = orders.filter(pl.col("customer_id").is_in(mine["customer_id"].implode()))
    assert graded["revenue"].sum() == pytest.approx(own["revenue"].sum())
    # lines booked by other reps on rep's customers are not rep's to see
    other_lines = ledger.all_monthly(demo_db.engine).filter(
        pl.col("customer_id").is_in(mine["customer_id"].implode())
        & (pl.col("person_id") != rep.person_id)
    )
    if other_lines.height:
        cid = int(other_lines["customer_id"][0])
        seen = ledger.customer_lines(demo_db.engine, rep, cid)
        assert set(seen["person_id"]) <= {rep.person_id}
    theirs = int(book_q.book(demo_db.engine, rep2)["customer_id"][0])
    assert set(ledger.customer_lines(demo_db.engine, rep, theirs)["person_id"]) <= {rep.person_id}


def test_followups_contacts_and_moves_are_scoped(demo_db, views) -> None:
    rep, sup = views["rep"], views["supervisor"]
    assert set(activity.followups(demo_db.engine, rep)["person_id"]) == {rep.person_id}
    assert set(activity.followups(demo_db.engine, sup)["person_id"]) <= sup.person_ids
    contacts = activity.scoped_contacts(demo_db.engine, rep)
    mine = set(book_q.book(demo_db.engine, rep)["customer_id"])
    assert contacts.height and set(contacts["customer_id"]) <= mine
    moves = activity.moves(demo_db.engine, rep)
    assert (
        moves["from_owner_id"].is_in([rep.person_id]) | moves["to_owner_id"].is_in([rep.person_id])
    ).all()
    assert activity.followups(demo_db.engine, views["admin"]).is_empty()


def test_exports_are_scoped(demo_db, views, tmp_path) -> None:
    host = make_host()
    rep = views["rep"]
    engine = demo_db.engine
    mine = book_q.book(engine, rep)["customer_id"].to_list()
    for kind, column, allowed in [  # exports speak keys
        ("followups", "person_id", {key_of(engine, "person", rep.person_id)}),
        ("contacts", "customer_id", set(keys_for(engine, "customer", mine).values())),
    ]:
        path = tmp_path / f"{kind}.csv"
        rows = run_export(engine, host, kind, path, rep)
        frame = pl.read_csv(path, infer_schema=False)
        assert rows == frame.height > 0
        assert set(frame[column]) <= allowed


def test_metrics_roll_up_within_scope(demo_db, views) -> None:
    from command_center.metrics import MetricRegistry
    from command_center.periods import parse_period

    registry = MetricRegistry(make_host())
    period = parse_period("2026-10")
    for key in ("new_customers", "followups", "visits", "overdue_customers",
                "a_grade_revenue_share"):  # fmt: skip
        assert key in registry
        facts = registry.facts(demo_db.engine, views["rep"], key, period.start, period.end)
        assert set(facts["person_id"]) <= {views["rep"].person_id}
        all_facts = registry.facts(demo_db.engine, views["director"], key, period.start, period.end)
        assert all_facts.height > 0, key
