"""The pipeline plugin's tables: opportunities and everything that hangs off them.

Ids are allocated by the plugin (``max + 1`` inside the write transaction,
see :func:`command_center.db.ids.next_id`), never by a database
sequence, so rows imported with explicit ids never collide with new ones.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
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
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from command_center.db.base import Base

BIG_ID = BigInteger().with_variant(Integer, "sqlite")


class Opportunity(Base):
    """A deal: a customer, an owner, an amount and where it stands."""

    __tablename__ = "pipeline_opportunities"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_nonneg"),)

    opp_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(String(200))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.customer_id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.person_id"), index=True)
    amount: Mapped[float] = mapped_column(Float)
    expected_close: Mapped[dt.date] = mapped_column(Date, index=True)
    source: Mapped[str] = mapped_column(String(30), default="")
    channel: Mapped[str] = mapped_column(String(30), default="")
    stage: Mapped[str] = mapped_column(String(40), index=True)
    stage_since: Mapped[dt.datetime] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    closed_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    lost_reason: Mapped[str | None] = mapped_column(String(60), default=None)
    lost_note: Mapped[str] = mapped_column(String(500), default="")


class StageChange(Base):
    """One move of an opportunity from a stage to another (the first has no ``from``)."""

    __tablename__ = "pipeline_stage_history"

    change_id: Mapped[int] = mapped_column(BIG_ID, primary_key=True, autoincrement=False)
    opp_id: Mapped[int] = mapped_column(ForeignKey("pipeline_opportunities.opp_id"), index=True)
    from_stage: Mapped[str | None] = mapped_column(String(40), default=None)
    to_stage: Mapped[str] = mapped_column(String(40))
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    changed_by: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(String(200), default="")


class SpinNote(Base):
    """SPIN needs discovery for one opportunity."""

    __tablename__ = "pipeline_spin"

    opp_id: Mapped[int] = mapped_column(
        ForeignKey("pipeline_opportunities.opp_id"), primary_key=True, autoincrement=False
    )
    situation: Mapped[str] = mapped_column(Text, default="")
    problem: Mapped[str] = mapped_column(Text, default="")
    implication: Mapped[str] = mapped_column(Text, default="")
    need_payoff: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(64), default="")


class NegotiationPrep(Base):
    """Negotiation preparation: competitors, our strengths, bottom line, concessions."""

    __tablename__ = "pipeline_negotiation"

    opp_id: Mapped[int] = mapped_column(
        ForeignKey("pipeline_opportunities.opp_id"), primary_key=True, autoincrement=False
    )
    competitors: Mapped[str] = mapped_column(Text, default="")
    strengths: Mapped[str] = mapped_column(Text, default="")
    strategy: Mapped[str] = mapped_column(Text, default="")
    bottom_line: Mapped[float | None] = mapped_column(Float, default=None)
    concessions: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(64), default="")


class Contract(Base):
    """The contract of an opportunity: terms, then review, then signature."""

    __tablename__ = "pipeline_contracts"

    contract_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    opp_id: Mapped[int] = mapped_column(ForeignKey("pipeline_opportunities.opp_id"), unique=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    payment_terms: Mapped[str] = mapped_column(String(40))
    delivery_date: Mapped[dt.date] = mapped_column(Date)
    terms: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    signed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    signed_by: Mapped[str] = mapped_column(String(64), default="")


class ContractLine(Base):
    """One line of a contract; ``order_id`` is its ledger line once signed.

    A line typed by hand names no product; a line made from an accepted quote
    carries its ``product_id`` and ``discount_pct`` (its amount is
    ``quantity x unit_price x (1 - discount_pct / 100)``, in cents:
    :func:`plugins.pipeline.logic.quotes.line_amount`).
    """

    __tablename__ = "pipeline_contract_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_pos"),
        CheckConstraint("unit_price >= 0", name="price_nonneg"),
        CheckConstraint("unit_cost >= 0", name="cost_nonneg"),
        CheckConstraint("discount_pct >= 0 AND discount_pct <= 100", name="discount_range"),
    )

    line_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    contract_id: Mapped[int] = mapped_column(
        ForeignKey("pipeline_contracts.contract_id"), index=True
    )
    description: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[float] = mapped_column(Float)
    unit_price: Mapped[float] = mapped_column(Float)
    unit_cost: Mapped[float] = mapped_column(Float, default=0.0)
    order_id: Mapped[int | None] = mapped_column(
        BIG_ID, ForeignKey("orders.order_id"), default=None
    )
    product_id: Mapped[str | None] = mapped_column(ForeignKey("products.product_id"), default=None)
    discount_pct: Mapped[float] = mapped_column(Float, default=0.0, server_default=text("0"))


class ContractReview(Base):
    """A reviewer's decision on a submitted contract (approve or reject, with a comment)."""

    __tablename__ = "pipeline_contract_reviews"

    review_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    contract_id: Mapped[int] = mapped_column(
        ForeignKey("pipeline_contracts.contract_id"), index=True
    )
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("people.person_id"), default=None)
    reviewer: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Milestone(Base):
    """A step of a signed order's execution plan."""

    __tablename__ = "pipeline_milestones"

    milestone_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    contract_id: Mapped[int] = mapped_column(
        ForeignKey("pipeline_contracts.contract_id"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200), default="")
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.person_id"), index=True)
    due_date: Mapped[dt.date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20))
    done_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    note: Mapped[str] = mapped_column(String(500), default="")


class Survey(Base):
    """A customer's satisfaction (1–5) with a delivered order."""

    __tablename__ = "pipeline_surveys"
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),)

    survey_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    opp_id: Mapped[int] = mapped_column(ForeignKey("pipeline_opportunities.opp_id"), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.customer_id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.person_id"), index=True)
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    surveyed_on: Mapped[dt.date] = mapped_column(Date)


class Complaint(Base):
    """A customer complaint; handled in time when resolved within the SLA."""

    __tablename__ = "pipeline_complaints"

    complaint_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.customer_id"), index=True)
    opp_id: Mapped[int | None] = mapped_column(
        ForeignKey("pipeline_opportunities.opp_id"), default=None
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.person_id"), index=True)
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    description: Mapped[str] = mapped_column(Text)
    resolution: Mapped[str] = mapped_column(Text, default="")


class Quote(Base):
    """One version of a deal's quote (v1, v2, ...): frozen once sent.

    ``status``: draft, pending (waiting for a leader's approval of its discounts),
    approved, rejected, sent, accepted, declined, superseded (a later version was
    sent or another was accepted). A sent quote past ``valid_until`` reads as
    expired (:func:`plugins.pipeline.logic.quotes.shown_status`). ``quote_date``
    prices its lines (the price list valid that day).
    """

    __tablename__ = "pipeline_quotes"
    __table_args__ = (
        UniqueConstraint("opp_id", "version"),
        CheckConstraint("version >= 1", name="version_pos"),
        CheckConstraint("extra_discount_pct >= 0 AND extra_discount_pct <= 100", name="extra"),
        CheckConstraint("valid_until >= quote_date", name="validity"),
    )

    quote_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    opp_id: Mapped[int] = mapped_column(ForeignKey("pipeline_opportunities.opp_id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), index=True)
    quote_date: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    extra_discount_pct: Mapped[float] = mapped_column(Float, default=0.0)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    requested_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("pipeline_contracts.contract_id"), default=None
    )


class QuoteLine(Base):
    """A product on a quote: quantity, unit price (default: the price list's on the quote
    date, kept in ``list_price``), the line's discount."""

    __tablename__ = "pipeline_quote_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_pos"),
        CheckConstraint("unit_price >= 0", name="price_nonneg"),
        CheckConstraint("list_price >= 0", name="list_nonneg"),
        CheckConstraint("unit_cost >= 0", name="cost_nonneg"),
        CheckConstraint("discount_pct >= 0 AND discount_pct <= 100", name="discount_range"),
    )

    line_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    quote_id: Mapped[int] = mapped_column(ForeignKey("pipeline_quotes.quote_id"), index=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.product_id"))
    description: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[float] = mapped_column(Float)
    list_price: Mapped[float] = mapped_column(Float)
    unit_price: Mapped[float] = mapped_column(Float)
    discount_pct: Mapped[float] = mapped_column(Float, default=0.0)
    unit_cost: Mapped[float] = mapped_column(Float, default=0.0)


class QuoteApproval(Base):
    """A leader's decision on a quote's discounts (approve or reject, with a note)."""

    __tablename__ = "pipeline_quote_approvals"

    approval_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    quote_id: Mapped[int] = mapped_column(ForeignKey("pipeline_quotes.quote_id"), index=True)
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("people.person_id"), default=None)
    approver: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime)


class DealCredit(Base):
    """A person credited with a share of a deal (team selling). A deal without rows is
    its owner's whole; with rows, the shares (percent) sum to 100, in ``position`` order."""

    __tablename__ = "pipeline_deal_credits"
    __table_args__ = (CheckConstraint("share_pct > 0 AND share_pct <= 100", name="share_range"),)

    opp_id: Mapped[int] = mapped_column(
        ForeignKey("pipeline_opportunities.opp_id"), primary_key=True, autoincrement=False
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.person_id"), primary_key=True, autoincrement=False, index=True
    )
    share_pct: Mapped[float] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ContractCredit(Base):
    """A person credited with a share of a contract: copied from the deal when the
    contract is drafted, editable until it is signed; signing books one ledger row per
    credited person (docs/pipeline.md, "Team selling")."""

    __tablename__ = "pipeline_contract_credits"
    __table_args__ = (CheckConstraint("share_pct > 0 AND share_pct <= 100", name="share_range"),)

    contract_id: Mapped[int] = mapped_column(
        ForeignKey("pipeline_contracts.contract_id"), primary_key=True, autoincrement=False
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.person_id"), primary_key=True, autoincrement=False, index=True
    )
    share_pct: Mapped[float] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ContractInstalment(Base):
    """One instalment of a contract's payment schedule: ``percent`` of each line due
    ``days`` after signing. No rows: the lines are due after the core's payment terms
    setting. Editable until signing, copied into the ledger's due dates when the
    contract signs (docs/pipeline.md, "Payment schedule")."""

    __tablename__ = "pipeline_contract_instalments"
    __table_args__ = (
        CheckConstraint("percent > 0 AND percent <= 100", name="percent_range"),
        CheckConstraint("days >= 0", name="days_nonneg"),
    )

    contract_id: Mapped[int] = mapped_column(
        ForeignKey("pipeline_contracts.contract_id"), primary_key=True, autoincrement=False
    )
    days: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    percent: Mapped[float] = mapped_column(Float)


TABLES: tuple[type[Base], ...] = (
    Opportunity,
    StageChange,
    SpinNote,
    NegotiationPrep,
    Contract,
    ContractLine,
    ContractReview,
    Milestone,
    Survey,
    Complaint,
    Quote,
    QuoteLine,
    QuoteApproval,
    DealCredit,
    ContractCredit,
    ContractInstalment,
)
