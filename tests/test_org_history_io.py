"""Issue 14, item 2: the org's history travels as a file (``org_changes``), keys as text.

The small org of tests/factories.py: director 1 over manager 2, over supervisor 3
(reps 4, 5) and supervisor 6 (rep 7). Rep 7 sold 50 in September 2026 and 500 in
October. The HR system's history says rep 7 was in team 6 since their hire and
moved to team 3 on 1 October: September's 50 stays with team 6, October's 500 is
team 3's, and today rep 7 reports to 3.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from command_center.db.engine import read_session
from command_center.db.models import OrgHistory, Person
from command_center.io import ImportFailed, run_export, run_import
from command_center.io.runner import ImportRefused
from command_center.metrics import MetricRegistry
from command_center.org.history import SINCE_EVER
from command_center.org.scope import OPERATOR, Viewer
from command_center.periods import parse_period
from tests.conftest import Db, make_host
from tests.factories import load_small_org

HEADER = "person_id,effective_from,manager_id,level,status,reason\n"
HISTORY = HEADER + "7,2020-01-01,6,rep,,hired\n7,2026-10-01,3,rep,active,团队调整\n"


@pytest.fixture
def org(empty_db: Db) -> Db:
    load_small_org(empty_db.engine)
    return empty_db


def _file(tmp_path: Path, body: str, name: str = "org.csv") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def _rows(db: Db, person_id: int) -> list[tuple[object, ...]]:
    with read_session(db.engine) as session:
        found = session.execute(
            select(OrgHistory.effective_from, OrgHistory.manager_id, OrgHistory.reason)
            .where(OrgHistory.person_id == person_id)
            .order_by(OrgHistory.effective_from)
        ).all()
    return [tuple(r) for r in found]


def _team(db: Db, period: str) -> dict[int, float]:
    rolled = MetricRegistry(make_host()).rollup(
        db.engine, OPERATOR, "revenue", parse_period(period)
    )
    return {int(n): float(v) for n, v in rolled.select("node_id", "num").iter_rows()}


def test_an_hr_history_file_moves_the_past_and_today(org: Db, tmp_path: Path) -> None:
    report = run_import(org.engine, make_host(), "org_changes", _file(tmp_path, HISTORY))
    assert report.rows == 2
    # The earliest row of someone without history holds since ever, as in the app.
    assert _rows(org, 7) == [
        (SINCE_EVER, 6, "hired"),
        (dt.date(2020, 1, 1), 6, "hired"),
        (dt.date(2026, 10, 1), 3, "团队调整"),
    ]
    with read_session(org.engine) as session:
        assert session.get(Person, 7).manager_id == 3  # type: ignore[union-attr]
    assert _team(org, "2026-09")[6] == 50.0
    october = _team(org, "2026-10")
    assert october[3] == 200.0 + 300.0 + 500.0 and october.get(6, 0.0) == 0.0


def test_the_export_imports_back_unchanged(org: Db, tmp_path: Path) -> None:
    host = make_host()
    run_import(org.engine, host, "org_changes", _file(tmp_path, HISTORY))
    out = tmp_path / "out.csv"
    assert run_export(org.engine, host, "org_changes", out, OPERATOR) == 3
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == HEADER.strip()
    assert lines[1:] == [
        "7,,6,rep,active,hired",
        "7,2020-01-01,6,rep,active,hired",
        "7,2026-10-01,3,rep,active,团队调整",
    ]
    before = _rows(org, 7)
    report = run_import(org.engine, host, "org_changes", out)
    assert (report.inserted, report.rows) == (0, 3) and _rows(org, 7) == before
    # A supervisor's export holds their own people only.
    sup6 = Viewer("sup6", "supervisor", 6, frozenset({6}))
    assert run_export(org.engine, host, "org_changes", tmp_path / "six.csv", sup6) == 0


def test_bad_rows_are_refused_naming_row_and_column(org: Db, tmp_path: Path) -> None:
    later = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    body = (
        HEADER
        + f"7,{later},3,rep,,\n"  # row 2: after today
        + "X9,2026-01-01,3,rep,,\n"  # row 3: unknown person
        + "5,2026-02-01,,rep,,\n"  # row 4: a rep without a manager
        + "4,2026-03-01,4,rep,,\n"  # row 5: their own manager
    )
    with pytest.raises(ImportFailed) as refused:
        run_import(org.engine, make_host(), "org_changes", _file(tmp_path, body, "bad.csv"))
    text = str(refused.value)
    assert f"bad.csv:2: effective_from: {later} is after today" in text
    assert "bad.csv:3: person_id: unknown person 'X9'" in text
    assert "bad.csv:4: manager_id: required unless level is director" in text
    assert "bad.csv:5: manager_id: a person cannot be their own manager" in text
    assert _rows(org, 7) == [] and _rows(org, 5) == []  # nothing half-written


def test_a_loop_on_any_day_of_the_file_is_refused(org: Db, tmp_path: Path) -> None:
    # On 1 March 2026 supervisor 3 would report to rep 4, who reports to 3.
    body = HEADER + "3,2026-03-01,4,supervisor,,\n"
    with pytest.raises(ImportFailed) as refused:
        run_import(org.engine, make_host(), "org_changes", _file(tmp_path, body, "loop.csv"))
    assert "loop.csv:2: manager_id: manager loop on 2026-03-01: " in str(refused.value)
    assert _rows(org, 3) == []


def test_only_directors_import_the_history(org: Db, tmp_path: Path) -> None:
    manager = Viewer("mgr", "manager", 2, frozenset({2, 3, 4, 5, 6, 7}))
    with pytest.raises(ImportRefused):
        run_import(org.engine, make_host(), "org_changes", _file(tmp_path, HISTORY), viewer=manager)
    assert _rows(org, 7) == []
