"""Writing to the revenue ledger from plugins (a signed contract, a refund).

Order ids are allocated inside the caller's write transaction: on SQLite
``write_session`` already holds the write lock (``BEGIN IMMEDIATE``); on
PostgreSQL the orders table is locked against concurrent allocation for the
rest of the transaction. The caller's transaction makes it all or nothing.

Team selling (docs/pipeline.md, "Team selling"): a line credited to several
people is stored as one row per credited person, in the order of its credits.
Each row holds the person's share of the line's revenue and cost (to the cent,
by largest remainder: the rows sum exactly to the line), its ``credit_share``,
and ``credit_group`` = the ``order_id`` of the first row. The first row keeps
the line's key (the text of its id); the others are keyed ``<first key>/2``,
``<first key>/3``, ... A refund of any row of a group refunds the whole group
in proportion to the shares.

Payment schedules (docs/collections.md): a line booked with ``schedule`` (a signed
contract's instalments) gets its rows' due dates in ``order_due`` in the same
transaction (:mod:`command_center.schedules`); each row's revenue is cut in the
instalments' percentages.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from command_center.db.audit import audit
from command_center.db.models import Customer, OrderLine, OrderRefund, Person
from command_center.schedules import Instalment, ScheduleError, check_schedule, due_rows, write_due

# Shares must sum to 1 within this (percentages of a page sum to 100 to the cent).
SHARE_TOLERANCE = 1e-9

Credit = tuple[int, float]
"""``(person_id, share)``: a credited person and their share of a line, in (0, 1]."""


class LedgerError(ValueError):
    """A line or refund the ledger refuses; the message says why."""


@dataclass(frozen=True)
class NewLine:
    """A line to book. Without ``credits`` it is ``person_id``'s whole; with them, it
    is split between the people named (``person_id`` is then only the line's owner,
    kept in the audit)."""

    customer_id: int
    person_id: int
    order_date: dt.date
    revenue: float
    cost: float = 0.0
    credits: tuple[Credit, ...] = ()
    product_id: str | None = None
    schedule: tuple[Instalment, ...] = ()
    """Instalments ``(percent, days after order_date)``; empty: due after the terms
    setting (``COMMAND_CENTER_PAYMENT_TERMS_DAYS``)."""


@dataclass(frozen=True)
class _Row:
    person_id: int
    revenue: float
    cost: float
    share: float


def split_cents(amount: float, shares: Sequence[float]) -> list[float]:
    """``amount`` (taken to the cent) cut in ``shares``: the parts are whole cents and
    sum exactly to it; the cents left over go to the largest remainders (ties: the
    earlier share)."""
    total = sum(shares)
    cents = round(amount * 100)
    raw = [round(cents * share / total, 9) for share in shares]
    parts = [math.floor(value) for value in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: (parts[i] - raw[i], i))
    for i in by_remainder[: cents - sum(parts)]:
        parts[i] += 1
    return [part / 100 for part in parts]


def check_credits(credits: Sequence[Credit]) -> None:
    """Refuse a split whose shares are not positive, do not sum to 1, or name a
    person twice (that the people exist is checked when booking)."""
    seen: set[int] = set()
    for person_id, share in credits:
        if not share > 0:
            raise LedgerError(f"credit share of person {person_id} must be positive ({share})")
        if person_id in seen:
            raise LedgerError(f"person {person_id} is credited twice")
        seen.add(person_id)
    total = sum(share for _, share in credits)
    if abs(total - 1.0) > SHARE_TOLERANCE:
        raise LedgerError(f"credit shares sum to {total * 100:g} %, not 100 %")


def _rows(line: NewLine) -> list[_Row]:
    if line.revenue < 0 or line.cost < 0:
        raise LedgerError("revenue and cost must not be negative")
    try:
        check_schedule(line.schedule)
    except ScheduleError as exc:
        raise LedgerError(str(exc)) from exc
    if not line.credits:
        return [_Row(line.person_id, line.revenue, line.cost, 1.0)]
    check_credits(line.credits)
    if len(line.credits) == 1:  # one person's whole line: a plain row
        return [_Row(line.credits[0][0], line.revenue, line.cost, 1.0)]
    shares = [share for _, share in line.credits]
    revenues = split_cents(line.revenue, shares)
    costs = split_cents(line.cost, shares)
    return [
        _Row(person_id, revenue, cost, share)
        for (person_id, share), revenue, cost in zip(line.credits, revenues, costs, strict=True)
    ]


def _lock(session: Session, table: str) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE"))


def book_lines(session: Session, lines: list[NewLine], actor: str, source: str) -> list[int]:
    """Add order lines to the ledger; returns one ``order_id`` per line, its first row's
    (for a split line: its ``credit_group``; the other rows follow it)."""
    planned = [_rows(line) for line in lines]
    for line, rows in zip(lines, planned, strict=True):
        if session.get(Customer, line.customer_id) is None:
            raise LedgerError(f"unknown customer {line.customer_id}")
        for row in rows:
            if session.get(Person, row.person_id) is None:
                raise LedgerError(f"unknown person {row.person_id}")
    _lock(session, "orders")
    next_id = (session.scalar(select(func.max(OrderLine.order_id))) or 0) + 1
    firsts: list[int] = []
    new: list[OrderLine] = []
    splits: dict[str, list[list[float]]] = {}
    for line, rows in zip(lines, planned, strict=True):
        first = next_id
        firsts.append(first)
        split = len(rows) > 1
        if split:
            splits[str(first)] = [[row.person_id, row.share] for row in rows]
        for n, row in enumerate(rows, start=1):
            new.append(
                OrderLine(
                    order_id=next_id,
                    customer_id=line.customer_id,
                    person_id=row.person_id,
                    order_date=line.order_date,
                    revenue=row.revenue,
                    cost=row.cost,
                    product_id=line.product_id,
                    order_key=f"{first}/{n}" if n > 1 else str(first),
                    credit_share=row.share,
                    credit_group=first if split else None,
                )
            )
            next_id += 1
    _refuse_taken_keys(session, [row.order_key for row in new])
    session.add_all(new)
    session.flush()
    by_first = dict(zip(firsts, lines, strict=True))
    due: list[tuple[int, dt.date, float]] = []
    for row in new:
        group = row.credit_group or row.order_id
        schedule = by_first[group].schedule
        if schedule:
            due += due_rows(row.order_id, row.order_date, row.revenue, schedule)
    write_due(session, due)
    ids = [row.order_id for row in new]
    audit(
        session,
        actor,
        "orders_booked",
        "orders",
        f"{ids[0]}-{ids[-1]}" if ids else "",
        source=source,
        order_ids=ids,
        revenue=sum(line.revenue for line in lines),
        **({"splits": splits} if splits else {}),
    )
    return firsts


def _refuse_taken_keys(session: Session, keys: list[str]) -> None:
    """New rows' keys must be free (an import may have named a row ``17/2`` itself)."""
    taken: list[str] = []
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        taken += session.scalars(select(OrderLine.order_key).where(OrderLine.order_key.in_(chunk)))
    if taken:
        raise LedgerError(f"order key {sorted(taken)[0]} is taken")


def _refunded(session: Session, order_ids: list[int]) -> dict[int, float]:
    query = (
        select(OrderRefund.order_id, func.sum(OrderRefund.amount))
        .where(OrderRefund.order_id.in_(order_ids))
        .group_by(OrderRefund.order_id)
    )
    return {order_id: float(total) for order_id, total in session.execute(query)}


def refund(
    session: Session, order_id: int, refund_date: dt.date, amount: float, reason: str, actor: str
) -> int:
    """Record money given back on ``order_id``; never more than was left to refund.

    On a row of a credit split the whole group is refunded: ``amount`` (to the cent)
    is cut in the rows' shares so that the group's refunds so far stay in proportion
    (one refund row per ledger row with a part; the parts sum exactly to ``amount``).
    Returns the (first) new refund id.
    """
    order = session.get(OrderLine, order_id)
    if order is None:
        raise LedgerError(f"unknown order {order_id}")
    if amount <= 0:
        raise LedgerError("a refund must be positive")
    if order.credit_group is not None:
        rows = list(
            session.scalars(
                select(OrderLine)
                .where(OrderLine.credit_group == order.credit_group)
                .order_by(OrderLine.order_id)
            )
        )
        parts = _group_parts(session, rows, amount)
    else:
        rows, parts = [order], [amount]
        left = order.revenue - _refunded(session, [order_id]).get(order_id, 0.0)
        if amount > left + 1e-9:
            raise LedgerError(
                f"refund {amount:.2f} exceeds what is left on order {order_id} ({left:.2f})"
            )
    _lock(session, "order_refunds")
    first = (session.scalar(select(func.max(OrderRefund.refund_id))) or 0) + 1
    written = [(row, part) for row, part in zip(rows, parts, strict=True) if part > 0]
    session.add_all(
        OrderRefund(
            refund_id=first + n,
            order_id=row.order_id,
            refund_date=refund_date,
            amount=part,
            reason=reason,
        )
        for n, (row, part) in enumerate(written)
    )
    session.flush()
    detail: dict[str, object] = {"amount": amount, "reason": reason}
    if order.credit_group is not None:
        detail["credit_group"] = order.credit_group
        detail["parts"] = [[row.order_id, part] for row, part in written]
    audit(session, actor, "order_refunded", "orders", order_id, **detail)
    return first


def _group_parts(session: Session, rows: list[OrderLine], amount: float) -> list[float]:
    """Each row's part of a group refund of ``amount``: the group's refunds so far plus
    this one, cut in the shares, less what each row had back already (so refunding a
    group in several steps ends exactly at each row's revenue)."""
    group = rows[0].credit_group
    before = _refunded(session, [row.order_id for row in rows])
    already = [before.get(row.order_id, 0.0) for row in rows]
    line = round(sum(row.revenue for row in rows), 2)
    left = round(line - sum(already), 2)
    if amount > left + 1e-9:
        raise LedgerError(
            f"refund {amount:.2f} exceeds what is left on the split order {group} ({left:.2f})"
        )
    shares = [row.credit_share for row in rows]
    targets = split_cents(sum(already) + amount, shares)
    parts = [round(target - had, 2) for target, had in zip(targets, already, strict=True)]
    fits = all(
        0 <= part <= row.revenue - had + 1e-9
        for part, row, had in zip(parts, rows, already, strict=True)
    )
    if not fits:  # rows refunded one by one before (an import): cut this refund alone
        parts = split_cents(amount, shares)
        for part, row, had in zip(parts, rows, already, strict=True):
            if part > row.revenue - had + 1e-9:
                raise LedgerError(
                    f"refund {amount:.2f} exceeds what is left on order {row.order_id} "
                    f"of the split order {group} ({row.revenue - had:.2f})"
                )
    return parts
