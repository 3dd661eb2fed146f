"""Core table of payment schedules: ``order_due``, the instalments of a ledger row.

Only lines booked with a schedule (a signed contract's terms) have rows; every other
line is due ``COMMAND_CENTER_PAYMENT_TERMS_DAYS`` after its order date
(:mod:`command_center.schedules`, docs/collections.md). A row's instalments sum to
its revenue, to the cent.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, CheckConstraint, Date, Float, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from command_center.db.base import Base

_ORDER_ID = BigInteger().with_variant(Integer, "sqlite")


class OrderDue(Base):
    """One instalment of a ledger row: ``amount`` due on ``due_on``."""

    __tablename__ = "order_due"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_nonneg"),)

    order_id: Mapped[int] = mapped_column(
        _ORDER_ID, ForeignKey("orders.order_id"), primary_key=True, autoincrement=False
    )
    due_on: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    amount: Mapped[float] = mapped_column(Float)
