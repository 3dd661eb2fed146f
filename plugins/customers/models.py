"""The customers plugin's tables; the core ``customers`` table stays the master record.

- ``customers_profiles``: one row per customer with what the core lacks (phone,
  tax id, needs, preferences, lead source), the keys the duplicate check
  compares, and the pool state: a customer whose core ``owner_id`` is NULL is
  in the public pool (公海); otherwise it is in its owner's private pool (私海).
- ``customers_contacts``: the people we talk to at a customer.
- ``customers_followups``: the follow-up log (channel, notes, next step, SPIN stage).
- ``customers_pool_moves``: every change of owner (claim, release, assign,
  create), with the reason; each one is also written to the audit log.
- ``customers_visit_plans``: visits planned at a time (the Today agenda); logging
  the visit writes a follow-up (channel ``visit``) and marks the plan done.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from command_center.db.base import Base
from command_center.db.models import utcnow

# The core's customers.size holds the classification (as the core demo fills it).
CLASSES = ("key_account", "smb", "prospect")
CHANNELS = ("phone", "visit", "online", "other")
SPIN_STAGES = ("situation", "problem", "implication", "need_payoff")
SOURCES = ("market_research", "trade_show", "web_search", "referral", "partner", "other")
MOVE_ACTIONS = ("create", "claim", "release", "assign")
RELEASE_REASONS = ("no_followup", "no_win", "manual")
VISIT_STATUSES = ("planned", "done", "cancelled")


class CustomerProfile(Base):
    __tablename__ = "customers_profiles"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.customer_id"), primary_key=True, autoincrement=False
    )
    phone: Mapped[str] = mapped_column(String(40), default="")
    tax_id: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(20), default="other")
    needs: Mapped[str] = mapped_column(Text, default="")
    preferences: Mapped[str] = mapped_column(Text, default="")
    # Normalised keys for the duplicate check ("" = nothing to compare).
    name_key: Mapped[str] = mapped_column(String(200), index=True, default="")
    phone_key: Mapped[str] = mapped_column(String(40), index=True, default="")
    tax_key: Mapped[str] = mapped_column(String(40), index=True, default="")
    # Pool state: a locked customer is never released; owned_since starts the clocks.
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    owned_since: Mapped[dt.date | None] = mapped_column(Date, default=None)
    first_owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.person_id"), index=True, default=None
    )
    last_owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.person_id"), default=None)
    released_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    release_reason: Mapped[str] = mapped_column(String(20), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class Contact(Base):
    __tablename__ = "customers_contacts"

    contact_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.customer_id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    phone_key: Mapped[str] = mapped_column(String(40), index=True, default="")
    email: Mapped[str] = mapped_column(String(200), default="")


class FollowUp(Base):
    __tablename__ = "customers_followups"
    __table_args__ = (
        CheckConstraint("channel IN ('phone','visit','online','other')", name="channel"),
        CheckConstraint(
            "spin_stage IN ('', 'situation','problem','implication','need_payoff')",
            name="spin_stage",
        ),
        Index("ix_customers_followups_customer_date", "customer_id", "followup_date"),
    )

    followup_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.customer_id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.person_id"), index=True)
    followup_date: Mapped[dt.date] = mapped_column(Date, index=True)
    channel: Mapped[str] = mapped_column(String(10))
    notes: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str] = mapped_column(String(500), default="")
    next_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    spin_stage: Mapped[str] = mapped_column(String(20), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class PoolMove(Base):
    __tablename__ = "customers_pool_moves"
    __table_args__ = (
        CheckConstraint("action IN ('create','claim','release','assign')", name="action"),
        Index("ix_customers_pool_moves_to_owner_day", "to_owner_id", "moved_on"),
    )

    move_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.customer_id"), index=True)
    moved_on: Mapped[dt.date] = mapped_column(Date, index=True)
    action: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(20), default="")
    from_owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.person_id"), index=True, default=None
    )
    to_owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.person_id"), default=None)
    days_idle: Mapped[int | None] = mapped_column(Integer, default=None)
    actor: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class VisitPlan(Base):
    """A visit someone plans to make to a customer at a time; done once logged."""

    __tablename__ = "customers_visit_plans"
    __table_args__ = (
        CheckConstraint("status IN ('planned','done','cancelled')", name="status"),
        Index("ix_customers_visit_plans_person_at", "person_id", "planned_at"),
    )

    plan_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.customer_id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.person_id"))
    planned_at: Mapped[dt.datetime] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(10), default="planned")
    followup_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers_followups.followup_id"), default=None
    )
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class FollowUpPerson(Base):
    """A colleague who went along on a follow-up or visit (a co-visitor, 陪访): the
    follow-up shows in their list too; it stays the logger's for every count."""

    __tablename__ = "customers_followup_people"

    followup_id: Mapped[int] = mapped_column(
        ForeignKey("customers_followups.followup_id"), primary_key=True, autoincrement=False
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.person_id"), primary_key=True, autoincrement=False, index=True
    )


TABLES: list[type] = [CustomerProfile, Contact, FollowUp, PoolMove, VisitPlan, FollowUpPerson]
