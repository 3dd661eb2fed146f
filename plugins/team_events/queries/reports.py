"""Reads of daily and weekly reports, the scope in SQL (``person_id IN`` the viewer's
people), and what a report is pre-filled with.

- :func:`reports` of a period for the people in scope (a supervisor's team: ten
  rows), :func:`report` one by id, :func:`snapshots`, :func:`comments`,
  :func:`reads` of reports already read in scope;
- :func:`reporters`: who in scope is expected to report on a day (the company's
  levels, active, hired by then);
- :func:`prefill`: the period's figures from the metric registry (visits, calls,
  follow-ups, new customers, order lines, revenue and deals moved, whichever a
  plugin publishes at the report's grain) and the agenda of the next workday,
  read for the person alone;
- :func:`submitted_days`: daily reports submitted per person and day (``report_rate``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import polars as pl
from sqlalchemy import Engine, select

from command_center import agenda
from command_center.db import frames
from command_center.db.engine import read_session
from command_center.db.models import Person
from command_center.metrics import MetricRegistry
from command_center.org.scope import Viewer
from command_center.periods import Period
from command_center.plugins import PluginHost
from plugins.team_events.logic import reports as logic
from plugins.team_events.models import Report, ReportComment, ReportRead
from plugins.team_events.settings import TeamEventsSettings

REPORT_COLUMNS: tuple[str, ...] = (
    "report_id",
    "person_id",
    "grain",
    "period",
    "first_day",
    "wins",
    "problems",
    "help_needed",
    "plan",
    "due_at",
    "submitted_at",
    "late",
    "updated_at",
)
REPORT_SCHEMA: dict[str, pl.DataType] = {
    "report_id": pl.Int64(),
    "person_id": pl.Int64(),
    "grain": pl.String(),
    "period": pl.String(),
    "first_day": pl.Date(),
    "wins": pl.String(),
    "problems": pl.String(),
    "help_needed": pl.String(),
    "plan": pl.String(),
    "due_at": pl.Datetime("us"),
    "submitted_at": pl.Datetime("us"),
    "late": pl.Boolean(),
    "updated_at": pl.Datetime("us"),
}
COMMENT_SCHEMA: dict[str, pl.DataType] = {
    "comment_id": pl.Int64(),
    "report_id": pl.Int64(),
    "author_id": pl.Int64(),
    "author": pl.String(),
    "body": pl.String(),
    "at": pl.Datetime("us"),
}
READ_SCHEMA: dict[str, pl.DataType] = {
    "report_id": pl.Int64(),
    "reader_id": pl.Int64(),
    "read_at": pl.Datetime("us"),
}
SUBMITTED_SCHEMA: dict[str, pl.DataType] = {"person_id": pl.Int64(), "day": pl.Date()}
REPORT_TABLES: tuple[str, ...] = (Report.__tablename__,)
AGENDA_KEPT = 30
"""Agenda rows a report keeps (the count of the rest is kept too)."""


def _columns() -> list[Any]:
    return [Report.__table__.c[c] for c in REPORT_COLUMNS]


def _scoped(query: Any, viewer: Viewer) -> Any:
    if viewer.person_ids is None:
        return query
    return query.where(Report.person_id.in_(sorted(viewer.person_ids)))


def _nobody(viewer: Viewer) -> bool:
    return viewer.role == "admin" or viewer.person_ids == frozenset()


def reports(
    engine: Engine, viewer: Viewer, period: Period, submitted_only: bool = False
) -> pl.DataFrame:
    """The reports of ``period`` (a day or an ISO week) by people in scope (drafts too,
    unless ``submitted_only``: what a leader reads)."""
    if _nobody(viewer):
        return pl.DataFrame(schema=REPORT_SCHEMA)
    query = select(*_columns()).where(
        Report.first_day == period.first_day, Report.grain == period.grain
    )
    if submitted_only:
        query = query.where(Report.submitted_at.is_not(None))
    return frames.read_frame(
        engine, _scoped(query, viewer).order_by(Report.person_id), REPORT_SCHEMA
    )


def person_reports(engine: Engine, viewer: Viewer, person_id: int, limit: int = 60) -> pl.DataFrame:
    """A person's latest reports (when in scope), newest first."""
    if _nobody(viewer) or not viewer.can_see(person_id):
        return pl.DataFrame(schema=REPORT_SCHEMA)
    query = (
        select(*_columns())
        .where(Report.person_id == person_id)
        .order_by(Report.first_day.desc(), Report.grain)
        .limit(limit)
    )
    return frames.read_frame(engine, query, REPORT_SCHEMA)


def report(engine: Engine, viewer: Viewer, report_id: int) -> dict[str, Any] | None:
    """One report as a dict (``None``: no such report, or not in scope)."""
    if _nobody(viewer):
        return None
    query = _scoped(select(*_columns()).where(Report.report_id == report_id), viewer)
    frame = frames.read_frame(engine, query, REPORT_SCHEMA)
    return frame.row(0, named=True) if frame.height else None


def snapshots(engine: Engine, viewer: Viewer, report_ids: Sequence[int]) -> dict[int, dict]:
    """``report_id -> snapshot`` of the reports in scope among ``report_ids``."""
    if _nobody(viewer) or not report_ids:
        return {}
    query = _scoped(
        select(Report.report_id, Report.snapshot).where(Report.report_id.in_(list(report_ids))),
        viewer,
    )
    with read_session(engine) as session:
        return {rid: dict(snap or {}) for rid, snap in session.execute(query).all()}


def _of_reports(engine: Engine, viewer: Viewer, report_ids: Sequence[int]) -> list[int]:
    """The ids among ``report_ids`` of reports in scope (comments and reads follow them)."""
    if _nobody(viewer) or not report_ids:
        return []
    query = _scoped(select(Report.report_id).where(Report.report_id.in_(list(report_ids))), viewer)
    with read_session(engine) as session:
        return sorted(session.scalars(query))


def comments(engine: Engine, viewer: Viewer, report_ids: Sequence[int]) -> pl.DataFrame:
    """Comments on the reports in scope among ``report_ids``, oldest first."""
    ids = _of_reports(engine, viewer, report_ids)
    if not ids:
        return pl.DataFrame(schema=COMMENT_SCHEMA)
    c = ReportComment
    query = (
        select(c.comment_id, c.report_id, c.author_id, c.author, c.body, c.at)
        .where(c.report_id.in_(ids))
        .order_by(c.at, c.comment_id)
    )
    return frames.read_frame(engine, query, COMMENT_SCHEMA)


def reads(engine: Engine, viewer: Viewer, report_ids: Sequence[int]) -> pl.DataFrame:
    """Who read the reports in scope among ``report_ids``, and when."""
    ids = _of_reports(engine, viewer, report_ids)
    if not ids:
        return pl.DataFrame(schema=READ_SCHEMA)
    r = ReportRead
    query = select(r.report_id, r.reader_id, r.read_at).where(r.report_id.in_(ids))
    return frames.read_frame(engine, query.order_by(r.read_at), READ_SCHEMA)


def reporters(
    engine: Engine, viewer: Viewer, day: dt.date, rules: TeamEventsSettings
) -> pl.DataFrame:
    """``person_id, name, level, manager_id, hire_date`` of the people in scope expected
    to report on ``day`` (none on a day that is not a workday)."""
    people = frames.people(engine, viewer)
    if day.weekday() not in rules.workdays:
        people = people.clear()
    return logic.expected(people, rules.report_levels, day).select(
        "person_id", "name", "level", "manager_id", "hire_date"
    )


def reporters_of(
    engine: Engine, viewer: Viewer, period: Period, rules: TeamEventsSettings
) -> pl.DataFrame:
    """:func:`reporters` of a day, or of a week (expected on its last workday; none
    when the week has no workday)."""
    if period.grain == "day":
        return reporters(engine, viewer, period.first_day, rules)
    days = logic.workdays(period.first_day, period.last_day, rules.workdays)
    if not days:
        return reporters(engine, viewer, period.first_day, rules).clear()
    return reporters(engine, viewer, days[-1], rules)


def submitted_days(
    engine: Engine, person_ids: frozenset[int] | None, first: dt.date, last: dt.date
) -> pl.DataFrame:
    """``person_id, day``: daily reports submitted for ``first``..``last`` by ``person_ids``
    (``None``: everyone), read by day in SQL and cached until a report is written."""
    ids = None if person_ids is None else tuple(sorted(person_ids))
    query = select(Report.person_id, Report.first_day.label("day")).where(
        Report.grain == "day",
        Report.first_day >= first,
        Report.first_day <= last,
        Report.submitted_at.is_not(None),
    )
    if ids is not None:
        query = query.where(Report.person_id.in_(ids))
    return frames.cached(
        engine,
        "team_events:submitted_days",
        lambda: frames.read_frame(engine, query, SUBMITTED_SCHEMA),
        ids,
        first,
        last,
        tables=REPORT_TABLES,
    )


def expected_people(engine: Engine, rules: TeamEventsSettings) -> pl.DataFrame:
    """``person_id, hire_date`` of everyone at the levels expected to report, active
    (for ``report_rate``; the registry limits it to the viewer's scope)."""
    people = frames.all_people(engine).filter(
        pl.col("level").is_in(rules.report_levels) & (pl.col("status") == "active")
    )
    return people.select("person_id", "hire_date")


def own_viewer(viewer: Viewer, person_id: int) -> Viewer:
    """The viewer looking at ``person_id`` alone."""
    return Viewer(viewer.login, viewer.role, person_id, frozenset({person_id}))


def figures(
    engine: Engine, registry: MetricRegistry, viewer: Viewer, period: Period
) -> dict[str, float]:
    """:data:`logic.FIGURES` of ``period`` for the people of ``viewer`` (summed), each
    metric a plugin publishes with figures at the period's grain; others are left out."""
    out: dict[str, float] = {}
    for key in logic.FIGURES:
        if key not in registry or not registry.supports(key, period):
            continue
        values = registry.person_values(engine, viewer, key, period)
        out[key] = float(values["value"].sum()) if values.height else 0.0
    return out


def prefill(
    engine: Engine,
    registry: MetricRegistry,
    host: PluginHost,
    viewer: Viewer,
    person_id: int,
    period: Period,
    rules: TeamEventsSettings,
) -> dict[str, Any]:
    """What ``person_id``'s report of ``period`` is pre-filled with (their rows only):
    ``figures`` (metric key -> value), ``agenda_day`` (the next workday, ISO) and
    ``agenda`` (its rows but the report's own: ``kind, due, title``), ``agenda_total``."""
    own = own_viewer(viewer, person_id)
    ahead = logic.next_workday(period.last_day, rules.workdays)
    items = [i for i in agenda.gather(host, engine, own, ahead) if i.kind != "report"]
    return {
        "figures": figures(engine, registry, own, period),
        "agenda_day": ahead.isoformat(),
        "agenda": [
            {"kind": i.kind, "due": agenda.due_text(i.due), "title": i.title}
            for i in items[:AGENDA_KEPT]
        ],
        "agenda_total": len(items),
    }


def names(engine: Engine, person_ids: Sequence[int]) -> dict[int, str]:
    """Names of ``person_ids`` (authors and readers of reports: the person and leaders above)."""
    people = frames.all_people(engine).filter(pl.col("person_id").is_in(list(person_ids)))
    return dict(people.select("person_id", "name").iter_rows())


PEOPLE_TABLES = (Person.__tablename__,)
