"""Appraisal actions on a hand-built org (only the core's metrics registered).

The org (tests/factories.py): manager 2 -> supervisor 3 -> reps 4, 5;
supervisor 6 -> rep 7. October 2026: rep 4 sold 200 (cost 120), rep 5 300
(cost 150), rep 7 500 (cost 400); revenue targets 250, 250, 400 and 1,000
for supervisor 6's team.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import polars as pl
import pytest

from command_center import i18n
from command_center.db.engine import write_session
from command_center.i18n import language
from command_center.ledger import NewLine, book_lines
from command_center.metrics import MetricRegistry
from command_center.notifications import inbox
from command_center.org.scope import OPERATOR, Viewer, people_edges, scope_for
from command_center.periods import parse_period
from command_center.published import read_published
from plugins.appraisal import actions, queries
from plugins.appraisal.errors import AppraisalError
from plugins.appraisal.logic import Line
from plugins.appraisal.queries.live import live_lines
from tests.conftest import BACKENDS, Db, _drop_db, small_org_copy
from tests.fixtures_appraisal import appraisal_host

TOPIC = "appraisal.bonus_multiplier"
VALUES = {
    v: 4.0
    for v in ("customer_first", "teamwork", "embrace_change", "integrity", "passion", "dedication")
}
REP_LINES = [Line("revenue", 70, None), Line("margin", 30, 0.5)]
SUP_LINES = [Line("revenue", 100, None)]


@pytest.fixture(params=BACKENDS)
def org(request, tmp_path, pg_databases) -> Iterator[Db]:
    db = small_org_copy(request.param, tmp_path, pg_databases, "appraisal", appraisal_host)
    yield db
    _drop_db(db, pg_databases)


@pytest.fixture
def registry() -> MetricRegistry:
    host = appraisal_host()
    i18n.install([r.value for r in host.call("register_translations")])
    reg = MetricRegistry(host)
    assert "visits" not in reg and "revenue" in reg
    return reg


def viewer(db: Db, login: str, role: str, person: int | None) -> Viewer:
    return Viewer(login, role, person, scope_for(role, person, people_edges(db.engine)))


def refused(key: str, call, *args, **kwargs) -> AppraisalError:
    with pytest.raises(AppraisalError) as caught:
        call(*args, **kwargs)
    assert caught.value.key == key, caught.value.message()
    return caught.value


def planned_cycle(db: Db, registry: MetricRegistry) -> int:
    mgr = viewer(db, "mgr", "manager", 2)
    cycle = actions.create_cycle(db.engine, mgr, "mgr", "monthly", "2026-10", 2)
    actions.save_template(db.engine, registry, mgr, "mgr", cycle, "rep", REP_LINES)
    actions.save_template(db.engine, registry, mgr, "mgr", cycle, "supervisor", SUP_LINES)
    actions.issue_contracts(db.engine, registry, mgr, "mgr", cycle, "rep")
    actions.issue_contracts(db.engine, registry, mgr, "mgr", cycle, "supervisor")
    return cycle


def kpi_now(db: Db, registry: MetricRegistry, cycle: int, person: int) -> float:
    info = queries.find_cycle(db.engine, OPERATOR, cycle)
    assert info is not None
    scored = live_lines(db.engine, registry, OPERATOR, info, person)
    ok = scored.filter(pl.col("status") == "scored")
    return float((ok["weight"] * ok["score"]).sum() / ok["weight"].sum())


def test_manager_runs_a_monthly_cycle_from_contract_to_close(org, registry) -> None:
    """The issue's "done when": contracts, live KPI scores, reviews, calibration, and the
    closed cycle's bonus multipliers readable by any plugin through the core."""
    engine = org.engine
    mgr = viewer(org, "mgr", "manager", 2)
    sup3 = viewer(org, "sup3", "supervisor", 3)
    rep4, rep5, rep7 = (viewer(org, f"rep{p}", "rep", p) for p in (4, 5, 7))
    cycle = actions.create_cycle(engine, mgr, "mgr", "monthly", "2026-10", 2)
    assert set(queries.records(engine, OPERATOR, [cycle])["person_id"]) == {3, 4, 5, 6, 7}

    # contracts: weights must add up to 100 %
    err = refused(
        "appraisal.error.weights",
        actions.save_template,
        engine,
        registry,
        mgr,
        "mgr",
        cycle,
        "rep",
        [Line("revenue", 70, None), Line("margin", 20, 0.5)],
    )
    with language("en"):
        assert "90 %" in err.message() and "100 %" in err.message()
    actions.save_template(engine, registry, mgr, "mgr", cycle, "rep", REP_LINES)
    actions.save_template(engine, registry, mgr, "mgr", cycle, "supervisor", SUP_LINES)
    assert actions.issue_contracts(engine, registry, mgr, "mgr", cycle, "rep") == 3
    assert actions.issue_contracts(engine, registry, mgr, "mgr", cycle, "supervisor") == 2
    targets = {
        (p, m): v
        for p, m, v in queries.kpi_lines(engine, OPERATOR, [cycle])
        .select("person_id", "metric", "target")
        .iter_rows()
    }
    # revenue targets from the core targets table; supervisor 3's team: 250 + 250
    assert targets[(4, "revenue")] == 250 and targets[(7, "revenue")] == 400
    assert targets[(3, "revenue")] == 500 and targets[(6, "revenue")] == 1000
    assert targets[(4, "margin")] == 0.5

    # out-of-order moves are refused with a translated message
    err = refused(
        "appraisal.error.out_of_order",
        actions.move_cycle,
        engine,
        registry,
        mgr,
        "mgr",
        cycle,
        "self_review",
    )
    with language("zh_CN"):
        assert "制定计划" in err.message() and "员工自评" in err.message()
    actions.move_cycle(engine, registry, mgr, "mgr", cycle, "in_progress")
    actions.acknowledge(engine, rep4, "rep4", cycle)
    actions.acknowledge(engine, rep5, "rep5", cycle)
    refused(
        "appraisal.error.already_acknowledged", actions.acknowledge, engine, rep4, "rep4", cycle
    )

    # KPI scores come from live data: a line booked mid-cycle moves rep 5's score
    assert kpi_now(org, registry, cycle, 5) == pytest.approx(0.7 * 120 + 0.3 * 100)
    with write_session(engine) as session:
        book_lines(session, [NewLine(1, 5, dt.date(2026, 10, 25), 100.0, 50.0)], "t", "test")
    # revenue 400 / 250 -> capped 120; margin (400 - 200) / 400 = 0.5 -> 100
    assert kpi_now(org, registry, cycle, 5) == pytest.approx(114.0)
    assert kpi_now(org, registry, cycle, 4) == pytest.approx(80.0)

    actions.move_cycle(engine, registry, mgr, "mgr", cycle, "self_review")
    kpi_ids = queries.kpi_lines(engine, rep4, [cycle])["kpi_id"].to_list()
    actions.submit_self_review(
        engine, rep4, "rep4", cycle, "十月稳步推进", dict.fromkeys(kpi_ids, 90.0), VALUES
    )
    refused(
        "appraisal.error.acknowledge_first",
        actions.submit_self_review,
        engine,
        rep7,
        "rep7",
        cycle,
        "",
        {},
        VALUES,
    )

    actions.move_cycle(engine, registry, mgr, "mgr", cycle, "manager_review")
    refused(
        "appraisal.error.not_reviewer",
        actions.submit_manager_review,
        engine,
        rep4,
        "rep4",
        cycle,
        5,
        0.0,
        "",
        VALUES,
    )
    actions.submit_manager_review(engine, sup3, "sup3", cycle, 4, 5.0, "稳", VALUES)
    actions.submit_manager_review(engine, sup3, "sup3", cycle, 5, 0.0, "好", VALUES)
    refused(
        "appraisal.error.reviews_missing",
        actions.move_cycle,
        engine,
        registry,
        mgr,
        "mgr",
        cycle,
        "calibration",
    )
    for person in (3, 6, 7):
        actions.submit_manager_review(engine, mgr, "mgr", cycle, person, 0.0, "", VALUES)
    actions.move_cycle(engine, registry, mgr, "mgr", cycle, "calibration")

    frozen = {r["person_id"]: r for r in queries.records(engine, OPERATOR, [cycle]).to_dicts()}
    # rep 4: KPI 80 + judgement 5 = 85; final 0.7 x 85 + 0.3 x 4 x 20 = 83.5
    assert frozen[4]["results_score"] == pytest.approx(85.0)
    assert frozen[4]["final_score"] == pytest.approx(83.5)
    assert frozen[5]["final_score"] == pytest.approx(0.7 * 114 + 24)  # 103.8
    assert frozen[7]["kpi_score"] == pytest.approx(0.7 * 120 + 0.3 * 40)  # margin 0.2 of 0.5
    assert frozen[3]["final_score"] == pytest.approx(0.7 * 120 + 24)  # team 600 of 500
    assert frozen[6]["final_score"] == pytest.approx(0.7 * 50 + 24)  # team 500 of 1000
    ratings = {p: r["rating"] for p, r in frozen.items()}
    assert ratings == {3: "exceeds", 4: "meets", 5: "exceeds", 6: "below", 7: "meets"}

    refused(
        "appraisal.error.note_needed", actions.set_rating, engine, mgr, "mgr", cycle, 6, "meets", ""
    )
    actions.set_rating(engine, mgr, "mgr", cycle, 6, "meets", "新团队，市场开拓期")
    actions.move_cycle(engine, registry, mgr, "mgr", cycle, "closed")

    # the multipliers, as the incentives plugin reads them through the core
    published = read_published(engine, OPERATOR, TOPIC, "2026-10")
    got = dict(published.select("person_id", "value").iter_rows())
    assert got == {3: 1.5, 4: 1.0, 5: 1.5, 6: 1.0, 7: 1.0}
    assert set(published["text"]) == {"appraisal.rating.exceeds", "appraisal.rating.meets"}
    assert read_published(engine, rep4, TOPIC, "2026-10")["person_id"].to_list() == [4]
    # each member is told, on their own notifications: reviewed, then the decision
    assert inbox(engine, rep4)["text"].to_list() == [
        "Your appraisal of 2026-10 is closed: bonus multiplier ×1.00.",
        "Your leader has reviewed your appraisal of 2026-10.",
    ]

    # results applied and the published metrics
    done = {r["person_id"]: r for r in queries.records(engine, OPERATOR, [cycle]).to_dicts()}
    assert done[5]["promotion"] and done[3]["promotion"]  # stars rated exceeds
    assert done[7]["training"] == ["margin"] and done[6]["training"] == ["revenue"]
    assert done[4]["raise_pct"] is None  # raises are decided in annual cycles
    score = registry.person_values(engine, OPERATOR, "appraisal_score", parse_period("2026-10"))
    assert dict(score.select("person_id", "value").iter_rows())[5] == pytest.approx(103.8)
    refused(
        "appraisal.error.closed",
        actions.move_cycle,
        engine,
        registry,
        mgr,
        "mgr",
        cycle,
        "calibration",
    )


def test_guards_on_forward_moves(org, registry) -> None:
    mgr = viewer(org, "mgr", "manager", 2)
    cycle = actions.create_cycle(org.engine, mgr, "mgr", "monthly", "2026-10", 2)
    err = refused(
        "appraisal.error.contracts_missing",
        actions.move_cycle,
        org.engine,
        registry,
        mgr,
        "mgr",
        cycle,
        "in_progress",
    )
    assert err.params == {"count": 5}
    actions.save_template(org.engine, registry, mgr, "mgr", cycle, "rep", REP_LINES)
    actions.issue_contracts(org.engine, registry, mgr, "mgr", cycle, "rep")
    assert refused(
        "appraisal.error.contracts_missing",
        actions.move_cycle,
        org.engine,
        registry,
        mgr,
        "mgr",
        cycle,
        "in_progress",
    ).params == {"count": 2}
    # a supervisor below the unit's leader may not run the manager's cycle
    sup = viewer(org, "sup3", "supervisor", 3)
    refused(
        "appraisal.error.not_manager",
        actions.move_cycle,
        org.engine,
        registry,
        sup,
        "sup3",
        cycle,
        "in_progress",
    )


def test_one_appraisal_per_person_and_period(org, registry) -> None:
    mgr = viewer(org, "mgr", "manager", 2)
    sup = viewer(org, "sup3", "supervisor", 3)
    actions.create_cycle(org.engine, sup, "sup3", "monthly", "2026-10", 3)
    err = refused(
        "appraisal.error.overlap",
        actions.create_cycle,
        org.engine,
        mgr,
        "mgr",
        "monthly",
        "2026-10",
        2,
    )
    assert err.params["leader"] == "主管甲"
    actions.create_cycle(org.engine, mgr, "mgr", "monthly", "2026-11", 2)  # another month is fine
    refused(
        "appraisal.error.bad_period",
        actions.create_cycle,
        org.engine,
        mgr,
        "mgr",
        "annual",
        "2026-10",
        2,
    )
    refused(
        "appraisal.error.bad_root",
        actions.create_cycle,
        org.engine,
        mgr,
        "mgr",
        "monthly",
        "2026-09",
        4,
    )
    rep = viewer(org, "rep4", "rep", 4)
    refused(
        "appraisal.error.not_manager",
        actions.create_cycle,
        org.engine,
        rep,
        "rep4",
        "monthly",
        "2026-09",
        3,
    )
    # a supervisor cannot start a cycle above their own team
    refused(
        "appraisal.error.not_manager",
        actions.create_cycle,
        org.engine,
        sup,
        "sup3",
        "monthly",
        "2026-09",
        2,
    )


def test_unregistered_metric_is_unavailable_not_an_error(org, registry) -> None:
    mgr = viewer(org, "mgr", "manager", 2)
    cycle = actions.create_cycle(org.engine, mgr, "mgr", "monthly", "2026-10", 2)
    lines = [Line("revenue", 80, None), Line("visits", 20, 8.0)]  # visits: customers plugin
    actions.save_template(org.engine, registry, mgr, "mgr", cycle, "rep", lines)
    actions.issue_contracts(org.engine, registry, mgr, "mgr", cycle, "rep")
    info = queries.find_cycle(org.engine, mgr, cycle)
    scored = live_lines(org.engine, registry, mgr, info, 4)
    status = dict(scored.select("metric", "status").iter_rows())
    assert status == {"revenue": "scored", "visits": "unavailable"}
    # the KPI score is revenue's alone: 200 / 250 = 80
    assert kpi_now(org, registry, cycle, 4) == pytest.approx(80.0)


def test_contract_targets_need_a_source(org, registry) -> None:
    mgr = viewer(org, "mgr", "manager", 2)
    cycle = actions.create_cycle(org.engine, mgr, "mgr", "monthly", "2026-10", 2)
    actions.save_template(
        org.engine,
        registry,
        mgr,
        "mgr",
        cycle,
        "rep",
        [Line("revenue", 50, None), Line("order_lines", 50, None)],
    )
    err = refused(
        "appraisal.error.no_person_target",
        actions.issue_contracts,
        org.engine,
        registry,
        mgr,
        "mgr",
        cycle,
        "rep",
    )
    assert err.params["metric"] == "order_lines"
    assert queries.kpi_lines(org.engine, OPERATOR, [cycle]).is_empty()  # nothing half-written
    # a person's own contract: their leader sets it, weights checked
    sup = viewer(org, "sup3", "supervisor", 3)
    refused(
        "appraisal.error.weights",
        actions.save_contract,
        org.engine,
        registry,
        sup,
        "sup3",
        cycle,
        4,
        [Line("revenue", 60, 300.0)],
    )
    actions.save_contract(
        org.engine,
        registry,
        sup,
        "sup3",
        cycle,
        4,
        [Line("revenue", 60, 300.0), Line("order_lines", 40, 2.0)],
    )
    refused(
        "appraisal.error.not_reviewer",
        actions.save_contract,
        org.engine,
        registry,
        sup,
        "sup3",
        cycle,
        7,
        [Line("revenue", 100, 300.0)],
    )
    rep = viewer(org, "rep4", "rep", 4)
    refused(
        "appraisal.error.not_reviewer",
        actions.save_contract,
        org.engine,
        registry,
        rep,
        "rep4",
        cycle,
        4,
        [Line("revenue", 100, 1.0)],
    )


def test_scope_rep_sees_own_manager_sees_team(org, registry) -> None:
    cycle = planned_cycle(org, registry)
    engine = org.engine
    rep4 = viewer(org, "rep4", "rep", 4)
    sup6 = viewer(org, "sup6", "supervisor", 6)
    mgr = viewer(org, "mgr", "manager", 2)
    outsider = viewer(org, "rep7", "rep", 7)
    assert queries.records(engine, rep4, [cycle])["person_id"].to_list() == [4]
    assert set(queries.kpi_lines(engine, rep4, [cycle])["person_id"]) == {4}
    assert set(queries.records(engine, sup6, [cycle])["person_id"]) == {6, 7}
    assert set(queries.records(engine, mgr, [cycle])["person_id"]) == {3, 4, 5, 6, 7}
    info = queries.find_cycle(engine, rep4, cycle)
    assert info is not None  # a member sees the cycle itself
    assert set(live_lines(engine, registry, rep4, info)["person_id"]) == {4}
    # another team's supervisor: the cycle is visible (their team is in it), not rep 4's rows
    assert 4 not in set(queries.records(engine, sup6, None)["person_id"])
    admin = Viewer("admin", "admin", None, frozenset())
    assert queries.cycles(engine, admin).is_empty()
    assert queries.records(engine, admin, None).is_empty()
    # a supervisor may not review someone outside their team
    actions.move_cycle(engine, registry, mgr, "mgr", cycle, "in_progress")
    actions.move_cycle(engine, registry, mgr, "mgr", cycle, "self_review")
    actions.move_cycle(engine, registry, mgr, "mgr", cycle, "manager_review")
    refused(
        "appraisal.error.not_reviewer",
        actions.submit_manager_review,
        engine,
        sup6,
        "sup6",
        cycle,
        4,
        0.0,
        "",
        VALUES,
    )
    refused(
        "appraisal.error.not_reviewer",
        actions.submit_manager_review,
        engine,
        outsider,
        "rep7",
        cycle,
        7,
        0.0,
        "",
        VALUES,
    )


def test_export_is_scoped(org, registry) -> None:
    from plugins.appraisal.queries import read_results

    cycle = planned_cycle(org, registry)
    mgr = viewer(org, "mgr", "manager", 2)
    for state in ("in_progress", "self_review", "manager_review"):
        actions.move_cycle(org.engine, registry, mgr, "mgr", cycle, state)
    for person in (3, 4, 5, 6, 7):
        actions.submit_manager_review(org.engine, mgr, "mgr", cycle, person, 0.0, "", VALUES)
    actions.move_cycle(org.engine, registry, mgr, "mgr", cycle, "calibration")
    actions.move_cycle(org.engine, registry, mgr, "mgr", cycle, "closed")
    assert read_results(org.engine, viewer(org, "rep5", "rep", 5))["person_id"].to_list() == [5]
    assert set(read_results(org.engine, viewer(org, "sup6", "supervisor", 6))["person_id"]) == {
        6,
        7,
    }
    assert read_results(org.engine, OPERATOR).height == 5


def test_talk_plan_and_guideline(org, registry) -> None:
    cycle = planned_cycle(org, registry)
    engine = org.engine
    mgr = viewer(org, "mgr", "manager", 2)
    sup3 = viewer(org, "sup3", "supervisor", 3)
    rep4 = viewer(org, "rep4", "rep", 4)
    refused(
        "appraisal.error.wrong_state",
        actions.record_talk,
        engine,
        sup3,
        "sup3",
        cycle,
        4,
        dt.date(2026, 11, 3),
        "",
        "",
        "",
    )
    for state in ("in_progress", "self_review", "manager_review"):
        actions.move_cycle(engine, registry, mgr, "mgr", cycle, state)
    actions.record_talk(
        engine, sup3, "sup3", cycle, 4, dt.date(2026, 11, 3), "拜访扎实", "新客户开发", "认同"
    )
    action = actions.add_action(
        engine, sup3, "sup3", cycle, 4, "每周新增两家有效客户", 4, dt.date(2026, 12, 3)
    )
    refused(
        "appraisal.error.bad_owner",
        actions.add_action,
        engine,
        sup3,
        "sup3",
        cycle,
        4,
        "陪访",
        7,
        dt.date(2026, 12, 3),
    )
    actions.set_action_status(engine, rep4, "rep4", action, "in_progress")  # the person
    refused(
        "appraisal.error.not_reviewer",
        actions.set_action_status,
        engine,
        viewer(org, "rep5", "rep", 5),
        "rep5",
        action,
        "done",
    )
    assert queries.actions(engine, rep4, [cycle])["status"].to_list() == ["in_progress"]
    assert queries.talks(engine, viewer(org, "rep5", "rep", 5), [cycle]).is_empty()
    assert queries.talks(engine, rep4, [cycle])["strengths"].to_list() == ["拜访扎实"]
    for person in (3, 4, 5, 6, 7):
        actions.submit_manager_review(engine, mgr, "mgr", cycle, person, 0.0, "", VALUES)
    actions.move_cycle(engine, registry, mgr, "mgr", cycle, "calibration")
    # supervisor 6's team of one and the manager's team of two, by the 271 guideline
    assert actions.apply_guideline(engine, mgr, "mgr", cycle, 2, "271") >= 0
    rated = dict(
        queries.records(engine, OPERATOR, [cycle]).select("person_id", "rating").iter_rows()
    )
    assert rated[3] == "exceeds" and rated[6] == "meets"  # n = 2: one exceeds, one meets


def test_annual_appraisal_combines_months_with_ability_and_attitude(org, registry) -> None:
    engine = org.engine
    mgr = viewer(org, "mgr", "manager", 2)
    cycle = planned_cycle(org, registry)
    for state in ("in_progress", "self_review", "manager_review"):
        actions.move_cycle(engine, registry, mgr, "mgr", cycle, state)
    for person in (3, 4, 5, 6, 7):
        actions.submit_manager_review(engine, mgr, "mgr", cycle, person, 0.0, "", VALUES)
    actions.move_cycle(engine, registry, mgr, "mgr", cycle, "calibration")
    actions.move_cycle(engine, registry, mgr, "mgr", cycle, "closed")
    monthly = dict(
        queries.records(engine, OPERATOR, [cycle]).select("person_id", "final_score").iter_rows()
    )

    year = actions.create_cycle(engine, mgr, "mgr", "annual", "2026", 2)
    actions.move_cycle(engine, registry, mgr, "mgr", year, "in_progress")  # no contracts needed
    actions.move_cycle(engine, registry, mgr, "mgr", year, "self_review")
    rep4 = viewer(org, "rep4", "rep", 4)
    actions.submit_self_review(engine, rep4, "rep4", year, "全年", {}, VALUES, 4.0, 4.5)
    actions.move_cycle(engine, registry, mgr, "mgr", year, "manager_review")
    refused(
        "appraisal.error.score_missing",
        actions.submit_manager_review,
        engine,
        mgr,
        "mgr",
        year,
        4,
        0.0,
        "",
        VALUES,
    )
    refused(
        "appraisal.error.score_range",
        actions.submit_manager_review,
        engine,
        mgr,
        "mgr",
        year,
        4,
        0.0,
        "",
        VALUES,
        6.0,
        3.0,
    )
    for person in (3, 4, 5, 6, 7):
        actions.submit_manager_review(engine, mgr, "mgr", year, person, 0.0, "", VALUES, 4.0, 3.0)
    actions.move_cycle(engine, registry, mgr, "mgr", year, "calibration")
    rows = {r["person_id"]: r for r in queries.records(engine, OPERATOR, [year]).to_dicts()}
    # 0.6 x the month's final + 0.2 x 4 x 20 + 0.2 x 3 x 20
    for person, final in monthly.items():
        assert rows[person]["final_score"] == pytest.approx(0.6 * final + 16 + 12)
    actions.move_cycle(engine, registry, mgr, "mgr", year, "closed")
    done = {r["person_id"]: r for r in queries.records(engine, OPERATOR, [year]).to_dicts()}
    raises = {"exceeds": 0.08, "meets": 0.04, "below": 0.0}
    assert all(r["raise_pct"] == raises[r["rating"]] for r in done.values())
    assert read_published(engine, OPERATOR, TOPIC, "2026").height == 5
    assert read_published(engine, OPERATOR, TOPIC, "2026-10").height == 5  # untouched
