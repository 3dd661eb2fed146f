"""Booking order lines and refunds from plugins; the refunds import kind."""

from __future__ import annotations

import datetime as dt

import pytest

from command_center.db import frames
from command_center.db.engine import write_session
from command_center.io import ImportFailed, run_import
from command_center.ledger import LedgerError, NewLine, book_lines, refund
from command_center.org.scope import OPERATOR, Viewer
from tests.conftest import make_host
from tests.factories import load_small_org

DAY = dt.date(2026, 11, 2)


def test_book_lines_allocates_ids_after_the_max(empty_db) -> None:
    load_small_org(empty_db.engine)
    with write_session(empty_db.engine) as session:
        ids = book_lines(
            session,
            [NewLine(1, 4, DAY, 1000.0, 600.0), NewLine(1, 4, DAY, 50.0)],
            "rep4",
            "pipeline",
        )
    assert ids == [7, 8]
    orders = frames.orders(empty_db.engine, OPERATOR)
    assert orders.filter(orders["order_id"] == 7)["revenue"].item() == 1000.0


def test_book_lines_refuses_unknown_references_and_writes_nothing(empty_db) -> None:
    load_small_org(empty_db.engine)
    with (
        pytest.raises(LedgerError, match="unknown customer"),
        write_session(empty_db.engine) as session,
    ):
        book_lines(session, [NewLine(1, 4, DAY, 10.0), NewLine(99, 4, DAY, 10.0)], "x", "t")
    assert frames.orders(empty_db.engine, OPERATOR).height == 6


def test_refund_never_exceeds_revenue(empty_db) -> None:
    load_small_org(empty_db.engine)
    with write_session(empty_db.engine) as session:
        refund(session, 2, DAY, 150.0, "damaged", "sup3")
    with pytest.raises(LedgerError, match="exceeds"), write_session(empty_db.engine) as session:
        refund(session, 2, DAY, 60.0, "again", "sup3")
    got = frames.refunds(empty_db.engine, Viewer("r", "rep", 4, frozenset({4})))
    assert got["amount"].to_list() == [150.0] and got["person_id"].to_list() == [4]
    assert frames.refunds(empty_db.engine, Viewer("r", "rep", 5, frozenset({5}))).is_empty()


def test_refunds_import_checks_orders_and_totals(empty_db, tmp_path) -> None:
    load_small_org(empty_db.engine)
    path = tmp_path / "refunds.csv"
    path.write_text(
        "refund_id,order_id,refund_date,amount,reason\n"
        "1,2,2026-11-02,150,damaged\n"
        "2,2,2026-11-03,60,again\n"
        "3,77,2026-11-03,1,\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as failed:
        run_import(empty_db.engine, make_host(), "refunds", path)
    assert f"{path}:3: amount: refunds on order 2 exceed its revenue 200.00" in failed.value.errors
    assert f"{path}:4: order_id: unknown order '77'" in failed.value.errors  # the key, quoted
    path.write_text(
        "refund_id,order_id,refund_date,amount,reason\n1,2,2026-11-02,150,damaged\n",
        encoding="utf-8",
    )
    assert run_import(empty_db.engine, make_host(), "refunds", path).inserted == 1
