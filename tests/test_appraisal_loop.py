"""Issue 14, item 4: a closed appraisal's recommendations carried out.

The small hand-built org (tests/factories.py): director 1 over manager 2, over
supervisor 3 (reps 4, 5) and supervisor 6 (rep 7). October 2026's monthly cycle
of manager 2's unit is closed with rep 4 recommended for promotion and for
training in revenue (a KPI: a selling course) and values (a culture course).
The recruiting plugin has a selling course starting 1 December 2026 and a
culture mentoring program that started 1 November; today is 20 November.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select, update

from command_center.db.engine import read_session, write_session
from command_center.db.models import AuditEntry, OrgHistory, Person
from command_center.org.scope import Viewer, people_edges, scope_for
from plugins.appraisal import actions
from plugins.appraisal.errors import AppraisalError
from plugins.appraisal.models import Cycle, Record
from plugins.recruiting.models import Course, Enrolment, Program
from tests.conftest import BACKENDS, Db, _drop_db, make_host, small_org_copy

TODAY = dt.date(2026, 11, 20)


def _viewer(db: Db, login: str, role: str, person: int) -> Viewer:
    return Viewer(login, role, person, scope_for(role, person, people_edges(db.engine)))


def _close(db: Db) -> int:
    """October's cycle of unit 2, closed with rep 4's recommendations; two programs."""
    manager = _viewer(db, "mgr", "manager", 2)
    cycle = actions.create_cycle(db.engine, manager, "mgr", "monthly", "2026-10", 2)
    with write_session(db.engine) as session:
        session.execute(update(Cycle).where(Cycle.cycle_id == cycle).values(state="closed"))
        session.execute(
            update(Record)
            .where(Record.cycle_id == cycle, Record.person_id == 4)
            .values(promotion=True, training=["revenue", "values"])
        )
        selling = Course(title="顾问式销售", topic="selling")
        culture = Course(title="价值观", topic="culture")
        session.add_all([selling, culture])
        session.flush()
        session.add_all([
            Program(name="销售进阶", kind="course", starts_on=dt.date(2026, 12, 1),
                    course_id=selling.course_id),
            Program(name="文化导师", kind="mentoring", starts_on=dt.date(2026, 11, 1),
                    course_id=culture.course_id),
        ])  # fmt: skip
    return cycle


@pytest.fixture(params=BACKENDS)
def closed(request: pytest.FixtureRequest, tmp_path: object, pg_databases: object) -> Iterator[
    tuple[Db, int]
]:  # fmt: skip
    db = small_org_copy(request.param, tmp_path, pg_databases, "all", make_host)  # type: ignore[arg-type]
    yield db, _close(db)
    _drop_db(db, pg_databases)  # type: ignore[arg-type]


def test_a_promotion_recommendation_is_carried_out_as_a_promotion(closed: tuple[Db, int]) -> None:
    db, cycle = closed
    supervisor = _viewer(db, "sup", "supervisor", 3)
    with pytest.raises(AppraisalError) as refused:  # the org's rule: directors and managers
        actions.carry_out_promotion(db.engine, supervisor, cycle, 4, TODAY, TODAY)
    assert refused.value.key == "org.error.role"
    with pytest.raises(AppraisalError) as none:
        actions.carry_out_promotion(db.engine, _viewer(db, "mgr", "manager", 2), cycle, 5, TODAY)
    assert none.value.key == "appraisal.error.no_promotion"
    manager = _viewer(db, "mgr", "manager", 2)
    level = actions.carry_out_promotion(db.engine, manager, cycle, 4, dt.date(2026, 11, 1), TODAY)
    assert level == "supervisor"
    with read_session(db.engine) as session:
        assert session.get(Person, 4).level == "supervisor"  # type: ignore[union-attr]
        row = session.get(OrgHistory, (4, dt.date(2026, 11, 1)))
        assert row is not None and row.level == "supervisor" and row.reason == "appraisal 2026-10"
    with pytest.raises(AppraisalError) as again:
        actions.carry_out_promotion(db.engine, manager, cycle, 4, TODAY, TODAY)
    assert again.value.key == "appraisal.error.already_promoted"


def test_a_training_recommendation_enrols_through_the_recruiting_hook(
    closed: tuple[Db, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, cycle = closed
    host = make_host()
    supervisor = _viewer(db, "sup", "supervisor", 3)
    rep = _viewer(db, "rep", "rep", 4)
    with pytest.raises(AppraisalError) as refused:
        actions.enrol_training(db.engine, host, rep, "rep", cycle, 4, TODAY)
    assert refused.value.key == "appraisal.error.not_reviewer"
    assert actions.enrol_training(db.engine, host, supervisor, "sup", cycle, 4, TODAY) == 2
    assert actions.enrol_training(db.engine, host, supervisor, "sup", cycle, 4, TODAY) == 0
    with read_session(db.engine) as session:
        enrolled = session.execute(
            select(Program.name, Enrolment.enrolled_on).join(
                Program, Program.program_id == Enrolment.program_id
            )
        ).all()
        logged = session.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "appraisal_training_enrolled")
        ).all()
    assert sorted(enrolled) == [("文化导师", TODAY), ("销售进阶", TODAY)]
    assert [d["enrolments"] for d in logged] == [2, 0]
    with pytest.raises(AppraisalError) as no_needs:
        actions.enrol_training(db.engine, host, supervisor, "sup", cycle, 5, TODAY)
    assert no_needs.value.key == "appraisal.error.no_training"
    monkeypatch.setenv("COMMAND_CENTER_DISABLED_PLUGINS", "recruiting")
    from command_center.plugins import PluginHost
    from command_center.settings import get_settings

    without = PluginHost(get_settings(), entry_points=False)
    with pytest.raises(AppraisalError) as off:
        actions.enrol_training(db.engine, without, supervisor, "sup", cycle, 4, TODAY)
    assert off.value.key == "appraisal.error.no_training_module"


def test_a_manager_carries_out_both_on_the_results_page(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch, app_env: None
) -> None:
    from command_center import testing as apptest
    from command_center.org.auth import add_user
    from tests.conftest import use_db

    db = small_org_copy("sqlite", tmp_path, None, "all", make_host)
    _close(db)
    with write_session(db.engine) as session:
        add_user(session, "mgr", "demo-pass-2026", "manager", 2)
    use_db(monkeypatch, db)
    at = apptest.open_page(apptest.start(db.engine, "mgr"), "appraisal-results")
    assert not at.exception and apptest.page_problems(at) == []
    assert at.selectbox(key="appraisal_follow_up").options == ["代表一 · 2026-10"]
    enrol = "Enrol in training: Revenue、Culture and values course"
    labels = [b.label for b in at.button]
    assert "Promote to Supervisor" in labels and enrol in labels
    at = next(b for b in at.button if b.label == enrol).click().run()
    assert not at.exception and "Enrolled in 2 training programs." in apptest.texts(at)
    at = next(b for b in at.button if b.label == "Promote to Supervisor").click().run()
    assert not at.exception and "Promoted to Supervisor." in apptest.texts(at)
    with read_session(db.engine) as session:
        assert session.get(Person, 4).level == "supervisor"  # type: ignore[union-attr]
    assert "Already carried out" in apptest.texts(at)
    _drop_db(db, None)
