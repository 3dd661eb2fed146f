"""The demo's target plans (command_center.demo_plans): the director's year plan and the
manager's region split approved, the supervisor's team split waiting for the manager; the
approved figures are the demo's targets as the app already showed them (a leader's = the
sum of the reps' rows below them), and the Targets page opens on them for every role."""

from __future__ import annotations

import polars as pl
import pytest
from sqlalchemy import select

from command_center import testing as apptest
from command_center.db.engine import read_session
from command_center.db.models import AuditEntry, Notification, Person, Target, User
from command_center.db.target_plans import TargetPlan, TargetPlanLine
from command_center.org.tree import children_map, subtree
from command_center.targets.logic import MONTHS
from tests.conftest import AS_OF, use_db

YEAR = AS_OF.year


def _logins(engine) -> dict[str, int]:
    with read_session(engine) as s:
        rows = s.execute(select(User.login, User.person_id)).all()
    return {login: int(pid) for login, pid in rows if pid is not None}


def _plans(engine) -> dict[int, tuple[str, str, str, str]]:
    with read_session(engine) as s:
        rows = s.execute(
            select(
                TargetPlan.leader_id,
                TargetPlan.state,
                TargetPlan.saved_by,
                TargetPlan.submitted_by,
                TargetPlan.approved_by,
            ).where(TargetPlan.year == YEAR, TargetPlan.metric == "revenue")
        ).all()
    return {
        int(leader): (state, saved, sub, appr or "") for leader, state, saved, sub, appr in rows
    }


def test_the_demo_has_the_three_plans_and_their_figures_are_the_reps_sums(demo_db) -> None:
    e = demo_db.engine
    who = _logins(e)
    assert _plans(e) == {
        who["director"]: ("approved", "director", "director", "director"),
        who["manager"]: ("approved", "manager", "manager", "director"),
        who["supervisor"]: ("submitted", "supervisor", "supervisor", ""),
    }
    with read_session(e) as s:
        people = s.execute(select(Target.person_id, Target.period, Target.target).where(
            Target.metric == "revenue", Target.period.like(f"{YEAR}-%"))).all()  # fmt: skip
        tree = s.execute(select(Person.person_id, Person.manager_id, Person.level)).all()
        lines = s.execute(
            select(TargetPlanLine.person_id, TargetPlanLine.month, TargetPlanLine.target)
            .join(TargetPlan, TargetPlan.plan_id == TargetPlanLine.plan_id)
            .where(TargetPlan.leader_id == who["supervisor"])
        ).all()
    rows = pl.DataFrame(people, schema=["person_id", "period", "target"], orient="row")
    level = {p: lv for p, _, lv in tree}
    below = children_map((p, m) for p, m, _ in tree)
    reps = rows.filter(pl.col("person_id").map_elements(level.get, pl.String) == "rep")
    leaders = rows.filter(pl.col("person_id").map_elements(level.get, pl.String) != "rep")
    # the approved rows: the director, the managers, the manager's supervisors
    assert who["director"] in set(leaders["person_id"]) and who["manager"] in set(
        leaders["person_id"]
    )
    assert who["supervisor"] in set(leaders["person_id"])
    for leader, period, target in leaders.iter_rows():
        team = subtree(leader, below)
        by_hand = reps.filter(
            pl.col("person_id").is_in(sorted(team)) & (pl.col("period") == period)
        )["target"].sum()
        assert target == by_hand, (leader, period)
    # the supervisor's waiting split: each rep's own rows, as they stand
    waiting = pl.DataFrame(lines, schema=["person_id", "month", "target"], orient="row")
    assert waiting.height == MONTHS * waiting["person_id"].n_unique() > 0
    own = reps.with_columns(pl.col("period").str.slice(5, 2).cast(pl.Int64).alias("month"))
    joined = waiting.join(own, on=["person_id", "month"], how="left")
    assert joined["target"].to_list() == joined["target_right"].to_list()


def test_the_manager_is_told_and_every_step_is_audited(demo_db) -> None:
    e = demo_db.engine
    who = _logins(e)
    with read_session(e) as s:
        told = s.scalars(select(Notification.person_id).where(Notification.kind == "targets")).all()
        audited = s.execute(
            select(AuditEntry.actor, AuditEntry.action)
            .where(AuditEntry.entity == "target_plan")
            .order_by(AuditEntry.audit_id)
        ).all()
    assert who["manager"] in told
    assert [tuple(a) for a in audited] == [
        ("director", "target_plan_saved"),
        ("director", "target_plan_submitted"),
        ("director", "target_plan_approved"),
        ("manager", "target_plan_saved"),
        ("manager", "target_plan_submitted"),
        ("director", "target_plan_approved"),
        ("supervisor", "target_plan_saved"),
        ("supervisor", "target_plan_submitted"),
    ]


@pytest.mark.one_backend
@pytest.mark.parametrize(
    ("login", "state"),
    [("director", "approved"), ("manager", "approved"), ("supervisor", "submitted")],
)
def test_the_targets_page_opens_on_the_demo_plans(
    sqlite_demo_db, monkeypatch, app_env, login: str, state: str
) -> None:
    use_db(monkeypatch, sqlite_demo_db)
    at = apptest.open_page(apptest.start(sqlite_demo_db.engine, login), "targets")
    if at.selectbox(key="targets_year").value != YEAR:  # the page opens on today's year
        at = at.selectbox(key="targets_year").set_value(YEAR).run()
    assert not at.exception and not at.error, apptest.texts(at)
    assert at.selectbox(key="targets_metric").value == "revenue"
    assert f"Version 1 · {state}" in [c.value for c in at.caption]
    waiting = "Waiting for your approval" in apptest.texts(at)
    assert waiting == (login != "supervisor")  # the manager's to decide (or a director's)


def test_a_ratio_counts_each_target_once(tmp_path) -> None:
    """``lowest_targets``: a leader's own row (their team's sum) is left out where someone
    below them has one that month, so the attainment metric's roll-up counts it once."""
    import datetime as dt

    from command_center.core_plugin import lowest_targets
    from tests.conftest import _drop_db, make_host, small_org_copy

    db = small_org_copy("sqlite", tmp_path, None, "all", make_host)
    jan, feb = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
    # 1 director -> 2 manager -> 3 supervisor -> reps 4, 5; 2 -> 6 supervisor -> rep 7
    goal = pl.DataFrame(
        {
            "person_id": [1, 2, 3, 4, 5, 6, 7, 6, 2],
            "month": [jan] * 7 + [feb, feb],
            "target": [600.0, 600.0, 300.0, 100.0, 200.0, 300.0, 300.0, 50.0, 50.0],
        }
    )
    kept = lowest_targets(db.engine, goal).sort("month", "person_id")
    assert kept.select("person_id", "month").rows() == [
        (4, jan), (5, jan), (7, jan), (6, feb),  # 6 has nobody below with a February row
    ]  # fmt: skip
    assert kept["target"].sum() == 650.0
    _drop_db(db, None)
