"""Settlement on a real database: compute, lock (immutable), unlock, clawbacks, disputes, scope."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from sqlalchemy import select

from command_center.db.engine import read_session, write_session
from command_center.db.models import AuditEntry
from command_center.ledger import NewLine, book_lines, refund
from command_center.metrics import MetricRegistry
from command_center.org.scope import OPERATOR
from command_center.periods import parse_period
from plugins.incentives.actions import disputes as dispute_actions
from plugins.incentives.actions import plans as plan_actions
from plugins.incentives.actions import settlement as settlement_actions
from plugins.incentives.errors import IncentivesError
from plugins.incentives.queries import plans as plan_reads
from plugins.incentives.queries import settlements as settlement_reads
from plugins.incentives.queries.payouts import payouts
from tests.conftest import make_host
from tests.fixtures_incentives import LEADER_PLAN, REP_PLAN, build_shop, viewer_for

JAN, FEB = dt.date(2026, 1, 1), dt.date(2026, 2, 1)


@pytest.fixture
def shop(empty_db):
    engine = empty_db.engine
    build_shop(engine)
    plan_actions.save_plan(engine, OPERATOR, REP_PLAN, "test", JAN)
    plan_actions.save_plan(engine, OPERATOR, LEADER_PLAN, "test", JAN)
    return engine


@pytest.fixture
def registry():
    return MetricRegistry(make_host())


def payouts_of(engine, viewer, period: str) -> dict[int, float]:
    rows = settlement_reads.current_statements(engine, viewer, period)
    return {pid: round(p, 2) for pid, p in rows.select("person_id", "payout").iter_rows()}


def audit_actions(engine) -> list[str]:
    with read_session(engine) as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.audit_id)))


def test_compute_matches_hand_computed_statements(shop, registry) -> None:
    done = settlement_actions.compute_settlement(shop, registry, OPERATOR, JAN, "director")
    assert (done.period, done.version, done.people) == ("2026-01", 1, 7)
    # Anna 100,000 x 5 % + 20,000 x 6 % + 30,000 x 2 %; Bo 80,000 x 5 % + 20,000 x 2 %;
    # Cy 50,000 x 5 % + 10,000 x 2 %; leaders 1 % of the revenue below them.
    assert payouts_of(shop, OPERATOR, "2026-01") == {
        2: 2_000.0,
        3: 2_000.0,
        4: 6_800.0,
        5: 4_400.0,
        6: 500.0,
        7: 2_700.0,
        8: 500.0,
    }
    credits = settlement_reads.credits(shop, OPERATOR, done.settlement_id, 4)
    got = dict(credits.select("order_id", "contribution").iter_rows())
    # Order 1: 6,200 x 80/120 + 600 x 20/30; order 2: 6,200 x 40/120 + 600 x 10/30.
    assert got == pytest.approx({1: 4_533.33, 2: 2_266.67}, abs=0.01)
    lines = settlement_reads.lines(shop, OPERATOR, done.settlement_id, 4)
    assert lines.select("kind", "name", "amount").rows() == [
        ("component", "revenue_commission", 6_200.0),
        ("component", "profit_share", 600.0),
    ]


def test_locked_settlement_never_changes(shop, registry) -> None:
    done = settlement_actions.compute_settlement(shop, registry, OPERATOR, JAN, "director")
    settlement_actions.lock_settlement(shop, OPERATOR, done.settlement_id, "director")
    before = (
        settlement_reads.statements(shop, OPERATOR, settlement_id=done.settlement_id),
        settlement_reads.settlement_lines(shop, OPERATOR, done.settlement_id),
        settlement_reads.credits(shop, OPERATOR, done.settlement_id, 4),
    )
    with write_session(shop) as session:  # the ledger changes after the lock
        book_lines(session, [NewLine(10, 4, dt.date(2026, 1, 28), 30_000.0, 20_000.0)], "t", "t")
        refund(session, 1, dt.date(2026, 2, 10), 20_000.0, "退货", "t")
    with pytest.raises(IncentivesError) as refused:
        settlement_actions.compute_settlement(shop, registry, OPERATOR, JAN, "director")
    assert refused.value.code == "nothing_to_settle"
    after = (
        settlement_reads.statements(shop, OPERATOR, settlement_id=done.settlement_id),
        settlement_reads.settlement_lines(shop, OPERATOR, done.settlement_id),
        settlement_reads.credits(shop, OPERATOR, done.settlement_id, 4),
    )
    for old, new in zip(before, after, strict=True):
        assert old.equals(new)
    with pytest.raises(IncentivesError):
        settlement_actions.lock_settlement(shop, OPERATOR, done.settlement_id, "director")


def test_refund_after_payout_is_clawed_back_next_month(shop, registry) -> None:
    jan = settlement_actions.compute_settlement(shop, registry, OPERATOR, JAN, "director")
    settlement_actions.lock_settlement(shop, OPERATOR, jan.settlement_id, "director")
    with write_session(shop) as session:
        refund(session, 1, dt.date(2026, 2, 10), 20_000.0, "客户退货", "t")
    feb = settlement_actions.compute_settlement(shop, registry, OPERATOR, FEB, "director")
    lines = settlement_reads.lines(shop, OPERATOR, feb.settlement_id, 4)
    claw = lines.filter(pl.col("kind") == "clawback")
    # Order 1 earned 4,533.33 in January; a quarter of it was refunded.
    assert claw.select("amount", "order_id", "refund_id").rows() == [(-1_133.33, 1, 1)]
    feb_row = (
        settlement_reads.current_statements(shop, OPERATOR, "2026-02")
        .filter(pl.col("person_id") == 4)
        .row(0, named=True)
    )
    # February: 100,000 x 5 % + 25,000 x 2 % = 5,500, minus the clawback; attainment unchanged.
    assert feb_row["payout"] == pytest.approx(5_500 - 1_133.33, abs=0.01)
    assert feb_row["attainment"] == pytest.approx(1.0)
    # A recompute of the February draft claws the same refund back once, not twice.
    again = settlement_actions.compute_settlement(shop, registry, OPERATOR, FEB, "director")
    lines = settlement_reads.lines(shop, OPERATOR, again.settlement_id, 4)
    assert lines.filter(pl.col("kind") == "clawback").height == 1
    assert settlement_reads.settlements(shop, "2026-02")["version"].to_list() == [2]


def test_unlock_and_recompute_makes_a_new_version(shop, registry) -> None:
    first = settlement_actions.compute_settlement(shop, registry, OPERATOR, JAN, "director")
    settlement_actions.lock_settlement(shop, OPERATOR, first.settlement_id, "director")
    with write_session(shop) as session:
        book_lines(session, [NewLine(10, 4, dt.date(2026, 1, 28), 30_000.0, 20_000.0)], "t", "t")
    with pytest.raises(IncentivesError):
        settlement_actions.unlock_settlement(shop, OPERATOR, first.settlement_id, " ", "director")
    settlement_actions.unlock_settlement(
        shop, OPERATOR, first.settlement_id, "漏计订单", "director"
    )
    second = settlement_actions.compute_settlement(shop, registry, OPERATOR, JAN, "director")
    assert second.version == 2
    versions = settlement_reads.settlements(shop, "2026-01")
    assert dict(versions.select("version", "status").iter_rows()) == {1: "unlocked", 2: "draft"}
    # Anna: 150,000 -> 5,000 + 50,000 x 6 % + 40,000 x 2 %; version 1 still says 6,800.
    assert payouts_of(shop, OPERATOR, "2026-01")[4] == 8_800.0
    old = settlement_reads.statements(shop, OPERATOR, settlement_id=first.settlement_id)
    assert old.filter(pl.col("person_id") == 4)["payout"].item() == 6_800.0
    assert [a for a in audit_actions(shop) if a.startswith("settlement")] == [
        "settlement_computed",
        "settlement_locked",
        "settlement_unlocked",
        "settlement_computed",
    ]


def test_scope_of_compute_and_lock(shop, registry) -> None:
    manager = viewer_for(shop, "manager")
    rep = viewer_for(shop, "rep")
    supervisor = viewer_for(shop, "supervisor")
    with pytest.raises(IncentivesError):
        settlement_actions.compute_settlement(shop, registry, rep, JAN, "rep")
    with pytest.raises(IncentivesError):
        settlement_actions.compute_settlement(shop, registry, supervisor, JAN, "supervisor")
    mine = settlement_actions.compute_settlement(shop, registry, manager, JAN, "manager")
    assert mine.people == 4  # the manager, the supervisor and two reps
    everyone = settlement_actions.compute_settlement(shop, registry, OPERATOR, JAN, "director")
    assert everyone.people == 7
    # The director's draft took the manager's people: the emptied draft is gone.
    assert settlement_reads.settlements(shop, "2026-01")["version"].to_list() == [2]
    with pytest.raises(IncentivesError) as refused:
        settlement_actions.lock_settlement(shop, manager, everyone.settlement_id, "manager")
    assert refused.value.code == "outside_scope"


def test_a_rep_sees_only_their_own_locked_statement(shop, registry) -> None:
    done = settlement_actions.compute_settlement(shop, registry, OPERATOR, JAN, "director")
    anna = viewer_for(shop, "rep")
    assert settlement_reads.current_statements(
        shop, anna
    ).is_empty()  # a draft is not shown to reps
    settlement_actions.lock_settlement(shop, OPERATOR, done.settlement_id, "director")
    mine = settlement_reads.current_statements(shop, anna)
    assert mine["person_id"].to_list() == [4]
    assert settlement_reads.lines(shop, anna, done.settlement_id, 5).is_empty()
    assert settlement_reads.credits(shop, anna, done.settlement_id, 5).is_empty()
    assert set(payouts(shop, anna)["person_id"].to_list()) == {4}
    assert set(payouts(shop, viewer_for(shop, "manager"))["person_id"].to_list()) == {2, 3, 4, 5}


def test_disputes_rep_asks_manager_answers(shop, registry) -> None:
    done = settlement_actions.compute_settlement(shop, registry, OPERATOR, JAN, "director")
    anna, bo = viewer_for(shop, "rep"), viewer_for(shop, "rep2")
    line = int(settlement_reads.lines(shop, OPERATOR, done.settlement_id, 4)["line_id"][0])
    with pytest.raises(IncentivesError) as refused:
        dispute_actions.raise_dispute(
            shop, anna, done.settlement_id, "为什么？", "rep", line_id=line
        )
    assert refused.value.code == "dispute_locked_only"
    settlement_actions.lock_settlement(shop, OPERATOR, done.settlement_id, "director")
    with pytest.raises(IncentivesError):
        dispute_actions.raise_dispute(
            shop, bo, done.settlement_id, "这是谁的？", "rep2", line_id=line
        )
    dispute = dispute_actions.raise_dispute(
        shop, anna, done.settlement_id, "一月有一笔订单没算进来。", "rep", line_id=line
    )
    with pytest.raises(IncentivesError):
        dispute_actions.answer_dispute(shop, anna, dispute, "我自己回答", "rep")
    with pytest.raises(IncentivesError):
        dispute_actions.answer_dispute(
            shop, viewer_for(shop, "manager2"), dispute, "不归我管", "manager2"
        )
    dispute_actions.answer_dispute(
        shop, viewer_for(shop, "supervisor"), dispute, "已核实，无误。", "supervisor"
    )
    found = settlement_reads.disputes(shop, anna)
    assert found.select("status", "answer", "answered_by").rows() == [
        ("answered", "已核实，无误。", "supervisor")
    ]
    assert settlement_reads.disputes(shop, bo).is_empty()
    assert {"dispute_raised", "dispute_answered"} <= set(audit_actions(shop))


def test_plan_versions_take_effect_by_month(shop, registry) -> None:
    raised = REP_PLAN.replace("rate: 0.02", "rate: 0.04")
    director = viewer_for(shop, "director")
    saved = plan_actions.save_plan(shop, director, raised, "director", FEB, "提高毛利提成")
    assert saved.version == 2
    jan = plan_reads.effective_versions(shop, JAN).filter(pl.col("name") == "Test rep plan")
    feb = plan_reads.effective_versions(shop, FEB).filter(pl.col("name") == "Test rep plan")
    assert jan["version"].to_list() == [1] and feb["version"].to_list() == [2]
    settlement_actions.compute_settlement(shop, registry, OPERATOR, FEB, "director")
    # Anna in February: 5,000 + 25,000 x 4 %.
    assert payouts_of(shop, OPERATOR, "2026-02")[4] == 6_000.0
    assert "plan_version_saved" in audit_actions(shop)


def test_payout_and_cost_of_sales_metrics(shop, registry) -> None:
    done = settlement_actions.compute_settlement(shop, registry, OPERATOR, JAN, "director")
    period = parse_period("2026-01")
    assert registry.person_values(shop, OPERATOR, "payout", period).is_empty()  # draft: not yet
    settlement_actions.lock_settlement(shop, OPERATOR, done.settlement_id, "director")
    from command_center.db import frames

    frames.clear_cache()
    values = registry.person_values(shop, OPERATOR, "payout", period)
    assert dict(values.select("person_id", "value").iter_rows())[4] == 6_800.0
    cost = registry.rollup(shop, OPERATOR, "cost_of_sales", period)
    # The whole force: 18,900 paid on 250,000 of revenue.
    top = cost.filter(pl.col("node_id") == 1)["value"].item()
    assert top == pytest.approx(18_900 / 250_000)


def test_plan_settings_and_scenario_writes_check_the_role(shop) -> None:
    from plugins.incentives.actions import honours as honour_actions
    from plugins.incentives.actions import scenarios as scenario_actions
    from plugins.incentives.settings import HonourSettings, load_honour_settings

    raised = REP_PLAN.replace("rate: 0.02", "rate: 0.03")
    before = plan_reads.plan_versions(shop).height
    for login in ("manager", "supervisor", "rep"):
        with pytest.raises(IncentivesError) as refused:
            plan_actions.save_plan(shop, viewer_for(shop, login), raised, login, FEB)
        assert refused.value.key == "incentives.error.not_allowed"
    assert plan_reads.plan_versions(shop).height == before

    fewer = HonourSettings(honours=HonourSettings().honours[:1])
    for login in ("manager", "rep"):
        with pytest.raises(IncentivesError):
            honour_actions.save_honour_settings(shop, viewer_for(shop, login), fewer, login)
    assert len(load_honour_settings(shop).honours) == len(HonourSettings().honours)
    honour_actions.save_honour_settings(shop, viewer_for(shop, "director"), fewer, "director")
    assert len(load_honour_settings(shop).honours) == 1

    version_id = int(plan_reads.plan_versions(shop)["version_id"][0])
    with pytest.raises(IncentivesError):
        scenario_actions.save_scenario(
            shop, viewer_for(shop, "rep"), "rep", "mine", version_id, JAN, JAN, {}, {}
        )
    saved = scenario_actions.save_scenario(
        shop, viewer_for(shop, "manager"), "manager", "ours", version_id, JAN, JAN, {}, {}
    )
    assert saved > 0
