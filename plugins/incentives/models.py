"""The incentives plugin's tables (all prefixed ``incentives_``).

- plans and their versions: the YAML text of every version, with the month
  it takes effect from;
- settlements: one row per computed version of a month, ``draft`` ->
  ``locked`` (-> ``unlocked`` when reopened; a recompute makes a new version);
  per person a statement, its lines (components, gate and cap adjustments,
  clawbacks) and the orders it credits, all copied at compute time so a
  locked settlement never changes when the ledger does;
- disputes on statement lines; saved what-if scenarios.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
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

ORDER_ID = BigInteger().with_variant(Integer, "sqlite")
SETTLEMENT_STATUSES = ("draft", "locked", "unlocked")
LINE_KINDS = ("component", "gate", "cap", "clawback")
DISPUTE_STATUSES = ("open", "answered")


class PlanRecord(Base):
    __tablename__ = "incentives_plans"

    plan_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="")


class PlanVersion(Base):
    """One version of a plan: the document as written, effective from a month."""

    __tablename__ = "incentives_plan_versions"
    __table_args__ = (UniqueConstraint("plan_id", "version", name="uq_incentives_plan_versions"),)

    version_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("incentives_plans.plan_id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="")


class Settlement(Base):
    """A computed month: its people's statements, lines and credited orders."""

    __tablename__ = "incentives_settlements"
    __table_args__ = (
        UniqueConstraint("period", "version", name="uq_incentives_settlements"),
        CheckConstraint("status IN ('draft','locked','unlocked')", name="status"),
    )

    settlement_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[str] = mapped_column(String(7), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    people: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[float] = mapped_column(Float, default=0.0)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    computed_by: Mapped[str] = mapped_column(String(64), default="")
    locked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    locked_by: Mapped[str] = mapped_column(String(64), default="")
    unlocked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    unlocked_by: Mapped[str] = mapped_column(String(64), default="")
    reason: Mapped[str] = mapped_column(String(200), default="")


class Statement(Base):
    """One person's result in a settlement (figures as they were at compute time)."""

    __tablename__ = "incentives_statements"
    __table_args__ = (
        UniqueConstraint("settlement_id", "person_id", name="uq_incentives_statements"),
    )

    statement_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    settlement_id: Mapped[int] = mapped_column(
        ForeignKey("incentives_settlements.settlement_id"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.person_id"), index=True)
    plan_name: Mapped[str] = mapped_column(String(100), default="")
    plan_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("incentives_plan_versions.version_id"), default=None
    )
    plan_period: Mapped[str] = mapped_column(String(7), default="")
    revenue: Mapped[float] = mapped_column(Float, default=0.0)
    profit: Mapped[float] = mapped_column(Float, default=0.0)
    quota: Mapped[float | None] = mapped_column(Float, default=None)
    attainment: Mapped[float | None] = mapped_column(Float, default=None)
    payout: Mapped[float] = mapped_column(Float, default=0.0)


class Line(Base):
    """A line of a statement: a component, an adjustment or a clawback."""

    __tablename__ = "incentives_lines"
    __table_args__ = (
        CheckConstraint("kind IN ('component','gate','cap','clawback')", name="kind"),
    )

    line_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    settlement_id: Mapped[int] = mapped_column(
        ForeignKey("incentives_settlements.settlement_id"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.person_id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(64))
    amount: Mapped[float] = mapped_column(Float)
    order_id: Mapped[int | None] = mapped_column(ORDER_ID, default=None)
    refund_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)


class OrderCredit(Base):
    """An order's contribution to a statement (copied, so later edits change nothing)."""

    __tablename__ = "incentives_order_credits"

    # Keyed by settlement, person, order: one person's statement is one range of the key.
    settlement_id: Mapped[int] = mapped_column(
        ForeignKey("incentives_settlements.settlement_id"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.person_id"), primary_key=True)
    order_id: Mapped[int] = mapped_column(ORDER_ID, primary_key=True, index=True)
    customer_id: Mapped[int] = mapped_column(Integer)
    order_date: Mapped[dt.date] = mapped_column(Date)
    revenue: Mapped[float] = mapped_column(Float)
    profit: Mapped[float] = mapped_column(Float)
    contribution: Mapped[float] = mapped_column(Float)
    # What the statement shows of the line (migration incentives_0002): its product, the
    # person's credit share, the cash collected on it in the month and still outstanding at
    # the month's end, and the commission on collected cash: booked (as if paid on booking),
    # held back (on what is unpaid) and released (on this month's cash, in contribution).
    product_id: Mapped[str | None] = mapped_column(String(64), default=None)
    credit_share: Mapped[float] = mapped_column(Float, default=1.0, server_default="1")
    collected: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    outstanding: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    booked: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    held_back: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    released: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")


class Dispute(Base):
    """A question on a statement line (or an order of it) and the manager's answer."""

    __tablename__ = "incentives_disputes"
    __table_args__ = (CheckConstraint("status IN ('open','answered')", name="status"),)

    dispute_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    settlement_id: Mapped[int] = mapped_column(
        ForeignKey("incentives_settlements.settlement_id"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.person_id"), index=True)
    line_id: Mapped[int | None] = mapped_column(
        ForeignKey("incentives_lines.line_id"), default=None
    )
    order_id: Mapped[int | None] = mapped_column(ORDER_ID, default=None)
    question: Mapped[str] = mapped_column(String(1000))
    raised_by: Mapped[str] = mapped_column(String(64))
    raised_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="open")
    answer: Mapped[str] = mapped_column(String(1000), default="")
    answered_by: Mapped[str] = mapped_column(String(64), default="")
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)


class Scenario(Base):
    """A saved what-if: a plan version, edits at YAML paths and revenue assumptions."""

    __tablename__ = "incentives_scenarios"
    __table_args__ = (UniqueConstraint("owner", "name", name="uq_incentives_scenarios"),)

    scenario_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(100))
    plan_version_id: Mapped[int] = mapped_column(ForeignKey("incentives_plan_versions.version_id"))
    start: Mapped[dt.date] = mapped_column(Date)
    end: Mapped[dt.date] = mapped_column(Date)
    edits: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    assumptions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


TABLES: list[type] = [
    PlanRecord,
    PlanVersion,
    Settlement,
    Statement,
    Line,
    OrderCredit,
    Dispute,
    Scenario,
]
