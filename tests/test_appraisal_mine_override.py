"""My appraisal: a rep sees "⚑ override" and the core figure where their contract line's
target departs from the core target (the Targets page's), as the leader's contracts page
shows it; a line that follows the core target is not marked."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import select

from command_center import testing as apptest
from command_center.db.engine import write_session
from command_center.db.models import Person, Target
from command_center.i18n import fmt_value, t
from command_center.metrics import MetricRegistry
from command_center.org.auth import add_user
from command_center.org.scope import Viewer, people_edges, scope_for
from plugins.appraisal import actions as appraisal
from plugins.appraisal.logic import Line
from tests.conftest import _drop_db, make_host, small_org_copy, use_db


@pytest.fixture
def org(tmp_path, monkeypatch, app_env):
    db = small_org_copy("sqlite", tmp_path, None, "all", make_host)
    use_db(monkeypatch, db)
    yield db
    _drop_db(db, None)


def _contract(at) -> pd.DataFrame:
    found = [d.value for d in at.dataframe if "Core target" in d.value.columns]
    assert len(found) == 1, apptest.texts(at)
    return found[0]


@pytest.mark.one_backend  # a page test; the override's audit on both: tests/test_target_plans.py
def test_my_appraisal_marks_a_target_that_departs_from_the_core_target(org) -> None:
    e = org.engine
    registry = MetricRegistry(make_host())
    with write_session(e) as session:  # the core target of reps 4 and 5 (supervisor 3's team)
        session.add_all(Target(person_id=p, period="2026-01", metric="revenue", target=300.0)
                        for p in (4, 5))  # fmt: skip
        reps = session.scalars(select(Person.person_id).where(Person.manager_id == 3)).all()
        add_user(session, "rep4", "demo-pass-2026", "rep", 4)
        add_user(session, "rep5", "demo-pass-2026", "rep", 5)
    assert sorted(reps) == [4, 5]
    manager = Viewer("mgr", "manager", 2, scope_for("manager", 2, people_edges(e)))
    cycle = appraisal.create_cycle(e, manager, "mgr", "monthly", "2026-01", 3)
    appraisal.save_template(e, registry, manager, "mgr", cycle, "rep", [Line("revenue", 100, None)])
    appraisal.issue_contracts(e, registry, manager, "mgr", cycle, "rep")
    appraisal.save_contract(e, registry, manager, "mgr", cycle, 4, [Line("revenue", 100, 350.0)])

    at = apptest.open_page(apptest.start(e, "rep4"), "appraisal-mine")
    assert not at.exception and not at.error, apptest.texts(at)
    mine = _contract(at)
    columns = list(mine.columns)
    assert columns.index("Core target") == columns.index("Target") + 1
    assert mine["Target"].tolist() == [fmt_value(350.0, "currency")]
    assert mine["Core target"].tolist() == [fmt_value(300.0, "currency")]
    assert mine["Override"].tolist() == ["⚑ override"]
    assert t("appraisal.mine.override_note") in [c.value for c in at.caption]

    at = apptest.open_page(apptest.start(e, "rep5"), "appraisal-mine")
    theirs = _contract(at)
    assert theirs["Target"].tolist() == theirs["Core target"].tolist()
    assert theirs["Override"].tolist() == ["—"]
    assert t("appraisal.mine.override_note") not in [c.value for c in at.caption]
