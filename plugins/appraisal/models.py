"""The appraisal plugin's tables.

- ``appraisal_cycles``: a monthly or annual cycle for one org unit (a leader's subtree);
- ``appraisal_templates``: the KPI lines of a level's contract in a cycle;
- ``appraisal_records``: one per person and cycle, the contract's status, the self and
  manager reviews, the frozen scores, the calibrated rating and the results applied;
- ``appraisal_kpis``: the KPI lines of one person's contract (target, weight, rule) and,
  once frozen, the actual, attainment and score;
- ``appraisal_talks``: the feedback talk;
- ``appraisal_actions``: the improvement plan.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from command_center.db.base import Base
from command_center.db.models import utcnow


class Cycle(Base):
    """A cycle: ``period`` is ``YYYY-MM`` (monthly) or ``YYYY`` (annual); ``root_id`` the unit."""

    __tablename__ = "appraisal_cycles"
    __table_args__ = (
        UniqueConstraint("kind", "period", "root_id", name="uq_appraisal_cycles_unit"),
        CheckConstraint("kind IN ('monthly','annual')", name="kind"),
        CheckConstraint(
            "state IN ('planning','in_progress','self_review','manager_review',"
            "'calibration','closed')",
            name="state",
        ),
    )

    cycle_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    period: Mapped[str] = mapped_column(String(7), index=True)
    root_id: Mapped[int] = mapped_column(ForeignKey("people.person_id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="planning")
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)


class TemplateLine(Base):
    """One KPI line of a level's standard contract in a cycle."""

    __tablename__ = "appraisal_templates"
    __table_args__ = (
        UniqueConstraint("cycle_id", "level", "position", name="uq_appraisal_templates_line"),
    )

    line_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(
        ForeignKey("appraisal_cycles.cycle_id", ondelete="CASCADE"), index=True
    )
    level: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer)
    metric: Mapped[str] = mapped_column(String(50))
    target: Mapped[float | None] = mapped_column(Float, default=None)
    weight: Mapped[float] = mapped_column(Float)
    rule: Mapped[str] = mapped_column(String(10), default="linear")
    ceiling: Mapped[float] = mapped_column(Float, default=1.2)
    floor: Mapped[float] = mapped_column(Float, default=0.0)
    steps: Mapped[str] = mapped_column(String(200), default="")


class Record(Base):
    """One person's appraisal in one cycle, from contract to results applied."""

    __tablename__ = "appraisal_records"
    __table_args__ = (
        CheckConstraint("contract IN ('none','issued','acknowledged')", name="contract"),
        CheckConstraint(
            "rating IS NULL OR rating IN ('exceeds','meets','below')", name="rating_key"
        ),
    )

    cycle_id: Mapped[int] = mapped_column(
        ForeignKey("appraisal_cycles.cycle_id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.person_id"), primary_key=True, index=True
    )
    level: Mapped[str] = mapped_column(String(20))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("people.person_id"), index=True)
    contract: Mapped[str] = mapped_column(String(20), default="none")
    issued_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    # self review
    self_comment: Mapped[str] = mapped_column(Text, default="")
    self_values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    self_ability: Mapped[float | None] = mapped_column(Float, default=None)
    self_attitude: Mapped[float | None] = mapped_column(Float, default=None)
    self_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    # manager review
    judgement: Mapped[float] = mapped_column(Float, default=0.0)
    manager_comment: Mapped[str] = mapped_column(Text, default="")
    manager_values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ability: Mapped[float | None] = mapped_column(Float, default=None)
    attitude: Mapped[float | None] = mapped_column(Float, default=None)
    reviewed_by: Mapped[str] = mapped_column(String(64), default="")
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    # scores frozen when the cycle enters calibration
    kpi_score: Mapped[float | None] = mapped_column(Float, default=None)
    results_score: Mapped[float | None] = mapped_column(Float, default=None)
    values_score: Mapped[float | None] = mapped_column(Float, default=None)
    final_score: Mapped[float | None] = mapped_column(Float, default=None)
    proposed_rating: Mapped[str | None] = mapped_column(String(10), default=None)
    rating: Mapped[str | None] = mapped_column(String(10), default=None)
    calibration_note: Mapped[str] = mapped_column(String(500), default="")
    grid: Mapped[str | None] = mapped_column(String(20), default=None)
    # results applied when the cycle closes
    bonus_multiplier: Mapped[float | None] = mapped_column(Float, default=None)
    raise_pct: Mapped[float | None] = mapped_column(Float, default=None)
    promotion: Mapped[bool | None] = mapped_column(default=None)
    training: Mapped[list[str]] = mapped_column(JSON, default=list)


class KpiLine(Base):
    """One KPI of a person's contract; ``actual``/``attainment``/``score`` once frozen."""

    __tablename__ = "appraisal_kpis"
    __table_args__ = (
        UniqueConstraint("cycle_id", "person_id", "position", name="uq_appraisal_kpis_line"),
    )

    kpi_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(
        ForeignKey("appraisal_cycles.cycle_id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.person_id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    metric: Mapped[str] = mapped_column(String(50))
    target: Mapped[float | None] = mapped_column(Float, default=None)
    weight: Mapped[float] = mapped_column(Float)
    rule: Mapped[str] = mapped_column(String(10), default="linear")
    ceiling: Mapped[float] = mapped_column(Float, default=1.2)
    floor: Mapped[float] = mapped_column(Float, default=0.0)
    steps: Mapped[str] = mapped_column(String(200), default="")
    self_score: Mapped[float | None] = mapped_column(Float, default=None)
    actual: Mapped[float | None] = mapped_column(Float, default=None)
    attainment: Mapped[float | None] = mapped_column(Float, default=None)
    score: Mapped[float | None] = mapped_column(Float, default=None)
    status: Mapped[str | None] = mapped_column(String(12), default=None)


class Talk(Base):
    """The feedback talk between a person and their leader about one cycle."""

    __tablename__ = "appraisal_talks"

    cycle_id: Mapped[int] = mapped_column(
        ForeignKey("appraisal_cycles.cycle_id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.person_id"), primary_key=True)
    held_on: Mapped[dt.date] = mapped_column(Date)
    held_by: Mapped[str] = mapped_column(String(64))
    strengths: Mapped[str] = mapped_column(Text, default="")
    improvements: Mapped[str] = mapped_column(Text, default="")
    employee_view: Mapped[str] = mapped_column(Text, default="")


class Action(Base):
    """One action of a person's improvement plan."""

    __tablename__ = "appraisal_actions"
    __table_args__ = (
        CheckConstraint("status IN ('open','in_progress','done','dropped')", name="status"),
    )

    action_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(
        ForeignKey("appraisal_cycles.cycle_id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.person_id"), index=True)
    action: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.person_id"), index=True)
    due_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="open")
    created_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


TABLES: list[type] = [Cycle, TemplateLine, Record, KpiLine, Talk, Action]
