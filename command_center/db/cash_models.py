"""Core tables of collection (回款): payments received on order lines.

- ``payments``: one row per payment as the finance system sent it
  (``payment_key`` is its ``payment_id``, kept exactly), naming the order
  line the customer paid;
- ``payment_credits``: each payment spread over the ledger rows it pays (one
  row, or every row of a credit split in proportion to their revenue),
  credited to each row's person: what "collected" means per person;
- ``collected_person_month``: the credits summed per person and month of
  payment, written in the same transaction as every payment write
  (:mod:`command_center.collections`), so metrics and commission read a few
  thousand rows, never the payments.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, CheckConstraint, Date, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from command_center.db.base import Base

PAYMENT_KEY_LENGTH = 64
"""The longest payment key (as the other keys, :data:`command_center.db.models.KEY_LENGTH`)."""
_ORDER_ID = BigInteger().with_variant(Integer, "sqlite")


class Payment(Base):
    """Money received on an order line (the line named by the payment's order key)."""

    __tablename__ = "payments"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    payment_id: Mapped[int] = mapped_column(_ORDER_ID, primary_key=True, autoincrement=False)
    payment_key: Mapped[str] = mapped_column(String(PAYMENT_KEY_LENGTH), unique=True)
    order_id: Mapped[int] = mapped_column(_ORDER_ID, ForeignKey("orders.order_id"), index=True)
    paid_on: Mapped[dt.date] = mapped_column(Date, index=True)
    amount: Mapped[float] = mapped_column(Float)


class PaymentCredit(Base):
    """A payment's share credited to one ledger row (and so to that row's person)."""

    __tablename__ = "payment_credits"
    __table_args__ = (
        # A person's collected cash of some months (statements, Today) without the rest.
        Index("ix_payment_credits_person_id_paid_on", "person_id", "paid_on"),
    )

    payment_id: Mapped[int] = mapped_column(
        _ORDER_ID, ForeignKey("payments.payment_id", ondelete="CASCADE"), primary_key=True
    )
    order_id: Mapped[int] = mapped_column(
        _ORDER_ID, ForeignKey("orders.order_id"), primary_key=True, index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.person_id"))
    paid_on: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[float] = mapped_column(Float)


class CollectedPersonMonth(Base):
    """The payment credits summed per person and month of payment."""

    __tablename__ = "collected_person_month"

    person_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    collected: Mapped[float] = mapped_column(Float, default=0.0)
    payments: Mapped[int] = mapped_column(Integer, default=0)
