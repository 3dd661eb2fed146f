"""Issue 16's walk, end to end on a real database: a rep quotes two products at a discount
that needs approval, the supervisor approves, the contract signs with a 70/30 split between
the rep and the supervisor, the customer pays half; the statements pay commission on the
collected half, split 70/30, and hold the rest back; the locked month's payroll file
matches the statements to the cent.

By hand (the quote of ``tests/test_quotes.py``): P-A 3 x 12,000 less 15 % and P-B 2 x 4,500
less 5 %, 2 % more on the total: lines of 29,988.00 and 8,379.00. Split 70/30 the ledger
gets 20,991.60 / 8,996.40 and 5,865.30 / 2,513.70. The customer pays half of each line
(14,994.00 and 4,189.50): the rep collects 10,495.80 + 2,932.65 = 13,428.45, the
supervisor 4,498.20 + 1,256.85 = 5,755.05. At 5 % of collected cash the rep earns 671.42
and the supervisor 287.75 (70 : 30 of 959.18); as much again is held back.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from sqlalchemy import Engine, select

from command_center import cash
from command_center.db.engine import read_session, write_session
from command_center.db.models import OrderLine
from command_center.keys import keys_for
from command_center.metrics import MetricRegistry
from command_center.org.scope import OPERATOR
from plugins.incentives.actions import payroll as payroll_actions
from plugins.incentives.actions import plans as plan_actions
from plugins.incentives.actions import settlement as settlement_actions
from plugins.incentives.queries import settlements as settlement_reads
from plugins.incentives.queries.estimate import running_estimate
from plugins.pipeline import actions
from tests.conftest import make_host
from tests.fixtures_pipeline import AT, REP4, SUP3, new_deal, org
from tests.test_quotes import build, catalogue, quote_row

NOV = dt.date(2026, 11, 1)
PAID_ON = dt.date(2026, 11, 20)
CASH_PLAN = """
name: Cash plan
period: month
eligible: {levels: [rep, supervisor]}
components:
  - name: cash_commission
    label: 回款提成
    type: rate
    base: collected
    rate: 0.05
"""


@pytest.fixture
def db(empty_db) -> Engine:
    org(empty_db.engine)
    catalogue(empty_db.engine)
    plan_actions.save_plan(empty_db.engine, OPERATOR, CASH_PLAN, "test", dt.date(2026, 1, 1))
    return empty_db.engine


def signed_70_30(db: Engine) -> list[int]:
    """The quote approved and accepted, the contract split 70/30 and signed."""
    opp = new_deal(db)
    actions.save_deal_credits(db, REP4, opp, [(4, 70.0), (3, 30.0)])
    qid = build(db, opp)
    actions.request_approval(db, REP4, qid, at=AT)
    actions.decide_quote(db, SUP3, qid, approve=True, note="战略客户，同意", at=AT)
    assert quote_row(db, qid).status == "approved"
    actions.send_quote(db, REP4, qid, at=AT)
    cid = actions.accept_quote(
        db, REP4, qid, payment_terms="net60", delivery_date=dt.date(2027, 1, 15), at=AT
    )
    actions.submit_contract(db, REP4, cid, at=AT)
    actions.review_contract(db, SUP3, cid, approve=True, comment="同意", at=AT)
    return actions.sign_contract(db, REP4, cid, at=AT)


def test_commission_on_the_collected_half_split_70_30(db: Engine) -> None:
    order_ids = signed_70_30(db)
    with read_session(db) as session:
        rows = session.execute(
            select(OrderLine.order_id, OrderLine.person_id, OrderLine.product_id, OrderLine.revenue)
            .where(OrderLine.order_date == AT.date())
            .order_by(OrderLine.order_id)
        ).all()
    assert [tuple(r)[1:] for r in rows] == [
        (4, "P-A", 20_991.6),
        (3, "P-A", 8_996.4),
        (4, "P-B", 5_865.3),
        (3, "P-B", 2_513.7),
    ]
    with write_session(db) as session:  # the customer pays half of each line
        for order_id, half in zip(order_ids, (14_994.0, 4_189.5), strict=True):
            cash.record_payment(session, OPERATOR, order_id, PAID_ON, half, today=PAID_ON)

    registry = MetricRegistry(make_host())
    # the running month's estimate (Today) already pays on the rep's own cash
    running = running_estimate(db, registry, 4, dt.date(2026, 11, 25))
    assert running is not None and running.payout == 671.42
    done = settlement_actions.compute_settlement(db, registry, OPERATOR, NOV, "director")
    statements = settlement_reads.current_statements(db, OPERATOR, "2026-11")
    payout = dict(statements.select("person_id", "payout").iter_rows())
    assert (payout[4], payout[3]) == (671.42, 287.75)

    rep = settlement_reads.credits(db, OPERATOR, done.settlement_id, 4)
    shown = rep.select(
        "product_id", "credit_share", "collected", "outstanding", "booked", "held_back", "released"
    ).rows()
    # Booked: 5 % of the rep's share of each line (293.265 is 293.26499... in binary: 293.26);
    # held back and released: 5 % of each half.
    assert shown == [
        ("P-A", 0.7, 10_495.8, 10_495.8, 1_049.58, 524.79, 524.79),
        ("P-B", 0.7, 2_932.65, 2_932.65, 293.26, 146.63, 146.63),
    ]
    assert rep["contribution"].sum() == pytest.approx(671.42, abs=0.005)
    # what a statement on booked revenue shows of the lines
    now = settlement_reads.collection_now(db, rep, dt.date(2026, 11, 30))
    assert now.select("collected_to_date", "outstanding").rows() == [
        (10_495.8, 10_495.8),
        (2_932.65, 2_932.65),
    ]
    sup = settlement_reads.credits(db, OPERATOR, done.settlement_id, 3)
    assert sup["credit_share"].to_list() == [0.3, 0.3]
    assert sup["released"].sum() == pytest.approx(287.75, abs=0.01)
    assert sup["held_back"].sum() == pytest.approx(287.75, abs=0.01)

    # the month is locked; its payroll file says what the statements say, to the cent
    settlement_actions.lock_settlement(db, OPERATOR, done.settlement_id, "director")
    text = payroll_actions.export_payroll(db, OPERATOR, "2026-11", "csv", "director").data
    table = pl.read_csv(text, schema_overrides={"person_key": pl.String, "total": pl.String})
    locked = settlement_reads.current_statements(db, OPERATOR, "2026-11")
    keys = keys_for(db, "person", locked["person_id"].to_list())
    got = dict(table.select("person_key", "total").iter_rows())
    assert (got[keys[4]], got[keys[3]]) == ("671.42", "287.75")
    assert {keys[p]: f"{v:.2f}" for p, v in locked.select("person_id", "payout").iter_rows()} == got
    assert table["gross_commission"].to_list() == table["total"].cast(pl.Float64).to_list()
