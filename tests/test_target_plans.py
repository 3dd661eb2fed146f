"""Issue 14, item 3: targets set in the app and cascaded down the org, draft to approved.

The small hand-built org (tests/factories.py): director 1 over manager 2, over
supervisor 3 (reps 4, 5) and supervisor 6 (rep 7); here also manager 8 (over
supervisor 9), another region. Last year (2025) rep 4 sold 100, rep 5 100 and
rep 7 100 (an order added here): team 3 had 200, team 6 100.

The director sets 2026's revenue: the force 3,000 a quarter spread flat (1,000 a
month), region 2 900 a month, region 8 100. Manager 2 splits 900 onto
supervisors 3 and 6: typed 400 + 400 falls 100 a month short (1,200 over the
year); by last year's share it is 600 and 300. Supervisor 3 splits 600 onto
reps 4 and 5 in the app: 300 each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import polars as pl
import pytest
from sqlalchemy import select

from command_center.db.engine import read_session, write_session
from command_center.db.models import AuditEntry, Notification, OrderLine, Person, Target
from command_center.metrics import MetricRegistry
from command_center.org.scope import OPERATOR, Viewer, people_edges, scope_for
from command_center.targets import actions, logic, queries
from command_center.targets.actions import PlanError
from tests.conftest import BACKENDS, Db, _drop_db, make_host, small_org_copy

YEAR = 2026
REVENUE = "revenue"


def _viewer(db: Db, login: str, role: str, person: int) -> Viewer:
    return Viewer(login, role, person, scope_for(role, person, people_edges(db.engine)))


REGION_8 = ((8, "经理乙", "manager", 1), (9, "主管丙", "supervisor", 8))


def _with_region_8(db: Db) -> Db:
    with write_session(db.engine) as session:
        for pid, name, level, manager in REGION_8:
            session.add(Person(person_id=pid, name=name, level=level, manager_id=manager,
                               region="华南", hire_date=dt.date(2020, 1, 1)))  # fmt: skip
            session.flush()
        day = dt.date(2025, 3, 10)
        session.add(OrderLine(order_id=100, customer_id=1, person_id=7, order_date=day,
                              revenue=100.0, cost=50.0))  # fmt: skip
    return db


@pytest.fixture(params=BACKENDS)
def org(request: pytest.FixtureRequest, tmp_path: object, pg_databases: object) -> Iterator[Db]:
    db = small_org_copy(request.param, tmp_path, pg_databases, "all", make_host)  # type: ignore[arg-type]
    yield _with_region_8(db)
    _drop_db(db, pg_databases)  # type: ignore[arg-type]


@pytest.fixture
def sqlite_org(tmp_path: object) -> Iterator[Db]:
    db = small_org_copy("sqlite", tmp_path, None, "all", make_host)
    yield _with_region_8(db)
    _drop_db(db, None)


@pytest.fixture(scope="module")
def registry() -> MetricRegistry:
    return MetricRegistry(make_host())


def _months(engine: object, person: int) -> dict[str, float]:
    with read_session(engine) as session:  # type: ignore[arg-type]
        rows = session.execute(
            select(Target.period, Target.target).where(
                Target.person_id == person, Target.metric == REVENUE
            )
        ).all()
    return {period: value for period, value in rows if period.startswith(str(YEAR))}


def _director_sets_the_year(db: Db, registry: MetricRegistry) -> None:
    director = _viewer(db, "dir", "director", 1)
    force = logic.spread_quarters([3000.0] * 4, logic.seasonality("flat"))
    lines = {1: force, 2: [900.0] * 12, 8: [100.0] * 12}
    saved = actions.save(db.engine, registry, director, (YEAR, REVENUE, 1), lines, "quarters")
    assert saved.version == 1 and saved.check.status == "ok"
    actions.submit(db.engine, director, saved.plan_id)
    assert actions.approve(db.engine, director, saved.plan_id) == 36


def _manager_splits(db: Db, registry: MetricRegistry) -> int:
    manager = _viewer(db, "mgr", "manager", 2)
    stored = queries.month_targets(db.engine, registry, YEAR, REVENUE, 2)
    assert stored == [900.0] * 12  # the region's figure, from the director's approved plan
    typed = actions.save(db.engine, registry, manager, (YEAR, REVENUE, 2),
                         {3: [400.0] * 12, 6: [400.0] * 12}, "typed", stored)  # fmt: skip
    assert typed.check.status == "short"
    assert typed.check.gaps == [-100.0] * 12 and typed.check.year_gap == -1200.0
    over = logic.check_sum(stored, {3: [500.0] * 12, 6: [500.0] * 12})
    assert over.status == "over" and over.year_gap == 1200.0
    equal = logic.split(stored, [3, 6], "equal")
    assert equal == {3: [450.0] * 12, 6: [450.0] * 12}
    last = queries.last_year(db.engine, registry, manager, REVENUE, YEAR - 1)
    shares = {p: sum(last[p]) for p in (3, 6)}
    assert shares == {3: 200.0, 6: 100.0}
    lines = logic.split(stored, [3, 6], "last_year", shares)
    assert lines == {3: [600.0] * 12, 6: [300.0] * 12}
    saved = actions.save(db.engine, registry, manager, (YEAR, REVENUE, 2), lines, "last_year",
                         stored)  # fmt: skip
    assert saved.version == 1 and saved.plan_id == typed.plan_id and saved.check.status == "ok"
    actions.submit(db.engine, manager, saved.plan_id)
    with pytest.raises(PlanError) as refused:  # the leader's leader approves, not the leader
        actions.approve(db.engine, manager, saved.plan_id)
    assert refused.value.code == "targets.error.not_approver"
    actions.approve(db.engine, _viewer(db, "dir", "director", 1), saved.plan_id)
    return saved.plan_id


def test_the_director_sets_the_year_and_the_manager_splits_it(
    org: Db, registry: MetricRegistry
) -> None:
    _director_sets_the_year(org, registry)
    assert _months(org.engine, 1)["2026-05"] == 1000.0
    assert _months(org.engine, 8) == {f"2026-{m:02d}": 100.0 for m in range(1, 13)}
    _manager_splits(org, registry)
    assert _months(org.engine, 3) == {f"2026-{m:02d}": 600.0 for m in range(1, 13)}
    assert _months(org.engine, 6)["2026-10"] == 300.0  # the imported 1,000 is replaced
    # Every reader follows: the registry's targets (a year sums the months).
    from command_center.periods import parse_period

    goals = registry.targets(org.engine, OPERATOR, REVENUE, parse_period("2026"))
    by_node = dict(goals.iter_rows())
    assert by_node[1] == 12000.0 and by_node[2] == 10800.0 and by_node[3] == 7200.0


def test_an_edit_after_approval_is_version_2_audited_and_v1_stays_readable(
    org: Db, registry: MetricRegistry
) -> None:
    _director_sets_the_year(org, registry)
    first = _manager_splits(org, registry)
    manager = _viewer(org, "mgr", "manager", 2)
    again = actions.save(org.engine, registry, manager, (YEAR, REVENUE, 2),
                         {3: [700.0] * 12, 6: [200.0] * 12})  # fmt: skip
    assert again.version == 2 and again.plan_id != first
    assert _months(org.engine, 3)["2026-01"] == 600.0  # a draft changes nothing yet
    actions.submit(org.engine, manager, again.plan_id)
    actions.approve(org.engine, _viewer(org, "dir", "director", 1), again.plan_id)
    assert _months(org.engine, 3)["2026-01"] == 700.0
    found = queries.versions(org.engine, manager, YEAR, REVENUE, 2)
    assert found.select("version", "state", "total").rows() == [
        (2, "approved", 10800.0),
        (1, "superseded", 10800.0),
    ]
    old = queries.plan(org.engine, manager, YEAR, REVENUE, 2, version=1)
    assert old is not None and old.lines[3] == [600.0] * 12
    with read_session(org.engine) as session:
        done = session.execute(
            select(AuditEntry.action, AuditEntry.actor, AuditEntry.detail).where(
                AuditEntry.entity == "target_plan", AuditEntry.entity_id == str(again.plan_id)
            )
        ).all()
    assert [(a, who) for a, who, _ in done] == [
        ("target_plan_saved", "mgr"),
        ("target_plan_submitted", "mgr"),
        ("target_plan_approved", "dir"),
    ]
    assert done[2][2]["version"] == 2 and done[2][2]["superseded"] == [1]
    with read_session(org.engine) as session:
        told = session.execute(
            select(Notification.person_id, Notification.text_key, Notification.params).where(
                Notification.kind == "targets"
            )
        ).all()
    assert (1, "targets.notify.submitted", {"leader": "经理", "metric": REVENUE, "year": YEAR,
            "version": 2}) in told  # fmt: skip
    assert (2, "targets.notify.approved") in {(p, k) for p, k, _ in told}


def test_who_may_set_targets(org: Db, registry: MetricRegistry) -> None:
    rep = _viewer(org, "rep", "rep", 4)
    other = _viewer(org, "mgr8", "manager", 8)
    manager = _viewer(org, "mgr", "manager", 2)
    cases = [
        (rep, 4, {}, "targets.error.role"),
        (other, 2, {3: [1.0] * 12}, "targets.error.out_of_scope"),
        (other, 3, {4: [1.0] * 12}, "targets.error.out_of_scope"),
        (manager, 2, {9: [1.0] * 12}, "targets.error.not_in_plan"),
        (manager, 2, {2: [1.0] * 12}, "targets.error.not_in_plan"),  # their own: read-only
        (manager, 1, {2: [1.0] * 12}, "targets.error.out_of_scope"),
    ]
    for viewer, leader, lines, code in cases:
        with pytest.raises(PlanError) as refused:
            actions.save(org.engine, registry, viewer, (YEAR, REVENUE, leader), lines)
        assert refused.value.code == code, (viewer.login, leader)
    with pytest.raises(logic.TargetInputError) as bad:
        actions.save(org.engine, registry, manager, (YEAR, REVENUE, 2), {3: [1.0] * 11 + [-5.0]})
    assert bad.value.code == "targets.error.negative" and bad.value.params["month"] == 12
    with pytest.raises(PlanError) as ratio:
        actions.save(org.engine, registry, manager, (YEAR, "margin", 2), {3: [1.0] * 12})
    assert ratio.value.code == "targets.error.metric"
    with read_session(org.engine) as session:
        assert session.scalar(select(AuditEntry).where(AuditEntry.entity == "target_plan")) is None


def test_seasonality_and_splits_by_hand() -> None:
    shape = [1.0, 2.0, 1.0] + [1.0] * 9
    assert logic.spread_quarters([400.0, 300.0, 0.0, 30.0], shape)[:6] == [
        100.0, 200.0, 100.0, 100.0, 100.0, 100.0,
    ]  # fmt: skip
    assert logic.spread_quarters([0.0, 0.0, 0.0, 100.0], [1.0] * 12)[9:] == [33.33, 33.33, 33.34]
    assert (
        round(sum(logic.spread_year(1000.0, logic.seasonality("custom", custom=shape))), 2)
        == 1000.0
    )
    assert logic.seasonality("last_year", [0.0] * 12) == [1.0] * 12  # nothing sold: flat
    assert logic.split([10.0] * 12, [1, 2, 3], "last_year", {})[3][0] == 3.34
    with pytest.raises(logic.TargetInputError):
        logic.seasonality("custom", custom=[0.0] * 12)


def test_a_supervisor_splits_onto_reps_in_the_app_and_quota_and_kpi_follow(
    sqlite_org: Db, registry: MetricRegistry, monkeypatch: pytest.MonkeyPatch, app_env: None
) -> None:
    from command_center import testing as apptest
    from command_center.org.auth import add_user
    from pages.targets import editor_key
    from plugins.appraisal import actions as appraisal
    from plugins.appraisal.logic import Line
    from plugins.appraisal.models import KpiLine
    from plugins.incentives.queries.figures import person_months
    from tests.conftest import use_db

    db = sqlite_org
    _director_sets_the_year(db, registry)
    _manager_splits(db, registry)
    with write_session(db.engine) as session:
        add_user(session, "sup", "demo-pass-2026", "supervisor", 3)
    use_db(monkeypatch, db)
    at = apptest.open_page(apptest.start(db.engine, "sup"), "targets")
    assert not at.exception and apptest.page_problems(at) == []
    assert at.selectbox(key="targets_leader").value == 3
    shown = apptest.texts(at)
    assert "主管甲's target for the year (their leader's split) 7,200.00" in shown
    # Typed in: rep 4's January cut to 200 leaves January 100 short of 600.
    at = at.radio(key="targets_method").set_value("typed").run()
    at = at.selectbox(key="targets_year").set_value(YEAR).run()
    key = editor_key(YEAR, REVENUE, 3, "typed", 0)
    at.session_state[key] = {
        "edited_rows": {0: {"2026-01": 200.0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at = at.run()
    assert not at.exception
    assert any("falls short of the parent's figure by 100.00" in w.value for w in at.warning)
    # Equal shares: 300 each, and submitted.
    at = at.radio(key="targets_method").set_value("equal").run()
    assert any("adds up" in s.value for s in at.success)
    at = at.button(key="targets_submit").click().run()
    assert not at.exception and "Version 1 submitted for approval." in apptest.texts(at)
    plan = queries.plan(db.engine, OPERATOR, YEAR, REVENUE, 3)
    assert plan is not None and plan.state == "submitted" and plan.method == "equal"
    actions.approve(db.engine, _viewer(db, "mgr", "manager", 2), plan.plan_id)
    assert _months(db.engine, 4)["2026-01"] == 300.0 and _months(db.engine, 5)["2026-12"] == 300.0
    # The commission quota follows the split...
    quota = person_months(db.engine).filter(
        (pl.col("person_id") == 4) & (pl.col("month") == dt.date(2026, 1, 1))
    )["quota"]
    assert quota.to_list() == [300.0]
    # ... and so does the KPI target of a contract issued now.
    manager = _viewer(db, "mgr", "manager", 2)
    cycle = appraisal.create_cycle(db.engine, manager, "mgr", "monthly", "2026-01", 3)
    appraisal.save_template(db.engine, registry, manager, "mgr", cycle, "rep",
                            [Line(REVENUE, 100, None)])  # fmt: skip
    appraisal.issue_contracts(db.engine, registry, manager, "mgr", cycle, "rep")
    with read_session(db.engine) as session:
        kpis = session.execute(
            select(KpiLine.person_id, KpiLine.target).where(KpiLine.cycle_id == cycle)
        ).all()
    assert sorted(kpis) == [(4, 300.0), (5, 300.0)]
    # A contract line typed apart from the core target is an explicit override, audited.
    appraisal.save_contract(db.engine, registry, manager, "mgr", cycle, 4,
                            [Line(REVENUE, 100, 350.0)])  # fmt: skip
    with read_session(db.engine) as session:
        saved = session.scalar(
            select(AuditEntry.detail).where(AuditEntry.action == "appraisal_contract_saved")
        )
    assert saved is not None
    assert saved["overrides"] == [{"metric": REVENUE, "target": 350.0, "core": 300.0}]


def test_activity_targets_cascade_too_and_the_metrics_command_shows_them(
    sqlite_org: Db, registry: MetricRegistry, monkeypatch: pytest.MonkeyPatch, app_env: None
) -> None:
    from typer.testing import CliRunner

    from command_center import cli
    from tests.conftest import use_db

    db = sqlite_org
    assert {"visits", "calls", "new_customers"} <= set(queries.plannable_metrics(registry))
    director = _viewer(db, "dir", "director", 1)
    lines = {1: [20.0] * 12, 2: [15.0] * 12, 8: [5.0] * 12}
    saved = actions.save(db.engine, registry, director, (YEAR, "visits", 1), lines)
    actions.submit(db.engine, director, saved.plan_id)
    actions.approve(db.engine, director, saved.plan_id)
    use_db(monkeypatch, db)
    result = CliRunner().invoke(
        cli.app, ["metrics", "--period", "2026-Q1", "--metric", "visits", "--by", "team"]
    )
    assert result.exit_code == 0, result.output
    rows = [line.split(",") for line in result.stdout.splitlines()]
    assert rows[0] == ["node_id", "name", "level", "metric", "value", "target", "attainment"]
    targets = {row[0]: (row[1], row[3], row[5]) for row in rows[1:]}
    assert targets["1"] == ("总监", "visits", "60.0")  # a quarter sums its months
    assert targets["2"] == ("经理", "visits", "45.0") and targets["8"][2] == "15.0"
    every = CliRunner().invoke(cli.app, ["metrics", "--period", "2026-01", "--by", "team"])
    assert every.exit_code == 0, every.output
    assert {"revenue", "visits"} <= {line.split(",")[3] for line in every.stdout.splitlines()[1:]}
