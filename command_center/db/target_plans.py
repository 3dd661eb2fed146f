"""Target plans: a leader's split of a year's targets of one metric, by month.

A plan is (year, metric, leader): the leader's people (their direct reports,
and for the top of the force its own figure too) with twelve monthly figures
each (``target_plan_lines``). It moves draft -> submitted -> approved; on
approval its figures are written into the core ``targets`` table in the same
transaction, and the approved version before it becomes ``superseded``. An
edit after approval is the next version (``version`` 2, 3 …): every version
stays readable. See ``command_center.targets`` and ``docs/targets.md``.

Imported by ``command_center.db.models`` so that the metadata holds the tables.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from command_center.db.base import Base

PLAN_STATES = ("draft", "submitted", "approved", "superseded")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class TargetPlan(Base):
    """One version of a leader's split of a year's targets of a metric."""

    __tablename__ = "target_plans"
    __table_args__ = (
        UniqueConstraint("year", "metric", "leader_id", "version", name="uq_target_plans_key"),
        CheckConstraint("state IN ('draft','submitted','approved','superseded')", name="state"),
    )

    plan_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    metric: Mapped[str] = mapped_column(String(50))
    leader_id: Mapped[int] = mapped_column(ForeignKey("people.person_id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[str] = mapped_column(String(12), default="draft")
    method: Mapped[str] = mapped_column(String(20), default="typed")
    note: Mapped[str] = mapped_column(String(200), default="")
    saved_by: Mapped[str] = mapped_column(String(64), default="")
    saved_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    submitted_by: Mapped[str] = mapped_column(String(64), default="")
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    approved_by: Mapped[str] = mapped_column(String(64), default="")
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)


class TargetPlanLine(Base):
    """One person's target for one month of a plan's year."""

    __tablename__ = "target_plan_lines"
    __table_args__ = (
        CheckConstraint("month BETWEEN 1 AND 12", name="month"),
        CheckConstraint("target >= 0", name="target_nonneg"),
    )

    plan_id: Mapped[int] = mapped_column(ForeignKey("target_plans.plan_id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.person_id"), primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    target: Mapped[float] = mapped_column(Float)
