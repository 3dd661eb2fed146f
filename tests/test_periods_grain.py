"""Issue 15, item 2: day (``YYYY-MM-DD``) and ISO week (``YYYY-Www``) periods beside months,
quarters and years; targets at those grains (import, the widened column) and the activity
metrics counted per day and week with the scope in SQL, on hand-made data with known answers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import select

from command_center import runtime
from command_center.db.engine import read_session, write_session
from command_center.db.models import Customer, Target
from command_center.io import ImportFailed, run_import
from command_center.metrics import person_targets
from command_center.org.scope import OPERATOR, Viewer
from command_center.periods import (
    GRAINS,
    Period,
    containing,
    is_period,
    parse_period,
)
from command_center.ui.shell import period_choices
from plugins.customers.actions.followups import FollowUpInput, log_followup
from plugins.customers.metrics import ACTIVITY_METRICS, activity_values
from tests.conftest import Db, use_db
from tests.factories import load_small_org

D = dt.date


# -- periods (unit) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first", "last", "grain"),
    [
        ("2026-12-03", D(2026, 12, 3), D(2026, 12, 3), "day"),
        ("2024-02-29", D(2024, 2, 29), D(2024, 2, 29), "day"),
        ("2026-W49", D(2026, 11, 30), D(2026, 12, 6), "week"),
        ("2026-W01", D(2025, 12, 29), D(2026, 1, 4), "week"),  # ISO year 2026 starts in 2025
        ("2026-W53", D(2026, 12, 28), D(2027, 1, 3), "week"),  # 2026 has 53 ISO weeks
        ("2026-12", D(2026, 12, 1), D(2026, 12, 31), "month"),
        ("2026-Q1", D(2026, 1, 1), D(2026, 3, 31), "quarter"),
        ("2024", D(2024, 1, 1), D(2024, 12, 31), "year"),
    ],
)
def test_every_grain_parses_labels_and_covers_its_days(
    text: str, first: dt.date, last: dt.date, grain: str
) -> None:
    period = parse_period(text)
    assert (period.first_day, period.last_day, period.grain, period.label) == (
        first,
        last,
        grain,
        text,
    )
    assert period.days[0] == first and period.days[-1] == last
    assert len(period.days) == (last - first).days + 1
    assert is_period(text) and str(period) == text
    assert containing(first, period.grain) == period == containing(last, period.grain)


@pytest.mark.parametrize(
    "text",
    ["2026-02-29", "2026-13-01", "2026-12-32", "2025-W53", "2026-W00", "2026-W54", "2026-W1",
     "0000-01-01", "0000-W01", "2026-12-3", "26-12-03", "2026-w49"],
)  # fmt: skip
def test_impossible_days_and_weeks_are_not_periods(text: str) -> None:
    assert not is_period(text)
    with pytest.raises(ValueError, match="not a period"):
        parse_period(text)


def test_months_quarters_and_years_keep_their_month_bounds() -> None:
    """Callers read ``start``/``end`` as first days of months for these grains."""
    assert parse_period("2026-Q4") == Period(D(2026, 10, 1), D(2026, 12, 1), "quarter")
    assert parse_period("2026-Q4").months == [D(2026, 10, 1), D(2026, 11, 1), D(2026, 12, 1)]
    assert parse_period("2026-11").previous().label == "2026-10"
    assert parse_period("2026").last_year().label == "2025"


def test_a_week_across_two_months_touches_both() -> None:
    assert parse_period("2026-W49").months == [D(2026, 11, 1), D(2026, 12, 1)]
    assert parse_period("2026-12-03").months == [D(2026, 12, 1)]


@pytest.mark.parametrize(
    ("text", "count", "shifted"),
    [
        ("2026-12-03", -1, "2026-12-02"),
        ("2026-03-01", -1, "2026-02-28"),
        ("2026-12-31", 1, "2027-01-01"),
        ("2026-W01", -1, "2025-W52"),
        ("2026-W53", 1, "2027-W01"),
        ("2026-W49", -52, "2025-W49"),
    ],
)
def test_shift_moves_by_days_and_weeks(text: str, count: int, shifted: str) -> None:
    assert parse_period(text).shift(count).label == shifted


@pytest.mark.parametrize(
    ("text", "before"),
    [
        ("2026-12-03", "2025-12-03"),
        ("2024-02-29", "2023-02-28"),
        ("2026-W49", "2025-W49"),
        ("2026-W53", "2025-W52"),  # 2025 has no week 53
    ],
)
def test_last_year_of_a_day_and_a_week(text: str, before: str) -> None:
    assert parse_period(text).last_year().label == before


def test_days_and_weeks_at_the_calendars_ends() -> None:
    assert parse_period("0001-W01").first_day == D(1, 1, 1)
    with pytest.raises(ValueError, match="outside years"):
        parse_period("0001-01-01").previous()
    with pytest.raises(ValueError, match="outside years"):
        parse_period("9999-12-31").shift(1)


def test_grains_finest_first_and_the_filter_lists_days_and_weeks_up_to_today() -> None:
    assert GRAINS == ("day", "week", "month", "quarter", "year")
    today, latest = D(2026, 12, 3), D(2026, 10, 1)
    days = period_choices("day", latest, today)
    assert [p.label for p in days[:3]] == ["2026-12-03", "2026-12-02", "2026-12-01"]
    weeks = period_choices("week", latest, today)
    assert [p.label for p in weeks[:2]] == ["2026-W49", "2026-W48"]
    assert period_choices("month", latest, today)[0].label == "2026-10"


# -- targets at the new grains ------------------------------------------------------------

HEADER = "person_id,period,metric,target\n"
NOT_A_PERIOD = "not a period (YYYY-MM-DD, YYYY-Www, YYYY-MM, YYYY-Qn or YYYY)"


@pytest.fixture
def org(empty_db: Db, monkeypatch: pytest.MonkeyPatch, app_env: None) -> Db:
    use_db(monkeypatch, empty_db)
    load_small_org(empty_db.engine)
    return empty_db


def _targets_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "targets.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_day_and_week_targets_import_and_are_stored_whole(org: Db, tmp_path: Path) -> None:
    body = (
        "4,2026-12-03,visits,3\n4,2026-12-03,calls,5\n4,2026-W49,visits,12\n"
        "4,2026-12-04,visits,2\n5,2026-12-03,new_customers,1\n4,2026-W49,followups,20\n"
    )
    report = run_import(org.engine, runtime.host(), "targets", _targets_file(tmp_path, body))
    assert report.inserted == 6
    with read_session(org.engine) as session:
        stored = set(session.execute(select(Target.person_id, Target.period, Target.metric)))
    assert (4, "2026-12-03", "visits") in stored and (4, "2026-W49", "visits") in stored
    targets = pl.DataFrame(
        [(4, "2026-12-03", "visits", 3.0), (4, "2026-12-04", "visits", 2.0),
         (4, "2026-W49", "visits", 12.0), (5, "2026-12-03", "visits", 1.0)],
        schema=["person_id", "period", "metric", "target"], orient="row",
    )  # fmt: skip
    day = person_targets(targets, "visits", parse_period("2026-12-03"), True)
    assert dict(day.iter_rows()) == {4: 3.0, 5: 1.0}
    week = person_targets(targets, "visits", parse_period("2026-W49"), True)
    assert dict(week.iter_rows()) == {4: 12.0, 5: 1.0}  # 5: the sum of their day targets
    month = person_targets(targets, "visits", parse_period("2026-12"), True)
    assert month.is_empty()  # a month is only ever its own target
    quarter = person_targets(targets, "visits", parse_period("2026-Q4"), True)
    assert dict(quarter.iter_rows()) == {4: 5.0, 5: 1.0}  # finest rows inside: days


@pytest.mark.parametrize(
    ("period", "reason"),
    [
        ("2026-02-30", f"{NOT_A_PERIOD}: '2026-02-30'"),
        ("2025-W53", f"{NOT_A_PERIOD}: '2025-W53'"),
        ("1989-12-31", "starts before 1990-01 (the earliest month accepted)"),
        ("1989-W52", "starts before 1990-01 (the earliest month accepted)"),
    ],
)
def test_impossible_or_early_days_and_weeks_are_refused(
    org: Db, tmp_path: Path, period: str, reason: str
) -> None:
    path = _targets_file(tmp_path, f"4,{period},visits,1\n")
    with pytest.raises(ImportFailed) as caught:
        run_import(org.engine, runtime.host(), "targets", path)
    assert caught.value.errors == [f"{path}:2: period: {reason}"]


# -- activity metrics per day and week ----------------------------------------------------

REP4 = Viewer("rep4", "rep", 4, frozenset({4}))
REP5 = Viewer("rep5", "rep", 5, frozenset({5}))
SUP3 = Viewer("sup3", "supervisor", 3, frozenset({3, 4, 5}))


@pytest.fixture
def active(org: Db) -> Db:
    """Rep 4: Mon 30 Nov a call; Thu 3 Dec two visits and a call, one new customer;
    Mon 7 Dec (next week) a visit. Rep 5: Thu 3 Dec one online follow-up, one new customer."""
    engine = org.engine
    with write_session(engine) as session:
        for cid, owner, made in ((2, 4, D(2026, 12, 3)), (3, 5, D(2026, 12, 3)),
                                 (4, 4, D(2026, 11, 20))):  # fmt: skip
            session.add(
                Customer(customer_id=cid, name=f"客户{cid}", industry="制造", size="smb",
                         owner_id=owner, region="华东", created_on=made)
            )  # fmt: skip
    now = D(2026, 12, 8)
    for viewer, cid, day, channel in (
        (REP4, 1, D(2026, 11, 30), "phone"),
        (REP4, 1, D(2026, 12, 3), "visit"),
        (REP4, 2, D(2026, 12, 3), "visit"),
        (REP4, 2, D(2026, 12, 3), "phone"),
        (REP4, 4, D(2026, 12, 7), "visit"),
        (REP5, 3, D(2026, 12, 3), "online"),
    ):
        log_followup(engine, viewer, cid, FollowUpInput(day, channel), now)
    return org


def _values(db: Db, viewer: Viewer, label: str) -> dict[int, tuple[int, ...]]:
    frame = activity_values(db.engine, viewer, parse_period(label))
    assert frame.columns == ["person_id", *ACTIVITY_METRICS]
    return {row[0]: tuple(row[1:]) for row in frame.iter_rows()}


def test_activity_per_day_and_week_on_known_answers(active: Db) -> None:
    # (visits, calls, followups, new_customers)
    assert _values(active, SUP3, "2026-12-03") == {4: (2, 1, 3, 1), 5: (0, 0, 1, 1)}
    assert _values(active, SUP3, "2026-W49") == {4: (2, 2, 4, 1), 5: (0, 0, 1, 1)}
    assert _values(active, SUP3, "2026-W50") == {4: (1, 0, 1, 0)}
    assert _values(active, SUP3, "2026-12") == {4: (3, 1, 4, 1), 5: (0, 0, 1, 1)}
    assert _values(active, SUP3, "2026-12-05") == {}


def test_a_reps_activity_reads_only_their_rows(active: Db) -> None:
    assert _values(active, REP4, "2026-12-03") == {4: (2, 1, 3, 1)}
    assert _values(active, REP5, "2026-W49") == {5: (0, 0, 1, 1)}
    assert _values(active, OPERATOR, "2026-12-03") == {4: (2, 1, 3, 1), 5: (0, 0, 1, 1)}


def test_the_month_registry_counts_calls_like_the_day_counts(active: Db) -> None:
    registry = runtime.registry()
    calls = registry.person_values(active.engine, SUP3, "calls", parse_period("2026-12"))
    assert dict(calls.select("person_id", "value").iter_rows()) == {4: 1.0}
    visits = registry.person_values(active.engine, SUP3, "visits", parse_period("2026-11"))
    assert visits.is_empty()
