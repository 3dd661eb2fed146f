"""Writes on reports: a person saves or submits their own, leaders in scope read and
comment (the author may answer).

- only the author writes a report, never for another person; a submitted report is
  kept as sent (its figures and the next day's agenda are stored then, and whether it
  was late); a report of a period that has not started is refused;
- a supervisor, manager or director reads and comments on the reports of people in
  their scope (not their own: a leader's own report goes to the leader above);
- a comment by someone else notifies the author through the core's notification
  centre (``command_center.notifications.notify``, in the same transaction).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.metrics import MetricRegistry
from command_center.notifications import notify
from command_center.org.scope import Viewer
from command_center.plugins import PluginHost
from command_center.types import BUSINESS_ROLES, LEADER_ROLES
from plugins.team_events import settings
from plugins.team_events.actions.guards import MAX_TEXT, TeamEventsError, clean_text
from plugins.team_events.logic import reports as logic
from plugins.team_events.models import Report, ReportComment, ReportRead
from plugins.team_events.queries import reports as report_q

FIELDS = ("wins", "problems", "help_needed", "plan")


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now().replace(microsecond=0)


def _author(viewer: Viewer) -> int:
    if viewer.role not in BUSINESS_ROLES:
        raise TeamEventsError("team_events.error.report_role")
    if viewer.person_id is None:
        raise TeamEventsError("team_events.error.no_person")
    return viewer.person_id


def _texts(text: logic.ReportText) -> dict[str, str]:
    return {
        name: clean_text(getattr(text, name), f"team_events.report.{name}", MAX_TEXT, False)
        for name in FIELDS
    }


def save(
    engine: Engine,
    registry: MetricRegistry,
    host: PluginHost,
    viewer: Viewer,
    period_label: str,
    text: logic.ReportText,
    actor: str,
    submit: bool = False,
    now: dt.datetime | None = None,
) -> int:
    """Save the viewer's own report of ``period_label`` (a draft), or ``submit`` it:
    then its figures are read and stored and it is marked late past its deadline.
    Returns the report's id."""
    person = _author(viewer)
    period = logic.report_period(period_label)
    at = _now(now)
    if period.first_day > at.date():
        raise TeamEventsError("team_events.error.report_future", period=period.label)
    values = _texts(text)
    if submit and not any(values.values()):
        raise TeamEventsError("team_events.error.report_empty")
    rules = settings.load(engine)
    due = logic.due_at(period, rules.report_due_time, rules.weekly_report_weekday)
    snapshot: dict[str, Any] | None = None
    if submit:
        snapshot = report_q.prefill(engine, registry, host, viewer, person, period, rules)
    with write_session(engine) as session:
        row = session.scalars(
            select(Report).where(Report.person_id == person, Report.period == period.label)
        ).one_or_none()
        if row is not None and row.submitted_at is not None:
            raise TeamEventsError("team_events.error.report_submitted", period=period.label)
        if row is None:
            row = Report(
                person_id=person,
                grain=period.grain,
                period=period.label,
                first_day=period.first_day,
                snapshot={},
                due_at=due,
                late=False,
                updated_at=at,
            )
            session.add(row)
        for name, value in values.items():
            setattr(row, name, value)
        row.due_at = due
        row.updated_at = at
        if submit:
            row.snapshot = snapshot or {}
            row.submitted_at = at
            row.late = logic.is_late(at, due)
        session.flush()
        audit(
            session,
            actor,
            "report_submitted" if submit else "report_saved",
            "team_events_report",
            row.report_id,
            period=period.label,
            late=row.late,
        )
        return row.report_id


def _readable(engine: Engine, viewer: Viewer, report_id: int) -> dict[str, Any]:
    """A submitted report in the viewer's scope that is not their own (leaders only)."""
    if viewer.role not in LEADER_ROLES:
        raise TeamEventsError("team_events.error.leaders_only")
    found = report_q.report(engine, viewer, report_id)
    if found is None or found["submitted_at"] is None:
        raise TeamEventsError("team_events.error.report_not_found", report_id=report_id)
    if found["person_id"] == viewer.person_id:
        raise TeamEventsError("team_events.error.report_own")
    return found


def mark_read(
    engine: Engine,
    viewer: Viewer,
    report_ids: list[int],
    actor: str,
    now: dt.datetime | None = None,
) -> int:
    """Mark submitted reports of people in scope read by the viewer; how many were new."""
    reader = _author(viewer)
    for rid in report_ids:
        _readable(engine, viewer, rid)
    at = _now(now)
    with write_session(engine) as session:
        done = set(
            session.scalars(
                select(ReportRead.report_id).where(
                    ReportRead.reader_id == reader, ReportRead.report_id.in_(report_ids)
                )
            )
        )
        new = sorted(set(report_ids) - done)
        if not new:
            return 0
        session.add_all(ReportRead(report_id=rid, reader_id=reader, read_at=at) for rid in new)
        audit(session, actor, "reports_read", "team_events_report", new[0], ids=new)
    return len(new)


def comment(
    engine: Engine,
    viewer: Viewer,
    report_id: int,
    body: str,
    actor: str,
    now: dt.datetime | None = None,
) -> int:
    """Comment on a submitted report: a leader with the author in scope (which also
    marks it read), or the author answering. Returns the comment's id."""
    person = _author(viewer)
    found = report_q.report(engine, viewer, report_id)
    if found is None or found["submitted_at"] is None:
        raise TeamEventsError("team_events.error.report_not_found", report_id=report_id)
    own = found["person_id"] == person
    if not own:
        _readable(engine, viewer, report_id)
    text = clean_text(body, "team_events.report.comment", MAX_TEXT)
    at = _now(now)
    with write_session(engine) as session:
        row = ReportComment(report_id=report_id, author_id=person, author=actor, body=text, at=at)
        session.add(row)
        if not own and session.get(ReportRead, (report_id, person)) is None:
            session.add(ReportRead(report_id=report_id, reader_id=person, read_at=at))
        session.flush()
        if not own:
            _notify(session, int(found["person_id"]), found["period"])
        audit(
            session,
            actor,
            "report_commented",
            "team_events_report",
            report_id,
            comment_id=row.comment_id,
        )
        return row.comment_id


NOTIFY_KIND = "report_commented"
"""The notification centre's kind for "your report got a comment"."""


def _notify(session: Session, person_id: int, period: str) -> None:
    """Tell the author their report got a comment (in the comment's transaction)."""
    notify(
        session,
        person_id,
        NOTIFY_KIND,
        "team_events.report.notified",
        {"period": period},
        "team-report",
    )
