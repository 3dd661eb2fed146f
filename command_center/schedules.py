"""Payment schedules (回款计划): when each part of a ledger line falls due.

A line booked with a schedule (a signed contract's payment terms) has its
instalments in ``order_due``: ``(order_id, due_on, amount)``, one row per instalment
and ledger row. Every other line is due ``COMMAND_CENTER_PAYMENT_TERMS_DAYS`` after
its order date (:func:`command_center.cash.payment_terms_days`).

The rules (docs/collections.md, "Payment schedules"):

- A schedule is a list of :data:`Instalment` ``(percent, days after the order
  date)``: percentages above 0 summing to 100, days 0 or more, no day twice, at
  most :data:`MAX_INSTALMENTS`. ``((100, 45),)`` is one due date 45 days on.
- Each ledger row's instalments are its revenue cut in the percentages to the cent
  (:func:`command_center.ledger.split_cents`): a row's instalments sum exactly to
  its revenue. A credit split's rows each get the schedule on their own revenue, so
  the rep's and the supervisor's rows fall due in proportion.
- Payments pay the earliest instalment first; refunds take back the latest first
  (what was owed last is what the customer no longer owes). So an instalment's
  open amount is its part of the row's revenue not covered by the payments (from
  the start) nor by the refunds (from the end): :func:`open_instalments`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl
from sqlalchemy import Engine, Select, select
from sqlalchemy.orm import Session

from command_center.db import frames
from command_center.db.bulk import bulk_insert
from command_center.db.cash_models import PaymentCredit
from command_center.db.engine import touch
from command_center.db.models import OrderLine, OrderRefund
from command_center.db.schedule_models import OrderDue

Instalment = tuple[float, int]
"""``(percent of the line, days after the order date)``."""
MAX_INSTALMENTS = 12
PERCENT_TOLERANCE = 1e-6
DUE_TABLES = ("order_due",)

DUE_SCHEMA: dict[str, pl.DataType] = {
    "order_id": pl.Int64(),
    "due_on": pl.Date(),
    "amount": pl.Float64(),
}
SCHEDULED_SCHEMA: dict[str, pl.DataType] = {
    "order_id": pl.Int64(),
    "order_key": pl.String(),
    "person_id": pl.Int64(),
    "customer_id": pl.Int64(),
    "order_date": pl.Date(),
    "revenue": pl.Float64(),
    "due_on": pl.Date(),
    "amount": pl.Float64(),
}
_SUM_SCHEMA: dict[str, pl.DataType] = {"order_id": pl.Int64(), "amount": pl.Float64()}


class ScheduleError(ValueError):
    """A schedule refused; the message says why."""


def check_schedule(instalments: Sequence[Instalment]) -> tuple[Instalment, ...]:
    """The schedule in order of days, or :class:`ScheduleError` naming what is wrong
    (an empty schedule is allowed: the line is due after the terms setting)."""
    if len(instalments) > MAX_INSTALMENTS:
        raise ScheduleError(f"at most {MAX_INSTALMENTS} instalments, not {len(instalments)}")
    seen: set[int] = set()
    for n, (percent, days) in enumerate(instalments, start=1):
        if not percent > 0:
            raise ScheduleError(f"instalment {n}: percent must be more than 0, not {percent:g}")
        if int(days) != days or days < 0:
            raise ScheduleError(f"instalment {n}: days must be a whole number ≥ 0, not {days}")
        if days in seen:
            raise ScheduleError(f"instalment {n}: two instalments fall due {days} days on")
        seen.add(int(days))
    total = sum(percent for percent, _ in instalments)
    if instalments and abs(total - 100.0) > PERCENT_TOLERANCE:
        raise ScheduleError(f"percentages sum to {total:g} %, not 100 %")
    return tuple(sorted(((float(p), int(d)) for p, d in instalments), key=lambda i: i[1]))


def due_rows(
    order_id: int, order_date: dt.date, revenue: float, instalments: Sequence[Instalment]
) -> list[tuple[int, dt.date, float]]:
    """``(order_id, due_on, amount)`` of one ledger row: its revenue cut in the
    instalments' percentages, to the cent (the parts sum exactly to ``revenue``)."""
    from command_center.ledger import split_cents

    ordered = check_schedule(instalments)
    if not ordered:
        return []
    amounts = split_cents(revenue, [percent for percent, _ in ordered])
    return [
        (order_id, order_date + dt.timedelta(days=days), amount)
        for (_, days), amount in zip(ordered, amounts, strict=True)
    ]


def write_due(session: Session, rows: Iterable[tuple[int, dt.date, float]]) -> int:
    """Store instalments (in the caller's transaction); returns how many."""
    frame = pl.DataFrame(list(rows), schema=list(DUE_SCHEMA), orient="row").cast(
        DUE_SCHEMA  # type: ignore[arg-type]
    )
    if frame.height:
        bulk_insert(session, OrderDue.__table__, frame)
        touch(session, *DUE_TABLES)
    return frame.height


def open_instalments(rows: pl.DataFrame) -> pl.DataFrame:
    """Each instalment's open amount (``open``) from ``rows``: ``order_id, due_on,
    amount, revenue, refunded, collected`` (the row's refunds and payments so far).

    Payments cover the row's revenue from the start (the earliest instalment first),
    refunds from the end (the latest first); what neither covers is open."""
    ordered = rows.sort("order_id", "due_on")
    upto = pl.col("amount").cum_sum().over("order_id")
    start = upto - pl.col("amount")
    paid = pl.min_horizontal(upto, pl.col("collected")) - start
    refund_from = pl.col("revenue") - pl.col("refunded")
    refunded = upto - pl.max_horizontal(start, refund_from)
    covered = pl.max_horizontal(paid, 0.0) + pl.max_horizontal(refunded, 0.0)
    return ordered.with_columns(
        pl.max_horizontal(pl.col("amount") - covered, 0.0).round(2).alias("open")
    )


def scheduled_lines(
    engine: Engine, person_ids: Iterable[int] | None, as_of: dt.date
) -> pl.DataFrame:
    """The instalments of the lines ordered up to ``as_of`` (of ``person_ids``; ``None``:
    everyone) with their row's refunds and payments dated up to it and each
    instalment's ``open`` amount (:func:`open_instalments`). Reads only the scheduled
    rows (``order_due`` is small: contract lines alone); scope in SQL."""
    line = OrderLine.__table__.c
    due = OrderDue.__table__.c
    credit = PaymentCredit.__table__.c
    refund = OrderRefund.__table__.c
    scope = None if person_ids is None else sorted(set(person_ids))

    def scoped(query: Select[Any]) -> Select[Any]:
        return query if scope is None else query.where(line.person_id.in_(scope))

    lines = scoped(
        select(
            line.order_id,
            line.order_key,
            line.person_id,
            line.customer_id,
            line.order_date,
            line.revenue,
            due.due_on,
            due.amount,
        )
        .join_from(OrderDue.__table__, OrderLine.__table__, line.order_id == due.order_id)
        .where(line.order_date <= as_of)
    )
    frame = frames.read_frame(engine, lines, SCHEDULED_SCHEMA)
    if frame.is_empty():
        extra = {"refunded": pl.Float64(), "collected": pl.Float64(), "open": pl.Float64()}
        return pl.DataFrame(schema={**SCHEDULED_SCHEMA, **extra})
    scheduled = select(due.order_id).distinct().scalar_subquery()
    paid = scoped(
        select(credit.order_id, credit.amount)
        .join_from(PaymentCredit.__table__, OrderLine.__table__, line.order_id == credit.order_id)
        .where(credit.order_id.in_(scheduled), credit.paid_on <= as_of)
    )
    given = scoped(
        select(refund.order_id, refund.amount)
        .join_from(OrderRefund.__table__, OrderLine.__table__, line.order_id == refund.order_id)
        .where(refund.order_id.in_(scheduled), refund.refund_date <= as_of)
    )
    collected = (
        frames.read_frame(engine, paid, _SUM_SCHEMA)
        .group_by("order_id")
        .agg(pl.col("amount").sum().alias("collected"))
    )
    refunded = (
        frames.read_frame(engine, given, _SUM_SCHEMA)
        .group_by("order_id")
        .agg(pl.col("amount").sum().alias("refunded"))
    )
    both = (
        frame.join(refunded, on="order_id", how="left")
        .join(collected, on="order_id", how="left")
        .with_columns(pl.col("refunded", "collected").fill_null(0.0))
    )
    return open_instalments(both)
