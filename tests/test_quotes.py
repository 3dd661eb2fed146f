"""Quotes (issue 16 item 2): hand-computed totals, discount approval by a leader above the
rep (refused to a peer and to a rep), versions, HTML escaping, an accepted quote becoming
the contract's lines and the signed contract booking them with their products; both
backends.

The catalogue of these tests (prices by hand):

- ``P-A`` 智能仓储系统: list price 12,000, standard cost 7,000, not in the price list;
- ``P-B`` 实施服务: list price 5,000, cost 2,000, **4,500** in the price list ``PL-2026``
  valid 2026-01-01 to 2026-12-31 (the price on a quote dated in 2026);
- ``P-OLD``: off sale.

The quote: 3 x P-A at 12,000 less 15 % = 30,600.00; 2 x P-B at 4,500 less 5 % = 8,550.00;
subtotal 39,150.00; an extra 2 % on the total takes each line to
36,000 x 0.85 x 0.98 = 29,988.00 and 9,000 x 0.95 x 0.98 = 8,379.00: total 38,367.00
(extra discount 783.00). At the price list the lines are worth 36,000 + 9,000 = 45,000,
so the total is 14.74 % off; the P-A line is 15 % off, beyond the 10 % limit.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from sqlalchemy import Engine, inspect, select, text
from streamlit.testing.v1 import AppTest

from command_center import i18n, pricing, runtime
from command_center import testing as apptest
from command_center.db import catalog, frames
from command_center.db.engine import read_session, write_session
from command_center.db.models import (
    AuditEntry,
    Notification,
    OrderLine,
    PriceList,
    PriceListItem,
    Product,
)
from command_center.i18n import language
from command_center.notifications import text_of
from command_center.org.auth import viewer_for
from plugins.pipeline import actions, queries
from plugins.pipeline.errors import PipelineError
from plugins.pipeline.logic import quote_document as document
from plugins.pipeline.logic import quotes as rules
from plugins.pipeline.models import Contract, ContractLine, Opportunity, Quote
from tests.conftest import BACKENDS, _drop_db, _new_db, make_host
from tests.fixtures_pipeline import (
    ADMIN,
    AT,
    DIRECTOR,
    MGR2,
    REP4,
    REP5,
    SUP3,
    SUP6,
    new_deal,
    org,
    page_fixtures,
    refused,
)

DAY = AT.date()  # 2026-11-02


def catalogue(engine: Engine) -> None:
    with write_session(engine) as session:
        for pid, name, price, cost, active in (
            ("P-A", "智能仓储系统", 12_000.0, 7_000.0, True),
            ("P-B", "实施服务", 5_000.0, 2_000.0, True),
            ("P-OLD", "旧型号", 1_000.0, 500.0, False),
        ):
            session.add(
                Product(
                    product_id=pid,
                    name=name,
                    category="系统",
                    list_price=price,
                    standard_cost=cost,
                    active=active,
                )
            )
        session.flush()
        session.add(
            PriceList(
                price_list_id="PL-2026",
                name="2026",
                valid_from=dt.date(2026, 1, 1),
                valid_to=dt.date(2026, 12, 31),
            )
        )
        session.flush()
        session.add(PriceListItem(price_list_id="PL-2026", product_id="P-B", price=4_500.0))


@pytest.fixture
def db(empty_db) -> Engine:
    org(empty_db.engine)
    catalogue(empty_db.engine)
    return empty_db.engine


def quote_row(engine: Engine, quote_id: int) -> Quote:
    with read_session(engine) as session:
        row = session.get_one(Quote, quote_id)
        session.expunge(row)
        return row


def build(engine: Engine, opp: int) -> int:
    """The module's quote, built by rep 4: two products, discounts, 2 % extra."""
    qid = actions.create_quote(engine, REP4, opp, at=AT)
    actions.add_quote_line(engine, REP4, qid, product_id="P-A", quantity=3, discount_pct=15)
    actions.add_quote_line(engine, REP4, qid, product_id="P-B", quantity=2, discount_pct=5)
    actions.save_quote(
        engine,
        REP4,
        qid,
        valid_until=dt.date(2026, 12, 2),
        extra_discount_pct=2,
        note="含安装与培训",
    )
    return qid


def money_of(engine: Engine, viewer, qid: int) -> rules.QuoteTotals:
    lines = queries.quote_lines(engine, viewer, [qid])
    return rules.totals(rules.priced_lines(lines, quote_row(engine, qid).extra_discount_pct))


def notes_of(engine: Engine, person_id: int) -> list[tuple[str, str, dict]]:
    with read_session(engine) as session:
        rows = session.execute(
            select(Notification.kind, Notification.text_key, Notification.params)
            .where(Notification.person_id == person_id)
            .order_by(Notification.notification_id)
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


# -- pure rules -------------------------------------------------------------------------
def test_line_amounts_are_cents_rounded_half_up() -> None:
    assert rules.line_amount(3, 12_000, 15) == 30_600.00
    assert rules.line_amount(1, 0.125) == 0.13  # exact 0.125: half up, not to even
    assert rules.line_amount(3, 33.335) == 100.01  # 100.005 exactly, not 100.00499… in binary
    assert rules.line_amount(2, 4_500, rules.combined_discount(5, 2)) == 8_379.00
    assert rules.combined_discount(15, 2) == 16.7  # 1 - 0.85 x 0.98
    assert rules.combined_discount(5, 2) == 6.9  # 1 - 0.95 x 0.98
    assert rules.combined_discount(12.5, 3.33) == pytest.approx(15.41375)  # 1 - .875 x .9667
    frame = pl.DataFrame({"quantity": [1.0, 2.5, 3.0], "unit_price": [0.125, 4_000.0, 33.335]})
    assert rules.line_amounts(frame, discount_pct=None).to_list() == [0.13, 10_000.0, 100.01]
    with pytest.raises(ValueError):
        rules.percent_value(100.5)
    assert rules.percent_value(12.345) == 12.35


def test_the_quote_totals_by_hand() -> None:
    lines = pl.DataFrame(
        {
            "quantity": [3.0, 2.0],
            "list_price": [12_000.0, 4_500.0],
            "unit_price": [12_000.0, 4_500.0],
            "discount_pct": [15.0, 5.0],
        }
    )
    priced = rules.priced_lines(lines, 2.0)
    assert priced["line_total"].to_list() == [30_600.0, 8_550.0]
    assert priced["net_total"].to_list() == [29_988.0, 8_379.0]
    money = rules.totals(priced)
    assert (money.list_value, money.subtotal, money.extra_amount, money.total) == (
        45_000.0,
        39_150.0,
        783.0,
        38_367.0,
    )
    assert money.max_line_discount == pytest.approx(0.15)
    assert money.total_discount == pytest.approx(1 - 38_367 / 45_000)  # 14.74 %
    reasons = rules.approval_reasons(money, 10)
    assert [key for key, _ in reasons] == [
        "pipeline.quote.reason_line",
        "pipeline.quote.reason_total",
    ]
    assert rules.approval_reasons(money, 15) == []  # 15 % is within a 15 % limit


def test_the_total_alone_can_need_approval() -> None:
    """Every line 8 % off, 3 % more on the total: 1 - 0.92 x 0.97 = 10.76 % > 10 %."""
    lines = pl.DataFrame(
        {
            "quantity": [1.0, 1.0],
            "list_price": [1_000.0, 2_000.0],
            "unit_price": [1_000.0, 2_000.0],
            "discount_pct": [8.0, 8.0],
        }
    )
    money = rules.totals(rules.priced_lines(lines, 3.0))
    assert money.total == 2_677.20  # 920 x .97 = 892.40, 1,840 x .97 = 1,784.80
    assert [key for key, _ in rules.approval_reasons(money, 10)] == ["pipeline.quote.reason_total"]
    # a unit price typed below the price list counts as a discount, one above offsets it
    typed = lines.with_columns(
        pl.Series("unit_price", [850.0, 2_200.0]), pl.lit(0.0).alias("discount_pct")
    )
    money = rules.totals(rules.priced_lines(typed, 0.0))
    assert money.max_line_discount == pytest.approx(0.15)
    assert money.total_discount == pytest.approx(1 - 3_050 / 3_000)  # negative: above the list


def test_the_states_of_a_quote() -> None:
    assert rules.check_quote("send", "draft") is None
    assert rules.check_quote("send", "pending") is not None
    assert rules.check_quote("edit", "sent").key == "pipeline.error.quote_sent"  # type: ignore[union-attr]
    assert rules.check_quote("approve", "draft").key == "pipeline.error.quote_not_pending"  # type: ignore[union-attr]
    assert rules.quote_after("edit", "approved") == "draft"
    assert rules.shown_status("sent", dt.date(2026, 12, 1), dt.date(2026, 12, 2)) == "expired"
    assert rules.shown_status("sent", dt.date(2026, 12, 2), dt.date(2026, 12, 2)) == "sent"
    assert rules.shown_status("accepted", dt.date(2026, 1, 1), dt.date(2026, 12, 2)) == "accepted"
    assert rules.quote_label(17, 2) == "Q-000017-v2"


# -- the walk ------------------------------------------------------------------------------
def test_a_rep_quotes_two_products_and_the_supervisor_approves(db: Engine) -> None:
    opp = new_deal(db)
    qid = build(db, opp)
    lines = queries.quote_lines(db, REP4, [qid])
    # P-B's price is the price list's on the quote date, P-A's its list price
    assert lines.select("product_id", "list_price", "unit_price").rows() == [
        ("P-A", 12_000.0, 12_000.0),
        ("P-B", 4_500.0, 4_500.0),
    ]
    assert lines["unit_cost"].is_null().all()  # a rep reads no standard costs
    assert queries.quote_lines(db, SUP3, [qid])["unit_cost"].to_list() == [7_000.0, 2_000.0]
    money = money_of(db, REP4, qid)
    assert (money.subtotal, money.extra_amount, money.total) == (39_150.0, 783.0, 38_367.0)

    with refused("pipeline.error.quote_needs_approval"):
        actions.send_quote(db, REP4, qid, at=AT)
    with refused("pipeline.error.product_inactive"):
        actions.add_quote_line(db, REP4, qid, product_id="P-OLD", quantity=1)
    assert queries.quotes_waiting(db, SUP3).is_empty()  # read (and cached) before asking
    actions.request_approval(db, REP4, qid, at=AT)
    assert quote_row(db, qid).status == "pending"
    assert notes_of(db, 3) == [
        (
            "quote_approval",
            "pipeline.notify.quote_requested",
            {"quote": f"Q-{opp:06d}-v1", "deal": "智能仓储项目", "who": "代表一"},
        )
    ]
    # in the supervisor's queue, not in a peer supervisor's, never in a rep's
    assert queries.quotes_waiting(db, SUP3)["quote_id"].to_list() == [qid]
    assert queries.quotes_waiting(db, MGR2)["quote_id"].to_list() == [qid]
    assert queries.quotes_waiting(db, SUP6).is_empty()
    assert queries.quotes_waiting(db, REP4).is_empty()  # a rep's own: decided above them
    with refused("pipeline.error.not_in_scope"):
        actions.decide_quote(db, SUP6, qid, approve=True, note="", at=AT)
    with refused("pipeline.error.quote_approver_role"):
        actions.decide_quote(db, REP5, qid, approve=True, note="", at=AT)
    with refused("pipeline.error.quote_approver_role"):
        actions.decide_quote(db, REP4, qid, approve=True, note="", at=AT)
    with refused("pipeline.error.quote_approver_role"):
        actions.decide_quote(db, ADMIN, qid, approve=True, note="", at=AT)
    assert quote_row(db, qid).status == "pending"
    actions.decide_quote(db, SUP3, qid, approve=True, note="战略客户，同意", at=AT)
    assert quote_row(db, qid).status == "approved"
    assert queries.quotes_waiting(db, SUP3).is_empty()  # decided: off the list at once
    assert notes_of(db, 4)[-1] == (
        "quote_decided",
        "pipeline.notify.quote_approved",
        {
            "quote": f"Q-{opp:06d}-v1",
            "deal": "智能仓储项目",
            "who": "主管甲",
            "note": "战略客户，同意",
        },
    )
    decisions = queries.quote_approvals(db, REP4, [qid])
    assert decisions.select("approver_id", "decision", "note").rows() == [
        (3, "approve", "战略客户，同意")
    ]
    assert queries.quote_approvals(db, REP5, [qid]).is_empty()

    actions.send_quote(db, REP4, qid, at=AT)
    assert quote_row(db, qid).status == "sent"
    with refused("pipeline.error.quote_sent"):
        actions.add_quote_line(db, REP4, qid, product_id="P-B", quantity=1)

    # the customer accepts: a draft contract with the quote's lines and the combined discounts
    cid = actions.accept_quote(
        db, REP4, qid, payment_terms="net60", delivery_date=dt.date(2027, 1, 15), at=AT
    )
    with read_session(db) as session:
        contract = session.get_one(Contract, cid)
        assert (contract.status, contract.payment_terms) == ("draft", "net60")
        made = session.execute(
            select(
                ContractLine.product_id,
                ContractLine.quantity,
                ContractLine.unit_price,
                ContractLine.discount_pct,
                ContractLine.unit_cost,
            ).where(ContractLine.contract_id == cid)
        ).all()
        assert [tuple(r) for r in made] == [
            ("P-A", 3.0, 12_000.0, 16.7, 7_000.0),
            ("P-B", 2.0, 4_500.0, 6.9, 2_000.0),
        ]
        assert session.get_one(Opportunity, opp).amount == 38_367.0
    assert quote_row(db, qid).status == "accepted"
    assert quote_row(db, qid).contract_id == cid
    # a rep sees the contract lines' costs empty (they came from the catalogue)
    shown = queries.contract_lines(db, REP4).filter(pl.col("contract_id") == cid)
    assert shown["unit_cost"].is_null().all()

    # today's review and signing: the ledger gets the quote's total, line by line, with products
    actions.submit_contract(db, REP4, cid, at=AT)
    actions.review_contract(db, SUP3, cid, approve=True, comment="同意", at=AT)
    order_ids = actions.sign_contract(db, REP4, cid, at=AT)
    with read_session(db) as session:
        booked = session.execute(
            select(OrderLine.product_id, OrderLine.revenue, OrderLine.cost)
            .where(OrderLine.order_id.in_(order_ids))
            .order_by(OrderLine.order_id)
        ).all()
        assert [tuple(r) for r in booked] == [
            ("P-A", 29_988.0, 21_000.0),
            ("P-B", 8_379.0, 4_000.0),
        ]
        assert session.get_one(Opportunity, opp).amount == 38_367.0
        actions_logged = set(
            session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "pipeline_quote"))
        )
    assert {
        "quote_created",
        "quote_line_added",
        "quote_saved",
        "quote_approval_requested",
        "quote_approved",
        "quote_sent",
        "quote_accepted",
    } <= actions_logged


def test_the_unit_price_is_the_price_lists_on_the_quote_date(db: Engine) -> None:
    """Two more lists from 2026-11-01 price P-B at 4,200 (PL-MID) and 4,300 (PL-AAA): on
    11-02 both are valid and started after PL-2026, the same day: the id that sorts first
    wins (4,300); on 10-20 only PL-2026 is valid (4,500). P-A is in no list: 12,000."""
    with write_session(db) as session:
        for list_id, price in (("PL-MID", 4_200.0), ("PL-AAA", 4_300.0)):
            session.add(
                PriceList(price_list_id=list_id, name=list_id, valid_from=dt.date(2026, 11, 1))
            )
            session.flush()
            session.add(PriceListItem(price_list_id=list_id, product_id="P-B", price=price))
    prices = {}
    for day in (dt.datetime(2026, 10, 20, 9), dt.datetime(2026, 11, 2, 9)):
        qid = actions.create_quote(db, REP4, new_deal(db, at=day), at=day)
        for product in ("P-A", "P-B"):
            actions.add_quote_line(db, REP4, qid, product_id=product, quantity=1)
        lines = queries.quote_lines(db, REP4, [qid])
        prices[day.date()] = dict(lines.select("product_id", "unit_price").iter_rows())
    assert prices == {
        dt.date(2026, 10, 20): {"P-A": 12_000.0, "P-B": 4_500.0},
        dt.date(2026, 11, 2): {"P-A": 12_000.0, "P-B": 4_300.0},
    }


def test_a_rejection_says_why_and_editing_needs_approval_again(db: Engine) -> None:
    opp = new_deal(db)
    qid = build(db, opp)
    actions.request_approval(db, REP4, qid, at=AT)
    with refused("pipeline.error.required"):
        actions.decide_quote(db, MGR2, qid, approve=False, note=" ", at=AT)
    actions.decide_quote(db, MGR2, qid, approve=False, note="P-A 最多 10%", at=AT)  # above: fine
    assert quote_row(db, qid).status == "rejected"
    kind, key, params = notes_of(db, 4)[-1]
    assert (kind, key, params["note"], params["who"]) == (
        "quote_decided",
        "pipeline.notify.quote_rejected",
        "P-A 最多 10%",
        "经理",
    )
    with refused("pipeline.error.quote_action"):  # a rejected quote is changed, not sent
        actions.send_quote(db, REP4, qid, at=AT)
    line = int(queries.quote_lines(db, REP4, [qid])["line_id"][0])
    actions.update_quote_line(db, REP4, line, quantity=3, unit_price=12_000, discount_pct=10)
    # 10 % on P-A is within the limit, but the extra 2 % takes the total to 10.41 % off
    money = money_of(db, REP4, qid)
    assert money.total == 36_000 * 0.9 * 0.98 + 8_379.0  # 31,752 + 8,379 = 40,131
    assert money.total_discount == pytest.approx(1 - 40_131 / 45_000)
    actions.save_quote(
        db, REP4, qid, valid_until=dt.date(2026, 12, 2), extra_discount_pct=0, note=""
    )
    with refused("pipeline.error.quote_no_approval_needed"):
        actions.request_approval(db, REP4, qid, at=AT)
    # an approved quote that is edited is a draft again: its approval lapses
    actions.save_quote(
        db, REP4, qid, valid_until=dt.date(2026, 12, 2), extra_discount_pct=5, note=""
    )
    actions.request_approval(db, REP4, qid, at=AT)
    actions.decide_quote(db, SUP3, qid, approve=True, note="", at=AT)
    actions.update_quote_line(db, REP4, line, quantity=4, unit_price=12_000, discount_pct=10)
    assert quote_row(db, qid).status == "draft"
    with refused("pipeline.error.quote_needs_approval"):
        actions.send_quote(db, REP4, qid, at=AT)


def test_versions(db: Engine) -> None:
    opp = new_deal(db)
    v1 = actions.create_quote(db, REP4, opp, at=AT)
    with refused("pipeline.error.quote_open"):
        actions.create_quote(db, REP4, opp, at=AT)
    actions.add_quote_line(db, REP4, v1, product_id="P-B", quantity=2, discount_pct=5)
    with refused("pipeline.error.quote_no_approval_needed"):
        actions.request_approval(db, REP4, v1, at=AT)
    actions.send_quote(db, REP4, v1, at=AT)
    # the customer wants more: the next version copies the sent one, which stays sent
    later = AT + dt.timedelta(days=3)
    v2 = actions.create_quote(db, SUP3, opp, at=later)  # a leader in scope may write too
    copy = quote_row(db, v2)
    assert (copy.version, copy.status, copy.quote_date) == (2, "draft", later.date())
    assert copy.valid_until == later.date() + dt.timedelta(days=30)
    assert queries.quote_lines(db, REP4, [v2]).select(
        "product_id", "quantity", "unit_price", "discount_pct"
    ).rows() == [("P-B", 2.0, 4_500.0, 5.0)]
    assert quote_row(db, v1).status == "sent"
    actions.add_quote_line(db, REP4, v2, product_id="P-A", quantity=1)
    actions.send_quote(db, REP4, v2, at=later)
    assert [quote_row(db, q).status for q in (v1, v2)] == ["superseded", "sent"]
    with refused("pipeline.error.quote_action"):
        actions.accept_quote(db, REP4, v1, at=later)
    versions = queries.deal_quotes(db, REP4, opp)
    assert versions.select("version", "status").rows() == [(1, "superseded"), (2, "sent")]
    assert queries.deal_quotes(db, REP5, opp).is_empty()  # another rep's deal: nothing
    actions.decline_quote(db, REP4, v2, note="预算不够", at=later)
    v3 = actions.create_quote(db, REP4, opp, at=later)
    assert quote_row(db, v3).version == 3
    # an expired quote cannot be accepted
    actions.send_quote(db, REP4, v3, at=later)
    expired_on = quote_row(db, v3).valid_until
    with refused("pipeline.error.quote_expired"):
        actions.accept_quote(
            db, REP4, v3, at=dt.datetime.combine(expired_on, dt.time()) + dt.timedelta(days=1)
        )
    shown = rules.with_shown_status(
        queries.deal_quotes(db, REP4, opp), expired_on + dt.timedelta(days=1)
    )
    assert shown["shown_status"].to_list() == ["superseded", "declined", "expired"]
    cid = actions.accept_quote(db, REP4, v3, at=later)
    assert quote_row(db, v3).contract_id == cid
    with refused("pipeline.error.quote_accepted"):
        actions.create_quote(db, REP4, opp, at=later)


def test_accepting_replaces_a_draft_contracts_lines_and_not_one_in_review(db: Engine) -> None:
    opp = new_deal(db)
    cid = actions.save_contract(
        db, REP4, opp, payment_terms="net30", delivery_date=dt.date(2026, 12, 31), terms="", at=AT
    )
    actions.add_line(db, REP4, cid, description="手填明细", quantity=1, unit_price=99.0)
    qid = actions.create_quote(db, REP4, opp, at=AT)
    actions.add_quote_line(db, REP4, qid, product_id="P-B", quantity=1)
    actions.send_quote(db, REP4, qid, at=AT)
    actions.add_line(db, REP4, cid, description="又一行", quantity=1, unit_price=1.0)
    actions.submit_contract(db, REP4, cid, at=AT)
    with refused("pipeline.error.quote_contract_busy"):
        actions.accept_quote(db, REP4, qid, at=AT)
    actions.withdraw_contract(db, REP4, cid)
    assert actions.accept_quote(db, REP4, qid, at=AT) == cid
    lines = queries.contract_lines(db, DIRECTOR).filter(pl.col("contract_id") == cid)
    assert lines.select("product_id", "description", "unit_price").rows() == [
        ("P-B", "实施服务", 4_500.0)
    ]


def test_scope_and_roles_of_quote_writes(db: Engine) -> None:
    opp = new_deal(db)
    with refused("pipeline.error.not_in_scope"):
        actions.create_quote(db, REP5, opp, at=AT)
    with refused("pipeline.error.not_in_scope"):
        actions.create_quote(db, SUP6, opp, at=AT)
    with refused("pipeline.error.not_in_scope"):
        actions.create_quote(db, ADMIN, opp, at=AT)
    qid = actions.create_quote(db, REP4, opp, at=AT)
    with refused("pipeline.error.not_in_scope"):
        actions.add_quote_line(db, REP5, qid, product_id="P-A", quantity=1)
    with refused("pipeline.error.discount"):
        actions.add_quote_line(db, REP4, qid, product_id="P-A", quantity=1, discount_pct=120)
    with refused("pipeline.error.quantity"):
        actions.add_quote_line(db, REP4, qid, product_id="P-A", quantity=0)
    with refused("pipeline.error.not_found"):
        actions.add_quote_line(db, REP4, qid, product_id="P-ZZZ", quantity=1)
    with refused("pipeline.error.quote_validity"):
        actions.save_quote(
            db, REP4, qid, valid_until=DAY - dt.timedelta(days=1), extra_discount_pct=0, note=""
        )
    assert queries.quote_lines(db, REP4, [qid]).is_empty()
    assert queries.deal_quotes(db, ADMIN, opp).is_empty()
    assert queries.deal_quotes(db, DIRECTOR, opp)["quote_id"].to_list() == [qid]


@pytest.fixture
def words() -> None:
    """Every plugin's messages installed, as the app does."""
    i18n.install(make_host().translations())


def test_every_quote_status_and_action_has_words(words: None) -> None:
    for lang in ("en", "zh_CN", "zh_TW"):
        with language(lang):
            for status in rules.SHOWN_STATUSES:
                assert i18n.has(f"pipeline.quote_status.{status}"), status
            for action in rules.QUOTE_RULES:
                assert i18n.has(f"pipeline.quote_action.{action}"), action
    params = {"quote": "Q-000017-v1", "deal": "智能仓储项目", "who": "主管甲", "note": "最多 10%"}
    with language("en"):
        assert text_of("quote_decided", "pipeline.notify.quote_rejected", params) == (
            "主管甲 rejected quote Q-000017-v1 (智能仓储项目): 最多 10%"
        )
    with language("zh_TW"):
        assert text_of("quote_decided", "pipeline.notify.quote_rejected", params) == (
            "主管甲 駁回了報價 Q-000017-v1（智能仓储项目）：最多 10%"
        )
    refusal = rules.check_quote("send", "pending")
    assert refusal is not None
    with language("en"):
        assert str(PipelineError.of(refusal)) == (
            "A quote that is Waiting for approval cannot be sent."
        )


def test_the_printable_quote_escapes_what_people_typed(words: None) -> None:
    doc = document.QuoteDocument(
        company="<b>甲</b> & Co",
        company_details="上海市<script>alert(1)</script>",
        label="Q-000001-v2",
        quote_date=dt.date(2026, 11, 2),
        valid_until=dt.date(2026, 12, 2),
        customer='客户"><img src=x onerror=alert(1)>',
        deal="<i>仓储</i>",
        owner="代表一",
        subtotal=39_150.0,
        extra_pct=2.0,
        extra_amount=783.0,
        total=38_367.0,
        note="</div><script>steal()</script>",
        lines=[
            document.DocumentLine("P-A", "系统<svg onload=x>", 3.0, 12_000.0, 15.0, 30_600.0),
            document.DocumentLine("P-B", "实施服务", 2.0, 4_500.0, 5.0, 8_550.0),
        ],
    )
    with language("en"):
        page = document.quote_html(doc)
    for raw in ("<script>", "<img", "<svg", "<b>甲", "<i>仓储", "</div><script>"):
        assert raw not in page
    for escaped in (
        "&lt;b&gt;甲&lt;/b&gt; &amp; Co",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "客户&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
        "系统&lt;svg onload=x&gt;",
    ):
        assert escaped in page
    for shown in ("¥30,600.00", "¥8,550.00", "¥39,150.00", "-¥783.00", "¥38,367.00", "2026-12-02"):
        assert shown in page
    assert "@media print" in page and "Q-000001-v2" in page
    with language("zh_CN"):
        assert "报价单" in document.quote_html(doc)


# -- the demo ------------------------------------------------------------------------------
@pytest.mark.one_backend
def test_the_demo_quotes_are_priced_and_every_leader_has_one_to_decide(demo_db) -> None:
    engine = demo_db.engine
    supervisor = viewer_for(engine, apptest.signed_in(engine, "supervisor"))
    rep = viewer_for(engine, apptest.signed_in(engine, "rep"))
    waiting = queries.quotes_waiting(engine, supervisor)
    assert waiting.height >= 1
    assert queries.quotes_waiting(engine, rep).is_empty()
    assert set(waiting["owner_id"].to_list()) <= set(supervisor.person_ids or ())
    director = viewer_for(engine, apptest.signed_in(engine, "director"))
    every = queries.quotes_waiting(engine, director)
    lines = queries.quote_lines(engine, director, every["quote_id"].to_list())
    # each waiting quote discounts beyond the limit (10 %), as a rep would have had to ask
    for row in rules.summaries(every, lines).iter_rows(named=True):
        assert row["max_line_discount"] > 0.10 or row["total_discount"] > 0.10, row
    # each line's list price is the catalogue's price on the quote's date
    dated = lines.join(every.select("quote_id", pl.col("quote_date").alias("day")), on="quote_id")
    expected = pricing.prices_at(
        dated.select("product_id", "day"),
        catalog.all_products(engine),
        catalog.all_price_lists(engine),
        catalog.all_price_items(engine),
    )
    assert dated["list_price"].to_list() == expected["price"].to_list()
    # the demo's signed contracts name the product of the ledger line they booked
    signed = queries.contract_lines(engine, director).filter(pl.col("order_id").is_not_null())
    booked = catalog.orders_with_products(engine, director).select(
        "order_id", pl.col("product_id").alias("booked")
    )
    pairs = signed.join(booked, on="order_id").select("product_id", "booked")
    assert pairs.height == signed.height > 0
    assert pairs.filter(pl.col("product_id") != pl.col("booked")).is_empty()
    assert pairs["product_id"].null_count() == 0


# -- the pages ------------------------------------------------------------------------------
pipeline_db, app = page_fixtures("quotes")  # the walk writes to its own demo


def _page(login: str, key: str, lang: str = "en") -> AppTest:
    return apptest.open_page(apptest.start(runtime.engine(), login, lang), key)


def _click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


@pytest.mark.one_backend
def test_the_rep_builds_a_quote_and_the_supervisor_approves_it(app: str) -> None:
    """The demo's catalogue: P-012 lists at 19,800 and the year's price list has it at 92 %,
    18,216; P-021 (2,000) is in no price list. 2 x 18,216 less 15 % = 30,967.20,
    10 x 2,000 = 20,000.00: total 50,967.20 against 56,432.00 at the price list (9.68 % off),
    but the P-012 line is 15 % off: beyond the 10 % limit."""
    engine = runtime.engine()
    rep = viewer_for(engine, apptest.signed_in(engine, "rep"))
    customer = queries.customers_of(engine, rep, rep.person_id)[0][0]  # type: ignore[arg-type]
    opp = actions.create_opportunity(
        engine,
        rep,
        title="客户管理系统升级",
        customer_id=customer,
        owner_id=rep.person_id,  # type: ignore[arg-type]
        amount=50_000.0,
        expected_close=dt.date.today() + dt.timedelta(days=30),
        source="referral",
        channel="visit",
    )
    at = _page("rep", "pipeline-deal")
    at.selectbox(key="pipeline_deal_pick").set_value(opp).run()
    at = _click(at, "pipeline_quote_create")
    assert "Quote version 1 started." in apptest.texts(at)
    qid = int(queries.deal_quotes(engine, rep, opp)["quote_id"].item())
    for product, quantity, discount in (("P-012", 2.0, 15.0), ("P-021", 10.0, 0.0)):
        at.selectbox(key=f"pipeline_quote_product_{qid}").set_value(product)
        at.number_input(key=f"pipeline_quote_quantity_{qid}").set_value(quantity)
        at.number_input(key=f"pipeline_quote_discount_{qid}").set_value(discount)
        at = _click(at, "pipeline_quote_line_submit")
        assert "Product added." in apptest.texts(at)
    text = apptest.texts(at)
    assert "total **¥50,967.20** · at price list ¥56,432.00 (discount 9.7%)" in text
    assert "A line is discounted 15.0% against the price list, beyond the 10.0% limit" in text
    at = _click(at, "pipeline_quote_send")
    assert "ask a leader for approval before sending the quote" in apptest.texts(at)
    at = _click(at, "pipeline_quote_request")
    assert "Approval asked: your leader is notified." in apptest.texts(at)

    sup = _page("supervisor", "pipeline-quote-approvals")
    assert f"Q-{opp:06d}-v1" in apptest.texts(sup)
    sup.selectbox(key="pipeline_approval_pick").set_value(qid).run()
    sup.selectbox(key=f"pipeline_approval_decision_{qid}").set_value("approve")
    sup.text_area(key=f"pipeline_approval_note_{qid}").input("首单，同意 15%")
    sup = _click(sup, "pipeline_approval_submit")
    assert f"Quote Q-{opp:06d}-v1 approved: the rep is notified." in apptest.texts(sup)
    # a rep has no such page; the other team's supervisor has no such quote
    other = _page("rep2", "home")
    assert "pipeline-quote-approvals" not in apptest.page_paths(other)

    at = _page("rep", "pipeline-deal")
    at.selectbox(key="pipeline_deal_pick").set_value(opp).run()
    assert "Approved" in apptest.texts(at)
    at = _click(at, "pipeline_quote_send")
    assert f"Quote Q-{opp:06d}-v1 sent" in apptest.texts(at)
    with read_session(engine) as session:
        assert session.get_one(Quote, qid).status == "sent"
    zh = _page("rep", "pipeline-deal", "zh_CN")
    zh.selectbox(key="pipeline_deal_pick").set_value(opp).run()
    assert "已发送" in apptest.texts(zh)


# -- the migration ---------------------------------------------------------------------------
@pytest.mark.parametrize("backend", BACKENDS)
def test_pipeline_0002_upgrades_contract_lines_in_place(
    backend: str, tmp_path, pg_databases
) -> None:
    """A database at pipeline_0001 holding a contract line: the line gets no product and
    no discount, and comes back unchanged when the revision is undone."""
    from alembic import command

    from command_center.db import migrate

    db = _new_db(backend, tmp_path, pg_databases)
    try:
        host = make_host()
        track = next(t for t in migrate.tracks(host) if t.owner == "pipeline")
        migrate.upgrade(db.engine, host, plugins=False)
        command.upgrade(migrate.alembic_config(db.engine, track), "pipeline_0001")
        org(db.engine)
        opp = new_deal(db.engine)
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO pipeline_contracts (contract_id, opp_id, status, payment_terms,"
                    " delivery_date, terms, created_at, signed_by) VALUES"
                    " (1, :opp, 'draft', 'net30', '2026-12-31', '', '2026-11-02 10:00:00', '')"
                ),
                {"opp": opp},
            )
            conn.execute(
                text(
                    "INSERT INTO pipeline_contract_lines (line_id, contract_id, description,"
                    " quantity, unit_price, unit_cost) VALUES (1, 1, '系统', 2, 1500.5, 900)"
                )
            )
        migrate.upgrade(db.engine, host)
        line = "SELECT quantity, unit_price, product_id, discount_pct FROM pipeline_contract_lines"
        with db.engine.connect() as conn:
            assert tuple(conn.execute(text(line)).one()) == (2.0, 1500.5, None, 0.0)
        assert migrate.pending(db.engine, host) == []
        frames.clear_cache()
        lines = queries.contract_lines(db.engine, REP4)
        assert lines.select("product_id", "discount_pct").rows() == [(None, 0.0)]
        command.downgrade(migrate.alembic_config(db.engine, track), "pipeline_0001")
        with db.engine.connect() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("pipeline_contract_lines")}
            assert {"product_id", "discount_pct"}.isdisjoint(columns)
            assert "pipeline_quotes" not in inspect(conn).get_table_names()
            kept = conn.execute(text("SELECT quantity, unit_price FROM pipeline_contract_lines"))
            assert tuple(kept.one()) == (2.0, 1500.5)
    finally:
        _drop_db(db, pg_databases)
