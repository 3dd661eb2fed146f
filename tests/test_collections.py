"""Collection (回款, issue 16 item 4): payments, collected cash, receivables ageing, the
metrics, the import kind; by hand-computed figures on the small org of tests/factories.py.

The book on 15 November 2026 (terms 30 days; due = order date + 30):

| order | person | date       | revenue | due        | paid             | open                |
|-------|--------|------------|---------|------------|------------------|---------------------|
| 1     | rep 4  | 2025-10-05 | 100     | 2025-11-04 | 100 on 2025-11-20 | 0                  |
| 2     | rep 4  | 2026-10-05 | 200     | 2026-11-04 | 50 on 2026-11-10 | 150, 11 days late   |
| 3     | rep 5  | 2026-10-20 | 300     | 2026-11-19 | —                | 300, not due        |
| 4     | rep 7  | 2026-10-31 | 500     | 2026-11-30 | —                | 500, not due        |
| 5     | rep 7  | 2026-09-30 | 50      | 2026-10-30 | —                | 50, 16 days late    |
| 6     | rep 5  | 2025-10-01 | 100     | 2025-10-31 | 40 on 2026-11-01 | 60, 380 days late   |
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from command_center import cash
from command_center.db import frames
from command_center.db.engine import read_session, write_session
from command_center.db.models import AuditEntry, OrderLine
from command_center.io import ImportFailed, run_export, run_import
from command_center.metrics import MetricRegistry
from command_center.org.scope import OPERATOR, Viewer
from tests.conftest import Db, make_host
from tests.factories import load_small_org

D = dt.date
AS_OF = D(2026, 11, 15)
PAYMENTS = [
    ("PAY-001", 1, D(2025, 11, 20), 100.0),
    ("PAY-002", 2, D(2026, 11, 10), 50.0),
    ("PAY-003", 6, D(2026, 11, 1), 40.0),
]
PAYMENT_SCHEMA = {
    "payment_key": pl.String(),
    "order_id": pl.Int64(),
    "paid_on": pl.Date(),
    "amount": pl.Float64(),
}
REP4 = Viewer("rep4", "rep", 4, frozenset({4}))


def _payments(rows: list[tuple[str, int, dt.date, float]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=PAYMENT_SCHEMA, orient="row")


@pytest.fixture
def book(empty_db: Db) -> Db:
    load_small_org(empty_db.engine)
    with write_session(empty_db.engine) as session:
        assert cash.refusals(session, _payments(PAYMENTS), today=AS_OF) == []
        cash.store_payments(session, _payments(PAYMENTS))
    return empty_db


def test_ageing_per_person_and_team(book: Db) -> None:
    lines = cash.receivable_lines(book.engine, OPERATOR, AS_OF, terms_days=30)
    ages = dict(zip(lines["order_id"].to_list(), lines["days_past_due"].to_list(), strict=True))
    assert ages == {2: 11, 3: -4, 4: -15, 5: 16, 6: 380}
    by_person = cash.ageing_by_person(lines)
    rows = {r["person_id"]: r for r in by_person.to_dicts()}
    assert rows[4]["d0_30"] == pytest.approx(150.0) and rows[4]["overdue"] == pytest.approx(150.0)
    assert rows[5]["not_due"] == pytest.approx(300.0)
    assert rows[5]["d90_plus"] == pytest.approx(60.0)
    assert rows[5]["total"] == pytest.approx(360.0) and rows[5]["overdue"] == pytest.approx(60.0)
    assert rows[7]["not_due"] == pytest.approx(500.0) and rows[7]["d0_30"] == pytest.approx(50.0)
    people = frames.all_people(book.engine)
    team = {r["person_id"]: r for r in cash.ageing_by_team(by_person, people).to_dicts()}
    assert team[3]["total"] == pytest.approx(510.0) and team[3]["overdue"] == pytest.approx(210.0)
    assert team[6]["total"] == pytest.approx(550.0)
    assert team[2]["total"] == pytest.approx(1060.0)
    assert team[2]["overdue"] == pytest.approx(260.0)
    assert cash.overdue_total(book.engine, OPERATOR, AS_OF) == (260.0, 60.0)
    aged = {r["person_id"]: r for r in cash.ageing(book.engine, OPERATOR, AS_OF, 30).to_dicts()}
    for person, row in rows.items():  # the summaries' way gives the lines' figures
        assert aged[person] == pytest.approx(row), person


def test_a_rep_reads_only_their_own_lines(book: Db) -> None:
    lines = cash.receivable_lines(book.engine, REP4, AS_OF)
    assert lines["order_id"].to_list() == [2]
    page, count = cash.open_lines(book.engine, REP4, 7, AS_OF)
    assert page.is_empty() and count == 0
    exported = cash.payments_export(book.engine, REP4)
    assert sorted(exported["payment_id"].to_list()) == ["PAY-001", "PAY-002"]


def test_collected_by_person_month_and_line(book: Db) -> None:
    frame = cash.collected_by_person_month(book.engine, None, "2025-01", "2026-12")
    assert frame.rows() == [(4, "2025-11", 100.0), (4, "2026-11", 50.0), (5, "2026-11", 40.0)]
    with read_session(book.engine) as session:
        mine = cash.collected_by_person_month(session, [5], "2026-11", "2026-11")
    assert mine.rows() == [(5, "2026-11", 40.0)]
    lines = cash.collected_by_line_month(book.engine, [4], "2026-01", "2026-12")
    assert lines.rows() == [(2, 4, "2026-11", 50.0)]
    states = cash.line_states(book.engine, [1, 2, 6], D(2026, 11, 1), D(2026, 11, 30))
    assert states.rows() == [
        (1, 100.0, 0.0, 100.0, 0.0, 0.0),
        (2, 200.0, 0.0, 50.0, 50.0, 150.0),
        (6, 100.0, 0.0, 40.0, 40.0, 60.0),
    ]
    assert cash.differences(book.engine).is_empty()


def test_the_metrics_on_a_small_book(book: Db) -> None:
    registry = MetricRegistry(make_host())
    nov = D(2026, 11, 1)
    collected = registry.facts(book.engine, OPERATOR, "collected", nov, nov)
    assert dict(zip(collected["person_id"], collected["num"], strict=True)) == {4: 50.0, 5: 40.0}
    rate = registry.facts(book.engine, OPERATOR, "collection_rate", nov, nov).sort("person_id")
    # Due in November: order 2 (4 Nov, 200), 3 (19 Nov, 300), 4 (30 Nov, 500).
    assert rate.select("person_id", "num", "den").rows() == [
        (4, 50.0, 200.0),
        (5, 40.0, 300.0),
        (7, 0.0, 500.0),
    ]
    oct_ = D(2026, 10, 1)
    dso = registry.facts(book.engine, OPERATOR, "dso", oct_, oct_).sort("person_id")
    values = {p: n / d for p, n, d in dso.select("person_id", "num", "den").iter_rows()}
    # At 31 October: rep 4 owes 100 + 200 - 100 = 200 on October's 200 of revenue.
    assert values[4] == pytest.approx(200 / 200 * 31)
    assert values[5] == pytest.approx(400 / 300 * 31)
    assert values[7] == pytest.approx(550 / 500 * 31)


def test_over_payment_future_dates_and_amounts_are_refused(book: Db) -> None:
    rows = [
        ("PAY-010", 5, D(2026, 11, 2), 30.0),
        ("PAY-011", 5, D(2026, 11, 3), 30.0),  # 60 on a line of 50
        ("PAY-012", 3, D(2026, 11, 20), 10.0),  # after today
        ("PAY-013", 3, D(2026, 11, 2), 0.0),
        ("PAY-002", 2, D(2026, 11, 10), 200.0),  # replaces 50: 200 of 200 is fine
    ]
    with read_session(book.engine) as session:
        found = cash.refusals(session, _payments(rows), today=AS_OF)
    assert [(r.index, r.column) for r in found] == [(1, "amount"), (2, "paid_on"), (3, "amount")]
    assert "left to collect on order 5 (20.00)" in found[0].reason
    viewer = Viewer("director", "director", 1, None)
    with pytest.raises(cash.PaymentError, match="left to collect"), write_session(book.engine) as s:
        cash.record_payment(s, viewer, 5, D(2026, 11, 2), 51.0, today=AS_OF)
    with pytest.raises(PermissionError), write_session(book.engine) as s:
        cash.record_payment(s, Viewer("sup", "supervisor", 3, frozenset({3, 4, 5})), 5, AS_OF, 1.0)
    with write_session(book.engine) as s:
        cash.record_payment(s, viewer, 5, D(2026, 11, 2), 50.0, today=AS_OF)
    with read_session(book.engine) as session:
        entry = session.query(AuditEntry).filter_by(action="payment_recorded").one()
    assert entry.actor == "director" and entry.detail["amount"] == 50.0
    assert cash.overdue_total(book.engine, OPERATOR, AS_OF) == (210.0, 60.0)


def test_the_import_kind_all_or_nothing_and_the_export(book: Db, tmp_path: Path) -> None:
    host = make_host()
    bad = tmp_path / "payments.csv"
    bad.write_text(
        "payment_id,order_id,paid_on,amount\n"
        "P-1,5,2026-11-02,20\n"
        "P-2,99,2026-11-02,20\n"
        "P-3,5,2026-11-03,40\n"
        "P-4,3,2099-01-01,5\n"
    )
    with pytest.raises(ImportFailed) as failed:
        run_import(book.engine, host, "payments", bad)
    text = str(failed.value)
    assert "payments.csv:3: order_id: unknown order" in text
    assert "payments.csv:4: amount: pays more than is left to collect on order 5 (30.00)" in text
    assert "payments.csv:5: paid_on:" in text
    assert cash.collected_by_person_month(book.engine, [7], "2026-01", "2026-12").is_empty()
    good = tmp_path / "good.csv"
    good.write_text(
        "payment_id,order_id,paid_on,amount\nP-1,5,2026-11-02,20\nP-2,4,2026-11-05,100\n"
    )
    report = run_import(book.engine, host, "payments", good)
    assert report.inserted == 2
    good.write_text("payment_id,order_id,paid_on,amount\nP-1,5,2026-11-02,50\n")
    report = run_import(book.engine, host, "payments", good)
    assert report.updated == 1
    assert cash.collected_by_person_month(book.engine, [7], "2026-11", "2026-11").rows() == [
        (7, "2026-11", 150.0)
    ]
    assert cash.differences(book.engine).is_empty()
    out = tmp_path / "out.csv"
    run_export(book.engine, host, "payments", out, OPERATOR)
    assert out.read_text().splitlines() == [
        "payment_id,order_id,paid_on,amount",
        "P-1,5,2026-11-02,50.0",
        "P-2,4,2026-11-05,100.0",
        "PAY-001,1,2025-11-20,100.0",
        "PAY-002,2,2026-11-10,50.0",
        "PAY-003,6,2026-11-01,40.0",
    ]


def test_a_payment_on_a_split_line_is_spread_over_its_rows(book: Db) -> None:
    # A line of 1,000 split 70/30 between rep 4 and supervisor 3 (H1's split rows).
    with write_session(book.engine) as session:
        for oid, pid, revenue, share in ((10, 4, 700.0, 0.7), (11, 3, 300.0, 0.3)):
            session.add(
                OrderLine(
                    order_id=oid,
                    customer_id=1,
                    person_id=pid,
                    order_date=D(2026, 11, 1),
                    revenue=revenue,
                    cost=0.0,
                    credit_share=share,
                    credit_group=10,
                )
            )
        session.flush()
        cash.store_payments(session, _payments([("SPLIT-1", 11, D(2026, 11, 12), 500.0)]))
    got = cash.collected_by_line_month(book.engine, None, "2026-11", "2026-11")
    assert got.filter(pl.col("order_id") >= 10).rows() == [
        (11, 3, "2026-11", 150.0),
        (10, 4, "2026-11", 350.0),
    ]
    with read_session(book.engine) as session:
        more = cash.refusals(session, _payments([("SPLIT-2", 10, D(2026, 11, 13), 500.01)]), AS_OF)
    assert [r.column for r in more] == ["amount"]
    states = cash.line_states(book.engine, [10, 11], D(2026, 11, 1), D(2026, 11, 30))
    assert states["outstanding"].to_list() == [350.0, 150.0]


def test_the_receivables_page_and_a_payment_recorded_there(
    book: Db, monkeypatch: pytest.MonkeyPatch, app_env: None
) -> None:
    if book.backend != "sqlite":
        pytest.skip("the page runs the queries tested on both backends above")
    from command_center import testing as apptest
    from command_center.org.auth import add_user
    from tests.conftest import use_db

    with write_session(book.engine) as session:
        add_user(session, "rep4", "demo-pass-2026", "rep", 4)
        add_user(session, "boss", "demo-pass-2026", "director", 1)
    use_db(monkeypatch, book)
    at = apptest.open_page(apptest.start(book.engine, "rep4"), "receivables")
    assert not at.exception and apptest.page_problems(at) == []
    ageing = at.dataframe[0].value
    assert ageing["name"].tolist() == ["代表一"] and ageing["total"].tolist() == [150.0]
    lines = at.dataframe[1].value
    assert lines["order_key"].tolist() == ["2"] and lines["outstanding"].tolist() == [150.0]
    assert not [b for b in at.button if b.label == "Record payment"]
    at = apptest.open_page(apptest.start(book.engine, "boss"), "receivables")
    assert not at.exception and apptest.page_problems(at) == []
    at.text_input(key="receivables_order").input("5")
    next(n for n in at.number_input if n.label == "Amount").set_value(60.0)
    at = next(b for b in at.button if b.label == "Record payment").click().run()
    assert "Not recorded: amount: pays more than is left to collect on order 5" in apptest.texts(at)
    next(n for n in at.number_input if n.label == "Amount").set_value(50.0)
    at = next(b for b in at.button if b.label == "Record payment").click().run()
    assert not at.exception and "recorded on 5" in apptest.texts(at)
    assert cash.collected_by_line_month(book.engine, [7], "2026-01", "2030-12")[
        "collected"
    ].to_list() == [50.0]


def test_the_demos_payments_pay_most_lines_on_time_some_late_some_never() -> None:
    from command_center.demo_payments import payment_frames

    n = 20_000
    days = pl.int_range(0, n, eager=True) % 700
    orders = pl.DataFrame(
        {
            "order_id": pl.int_range(1, n + 1, eager=True),
            "person_id": pl.int_range(0, n, eager=True) % 7 + 1,
            "order_date": pl.select(pl.lit(D(2025, 1, 1)) + pl.duration(days=days)).to_series(),
            "revenue": (days.cast(pl.Float64) % 13 + 1) * 100.0 + 0.01,
        }
    )
    as_of = D(2026, 12, 1)
    payments, credits = payment_frames(orders, 7, as_of)
    assert payments["payment_key"].n_unique() == payments.height
    assert payments["paid_on"].max() <= as_of  # type: ignore[operator]
    assert credits.select("payment_id", "order_id", "paid_on", "amount").equals(
        payments.select("payment_id", "order_id", "paid_on", "amount")
    )
    per_line = orders.join(
        payments.group_by("order_id").agg(pl.col("amount").sum().alias("paid")),
        on="order_id",
        how="left",
    ).with_columns(pl.col("paid").fill_null(0.0))
    assert per_line.filter(pl.col("paid") > pl.col("revenue") + 1e-9).is_empty()
    old = per_line.filter(pl.col("order_date") < D(2025, 6, 1))  # all due 18 months ago
    never = old.filter(pl.col("paid") == 0).height / old.height
    assert 0.005 < never < 0.02
    assert (
        old.filter(pl.col("paid") < pl.col("revenue") - 0.005).height
        == old.filter(pl.col("paid") == 0).height
    )  # what is paid of an old line is paid in full


def test_rebuild_summaries_checks_and_rebuilds_the_collected_cash(
    book: Db, monkeypatch: pytest.MonkeyPatch, app_env: None
) -> None:
    if book.backend != "sqlite":
        pytest.skip("cash.rebuild and cash.differences run on both backends above")
    from typer.testing import CliRunner

    from command_center import cli
    from tests.conftest import use_db

    use_db(monkeypatch, book)
    cli.build_app()
    with write_session(book.engine) as session:  # a summary gone astray
        session.connection().exec_driver_sql("UPDATE collected_person_month SET collected = 1")
    runner = CliRunner()
    checked = runner.invoke(cli.app, ["rebuild-summaries", "--check"])
    assert checked.exit_code == 1 and "collected_person_month" in checked.output
    assert runner.invoke(cli.app, ["rebuild-summaries"]).exit_code == 0
    assert cash.differences(book.engine).is_empty()
    assert runner.invoke(cli.app, ["rebuild-summaries", "--check"]).exit_code == 0
