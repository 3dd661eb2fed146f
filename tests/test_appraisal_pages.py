"""Appraisal pages under AppTest, on the small demo with only the core's metrics registered."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
import pytest
from sqlalchemy import select, update

from command_center import testing as apptest
from command_center.db import frames
from command_center.db.engine import read_session, write_session
from command_center.org.scope import OPERATOR, Viewer, people_edges, scope_for
from command_center.published import read_published
from plugins.appraisal import actions, queries
from plugins.appraisal.models import Cycle, Record
from tests.conftest import BACKENDS, Db, _drop_db
from tests.fixtures_appraisal import appraisal_demo, appraisal_host

ROLES = ["director", "manager", "supervisor", "rep", "admin"]
PAGES = [
    "appraisal-mine",
    "appraisal-cycles",
    "appraisal-contracts",
    "appraisal-progress",
    "appraisal-reviews",
    "appraisal-calibration",
    "appraisal-results",
    "appraisal-policy",
]


@pytest.fixture(scope="module", params=BACKENDS)
def shared(request, tmp_path_factory, pg_databases) -> Iterator[Db]:
    """The small demo for read-only page tests."""
    db = appraisal_demo(request.param, tmp_path_factory.mktemp("appraisal"), pg_databases)
    yield db
    _drop_db(db, pg_databases)


@pytest.fixture
def fresh(tmp_path, pg_databases, monkeypatch, app_env) -> Iterator[Db]:
    """A demo of its own (SQLite) for tests that write through the pages."""
    db = appraisal_demo("sqlite", tmp_path, None)
    apptest.use_database(db.url, appraisal_host())
    yield db
    _drop_db(db, None)


@pytest.fixture
def app(shared, monkeypatch, app_env) -> Db:
    apptest.use_database(shared.url, appraisal_host())
    return shared


def person_of(db: Db, login: str) -> int:
    person = apptest.signed_in(db.engine, login).person_id
    assert person is not None
    return person


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize("login", ROLES)
def test_every_appraisal_page_renders(app, login: str, lang: str) -> None:
    at = apptest.start(app.engine, login, lang)
    paths = [p for p in apptest.page_paths(at) if p.startswith("appraisal")]
    expected = {
        "director": set(PAGES) - {"appraisal-mine"},
        "manager": set(PAGES) - {"appraisal-policy"},
        "supervisor": set(PAGES) - {"appraisal-policy"},
        "rep": {"appraisal-mine", "appraisal-results"},
        "admin": set(),
    }[login]
    assert set(paths) == expected
    for path in paths:
        at = apptest.open_page(at, path)
        assert not at.exception, (path, [e.value for e in at.exception])
        assert not at.error, (path, [e.value for e in at.error])


@pytest.mark.parametrize("login", ["manager", "supervisor"])
def test_pages_render_for_every_kind_of_cycle(app, login: str) -> None:
    """Each page with a closed, an annual and a running cycle picked (the choice is shared)."""
    cycles = queries.cycles(app.engine, OPERATOR)
    picks = [
        int(cycles.filter((pl.col("kind") == kind) & (pl.col("state") == state))["cycle_id"][0])
        for kind, state in (("monthly", "closed"), ("annual", "closed"), ("monthly", "in_progress"))
    ]
    at = apptest.start(app.engine, login)
    shown = 0
    for path in [p for p in PAGES if p != "appraisal-policy"]:
        at = apptest.open_page(at, path)
        for cycle in picks:
            try:
                box = at.selectbox(key="_w_appraisal_cycle_en")
            except KeyError:  # a manager is appraised in no cycle: "My appraisal" has none
                break
            if box.format_func(cycle) not in box.options:
                continue  # e.g. the calibration page lists no running cycle
            at = box.set_value(cycle).run()
            assert not at.exception, (path, cycle, [e.value for e in at.exception])
            assert not at.error, (path, cycle, [e.value for e in at.error])
            shown += 1
    assert shown >= 10


def test_rep_sees_only_their_own_appraisal(app) -> None:
    me = person_of(app, "rep")
    at = apptest.open_page(apptest.start(app.engine, "rep"), "appraisal-mine")
    shown = apptest.texts(at)
    people = frames.all_people(app.engine)
    assert "My KPI contract and progress" in shown and "My appraisal history" in shown
    others = people.filter((pl.col("level") == "rep") & (pl.col("person_id") != me))["name"]
    assert not [name for name in others.to_list() if name in shown]
    at = apptest.open_page(at, "appraisal-results")
    shown = apptest.texts(at)
    assert people.filter(pl.col("person_id") == me)["name"].item() in shown
    assert not [name for name in others.to_list() if name in shown]


def test_manager_sees_only_their_team(app) -> None:
    at = apptest.start(app.engine, "manager")
    at = apptest.open_page(at, "appraisal-calibration")
    shown = apptest.texts(at)
    manager = person_of(app, "manager")
    rep2 = person_of(app, "rep2")  # another manager's rep
    people = frames.all_people(app.engine)
    name = people.filter(pl.col("person_id") == rep2)["name"].item()
    assert name not in shown
    team = queries.records(app.engine, OPERATOR, None).filter(pl.col("team_id") == manager)
    own_supervisor = people.filter(pl.col("person_id") == team["person_id"][0])["name"].item()
    assert own_supervisor in shown  # the manager's supervisors are there


def test_calibration_shows_271_and_the_grid(app) -> None:
    at = apptest.open_page(apptest.start(app.engine, "director"), "appraisal-calibration")
    shown = apptest.texts(at)
    assert "Ratings per team against the guideline" in shown
    assert len(at.get("vega_lite_chart")) >= 2  # the 271 chart and the grid


def test_rep_acknowledges_contract_on_the_page(fresh) -> None:
    me = person_of(fresh, "rep")
    current = queries.all_cycles(fresh.engine).filter(pl.col("state") == "in_progress")
    with write_session(fresh.engine) as session:
        session.execute(
            update(Record)
            .where(Record.person_id == me, Record.cycle_id.in_(current["cycle_id"].to_list()))
            .values(contract="issued", acknowledged_at=None)
        )
    at = apptest.open_page(apptest.start(fresh.engine, "rep"), "appraisal-mine")
    assert "Please read your contract and acknowledge it." in apptest.texts(at)
    at.button(key=f"appraisal_ack_{_mine(fresh, me)}").click().run()
    assert not at.exception
    assert "Contract acknowledged." in apptest.texts(at)
    record = queries.records(fresh.engine, OPERATOR, [_mine(fresh, me)]).filter(
        pl.col("person_id") == me
    )
    assert record["contract"].item() == "acknowledged"


def _mine(db: Db, person: int) -> int:
    """The in-progress cycle ``person`` is appraised in."""
    current = queries.all_cycles(db.engine).filter(pl.col("state") == "in_progress")
    rows = queries.records(db.engine, OPERATOR, current["cycle_id"].to_list())
    return int(rows.filter(pl.col("person_id") == person)["cycle_id"].item())


def test_manager_runs_the_cycle_through_the_pages(fresh) -> None:
    engine = fresh.engine
    supervisor = person_of(fresh, "supervisor")
    cycle = _mine(fresh, supervisor)  # the manager's unit's current cycle
    at = apptest.open_page(apptest.start(engine, "manager"), "appraisal-cycles")
    at.selectbox(key="_w_appraisal_cycle_en").set_value(cycle).run()
    # skipping a step is refused with a message; nothing changes
    at.selectbox(key=f"appraisal_move_target_{cycle}").set_value("closed").run()
    at.button(key=f"appraisal_move_go_{cycle}").click().run()
    assert any("next step is “Self review”" in str(e.value) for e in at.error)
    at.button(key=f"appraisal_move_next_{cycle}_in_progress").click().run()
    assert "is now in “Self review”" in apptest.texts(at)
    at.button(key=f"appraisal_move_next_{cycle}_self_review").click().run()
    assert "is now in “Manager review”" in apptest.texts(at)

    # the manager evaluates the supervisor on the reviews page
    at = apptest.open_page(at, "appraisal-reviews")
    at.selectbox(key=f"appraisal_review_person_{cycle}").set_value(supervisor).run()
    form = at.form(key=f"appraisal_mgr_{cycle}_{supervisor}")
    form.slider[0].set_value(4.0)
    form.text_area[0].input("带队稳健，新人培养到位")
    form.button[0].click()
    at.run()
    assert not at.exception and "Evaluation saved." in apptest.texts(at)
    with read_session(engine) as session:
        record = session.get(Record, (cycle, supervisor))
        assert record is not None and record.judgement == 4.0 and record.reviewed_at is not None

    # the rest are reviewed, then calibration and closing from the pages
    manager = person_of(fresh, "manager")
    mgr = Viewer("manager", "manager", manager, scope_for("manager", manager, people_edges(engine)))
    rules = actions.policy(engine)
    for person in queries.records(engine, OPERATOR, [cycle])["person_id"].to_list():
        if person != supervisor:
            actions.submit_manager_review(
                engine, mgr, "manager", cycle, person, 0.0, "", dict.fromkeys(rules.values, 4.0)
            )
    at = apptest.open_page(at, "appraisal-cycles")
    at.button(key=f"appraisal_move_next_{cycle}_manager_review").click().run()
    assert "is now in “Calibration”" in apptest.texts(at)
    at = apptest.open_page(at, "appraisal-calibration")
    at.button(key=f"appraisal_close_{cycle}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "closed; results applied" in apptest.texts(at)
    with read_session(engine) as session:
        assert session.scalar(select(Cycle.state).where(Cycle.cycle_id == cycle)) == "closed"
    period = queries.find_cycle(engine, OPERATOR, cycle).period  # type: ignore[union-attr]
    published = read_published(engine, OPERATOR, "appraisal.bonus_multiplier", period)
    members = queries.records(engine, OPERATOR, [cycle])["person_id"].to_list()
    assert set(published["person_id"]) == set(members)


def test_leader_starts_a_cycle_and_issues_contracts(fresh) -> None:
    engine = fresh.engine
    supervisor = person_of(fresh, "supervisor")
    at = apptest.open_page(apptest.start(engine, "supervisor"), "appraisal-cycles")
    form = at.form(key="appraisal_new_cycle")
    form.text_input(key="appraisal_new_period").input("2026-12")
    form.button[0].click()
    at.run()
    assert not at.exception
    assert "Cycle 2026-12 created" in apptest.texts(at)
    new = queries.all_cycles(engine).filter(pl.col("period") == "2026-12")
    assert new["root_id"].to_list() == [supervisor]
    cycle = int(new["cycle_id"].item())
    # a month in the same unit: refused (the supervisor's reps are in it already)
    form = at.form(key="appraisal_new_cycle")
    form.text_input(key="appraisal_new_period").input("2026-12")
    form.button[0].click()
    at.run()
    assert any("already appraised" in str(e.value) for e in at.error)

    at = apptest.open_page(at, "appraisal-contracts")
    at.selectbox(key="_w_appraisal_cycle_en").set_value(cycle).run()
    form = at.form(key=f"appraisal_tpl_{cycle}_rep")
    form.selectbox(key=f"appraisal_tpl_{cycle}_rep_metric_0").set_value("revenue")
    form.number_input(key=f"appraisal_tpl_{cycle}_rep_weight_0").set_value(60.0)
    form.selectbox(key=f"appraisal_tpl_{cycle}_rep_metric_1").set_value("margin")
    form.number_input(key=f"appraisal_tpl_{cycle}_rep_weight_1").set_value(30.0)
    form.number_input(key=f"appraisal_tpl_{cycle}_rep_target_1").set_value(0.3)
    form.button[0].click()
    at.run()
    assert any("add up to 90 %" in str(e.value) for e in at.error), (
        [e.value for e in at.error],
        apptest.texts(at)[:3000],
    )
    form = at.form(key=f"appraisal_tpl_{cycle}_rep")
    form.number_input(key=f"appraisal_tpl_{cycle}_rep_weight_1").set_value(40.0)
    form.button[0].click()
    at.run()
    assert "Standard contract for Sales rep saved." in apptest.texts(at)
    at.button(key=f"appraisal_issue_{cycle}_rep").click().run()
    assert "Contracts issued to every Sales rep." in apptest.texts(at)
    lines = queries.kpi_lines(engine, OPERATOR, [cycle])
    reps = queries.records(engine, OPERATOR, [cycle])["person_id"].to_list()
    assert set(lines["person_id"]) == set(reps)
    assert lines.filter(pl.col("metric") == "revenue")["target"].min() > 0  # from the table


def test_director_changes_the_policy(fresh) -> None:
    at = apptest.open_page(apptest.start(fresh.engine, "director"), "appraisal-policy")
    form = at.form(key="appraisal_policy")
    form.number_input(key="appraisal_policy_results_weight").set_value(0.6)
    form.button[0].click()
    at.run()
    assert any("results_weight + values_weight must be 1" in str(e.value) for e in at.error)
    form = at.form(key="appraisal_policy")
    form.number_input(key="appraisal_policy_results_weight").set_value(0.6)
    form.number_input(key="appraisal_policy_values_weight").set_value(0.4)
    form.text_area(key="appraisal_policy_values").input("customer_first\nteamwork\n创新")
    form.button[0].click()
    at.run()
    assert "Appraisal policy saved." in apptest.texts(at)
    rules = actions.policy(fresh.engine)
    assert rules.results_weight == 0.6 and rules.values == ["customer_first", "teamwork", "创新"]
    assert "创新" in apptest.texts(at)


def test_cli_lists_cycles_in_scope_and_refuses_moves_out_of_it(app) -> None:
    from typer.testing import CliRunner

    from command_center import cli

    cli.build_app()
    runner = CliRunner()
    everyone = runner.invoke(cli.app, ["appraisal", "cycles"])
    assert everyone.exit_code == 0, everyone.output
    cycles = queries.all_cycles(app.engine)
    assert len(everyone.output.strip().splitlines()) == cycles.height
    env = {"COMMAND_CENTER_PASSWORD": "demo-pass-2026"}
    mine = runner.invoke(cli.app, ["--user", "rep", "appraisal", "cycles"], env=env)
    assert mine.exit_code == 0, mine.output
    rep = person_of(app, "rep")
    own = queries.records(app.engine, OPERATOR, None).filter(pl.col("person_id") == rep)
    assert len(mine.output.strip().splitlines()) == own["cycle_id"].n_unique()
    running = int(cycles.filter(pl.col("state") == "in_progress")["cycle_id"][0])
    refused = runner.invoke(
        cli.app, ["--user", "rep", "appraisal", "move", str(running), "self_review"], env=env
    )
    assert refused.exit_code == 1
    assert "Only a leader" in refused.output
