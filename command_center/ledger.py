"""Writing to the revenue ledger from plugins (a signed contract, a refund).

Order ids are allocated inside the caller's write transaction: on SQLite
``write_session`` already holds the write lock (``BEGIN IMMEDIATE``); on
PostgreSQL the orders table is locked against concurrent allocation for the
rest of the transaction. The caller's transaction makes it all or nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from command_center.db.audit import audit
from command_center.db.models import Customer, OrderLine, OrderRefund, Person


class LedgerError(ValueError):
    """A line or refund the ledger refuses; the message says why."""


@dataclass(frozen=True)
class NewLine:
    customer_id: int
    person_id: int
    order_date: dt.date
    revenue: float
    cost: float = 0.0


def _lock(session: Session, table: str) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE"))


def book_lines(session: Session, lines: list[NewLine], actor: str, source: str) -> list[int]:
    """Add order lines to the ledger and return their new ``order_id``s."""
    for line in lines:
        if line.revenue < 0 or line.cost < 0:
            raise LedgerError("revenue and cost must not be negative")
        if session.get(Customer, line.customer_id) is None:
            raise LedgerError(f"unknown customer {line.customer_id}")
        if session.get(Person, line.person_id) is None:
            raise LedgerError(f"unknown person {line.person_id}")
    _lock(session, "orders")
    start = (session.scalar(select(func.max(OrderLine.order_id))) or 0) + 1
    ids = list(range(start, start + len(lines)))
    session.add_all(
        OrderLine(
            order_id=oid,
            customer_id=line.customer_id,
            person_id=line.person_id,
            order_date=line.order_date,
            revenue=line.revenue,
            cost=line.cost,
        )
        for oid, line in zip(ids, lines, strict=True)
    )
    session.flush()
    audit(
        session,
        actor,
        "orders_booked",
        "orders",
        f"{ids[0]}-{ids[-1]}" if ids else "",
        source=source,
        order_ids=ids,
        revenue=sum(line.revenue for line in lines),
    )
    return ids


def refund(
    session: Session, order_id: int, refund_date: dt.date, amount: float, reason: str, actor: str
) -> int:
    """Record money given back on ``order_id``; never more than was left to refund."""
    order = session.get(OrderLine, order_id)
    if order is None:
        raise LedgerError(f"unknown order {order_id}")
    if amount <= 0:
        raise LedgerError("a refund must be positive")
    already = (
        session.scalar(
            select(func.coalesce(func.sum(OrderRefund.amount), 0.0)).where(
                OrderRefund.order_id == order_id
            )
        )
        or 0.0
    )
    if already + amount > order.revenue + 1e-9:
        raise LedgerError(
            f"refund {amount:.2f} exceeds what is left on order {order_id} "
            f"({order.revenue - already:.2f})"
        )
    _lock(session, "order_refunds")
    refund_id = (session.scalar(select(func.max(OrderRefund.refund_id))) or 0) + 1
    session.add(
        OrderRefund(
            refund_id=refund_id,
            order_id=order_id,
            refund_date=refund_date,
            amount=amount,
            reason=reason,
        )
    )
    session.flush()
    audit(session, actor, "order_refunded", "orders", order_id, amount=amount, reason=reason)
    return refund_id
