"""The ledger summaries always equal a fresh GROUP BY of the detail, whatever wrote it."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl
from sqlalchemy import delete, func, select, update

from command_center.db import frames, summaries
from command_center.db.bulk import bulk_insert
from command_center.db.engine import write_session
from command_center.db.models import (
    Customer,
    CustomerMonthSales,
    OrderLine,
    OrderRefund,
    PersonMonthSales,
)
from command_center.io import run_import
from command_center.ledger import NewLine, book_lines, refund
from tests.conftest import make_host
from tests.factories import load_small_org


def _assert_equal(engine) -> None:
    for table, bad in summaries.differences(engine).items():
        assert bad.is_empty(), f"{table} differs from the detail:\n{bad}"


def _person_month(engine) -> dict[tuple[int, str], tuple[float, int, float]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                PersonMonthSales.person_id,
                PersonMonthSales.month,
                PersonMonthSales.revenue,
                PersonMonthSales.lines,
                PersonMonthSales.refunds,
            ).where((PersonMonthSales.lines != 0) | (PersonMonthSales.refund_lines != 0))
        ).all()
    return {(p, m.isoformat()[:7]): (r, n, f) for p, m, r, n, f in rows}


def test_migration_fills_the_summaries_and_bookings_keep_them(empty_db) -> None:
    engine = empty_db.engine
    load_small_org(engine)
    got = _person_month(engine)
    assert got[(4, "2026-10")] == (200.0, 1, 0.0)
    assert got[(7, "2026-10")] == (500.0, 1, 0.0)
    with write_session(engine) as session:
        book_lines(session, [NewLine(1, 4, dt.date(2026, 10, 9), 50.0, 5.0)], "t", "test")
        refund(session, 2, dt.date(2026, 11, 3), 20.0, "damaged", "t")
    got = _person_month(engine)
    assert got[(4, "2026-10")] == (250.0, 2, 0.0)
    assert got[(4, "2026-11")] == (0.0, 0, 20.0)  # a refund-only month
    _assert_equal(engine)


def test_random_writes_of_every_kind_keep_both_summaries_equal(empty_db) -> None:
    engine = empty_db.engine
    load_small_org(engine)
    with write_session(engine) as session:
        session.add(Customer(customer_id=2, name="乙", owner_id=5, created_on=dt.date(2020, 1, 1)))
    rng = random.Random(3)
    people, customers = [4, 5, 7], [1, 2]
    next_id = 100

    def day() -> dt.date:
        return dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(330))

    for _ in range(12):
        with write_session(engine) as session:
            for _ in range(rng.randrange(1, 6)):
                next_id += 1
                session.add(
                    OrderLine(
                        order_id=next_id,
                        customer_id=rng.choice(customers),
                        person_id=rng.choice(people),
                        order_date=day(),
                        revenue=round(rng.uniform(1, 1000), 2),
                        cost=round(rng.uniform(0, 300), 2),
                    )
                )
            session.flush()
            ids = session.scalars(select(OrderLine.order_id)).all()
            target = rng.choice(ids)
            if rng.random() < 0.5:
                refund_id = (session.scalar(select(func.max(OrderRefund.refund_id))) or 0) + 1
                session.add(
                    OrderRefund(refund_id=refund_id, order_id=target, refund_date=day(), amount=0.5)
                )
                session.flush()
            moved = rng.choice(ids)  # refunds, if any, must follow their line
            session.execute(
                update(OrderLine)
                .where(OrderLine.order_id == moved)
                .values(
                    person_id=rng.choice(people),
                    customer_id=rng.choice(customers),
                    order_date=day(),
                    revenue=OrderLine.revenue + 1,
                )
            )
            if rng.random() < 0.3:
                session.execute(
                    update(OrderRefund).values(refund_date=day(), amount=OrderRefund.amount + 1)
                )
            if rng.random() < 0.3:
                session.execute(delete(OrderRefund).where(OrderRefund.order_id == target))
            free = session.scalars(
                select(OrderLine.order_id).where(
                    OrderLine.order_id.not_in(select(OrderRefund.order_id))
                )
            ).all()
            session.execute(delete(OrderLine).where(OrderLine.order_id == rng.choice(free)))
        _assert_equal(engine)


def test_bulk_insert_and_import_upserts_keep_them(empty_db, tmp_path) -> None:
    engine = empty_db.engine
    load_small_org(engine)
    frame = pl.DataFrame(
        {
            "order_id": list(range(1000, 1300)),
            "customer_id": [1] * 300,
            "person_id": [4, 5, 7] * 100,
            "order_date": [dt.date(2026, 1 + i % 12, 1 + i % 28) for i in range(300)],
            "revenue": [float(i) for i in range(300)],
            "cost": [1.0] * 300,
        }
    )
    with write_session(engine) as session:
        bulk_insert(session, OrderLine.__table__, frame)
        session.execute(delete(OrderLine).where(OrderLine.order_id == 4))
    assert (7, "2026-10") not in _person_month(engine)  # its only line is gone: a zero row
    _assert_equal(engine)
    path = tmp_path / "orders.csv"
    path.write_text(
        "order_id,customer_id,person_id,order_date,revenue,cost\n"
        "2,1,5,2026-03-04,999,1\n"  # an existing line moves to another person and month
        "5000,1,7,2026-05-06,10,1\n",
        encoding="utf-8",
    )
    before = _person_month(engine)
    run_import(engine, make_host(), "orders", path)
    after = _person_month(engine)
    assert after[(4, "2026-10")][1] == before[(4, "2026-10")][1] - 1
    assert after[(5, "2026-03")][0] == before.get((5, "2026-03"), (0.0,))[0] + 999
    _assert_equal(engine)


def test_rebuild_recomputes_what_was_damaged(empty_db) -> None:
    engine = empty_db.engine
    load_small_org(engine)
    with engine.begin() as conn:
        conn.execute(update(PersonMonthSales).values(revenue=0.0))
    assert not summaries.differences(engine)["sales_person_month"].is_empty()
    with engine.begin() as conn:
        counts = summaries.rebuild(conn)
    assert counts["sales_person_month"] == 6
    _assert_equal(engine)


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(frame.columns)


def _fresh(engine, table) -> pl.DataFrame:
    frames.clear_cache()
    return _sorted(frames.summary(engine, table))


def test_copies_in_memory_fold_in_every_change(empty_db, monkeypatch) -> None:
    engine = empty_db.engine
    load_small_org(engine)
    person, customer = PersonMonthSales.__table__, CustomerMonthSales.__table__
    frames.summary(engine, person), frames.summary(engine, customer)  # copies made
    reads: list[str] = []
    real = frames._read_copy
    monkeypatch.setattr(frames, "_read_copy", lambda *a: reads.append("whole") or real(*a))
    with write_session(engine) as session:
        book_lines(session, [NewLine(1, 7, dt.date(2026, 12, 1), 70.0, 7.0)], "t", "test")
        refund(session, 3, dt.date(2026, 12, 2), 30.0, "late", "t")
        session.execute(delete(OrderLine).where(OrderLine.order_id == 1))  # a row to zero
    folded = {t.name: _sorted(frames.summary(engine, t)) for t in (person, customer)}
    assert reads == []  # brought up to date from the changed rows alone
    got = folded["sales_person_month"]
    assert got.filter((pl.col("person_id") == 7) & (pl.col("month") == dt.date(2026, 12, 1)))[
        "revenue"
    ].to_list() == [70.0]
    assert got.filter(
        (pl.col("person_id") == 4) & (pl.col("month") == dt.date(2025, 10, 1))
    ).is_empty()
    for table in (person, customer):
        assert folded[table.name].equals(_fresh(engine, table))
    reads.clear()
    with engine.begin() as conn:
        summaries.rebuild(conn)
    frames.summary(engine, person)
    assert reads == ["whole"]  # a rebuild is read afresh


def test_derived_by_month_is_derived_again_only_for_changed_months(empty_db) -> None:
    engine = empty_db.engine
    load_small_org(engine)
    table = CustomerMonthSales.__table__
    seen: list[dt.date] = []

    def revenue(rows: pl.DataFrame) -> pl.DataFrame:
        seen.extend(rows["month"].unique().to_list())
        return rows.group_by("customer_id", "month").agg(pl.col("revenue").sum())

    first = frames.summary_by_month(engine, table, "test:revenue", revenue)
    months = sorted(set(first["month"].to_list()))
    october = dt.date(2026, 10, 1)
    stamps = frames.summary_stamps(engine, table, [october, dt.date(2025, 10, 1)])
    seen.clear()
    with write_session(engine) as session:
        book_lines(session, [NewLine(1, 4, dt.date(2026, 10, 9), 50.0, 5.0)], "t", "test")
    again = frames.summary_by_month(engine, table, "test:revenue", revenue)
    assert seen == [october]  # the other months' sums were kept
    assert sorted(set(again["month"].to_list())) == months
    assert _sorted(again).equals(_sorted(revenue(frames.summary(engine, table))))
    moved = frames.summary_stamps(engine, table, [october, dt.date(2025, 10, 1)])
    assert moved[-1] == stamps[-1] and moved[-2] != stamps[-2]


def test_big_imports_are_summed_in_one_pass_and_equal_the_detail(empty_db, tmp_path) -> None:
    engine = empty_db.engine
    load_small_org(engine)
    with write_session(engine) as session:
        refund(session, 2, dt.date(2026, 11, 3), 20.0, "damaged", "t")
    count = summaries.BULK_FROM + 500
    rows = ["order_id,customer_id,person_id,order_date,revenue,cost"]
    rows.append("2,1,7,2026-03-04,999,1")  # an existing line (with a refund) moves to person 7
    rows += [
        f"{10_000 + i},1,{(4, 5, 7)[i % 3]},2026-{1 + i % 12:02d}-{1 + i % 28:02d},{i}.5,1"
        for i in range(count)
    ]
    path = tmp_path / "orders.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = run_import(engine, make_host(), "orders", path, dry_run=True)
    assert report.inserted == count  # a dry run writes nothing, summaries included
    _assert_equal(engine)
    run_import(engine, make_host(), "orders", path)
    _assert_equal(engine)
    got = _person_month(engine)
    assert got[(7, "2026-11")][2] == 20.0  # the refund followed its line to person 7
    refunds = ["refund_id,order_id,refund_date,amount,reason"] + [
        f"{100 + i},{10_000 + i},2026-12-01,0.5,late" for i in range(count)
    ]
    path = tmp_path / "refunds.csv"
    path.write_text("\n".join(refunds) + "\n", encoding="utf-8")
    run_import(engine, make_host(), "refunds", path)
    _assert_equal(engine)
    with write_session(engine) as session:  # the triggers are back after the bulk pass
        book_lines(session, [NewLine(1, 4, dt.date(2026, 12, 5), 1.0)], "t", "test")
    _assert_equal(engine)
