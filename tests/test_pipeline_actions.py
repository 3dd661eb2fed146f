"""Pipeline actions on a small hand-built org: a deal from lead to signed contract,
illegal moves refused, the ledger written atomically, the revenue metric moving."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from sqlalchemy import Engine, func, select

from command_center.db import frames
from command_center.db.engine import data_version, read_session
from command_center.db.models import AuditEntry, OrderLine
from command_center.ledger import LedgerError
from command_center.metrics import MetricRegistry
from command_center.org.scope import OPERATOR
from plugins.pipeline import actions, queries
from plugins.pipeline import settings as cfg
from plugins.pipeline.actions import contracts as contract_actions
from plugins.pipeline.errors import PipelineError
from plugins.pipeline.models import Contract, Milestone, Opportunity, StageChange
from tests.conftest import make_host
from tests.fixtures_pipeline import (
    ADMIN,
    AT,
    DIRECTOR,
    MGR2,
    REP4,
    REP5,
    SUP3,
    SUP6,
    approved_contract,
    new_deal,
    org,
    refused,
)


@pytest.fixture
def db(empty_db):
    org(empty_db.engine)
    return empty_db.engine


def opp_row(engine: Engine, opp_id: int) -> Opportunity:
    with read_session(engine) as session:
        row = session.get(Opportunity, opp_id)
        assert row is not None
        session.expunge(row)
        return row


def contract_status(engine: Engine, cid: int) -> str:
    with read_session(engine) as session:
        return session.get_one(Contract, cid).status


def order_count(engine: Engine) -> int:
    with read_session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(OrderLine)) or 0)


def revenue_in(engine: Engine, month: dt.date, person: int) -> float:
    registry = MetricRegistry(make_host())
    facts = registry.facts(engine, OPERATOR, "revenue", month, month)
    return float(facts.filter(pl.col("person_id") == person)["num"].sum())


# -- the whole walk ----------------------------------------------------------------------
def test_a_deal_from_lead_to_signed_contract(db: Engine) -> None:
    nov = dt.date(2026, 11, 1)
    revenue_before = revenue_in(db, nov, 4)
    orders_before = order_count(db)
    opp = new_deal(db)
    for stage in ("qualified", "solution", "negotiation"):
        actions.move_stage(db, REP4, opp, stage, at=AT)
    actions.save_spin(
        db,
        REP4,
        opp,
        situation="三个仓库",
        problem="对账慢",
        implication="丢客户",
        need_payoff="一天对账",
        at=AT,
    )
    actions.save_negotiation(
        db,
        REP4,
        opp,
        competitors="本地软件公司",
        strengths="案例多",
        strategy="先谈价值",
        bottom_line=3_000.0,
        concessions="免费培训",
        at=AT,
    )
    cid = actions.save_contract(
        db,
        REP4,
        opp,
        payment_terms="net30",
        delivery_date=dt.date(2026, 12, 31),
        terms="含安装",
        at=AT,
    )
    with refused("pipeline.error.no_lines"):
        actions.submit_contract(db, REP4, cid)
    actions.add_line(
        db, REP4, cid, description="仓储系统", quantity=3, unit_price=1_000.0, unit_cost=500.0
    )
    line = actions.add_line(db, REP4, cid, description="培训", quantity=1, unit_price=99.0)
    actions.remove_line(db, REP4, line)
    actions.add_line(
        db, REP4, cid, description="实施服务", quantity=1, unit_price=500.0, unit_cost=300.0
    )
    with refused("pipeline.error.sign_needs_approval"):
        actions.sign_contract(db, REP4, cid)
    actions.submit_contract(db, REP4, cid, at=AT)
    deal = opp_row(db, opp)
    assert (deal.stage, deal.amount) == ("contract_review", 3_500.0)  # the contract's total
    with refused("pipeline.error.reviewer_role"):
        actions.review_contract(db, REP4, cid, approve=True, comment="")
    with refused("pipeline.error.required"):  # a rejection needs a comment
        actions.review_contract(db, SUP3, cid, approve=False, comment="  ")
    actions.review_contract(db, SUP3, cid, approve=False, comment="付款条件太松", at=AT)
    assert contract_status(db, cid) == "rejected"
    with refused("pipeline.error.sign_needs_approval"):
        actions.sign_contract(db, REP4, cid)
    actions.save_contract(
        db,
        REP4,
        opp,
        payment_terms="prepaid",
        delivery_date=dt.date(2026, 12, 31),
        terms="预付三成",
    )
    actions.submit_contract(db, REP4, cid, at=AT)
    actions.review_contract(db, SUP3, cid, approve=True, comment="同意", at=AT)
    signed_at = dt.datetime(2026, 11, 20, 15, 0)
    order_ids = actions.sign_contract(db, REP4, cid, at=signed_at)

    deal = opp_row(db, opp)
    assert (deal.stage, deal.closed_on, deal.amount) == ("won", signed_at.date(), 3_500.0)
    assert contract_status(db, cid) == "signed"
    orders = frames.orders(db, OPERATOR).filter(pl.col("order_id").is_in(order_ids))
    assert orders.select("customer_id", "person_id", "order_date", "revenue", "cost").rows() == [
        (1, 4, signed_at.date(), 3_000.0, 1_500.0),
        (1, 4, signed_at.date(), 500.0, 300.0),
    ]
    assert order_count(db) == orders_before + 2
    lines = queries.contract_lines(db, REP4)
    assert sorted(lines["order_id"].to_list()) == sorted(order_ids)
    assert revenue_in(db, nov, 4) == pytest.approx(revenue_before + 3_500.0)
    history = queries.history(db, REP4).filter(pl.col("opp_id") == opp).sort("change_id")
    assert history["to_stage"].to_list() == [
        "lead",
        "qualified",
        "solution",
        "negotiation",
        "contract_review",
        "won",
    ]
    assert history["from_stage"].to_list()[1:] == history["to_stage"].to_list()[:-1]
    plan = queries.milestones(db, REP4).sort("milestone_id")
    assert plan["kind"].to_list() == ["production", "shipping", "installation"]
    assert plan["due_date"].to_list() == [
        dt.date(2026, 12, 17),
        dt.date(2026, 12, 28),
        dt.date(2027, 1, 7),
    ]
    with read_session(db) as session:
        audited = set(session.scalars(select(AuditEntry.action)))
    assert {
        "opportunity_created",
        "contract_signed",
        "orders_booked",
        "contract_rejected",
    } <= audited


# -- illegal moves ---------------------------------------------------------------------------
def test_a_deal_is_won_only_by_signing(db: Engine) -> None:
    opp = new_deal(db)
    with refused("pipeline.error.won_by_signing"):
        actions.move_stage(db, REP4, opp, "won")
    with refused("pipeline.error.review_needs_contract"):
        actions.move_stage(db, REP4, opp, "contract_review")
    with refused("pipeline.error.same_stage"):
        actions.move_stage(db, REP4, opp, "lead")
    assert opp_row(db, opp).stage == "lead"


def test_a_signed_contract_cannot_be_reopened(db: Engine) -> None:
    opp = new_deal(db)
    cid = approved_contract(db, opp)
    actions.sign_contract(db, REP4, cid, at=AT)
    version = data_version(db)
    with refused("pipeline.error.contract_signed"):
        actions.withdraw_contract(db, REP4, cid)
    with refused("pipeline.error.contract_signed"):
        actions.sign_contract(db, REP4, cid)
    with refused("pipeline.error.contract_signed"):
        actions.add_line(db, REP4, cid, description="加购", quantity=1, unit_price=1.0)
    with refused("pipeline.error.won_is_final"):
        actions.move_stage(db, REP4, opp, "lost", lost_reason="price")
    with refused("pipeline.error.won_is_final"):
        actions.move_stage(db, REP4, opp, "negotiation")
    with refused("pipeline.error.won_is_final"):
        actions.update_opportunity(
            db,
            REP4,
            opp,
            title="x",
            amount=1.0,
            expected_close=dt.date(2027, 1, 1),
            source="partner",
            channel="phone",
        )
    assert data_version(db) == version  # nothing was written
    assert contract_status(db, cid) == "signed"


def test_an_approved_contract_holds_the_deal_in_review(db: Engine) -> None:
    opp = new_deal(db)
    cid = approved_contract(db, opp)
    with refused("pipeline.error.contract_pending"):
        actions.move_stage(db, REP4, opp, "negotiation")
    with refused("pipeline.error.contract_action"):
        actions.add_line(db, REP4, cid, description="加购", quantity=1, unit_price=1.0)
    actions.withdraw_contract(db, REP4, cid)
    assert contract_status(db, cid) == "draft"
    actions.move_stage(db, REP4, opp, "negotiation")  # allowed once withdrawn
    assert opp_row(db, opp).stage == "negotiation"


def test_losing_cancels_the_contract_and_reopening_restores_it(db: Engine) -> None:
    opp = new_deal(db)
    cid = approved_contract(db, opp)
    with refused("pipeline.error.lost_reason_required"):
        actions.move_stage(db, REP4, opp, "lost")
    with refused("pipeline.error.unknown_lost_reason"):
        actions.move_stage(db, REP4, opp, "lost", lost_reason="weather")
    actions.move_stage(
        db,
        REP4,
        opp,
        "lost",
        lost_reason="competitor",
        note="选了大厂",
        at=dt.datetime(2026, 11, 9, 9),
    )
    deal = opp_row(db, opp)
    assert (deal.closed_on, deal.lost_reason, deal.lost_note) == (
        dt.date(2026, 11, 9),
        "competitor",
        "选了大厂",
    )
    assert contract_status(db, cid) == "cancelled"
    with refused("pipeline.error.contract_action"):
        actions.submit_contract(db, REP4, cid)
    with refused("pipeline.error.deal_closed"):
        actions.update_opportunity(
            db,
            REP4,
            opp,
            title="x",
            amount=1.0,
            expected_close=dt.date(2027, 1, 1),
            source="partner",
            channel="phone",
        )
    actions.move_stage(db, REP4, opp, "negotiation")
    deal = opp_row(db, opp)
    assert (deal.closed_on, deal.lost_reason) == (None, None)
    assert contract_status(db, cid) == "draft"


def test_reviews_need_a_leader_in_scope_who_is_not_the_owner(db: Engine) -> None:
    opp = new_deal(db, SUP3, owner=3)  # a supervisor's own deal, for customer 1
    cid = actions.save_contract(
        db, SUP3, opp, payment_terms="net30", delivery_date=dt.date(2026, 12, 31), terms=""
    )
    actions.add_line(db, SUP3, cid, description="系统", quantity=1, unit_price=100.0)
    actions.submit_contract(db, SUP3, cid)
    with refused("pipeline.error.own_review"):
        actions.review_contract(db, SUP3, cid, approve=True, comment="")
    with refused("pipeline.error.not_in_scope"):
        actions.review_contract(db, SUP6, cid, approve=True, comment="")
    actions.review_contract(db, MGR2, cid, approve=True, comment="")
    with refused("pipeline.error.not_in_review"):
        actions.review_contract(db, MGR2, cid, approve=False, comment="再看看")
    assert contract_status(db, cid) == "approved"


# -- atomic ledger write ----------------------------------------------------------------------
def test_a_failure_after_booking_rolls_everything_back(db: Engine, monkeypatch) -> None:
    opp = new_deal(db)
    cid = approved_contract(db, opp)
    orders, version = order_count(db), data_version(db)
    with read_session(db) as session:
        changes = session.scalar(select(func.count()).select_from(StageChange))
    booked: list[int] = []

    def fail_after_booking(lines: object, order_ids: list[int]) -> None:
        booked.extend(order_ids)  # the ledger lines exist inside the transaction here
        raise RuntimeError("disk full")

    monkeypatch.setattr(contract_actions, "_link_orders", fail_after_booking)
    with pytest.raises(RuntimeError, match="disk full"):
        actions.sign_contract(db, REP4, cid, at=AT)
    assert booked  # it did get as far as booking
    assert order_count(db) == orders
    assert data_version(db) == version
    assert contract_status(db, cid) == "approved"
    assert opp_row(db, opp).stage == "contract_review"
    with read_session(db) as session:
        assert session.scalar(select(func.count()).select_from(StageChange)) == changes
        assert session.scalar(select(func.count()).select_from(Milestone)) == 0
        assert not session.scalars(
            select(AuditEntry).where(AuditEntry.action == "orders_booked")
        ).first()
    monkeypatch.undo()
    assert len(actions.sign_contract(db, REP4, cid, at=AT)) == 2  # and it still can be signed


def test_ledger_refusal_is_a_clear_message(db: Engine, monkeypatch) -> None:
    opp = new_deal(db)
    cid = approved_contract(db, opp)
    orders = order_count(db)

    def refuse(*_args: object) -> list[int]:
        raise LedgerError("unknown customer 99")

    monkeypatch.setattr(contract_actions, "book_lines", refuse)
    with refused("pipeline.error.ledger"):
        actions.sign_contract(db, REP4, cid)
    assert order_count(db) == orders and contract_status(db, cid) == "approved"


# -- after delivery ---------------------------------------------------------------------------
def test_milestones_surveys_and_complaints(db: Engine) -> None:
    opp = new_deal(db)
    cid = approved_contract(db, opp)
    with refused("pipeline.error.not_signed"):
        actions.add_milestone(
            db, REP4, cid, kind="custom", owner_id=4, due_date=dt.date(2026, 12, 1), title="培训"
        )
    with refused("pipeline.error.survey_needs_won"):
        actions.record_survey(db, REP4, opp, score=5, comment="")
    actions.sign_contract(db, REP4, cid, at=AT)
    with refused("pipeline.error.required"):
        actions.add_milestone(
            db, REP4, cid, kind="custom", owner_id=4, due_date=dt.date(2026, 12, 1)
        )
    with refused("pipeline.error.not_in_scope"):
        actions.add_milestone(
            db, REP4, cid, kind="custom", owner_id=7, due_date=dt.date(2026, 12, 1), title="培训"
        )
    mid = actions.add_milestone(
        db, SUP3, cid, kind="custom", owner_id=5, due_date=dt.date(2026, 12, 1), title="客户培训"
    )
    actions.update_milestone(
        db,
        REP4,
        mid,
        status="done",
        due_date=dt.date(2026, 12, 1),
        owner_id=5,
        today=dt.date(2026, 11, 30),
    )
    plan = queries.milestones(db, REP5)  # rep 5 owns a milestone of rep 4's deal
    assert plan["milestone_id"].to_list() == [mid] and plan["done_on"].item() == dt.date(
        2026, 11, 30
    )
    with refused("pipeline.error.bad_score"):
        actions.record_survey(db, REP4, opp, score=6, comment="")
    actions.record_survey(db, REP4, opp, score=4, comment="不错", surveyed_on=dt.date(2026, 12, 5))
    actions.record_survey(db, REP4, opp, score=5, comment="很好", surveyed_on=dt.date(2026, 12, 6))
    surveys = queries.surveys(db, REP4)
    assert surveys.select("score", "person_id", "customer_id").rows() == [(5, 4, 1)]  # re-recorded
    opened = dt.datetime(2026, 12, 1, 9, 0)
    first = actions.open_complaint(
        db, REP4, customer_id=1, opp_id=opp, description="发货晚了", opened_at=opened
    )
    second = actions.open_complaint(
        db, REP4, customer_id=1, description="发票开错", opened_at=opened
    )
    with refused("pipeline.error.wrong_customer"):
        actions.open_complaint(db, MGR2, customer_id=3, opp_id=opp, description="x")
    with refused("pipeline.error.resolved_before_opened"):
        actions.resolve_complaint(
            db, REP4, first, resolution="已处理", resolved_at=opened - dt.timedelta(hours=1)
        )
    actions.resolve_complaint(
        db, REP4, first, resolution="补发", resolved_at=opened + dt.timedelta(hours=47)
    )
    actions.resolve_complaint(
        db, REP4, second, resolution="重开", resolved_at=opened + dt.timedelta(hours=49)
    )
    with refused("pipeline.error.already_resolved"):
        actions.resolve_complaint(db, REP4, first, resolution="again")
    registry = MetricRegistry(make_host())
    dec = dt.date(2026, 12, 1)
    sla = registry.facts(db, OPERATOR, "complaints_in_time", dec, dec)
    assert sla.select("person_id", "num", "den").rows() == [(4, 1.0, 2.0)]
    score = registry.facts(db, OPERATOR, "satisfaction", dec, dec)
    assert score.select("person_id", "num", "den").rows() == [(4, 5.0, 1.0)]


# -- settings ---------------------------------------------------------------------------------
def test_settings_change_probabilities_and_guard_used_stages(db: Engine) -> None:
    opp = new_deal(db, amount=2_000.0)
    registry = MetricRegistry(make_host())
    dec = dt.date(2026, 12, 1)
    weighted = registry.facts(db, OPERATOR, "weighted_pipeline", dec, dec)
    assert weighted["num"].to_list() == [200.0]
    conf = cfg.current(db)
    conf.stages[0].probability = 0.05
    with refused("pipeline.error.settings_role"):
        actions.save_pipeline_settings(db, MGR2, conf)
    actions.save_pipeline_settings(db, DIRECTOR, conf)
    weighted = registry.facts(db, OPERATOR, "weighted_pipeline", dec, dec)
    assert weighted["num"].to_list() == [100.0]
    data = cfg.current(db).model_dump()
    data["stages"] = [s for s in data["stages"] if s["key"] != "lead"]
    with refused("pipeline.error.stage_in_use"):
        actions.save_pipeline_settings(db, DIRECTOR, cfg.PipelineSettings.model_validate(data))
    actions.move_stage(db, REP4, opp, "qualified")
    actions.save_pipeline_settings(db, ADMIN, cfg.PipelineSettings.model_validate(data))
    assert cfg.current(db).open_stages[0] == "qualified"
    with refused("pipeline.error.bad_start_stage"):
        actions.create_opportunity(
            db,
            REP4,
            title="x",
            customer_id=1,
            owner_id=4,
            amount=1.0,
            expected_close=dt.date(2027, 1, 1),
            source="partner",
            channel="phone",
            stage="lead",
        )


def test_messages_are_translated(db: Engine) -> None:
    from command_center import i18n
    from command_center.i18n import language

    i18n.install(make_host().translations())
    opp = new_deal(db)
    cid = actions.save_contract(
        db, REP4, opp, payment_terms="net30", delivery_date=dt.date(2026, 12, 31), terms=""
    )
    with pytest.raises(PipelineError) as info:
        actions.sign_contract(db, REP4, cid)
    with language("en"):
        assert str(info.value) == (
            "The contract cannot be signed: it needs an approved review first (now: Draft)."
        )
    with language("zh_CN"):
        assert str(info.value) == "合同不能签约：必须先通过评审（当前状态：草稿）。"
