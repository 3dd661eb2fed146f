"""Issue 14, item 2: org changes with history, and roll-ups of the past by the tree as it was.

The small hand-built org (tests/factories.py): director 1 over manager 2, over
supervisor 3 (reps 4, 5) and supervisor 6 (rep 7). Rep 7 sold 50 in
September 2026 and 500 in October. Moved to supervisor 3 effective 1 October,
September's 50 stays with team 6 and October's 500 goes to team 3.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from sqlalchemy import select

from command_center.db import frames
from command_center.db.engine import read_session, write_session
from command_center.db.models import AuditEntry, Customer, OrgHistory, Person, User
from command_center.metrics import MetricRegistry
from command_center.org.auth import add_user
from command_center.org.changes import OrgChangeError, leave, move, promote
from command_center.org.history import SINCE_EVER
from command_center.org.scope import OPERATOR, Viewer
from command_center.periods import parse_period
from command_center.testing import host_with
from plugins.customers.models import CustomerProfile, PoolMove
from plugins.pipeline.models import Opportunity
from tests.conftest import Db, make_host
from tests.factories import load_small_org

TODAY = dt.date(2026, 11, 20)
MOVED = dt.date(2026, 10, 1)
MANAGER = Viewer("mgr", "manager", 2, frozenset({2, 3, 4, 5, 6, 7}))
SUP6 = Viewer("sup6", "supervisor", 6, frozenset({6}))  # today: rep 7 has gone to team 3
SUP3 = Viewer("sup3", "supervisor", 3, frozenset({3, 4, 5, 7}))


@pytest.fixture
def org(empty_db: Db) -> Db:
    load_small_org(empty_db.engine)
    return empty_db


def _team(registry: MetricRegistry, db: Db, viewer: Viewer, period: str) -> dict[int, float]:
    rolled = registry.rollup(db.engine, viewer, "revenue", parse_period(period))
    return {int(n): float(v) for n, v in rolled.select("node_id", "num").iter_rows()}


def test_a_move_keeps_each_months_figures_with_the_team_of_that_month(org: Db) -> None:
    registry = MetricRegistry(make_host())
    before = _team(registry, org, OPERATOR, "2026")
    assert before[6] == 550.0 and before[3] == 500.0  # 7's 50 + 500 in team 6
    move(org.engine, MANAGER, 7, 3, MOVED, "团队调整", today=TODAY)
    with read_session(org.engine) as session:
        assert session.get(Person, 7).manager_id == 3  # type: ignore[union-attr]
        rows = session.execute(
            select(OrgHistory.effective_from, OrgHistory.manager_id, OrgHistory.reason)
            .where(OrgHistory.person_id == 7)
            .order_by(OrgHistory.effective_from)
        ).all()
        assert [tuple(r) for r in rows] == [(SINCE_EVER, 6, ""), (MOVED, 3, "团队调整")]
        moved = session.scalars(select(AuditEntry).where(AuditEntry.action == "person_moved"))
        assert [(a.detail["before"], a.detail["after"]) for a in moved] == [
            ({"manager_id": 6}, {"manager_id": 3})
        ]
    september, october = (
        _team(registry, org, OPERATOR, "2026-09"),
        _team(registry, org, OPERATOR, "2026-10"),
    )
    assert september[6] == 50.0 and 7 not in _members(org, 3, "2026-09")
    assert october[3] == 200.0 + 300.0 + 500.0 and october.get(6, 0.0) == 0.0
    year = _team(registry, org, OPERATOR, "2026")
    assert year[6] == 50.0 and year[3] == 1000.0 and year[1] == 1050.0  # the force: all of it
    # supervisor 6 still sees September as it was, though rep 7 is no longer theirs
    assert _team(registry, org, SUP6, "2026-09") == {6: 50.0, 7: 50.0}
    assert _team(registry, org, SUP6, "2026-10").get(6, 0.0) == 0.0
    assert _team(registry, org, SUP3, "2026-09").get(3, 0.0) == 0.0  # 7's September is not 3's


def _members(db: Db, leader: int, period: str) -> set[int]:
    from command_center.org.history import month_end, subtree_over

    first = parse_period(period).first_day
    return set(subtree_over(frames.org_history(db.engine), leader, [month_end(first)]))


def test_who_may_change_what_and_when(org: Db) -> None:
    rep4 = Viewer("rep4", "rep", 4, frozenset({4}))
    cases = [
        (rep4, 7, "org.error.role"),
        (Viewer("sup3", "supervisor", 3, frozenset({3, 4, 5})), 4, "org.error.role"),
        (MANAGER, 2, "org.error.out_of_scope"),  # not themselves
        (Viewer("mgr", "manager", 2, frozenset({2, 3, 4, 5})), 7, "org.error.out_of_scope"),
    ]
    for viewer, person, code in cases:
        with pytest.raises(OrgChangeError) as refused:
            move(org.engine, viewer, person, 3, MOVED, today=TODAY)
        assert refused.value.code == code, (viewer, person)
    with pytest.raises(OrgChangeError, match=r"org\.error\.cycle"):
        move(org.engine, MANAGER, 3, 4, MOVED, today=TODAY)  # under their own rep
    with pytest.raises(OrgChangeError, match=r"org\.error\.rep_manager"):
        move(org.engine, MANAGER, 7, 4, MOVED, today=TODAY)
    with pytest.raises(OrgChangeError, match=r"org\.error\.future"):
        move(org.engine, MANAGER, 7, 3, TODAY + dt.timedelta(days=1), today=TODAY)
    move(org.engine, MANAGER, 7, 3, MOVED, today=TODAY)
    with pytest.raises(OrgChangeError, match=r"org\.error\.before_last"):
        move(org.engine, MANAGER, 7, 6, MOVED - dt.timedelta(days=1), today=TODAY)
    with pytest.raises(OrgChangeError, match=r"org\.error\.level"):
        promote(org.engine, MANAGER, 7, "captain", TODAY, today=TODAY)
    promote(org.engine, MANAGER, 7, "supervisor", TODAY, "晋升", today=TODAY)
    with read_session(org.engine) as session:
        assert session.get(Person, 7).level == "supervisor"  # type: ignore[union-attr]
        levels = session.scalars(
            select(OrgHistory.level).where(OrgHistory.person_id == 7).order_by("effective_from")
        ).all()
    assert levels == ["rep", "rep", "supervisor"]


def _shop(db: Db) -> None:
    """Rep 5 owns customers 1 (locked) and 2, one open and one won deal; has a login."""
    with write_session(db.engine) as session:
        session.get(Customer, 1).owner_id = 5  # type: ignore[union-attr]
        session.add(
            Customer(customer_id=2, name="乙公司", owner_id=5, created_on=dt.date(2026, 1, 1))
        )
        session.add(CustomerProfile(customer_id=1, locked=True))
        stamp = dt.datetime(2026, 9, 1)
        for opp, stage in ((1, "negotiation"), (2, "won")):
            session.add(Opportunity(opp_id=opp, title=f"单{opp}", customer_id=1, owner_id=5,
                                    amount=100.0, expected_close=dt.date(2026, 12, 1), stage=stage,
                                    stage_since=stamp, created_at=stamp))  # fmt: skip
        add_user(session, "rep5", "demo-pass-2026", "rep", 5)


def _owners(db: Db) -> dict[str, object]:
    with read_session(db.engine) as session:
        return {
            "customers": dict(
                session.execute(select(Customer.customer_id, Customer.owner_id)).all()
            ),
            "deals": dict(session.execute(select(Opportunity.opp_id, Opportunity.owner_id)).all()),
            "active": session.scalar(select(User.active).where(User.login == "rep5")),
            "status": session.get(Person, 5).status,  # type: ignore[union-attr]
        }


def test_leave_with_a_handover_moves_customers_and_deals_in_one_transaction(org: Db) -> None:
    _shop(org)
    result = leave(
        org.engine, make_host(), MANAGER, 5, TODAY, handover_id=4, reason="离职", today=TODAY
    )
    assert result.handed_over == {"customers": 2, "pipeline": 1, "sample": 0} and result.logins == 1
    assert _owners(org) == {
        "customers": {1: 4, 2: 4},
        "deals": {1: 4, 2: 5},  # the won deal stays in the leaver's name
        "active": False,
        "status": "left",
    }
    with read_session(org.engine) as session:
        moves = session.execute(select(PoolMove.customer_id, PoolMove.reason, PoolMove.to_owner_id))
        assert sorted(tuple(m) for m in moves) == [(1, "left", 4), (2, "left", 4)]
        assert session.get(CustomerProfile, 1).locked  # type: ignore[union-attr]
    # the months worked still count in the team
    assert _team(MetricRegistry(make_host()), org, SUP3, "2026-10")[3] == 500.0
    with pytest.raises(OrgChangeError, match=r"org\.error\.has_left"):
        move(org.engine, MANAGER, 5, 6, TODAY, today=TODAY)


def test_leave_without_a_handover_frees_the_customers_and_gives_deals_to_the_manager(
    org: Db,
) -> None:
    _shop(org)
    leave(org.engine, make_host(), OPERATOR, 5, TODAY, today=TODAY)
    owners = _owners(org)
    assert owners["customers"] == {1: None, 2: None} and owners["deals"] == {1: 3, 2: 5}
    with read_session(org.engine) as session:
        assert not session.get(CustomerProfile, 1).locked  # type: ignore[union-attr]
    with pytest.raises(OrgChangeError, match=r"org\.error\.has_team"):
        leave(org.engine, make_host(), OPERATOR, 6, TODAY, today=TODAY)


class _Broken:
    """A plugin whose handover fails: the whole leave must be undone."""

    from command_center import hookimpl

    @staticmethod
    @hookimpl
    def person_leaving(session, person_id, handover_id, effective, actor) -> int:
        raise RuntimeError("the payroll link is down")


def test_a_failing_handover_leaves_nothing_changed(org: Db) -> None:
    _shop(org)
    before = _owners(org)
    with pytest.raises(OrgChangeError) as refused:
        leave(org.engine, host_with(("broken", _Broken)), MANAGER, 5, TODAY, 4, today=TODAY)
    assert refused.value.code == "org.error.handover_failed"
    assert refused.value.params["plugin"] == "broken"
    assert _owners(org) == before
    with read_session(org.engine) as session:
        assert session.scalars(select(OrgHistory)).all() == []


def test_commission_team_figures_follow_the_month_s_team(org: Db) -> None:
    from plugins.incentives.queries.figures import person_months

    def team_revenue(leader: int, month: dt.date) -> float:
        rows = person_months(org.engine).filter(
            (pl.col("person_id") == leader) & (pl.col("month") == month)
        )
        return float(rows["team_revenue"][0])

    september, october = dt.date(2026, 9, 1), dt.date(2026, 10, 1)
    assert team_revenue(6, october) == 500.0  # before the move: all in team 6
    move(org.engine, MANAGER, 7, 3, MOVED, today=TODAY)
    assert team_revenue(6, september) == 50.0 and team_revenue(6, october) == 0.0
    assert team_revenue(3, september) == 0.0 and team_revenue(3, october) == 1000.0


@pytest.mark.one_backend
def test_a_manager_moves_a_rep_on_the_org_page(
    org: Db, monkeypatch: pytest.MonkeyPatch, app_env: None
) -> None:
    from command_center import testing as apptest
    from tests.conftest import use_db

    with write_session(org.engine) as session:
        add_user(session, "mgr", "demo-pass-2026", "manager", 2)
    use_db(monkeypatch, org)
    at = apptest.open_page(apptest.start(org.engine, "mgr"), "org")
    assert not at.exception and apptest.page_problems(at) == []
    at = at.selectbox(key="org_person").select(7).run()
    assert "Today: Sales rep, reporting to 主管乙." in apptest.texts(at)
    form = next(s for s in at.selectbox if s.label == "New manager")
    form.select(3)
    at.text_input[0].input("团队调整")
    at = next(b for b in at.button if b.label == "Move").click().run()
    assert not at.exception and "代表三 now reports to 主管甲." in apptest.texts(at)
    with read_session(org.engine) as session:
        assert session.get(Person, 7).manager_id == 3  # type: ignore[union-attr]
    shown = apptest.texts(at)
    assert "since ever" in shown and "团队调整" in shown


def test_the_pinned_people_commands(
    org: Db, monkeypatch: pytest.MonkeyPatch, app_env: None
) -> None:
    from typer.testing import CliRunner

    from command_center import cli
    from tests.conftest import use_db

    _shop(org)
    with write_session(org.engine) as session:
        add_user(session, "mgr", "demo-pass-2026", "manager", 2)
    use_db(monkeypatch, org)
    cli.build_app()
    runner = CliRunner()

    def run(*args: str, user: str | None = None) -> tuple[int, str, str]:
        who = ["--user", user] if user else []
        env = {"COMMAND_CENTER_PASSWORD": "demo-pass-2026"}
        result = runner.invoke(cli.app, [*who, "people", *args], env=env)
        return result.exit_code, result.stdout, result.stderr

    code, out, _ = run("move", "7", "--to", "3", "--effective", "2026-10-01", "--reason", "调整")
    assert code == 0 and "7 reports to 3 from 2026-10-01." in out, (out, _)
    code, _, err = run("move", "7", "--to", "6", "--effective", "2026-09-01")
    assert code == 1 and "before this person's last change (2026-10-01)" in err
    code, _, err = run("promote", "7", "--level", "captain", "--effective", "2026-11-01")
    assert code == 1 and "Unknown level captain" in err
    code, out, _ = run("promote", "7", "--level", "supervisor", "--effective", "2026-11-01")
    assert code == 0 and "7 is supervisor from 2026-11-01." in out
    code, _, err = run("leave", "5", "--effective", "2026-11-30", user="rep5")
    assert code == 1 and "people leave" in err  # a rep changes no one
    code, _, err = run("leave", "5", "--effective", "2026-11-30", "--handover", "X-9")
    assert code == 1 and "X-9" in err
    code, out, _ = run("leave", "5", "--effective", "2026-11-30", "--handover", "4", user="mgr")
    assert code == 0 and "5 left on 2026-11-30" in out
    assert _owners(org)["customers"] == {1: 4, 2: 4} and _owners(org)["active"] is False


def test_appraisal_team_figures_follow_the_month_s_team(org: Db) -> None:
    from plugins.appraisal.queries.cycles import CycleInfo
    from plugins.appraisal.queries.live import actuals

    registry = MetricRegistry(make_host())

    def revenue(period: str) -> dict[int, float]:
        cycle = CycleInfo(1, "monthly", period, 2, "in_progress")
        found, _ = actuals(org.engine, registry, cycle, ["revenue"], [3, 6, 7])
        return {int(p): float(v) for p, v in found.select("person_id", "actual").iter_rows()}

    assert revenue("2026-10") == {3: 500.0, 6: 500.0, 7: 500.0}  # before: 7 in team 6
    move(org.engine, MANAGER, 7, 3, MOVED, today=TODAY)
    assert revenue("2026-09") == {3: 0.0, 6: 50.0, 7: 50.0}
    assert revenue("2026-10") == {3: 1000.0, 6: 0.0, 7: 500.0}


def test_the_review_pack_keeps_each_month_with_its_team(org: Db) -> None:
    from plugins.team_events.queries.pack import build

    registry = MetricRegistry(make_host())

    def members(month: str) -> dict[int, float]:
        pack = build(org.engine, registry, OPERATOR, 2, month, today=TODAY)
        return {
            int(p): float(v or 0.0)
            for p, v in pack.members.select("person_id", "revenue").iter_rows()
        }

    move(org.engine, MANAGER, 7, 3, MOVED, today=TODAY)
    assert members("2026-09") == {3: 0.0, 6: 50.0}  # the sub-teams of manager 2
    assert members("2026-10") == {3: 1000.0, 6: 0.0}


def test_a_people_import_keeps_the_history_of_those_who_have_one(org: Db, tmp_path) -> None:
    from command_center.io import run_import

    move(org.engine, MANAGER, 7, 3, MOVED, today=TODAY)
    people = tmp_path / "people.csv"
    people.write_text(
        "person_id,name,level,manager_id,region,hire_date,status\n"
        "7,代表三,rep,6,华东,2020-01-01,active\n"  # back to team 6, by file
        "5,代表二,rep,6,华东,2020-01-01,active\n",  # no history yet: none written
        encoding="utf-8",
    )
    run_import(org.engine, make_host(), "people", people)
    with read_session(org.engine) as session:
        rows = session.execute(
            select(OrgHistory.person_id, OrgHistory.manager_id, OrgHistory.reason).order_by(
                OrgHistory.person_id, OrgHistory.effective_from
            )
        ).all()
    assert [tuple(r) for r in rows] == [(7, 6, ""), (7, 3, ""), (7, 6, "import")]
    today = dt.date.today().replace(day=1).isoformat()[:7]
    october = _team(MetricRegistry(make_host()), org, OPERATOR, "2026-10")
    # 7's October stays in team 3 (history); 5 had none, so the file's team holds since ever
    assert october[3] == 200.0 + 500.0 and october[6] == 300.0
    assert 7 in _members(org, 6, today)  # from today on, by the file
