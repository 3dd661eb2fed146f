"""Core tables: what every module shares.

people (the org tree), users, customers (master record), orders (the revenue
ledger, one row per order line), targets, the product catalogue (products,
price lists and their prices), the audit log and a small key/value ``meta``
table that holds the data version.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from command_center.db.base import Base

LEVELS = ("rep", "supervisor", "manager", "director")
PERSON_STATUSES = ("active", "leave", "left")
ROLES = ("director", "manager", "supervisor", "rep", "admin")
EMAIL_LENGTH = 254
"""The longest address RFC 5321 lets through."""
PRODUCT_KEY_LENGTH = 40
"""Product and price-list ids are text (``P-001``: kept exactly, leading zeros too)."""
KEY_LENGTH = 64
"""The longest external key of a person, customer or order (``E-2031``, ``SO/2026/0042``)."""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def text_of(id_column: str) -> Any:
    """A key column's default: the text of the row's integer id (a row the app makes
    itself, such as a hire or an order booked from a contract, is known by its id)."""

    def default(context: Any) -> str:
        return str(context.get_current_parameters()[id_column])

    return default


class Person(Base):
    """A member of the sales force; ``manager_id`` builds the org tree."""

    __tablename__ = "people"
    __table_args__ = (
        CheckConstraint("level IN ('rep','supervisor','manager','director')", name="level"),
        CheckConstraint("status IN ('active','leave','left')", name="status"),
    )

    person_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(20))
    manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.person_id"), index=True, default=None
    )
    region: Mapped[str] = mapped_column(String(50), default="")
    hire_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="active")
    # The external key (HR's employee number), kept exactly; see command_center/keys.py.
    # Last, as migration 0013 adds it: raw ``SELECT *`` copies keep their column order.
    person_key: Mapped[str] = mapped_column(
        String(KEY_LENGTH), unique=True, index=True, default=text_of("person_id")
    )


class OrgHistory(Base):
    """A person's place in the org from a day on: manager, level and status.

    Written by the org changes (move, promote, leave; ``command_center.org.changes``),
    each with a reason, audited. A person without rows has had their ``people``
    row's place since ever; the first change also writes the place before it
    (from :data:`command_center.org.history.SINCE_EVER`). Figures of the past
    roll up by it (``command_center.org.history``).
    """

    __tablename__ = "org_history"
    __table_args__ = (
        CheckConstraint("level IN ('rep','supervisor','manager','director')", name="level"),
        CheckConstraint("status IN ('active','leave','left')", name="status"),
    )

    person_id: Mapped[int] = mapped_column(ForeignKey("people.person_id"), primary_key=True)
    effective_from: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("people.person_id"), default=None)
    level: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="active")
    reason: Mapped[str] = mapped_column(String(200), default="")
    changed_by: Mapped[str] = mapped_column(String(64), default="")
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Customer(Base):
    """The customer master record; plugins add their own detail tables."""

    __tablename__ = "customers"

    customer_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200), index=True)
    industry: Mapped[str] = mapped_column(String(50), default="")
    size: Mapped[str] = mapped_column(String(20), default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.person_id"), index=True)
    region: Mapped[str] = mapped_column(String(50), default="")
    created_on: Mapped[dt.date] = mapped_column(Date)
    customer_key: Mapped[str] = mapped_column(
        String(KEY_LENGTH), unique=True, index=True, default=text_of("customer_id")
    )


class OrderLine(Base):
    """The revenue ledger: one row per order line, booked to a person."""

    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("revenue >= 0", name="revenue_nonneg"),
        CheckConstraint("cost >= 0", name="cost_nonneg"),
        # A team's lines of some months (settlement, drill-downs) without walking all their years.
        Index("ix_orders_person_id_order_date", "person_id", "order_date"),
        # Only the rows of a credit split (the rest have no group): partial, and small.
        Index(
            "ix_orders_credit_group",
            "credit_group",
            sqlite_where=text("credit_group IS NOT NULL"),
            postgresql_where=text("credit_group IS NOT NULL"),
        ),
    )

    order_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    )
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.customer_id"), index=True)
    # Looked up through ix_orders_person_id_order_date (its first column).
    person_id: Mapped[int] = mapped_column(ForeignKey("people.person_id"))
    order_date: Mapped[dt.date] = mapped_column(Date, index=True)
    revenue: Mapped[float] = mapped_column(Float)
    cost: Mapped[float] = mapped_column(Float, default=0.0)
    # The product sold, when known (NULL: a line of no particular product). No index:
    # every read by product groups whole months of lines, none looks one product up.
    product_id: Mapped[str | None] = mapped_column(ForeignKey("products.product_id"), default=None)
    order_key: Mapped[str] = mapped_column(
        String(KEY_LENGTH), unique=True, index=True, default=text_of("order_id")
    )
    # Team selling (docs/pipeline.md, "Team selling"): a line credited to several people
    # is one row per person, each with its share of the line (revenue and cost already
    # multiplied by it); ``credit_group`` is the order_id of the split's first row.
    # A whole line: share 1, no group.
    credit_share: Mapped[float] = mapped_column(Float, default=1.0, server_default=text("1"))
    credit_group: Mapped[int | None] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), default=None
    )


class Product(Base):
    """A product of the catalogue; ``list_price`` applies when no price list prices it.

    The key is the company's own product code, as text (``P-001``), kept exactly as
    imported. Products are never deleted (order lines and quotes refer to them):
    ``active = False`` takes one off sale.
    """

    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("list_price >= 0", name="list_price_nonneg"),
        CheckConstraint("standard_cost >= 0", name="standard_cost_nonneg"),
    )

    product_id: Mapped[str] = mapped_column(String(PRODUCT_KEY_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(50), default="")
    list_price: Mapped[float] = mapped_column(Float)
    standard_cost: Mapped[float] = mapped_column(Float, default=0.0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PriceList(Base):
    """Prices valid from ``valid_from`` to ``valid_to`` (inclusive; NULL: open-ended)."""

    __tablename__ = "price_lists"
    __table_args__ = (
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_range"),
    )

    price_list_id: Mapped[str] = mapped_column(String(PRODUCT_KEY_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date, default=None)


class PriceListItem(Base):
    """One product's price in one price list."""

    __tablename__ = "price_list_items"
    __table_args__ = (CheckConstraint("price >= 0", name="price_nonneg"),)

    price_list_id: Mapped[str] = mapped_column(
        ForeignKey("price_lists.price_list_id"), primary_key=True
    )
    product_id: Mapped[str] = mapped_column(ForeignKey("products.product_id"), primary_key=True)
    price: Mapped[float] = mapped_column(Float)


PERIOD_LENGTH = 10
"""A target's period label: ``YYYY-MM-DD`` is the longest."""


class Target(Base):
    """A target for one person, period (a day, ISO week, month, quarter or year) and metric."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("person_id", "period", "metric", name="uq_targets_key"),)

    target_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.person_id"), index=True)
    period: Mapped[str] = mapped_column(String(PERIOD_LENGTH))
    metric: Mapped[str] = mapped_column(String(50))
    target: Mapped[float] = mapped_column(Float)


class User(Base):
    """A login; ``person_id`` links it to the org tree (admins may have none)."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('director','manager','supervisor','rep','admin')", name="role"),
    )

    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.person_id"), default=None)
    active: Mapped[bool] = mapped_column(default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    last_login: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    # Where the daily digest goes (None: no e-mail), and whether the user asked for it.
    email: Mapped[str | None] = mapped_column(String(EMAIL_LENGTH), default=None)
    digest: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class AuditEntry(Base):
    """Who did what, when: every write that a person makes lands here."""

    __tablename__ = "audit_log"

    audit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    entity: Mapped[str] = mapped_column(String(64), default="")
    entity_id: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Meta(Base):
    """Small key/value store: ``data_version`` is bumped by every write."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class PluginSetting(Base):
    """A company-wide setting of a plugin (cut-offs, caps, intervals …), as JSON."""

    __tablename__ = "plugin_settings"

    plugin: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64), default="")


class PublishedFact(Base):
    """What one plugin publishes for others through the core.

    Examples: honour titles per period (``topic="honours"``), an appraisal's
    bonus multiplier. A publisher replaces all rows of a (topic, period) at
    once; readers get them scoped to the people they may see.
    """

    __tablename__ = "published_facts"
    __table_args__ = (
        UniqueConstraint("topic", "period", "person_id", "key", name="uq_published_facts_key"),
    )

    fact_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    topic: Mapped[str] = mapped_column(String(64), index=True)
    period: Mapped[str] = mapped_column(String(7))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.person_id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[float | None] = mapped_column(Float, default=None)
    text: Mapped[str] = mapped_column(String(200), default="")
    published_by: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Notification(Base):
    """Something a person should know: a review decided, a dispute answered, a comment.

    The text is a translation key and its parameters, so each reader sees it in
    their own language. ``read_at`` is set when the person marks it read.
    """

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_person_id_read_at", "person_id", "read_at"),)

    notification_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.person_id"))
    kind: Mapped[str] = mapped_column(String(32))
    text_key: Mapped[str] = mapped_column(String(100))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    link: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)


class DigestSent(Base):
    """One daily digest e-mailed to a user: a day is sent once."""

    __tablename__ = "notification_digests"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    items: Mapped[int] = mapped_column(Integer, default=0)


class OrderRefund(Base):
    """Money given back on an order line after it was booked (drives clawbacks)."""

    __tablename__ = "order_refunds"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_nonneg"),)

    refund_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    order_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), ForeignKey("orders.order_id"), index=True
    )
    refund_date: Mapped[dt.date] = mapped_column(Date, index=True)
    amount: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(200), default="")


class _SummedSales:
    """The columns both ledger summaries sum (see :mod:`command_center.db.summaries`)."""

    revenue: Mapped[float] = mapped_column(Float, default=0.0)
    cost: Mapped[float] = mapped_column(Float, default=0.0)
    lines: Mapped[int] = mapped_column(Integer, default=0)
    refunds: Mapped[float] = mapped_column(Float, default=0.0)
    refund_lines: Mapped[int] = mapped_column(Integer, default=0)
    seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0", index=True)


class PersonMonthSales(_SummedSales, Base):
    """The ledger summed per person and month, kept by triggers on every write.

    ``refunds`` / ``refund_lines`` are the refunds dated in the month on
    orders booked by the person.
    """

    __tablename__ = "sales_person_month"

    person_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)


class CustomerMonthSales(_SummedSales, Base):
    """The ledger summed per customer, booking person and month (same upkeep)."""

    __tablename__ = "sales_customer_month"

    customer_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    person_id: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True, index=True)


# Tables of later issues live in modules of their own; imported here so the metadata
# (migrations' comparison, create_all in tests) knows them.
from command_center.db.cash_models import (  # noqa: E402,F401  (issue 16: collection)
    CollectedPersonMonth,
    Payment,
    PaymentCredit,
)
from command_center.db.schedule_models import OrderDue  # noqa: E402,F401  (issue 16: schedules)
from command_center.db.target_plans import TargetPlan, TargetPlanLine  # noqa: E402,F401  (issue 14)
