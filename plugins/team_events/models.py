"""The team events plugin's tables (all named ``team_events_*``).

- events and their recurring series, invitees with attendance;
- meeting minutes live on the event (agenda, notes, decisions); action items
  are raised at a meeting and carry over to the team's next meetings until
  closed, with every status change logged in ``team_events_action_updates``;
- team-building budgets per team and year, spend per event;
- announcements with an audience (force, region, team) and per-person reads;
- daily and weekly reports (日报/周报): one per person and period, the figures of
  the period as they stood at submission, who of the leaders read it, comments.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from command_center.db.base import Base

EVENT_KINDS = (
    "weekly_meeting",
    "monthly_review",
    "outdoor",
    "dinner",
    "custom",
    "kickoff",
    "evening_review",
)
DAILY_KINDS = ("kickoff", "evening_review")
"""The daily beat: the morning kick-off (早启动) and the evening review (夕会)."""
MEETING_KINDS = ("weekly_meeting", "monthly_review", *DAILY_KINDS)
EVENT_STATUSES = ("scheduled", "held", "cancelled")
RECURRENCES = ("weekly", "monthly", "workdays")
ATTENDANCE = ("invited", "present", "late", "absent", "excused")
ACTION_STATUSES = ("open", "in_progress", "done", "dropped")
CLOSED_STATUSES = ("done", "dropped")
SPEND_CATEGORIES = ("venue", "food", "transport", "activity", "gifts", "other")
AUDIENCES = ("force", "region", "team")
REPORT_GRAINS = ("day", "week")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class EventSeries(Base):
    """A recurrence rule; its occurrences are stored as events when scheduled."""

    __tablename__ = "team_events_series"
    __table_args__ = (
        CheckConstraint(_in("recurrence", RECURRENCES), name="recurrence"),
        CheckConstraint("every >= 1", name="every_positive"),
    )

    series_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    team_root: Mapped[int] = mapped_column(ForeignKey("people.person_id"), index=True)
    recurrence: Mapped[str] = mapped_column(String(10))
    every: Mapped[int] = mapped_column(Integer, default=1)
    first_date: Mapped[dt.date] = mapped_column(Date)
    until_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    occurrences: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    weekdays: Mapped[str] = mapped_column(String(20), default="")
    """A ``workdays`` series' days of the week, ``0,1,2,3,4`` (0 Monday); else empty."""


class Event(Base):
    """One event (or one occurrence of a series); meetings keep their minutes here."""

    __tablename__ = "team_events_events"
    __table_args__ = (
        CheckConstraint(_in("kind", EVENT_KINDS), name="kind"),
        CheckConstraint(_in("status", EVENT_STATUSES), name="status"),
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
    )

    event_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("team_events_series.series_id"), index=True, default=None
    )
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    team_root: Mapped[int] = mapped_column(ForeignKey("people.person_id"), index=True)
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("people.person_id"), default=None)
    event_date: Mapped[dt.date] = mapped_column(Date, index=True)
    start_time: Mapped[str] = mapped_column(String(5), default="09:00")
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    location: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default="scheduled")
    agenda: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64), default="")


class Invitee(Base):
    """Who is invited to an event, and whether they came."""

    __tablename__ = "team_events_invitees"
    __table_args__ = (CheckConstraint(_in("attendance", ATTENDANCE), name="attendance"),)

    event_id: Mapped[int] = mapped_column(
        ForeignKey("team_events_events.event_id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.person_id"), primary_key=True, index=True
    )
    attendance: Mapped[str] = mapped_column(String(10), default="invited")


class ActionItem(Base):
    """An action raised at a meeting; open until done or dropped."""

    __tablename__ = "team_events_actions"
    __table_args__ = (CheckConstraint(_in("status", ACTION_STATUSES), name="status"),)

    action_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("team_events_events.event_id"), index=True)
    team_root: Mapped[int] = mapped_column(ForeignKey("people.person_id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.person_id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    due_date: Mapped[dt.date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(12), default="open")
    created_on: Mapped[dt.date] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    created_by: Mapped[str] = mapped_column(String(64), default="")


class ActionUpdate(Base):
    """One status change of an action item, at a meeting or on its own."""

    __tablename__ = "team_events_action_updates"
    __table_args__ = (CheckConstraint(_in("status", ACTION_STATUSES), name="status"),)

    update_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(
        ForeignKey("team_events_actions.action_id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("team_events_events.event_id"), default=None
    )
    on_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(String(500), default="")
    actor: Mapped[str] = mapped_column(String(64), default="")


class Budget(Base):
    """A team's team-building budget for one calendar year."""

    __tablename__ = "team_events_budgets"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_nonneg"),)

    team_root: Mapped[int] = mapped_column(ForeignKey("people.person_id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    amount: Mapped[float] = mapped_column(Float)
    updated_by: Mapped[str] = mapped_column(String(64), default="")


class Spend(Base):
    """Money spent on one event, charged to the event team's budget."""

    __tablename__ = "team_events_spend"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(_in("category", SPEND_CATEGORIES), name="category"),
    )

    spend_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("team_events_events.event_id"), index=True)
    amount: Mapped[float] = mapped_column(Float)
    category: Mapped[str] = mapped_column(String(12), default="other")
    note: Mapped[str] = mapped_column(String(500), default="")
    spent_on: Mapped[dt.date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(64), default="")


class Announcement(Base):
    """A message to the whole force, a region or a team (a leader's subtree)."""

    __tablename__ = "team_events_announcements"
    __table_args__ = (CheckConstraint(_in("audience", AUDIENCES), name="audience"),)

    announcement_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[str] = mapped_column(String(10))
    region: Mapped[str] = mapped_column(String(50), default="")
    team_root: Mapped[int | None] = mapped_column(ForeignKey("people.person_id"), default=None)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.person_id"), default=None)
    author: Mapped[str] = mapped_column(String(64), default="")
    published_on: Mapped[dt.date] = mapped_column(Date, index=True)


class Read(Base):
    """One person has read one announcement."""

    __tablename__ = "team_events_reads"

    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("team_events_announcements.announcement_id", ondelete="CASCADE"),
        primary_key=True,
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.person_id"), primary_key=True, index=True
    )
    read_on: Mapped[dt.date] = mapped_column(Date)


class Goal(Base):
    """A member's goals for the day, stated at a morning kick-off (早启动)."""

    __tablename__ = "team_events_goals"
    __table_args__ = (
        CheckConstraint("visits >= 0 AND calls >= 0 AND new_customers >= 0", name="counts"),
    )

    event_id: Mapped[int] = mapped_column(
        ForeignKey("team_events_events.event_id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.person_id"), primary_key=True)
    visits: Mapped[int] = mapped_column(Integer, default=0)
    calls: Mapped[int] = mapped_column(Integer, default=0)
    new_customers: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(String(500), default="")
    set_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Report(Base):
    """A person's daily (``grain`` day, ``period`` ``YYYY-MM-DD``) or weekly (week,
    ``YYYY-Www``) report: a draft until ``submitted_at``; ``snapshot`` holds the
    period's figures and the next day's agenda as they stood at submission."""

    __tablename__ = "team_events_reports"
    __table_args__ = (
        CheckConstraint(_in("grain", REPORT_GRAINS), name="grain"),
        UniqueConstraint("person_id", "period"),
        Index("ix_team_events_reports_first_day_person", "first_day", "person_id"),
    )

    report_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.person_id"))
    grain: Mapped[str] = mapped_column(String(4))
    period: Mapped[str] = mapped_column(String(10))
    first_day: Mapped[dt.date] = mapped_column(Date)
    wins: Mapped[str] = mapped_column(Text, default="")
    problems: Mapped[str] = mapped_column(Text, default="")
    help_needed: Mapped[str] = mapped_column(Text, default="")
    plan: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    due_at: Mapped[dt.datetime] = mapped_column(DateTime)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ReportRead(Base):
    """A leader has read a report."""

    __tablename__ = "team_events_report_reads"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("team_events_reports.report_id", ondelete="CASCADE"), primary_key=True
    )
    reader_id: Mapped[int] = mapped_column(ForeignKey("people.person_id"), primary_key=True)
    read_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ReportComment(Base):
    """A comment on a report: a leader's answer, or its author's reply."""

    __tablename__ = "team_events_report_comments"

    comment_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("team_events_reports.report_id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.person_id"), default=None)
    author: Mapped[str] = mapped_column(String(64), default="")
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime)


TABLES: list[type] = [
    EventSeries,
    Event,
    Invitee,
    ActionItem,
    ActionUpdate,
    Budget,
    Spend,
    Announcement,
    Read,
    Goal,
    Report,
    ReportRead,
    ReportComment,
]
