"""Collection (回款): payments on order lines, collected cash, receivables and their age.

The rules (docs/collections.md):

- A payment names one order line by its key. A line of a credit split (several
  ledger rows sharing ``orders.credit_group``) is paid as a whole: the payment is
  spread over the group's rows in proportion to their revenue, to the cent (the
  remainder goes to the largest row), and each row's share is credited to the
  row's person (``payment_credits``). A 70/30 line paid half: the rep collects
  35 % of the line, the supervisor 15 %.
- A line is due ``payment_terms_days`` after its order date
  (``COMMAND_CENTER_PAYMENT_TERMS_DAYS``, default 30), unless it was booked with a
  payment schedule (a signed contract's instalments, ``order_due``,
  :mod:`command_center.schedules`): then each instalment is due on its own date,
  payments pay the earliest instalment first, and the ageing, the overdue totals, the
  open lines and the collection rate read the instalments (DSO does not depend on
  due dates).
- Receivable of a row = revenue − refunds − collected, never below zero. A payment
  that would take a line (its whole group) below zero is refused.
- Collected cash counts in the month it is paid (``paid_on``).

Every write of payments goes through :func:`store_payments` (the import kind, the
app's action, the demo's bulk path calls :func:`rebuild` instead): the payments,
their credits and the ``collected_person_month`` summary move in one transaction.

Public reads for other modules (the commission plugin builds ``base: collected`` on
them): :func:`collected_by_person_month`, :func:`collected_by_line_month`,
:func:`line_states`. Pages read :func:`ageing`, :func:`open_lines`,
:func:`overdue_total`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import Connection, Engine, Select, and_, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from command_center.db import frames
from command_center.db.audit import audit
from command_center.db.bulk import bulk_insert
from command_center.db.cash_models import CollectedPersonMonth, Payment, PaymentCredit
from command_center.db.engine import touch, write_session
from command_center.db.ids import lock_table
from command_center.db.models import OrderLine, OrderRefund
from command_center.i18n import t
from command_center.org.scope import Viewer
from command_center.schedules import DUE_TABLES, scheduled_lines

Bind = Engine | Session | Connection

TERMS_ENV = "COMMAND_CENTER_PAYMENT_TERMS_DAYS"
DEFAULT_TERMS_DAYS = 30
CASH_TABLES = ("payments", "payment_credits", "collected_person_month")
"""The tables collection writes: caches of its reads declare them (with the ledger's)."""
LEDGER_TABLES = ("orders", "order_refunds")
RECEIVABLE_TABLES = (*LEDGER_TABLES, *CASH_TABLES)
_AGED_TABLES = (*RECEIVABLE_TABLES, *DUE_TABLES)
RECORD_ROLES = frozenset({"director"})
"""Who records payments in the app or imports them (and the CLI's operator): finance's
work, for the whole company; no leader below a director writes money received."""
CENT = 0.005
"""Half a cent: amounts closer than this are equal."""
CHUNK = 5_000
BUCKETS = ("not_due", "d0_30", "d31_60", "d61_90", "d90_plus")
"""Ageing buckets by days past due: not yet due, 0–30, 31–60, 61–90, more than 90."""

CREDIT_SCHEMA: dict[str, pl.DataType] = {
    "payment_id": pl.Int64(),
    "order_id": pl.Int64(),
    "person_id": pl.Int64(),
    "paid_on": pl.Date(),
    "amount": pl.Float64(),
}
PERSON_MONTH_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "period": pl.String(),
    "collected": pl.Float64(),
}
LINE_MONTH_SCHEMA: dict[str, pl.DataType] = {
    "order_id": pl.Int64(),
    "person_id": pl.Int64(),
    "period": pl.String(),
    "collected": pl.Float64(),
}
LINE_STATE_SCHEMA: dict[str, pl.DataType] = {
    "order_id": pl.Int64(),
    "revenue": pl.Float64(),
    "refunded": pl.Float64(),
    "collected_to_date": pl.Float64(),
    "collected_in_period": pl.Float64(),
    "outstanding": pl.Float64(),
}
OPEN_LINE_SCHEMA: dict[str, pl.DataType] = {
    "order_id": pl.Int64(),
    "order_key": pl.String(),
    "person_id": pl.Int64(),
    "customer_id": pl.Int64(),
    "order_date": pl.Date(),
    "revenue": pl.Float64(),
    "refunded": pl.Float64(),
    "collected": pl.Float64(),
}


class PaymentError(ValueError):
    """A payment refused; the message says why (and which row of a file)."""


def payment_terms_days() -> int:
    """Days from an order line's date to its due date (``COMMAND_CENTER_PAYMENT_TERMS_DAYS``)."""
    value = os.environ.get(TERMS_ENV, "").strip()
    if not value:
        return DEFAULT_TERMS_DAYS
    try:
        days = int(value)
    except ValueError:
        raise ValueError(f"{TERMS_ENV} must be a whole number, not {value!r}") from None
    if days < 0:
        raise ValueError(f"{TERMS_ENV} must be at least 0, not {days}")
    return days


# -- small helpers ----------------------------------------------------------------


def month_start(value: str | dt.date) -> dt.date:
    """The first day of a month given as ``YYYY-MM`` or any day of it."""
    if isinstance(value, str):
        return dt.date.fromisoformat(f"{value[:7]}-01")
    return value.replace(day=1)


def month_end(value: str | dt.date) -> dt.date:
    start = month_start(value)
    return start.replace(day=calendar.monthrange(start.year, start.month)[1])


def _read(bind: Bind, query: Select[Any], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Run ``query`` on an engine (fast path) or inside a session or connection."""
    if isinstance(bind, Engine):
        return frames.read_frame(bind, query, schema)
    rows = [tuple(row) for row in bind.execute(query).all()]
    frame = pl.DataFrame(rows, schema=list(schema), orient="row")
    return frame.with_columns(pl.col(c).cast(t) for c, t in schema.items()).select(list(schema))


def _chunks(values: Sequence[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(values), CHUNK):
        yield list(values[start : start + CHUNK])


def _scoped(query: Select[Any], column: Any, person_ids: Iterable[int] | None) -> Select[Any]:
    return query if person_ids is None else query.where(column.in_(sorted(set(person_ids))))


# -- writing --------------------------------------------------------------------


def _group_rows(session: Session, order_ids: Sequence[int]) -> pl.DataFrame:
    """For each named row: ``order_id`` (named), ``group_key``, and ``member_id``,
    ``person_id``, ``revenue`` of every row of its group (the row alone when it is no
    split). One read of the named rows, one more of the groups' other rows."""
    schema = {
        "member_id": pl.Int64(),
        "person_id": pl.Int64(),
        "revenue": pl.Float64(),
        "credit_group": pl.Int64(),
    }
    line = OrderLine.__table__.c
    columns = (line.order_id.label("member_id"), line.person_id, line.revenue, line.credit_group)
    parts = [
        _read(session, select(*columns).where(line.order_id.in_(chunk)), schema)
        for chunk in _chunks(sorted(set(order_ids)))
    ]
    named = pl.concat(parts) if parts else pl.DataFrame(schema=schema)
    groups = named["credit_group"].drop_nulls().unique().sort().to_list()
    split = [
        _read(session, select(*columns).where(line.credit_group.in_(chunk)), schema)
        for chunk in _chunks(groups)
    ]
    key = pl.coalesce("credit_group", "member_id").alias("group_key")
    members = pl.concat([named, *split]).unique("member_id").with_columns(key)
    return named.select(pl.col("member_id").alias("order_id"), key).join(
        members.drop("credit_group"), on="group_key", how="inner"
    )


def spread(session: Session, payments: pl.DataFrame) -> pl.DataFrame:
    """Each payment (``payment_id, order_id, paid_on, amount``) as credits on the rows it
    pays, to the cent: ``payment_id, order_id, person_id, paid_on, amount``."""
    if payments.is_empty():
        return pl.DataFrame(schema=CREDIT_SCHEMA)
    rows = _group_rows(session, payments["order_id"].to_list())
    joined = payments.select("payment_id", "order_id", "paid_on", "amount").join(
        rows, on="order_id", how="inner"
    )
    total = pl.col("revenue").sum().over("payment_id")
    largest = (
        pl.col("member_id")
        == pl.col("member_id").sort_by(["revenue", "member_id"], descending=[True, False]).first()
    ).over("payment_id")
    share = (
        pl.when(total > 0)
        .then(pl.col("revenue") / total)
        .otherwise(pl.when(pl.col("member_id") == pl.col("order_id")).then(1.0).otherwise(0.0))
    )
    credits = joined.with_columns(
        (pl.col("amount") * share * 100).round(0).truediv(100).alias("credit"),
        largest.alias("largest"),
    )
    remainder = pl.col("amount") - pl.col("credit").sum().over("payment_id")
    credits = credits.with_columns(
        pl.when(pl.col("largest"))
        .then(pl.col("credit") + remainder)
        .otherwise(pl.col("credit"))
        .alias("credit")
    )
    return (
        credits.filter(pl.col("credit") != 0)
        .select(
            "payment_id",
            pl.col("member_id").alias("order_id"),
            "person_id",
            "paid_on",
            pl.col("credit").alias("amount"),
        )
        .cast(CREDIT_SCHEMA)
    )  # type: ignore[arg-type]


@dataclass(frozen=True)
class Refusal:
    """A payment refused: ``index`` of the row in the frame, the column, the reason."""

    index: int
    column: str
    reason: str


def refusals(session: Session, frame: pl.DataFrame, today: dt.date | None = None) -> list[Refusal]:
    """What is wrong with ``frame`` (``payment_key, order_id, paid_on, amount``, rows in
    file order): an unknown order, a future date, a non-positive amount, or more paid
    on a line than its revenue less refunds (the rows it replaces do not count twice)."""
    day = today or dt.date.today()
    out: list[Refusal] = []
    indexed = frame.with_row_index("_index")
    for index, amount in indexed.select("_index", "amount").iter_rows():
        if amount is not None and amount <= 0:
            out.append(Refusal(index, "amount", f"must be more than 0, not {amount:g}"))
    for index, paid_on in indexed.select("_index", "paid_on").iter_rows():
        if paid_on is not None and paid_on > day:
            out.append(Refusal(index, "paid_on", f"{paid_on.isoformat()} is after today"))
    named = indexed.filter(pl.col("order_id").is_not_null())
    rows = _group_rows(session, named["order_id"].to_list())
    known = set(rows["order_id"].to_list())
    for index, order_id in named.select("_index", "order_id").iter_rows():
        if order_id not in known:
            out.append(Refusal(index, "order_id", f"unknown order {order_id}"))
    members = rows["member_id"].unique().to_list()
    refunded: dict[int, float] = {}
    stored: dict[int, list[tuple[str, float]]] = {}
    for chunk in _chunks(sorted(members)):
        refund_query = (
            select(OrderRefund.order_id, func.sum(OrderRefund.amount))
            .where(OrderRefund.order_id.in_(chunk))
            .group_by(OrderRefund.order_id)
        )
        refunded.update({oid: float(amount) for oid, amount in session.execute(refund_query)})
        paid = select(Payment.order_id, Payment.payment_key, Payment.amount).where(
            Payment.order_id.in_(chunk)
        )
        for order_id, key, amount in session.execute(paid):
            stored.setdefault(order_id, []).append((key, float(amount)))
    group_of = dict(zip(rows["member_id"].to_list(), rows["group_key"].to_list(), strict=True))
    named_group = dict(zip(rows["order_id"].to_list(), rows["group_key"].to_list(), strict=True))
    room: dict[int, float] = {}
    for member, revenue in rows.unique("member_id").select("member_id", "revenue").iter_rows():
        group = group_of[member]
        room[group] = room.get(group, 0.0) + revenue - refunded.get(member, 0.0)
    replaced = set(frame["payment_key"].drop_nulls().to_list())
    for member, payments in stored.items():
        for key, amount in payments:
            if key not in replaced and member in group_of:
                room[group_of[member]] -= amount
    for index, order_id, amount in named.select("_index", "order_id", "amount").iter_rows():
        if order_id not in named_group or amount is None or amount <= 0:
            continue
        group = named_group[order_id]
        room[group] -= amount
        if room[group] < -CENT:
            left = max(room[group] + amount, 0.0)
            out.append(
                Refusal(
                    index,
                    "amount",
                    f"pays more than is left to collect on order {order_id} ({left:.2f})",
                )
            )
    return sorted(out, key=lambda r: (r.index, r.column))


def _summary_statement(session: Session) -> Any:
    table = CollectedPersonMonth.__table__
    dialect = session.get_bind().dialect.name
    insert: Any = sqlite.insert(table) if dialect == "sqlite" else postgresql.insert(table)
    return insert.on_conflict_do_update(
        index_elements=["person_id", "month"],
        set_={
            "collected": table.c.collected + insert.excluded.collected,
            "payments": table.c.payments + insert.excluded.payments,
        },
    )


def _move_summary(session: Session, credits: pl.DataFrame, sign: int) -> None:
    if credits.is_empty():
        return
    moved = (
        credits.group_by("person_id", pl.col("paid_on").dt.truncate("1mo").alias("month"))
        .agg((pl.col("amount").sum() * sign).alias("collected"), (pl.len() * sign).alias("n"))
        .select("person_id", "month", "collected", pl.col("n").cast(pl.Int64).alias("payments"))
        .sort("person_id", "month")
    )
    session.execute(_summary_statement(session), moved.to_dicts())


def _write_rows(session: Session, frame: pl.DataFrame) -> None:
    """Insert new payments (in bulk), update the ones whose id is stored."""
    table = Payment.__table__
    ids = frame["payment_id"].to_list()
    stored: set[int] = set()
    for chunk in _chunks(ids):
        stored.update(
            session.scalars(select(table.c.payment_id).where(table.c.payment_id.in_(chunk)))
        )
    for row in frame.filter(pl.col("payment_id").is_in(sorted(stored))).to_dicts():
        session.execute(table.update().where(table.c.payment_id == row["payment_id"]).values(**row))
    fresh = frame.filter(~pl.col("payment_id").is_in(sorted(stored)))
    if fresh.height:
        bulk_insert(session, table, fresh)


def store_payments(
    session: Session,
    frame: pl.DataFrame,
    write: Callable[[Session, pl.DataFrame], object] | None = None,
) -> pl.DataFrame:
    """Insert or replace payments by key, with their credits and the summary.

    ``frame``: ``payment_key, order_id, paid_on, amount`` (checked by :func:`refusals`
    first). ``write`` writes the payments' rows (``payment_id`` first; an import passes
    its counting upsert). Returns the frame with each row's ``payment_id``. In the
    caller's transaction.
    """
    lock_table(session, "payments")
    keys = frame["payment_key"].to_list()
    existing: dict[str, int] = {}
    for chunk in _chunks(keys):
        query = select(Payment.payment_key, Payment.payment_id).where(
            Payment.payment_key.in_(chunk)
        )
        existing.update({key: int(pid) for key, pid in session.execute(query)})
    start = int(session.scalar(select(func.max(Payment.payment_id))) or 0) + 1
    fresh = [k for k in keys if k not in existing]
    ids = {**existing, **{key: start + n for n, key in enumerate(fresh)}}
    with_ids = frame.with_columns(
        pl.col("payment_key").replace_strict(ids, return_dtype=pl.Int64).alias("payment_id")
    )
    old_ids = sorted(existing.values())
    for chunk in _chunks(old_ids):
        query = select(*(PaymentCredit.__table__.c[c] for c in CREDIT_SCHEMA)).where(
            PaymentCredit.payment_id.in_(chunk)
        )
        _move_summary(session, _read(session, query, CREDIT_SCHEMA), -1)
        session.execute(delete(PaymentCredit).where(PaymentCredit.payment_id.in_(chunk)))
    columns = ["payment_id", "payment_key", "order_id", "paid_on", "amount"]
    (write or _write_rows)(session, with_ids.select(columns))
    credits = spread(session, with_ids)
    if credits.height:
        bulk_insert(session, PaymentCredit.__table__, credits)
    _move_summary(session, credits, 1)
    touch(session, *CASH_TABLES)
    return with_ids


def record_payment(
    session: Session,
    viewer: Viewer,
    order_id: int,
    paid_on: dt.date,
    amount: float,
    payment_key: str | None = None,
    today: dt.date | None = None,
) -> int:
    """Record one payment from the app (directors and the operator), audited.

    ``payment_key`` defaults to ``APP-<id>``. Raises :class:`PaymentError` when refused.
    """
    if viewer.role not in RECORD_ROLES or not viewer.sees_all:
        raise PermissionError(t("cash.record_refused", role=viewer.role))
    lock_table(session, "payments")  # PostgreSQL: no other payment between check and write
    if payment_key is None:
        next_id = int(session.scalar(select(func.max(Payment.payment_id))) or 0) + 1
        payment_key = f"APP-{next_id}"
    frame = pl.DataFrame(
        {
            "payment_key": [payment_key],
            "order_id": [order_id],
            "paid_on": [paid_on],
            "amount": [float(amount)],
        },
        schema={
            "payment_key": pl.String(),
            "order_id": pl.Int64(),
            "paid_on": pl.Date(),
            "amount": pl.Float64(),
        },
    )
    found = refusals(session, frame, today)
    if found:
        raise PaymentError("; ".join(f"{r.column}: {r.reason}" for r in found))
    stored = store_payments(session, frame)
    payment_id = int(stored["payment_id"][0])
    audit(
        session,
        viewer.login,
        "payment_recorded",
        "payments",
        payment_key,
        order_id=order_id,
        paid_on=paid_on,
        amount=float(amount),
    )
    return payment_id


def record_payment_now(
    engine: Engine,
    viewer: Viewer,
    order_id: int,
    paid_on: dt.date,
    amount: float,
    payment_key: str | None = None,
) -> int:
    """:func:`record_payment` in a write transaction of its own (the app's form)."""
    with write_session(engine) as session:
        return record_payment(session, viewer, order_id, paid_on, amount, payment_key)


def _month_sql(dialect: str, column: str) -> str:
    if dialect == "sqlite":
        return f"substr({column}, 1, 7) || '-01'"
    return f"CAST(date_trunc('month', {column}) AS date)"


def rebuild(conn: Connection) -> int:
    """Recompute ``collected_person_month`` from the credits (the demo's bulk load ends
    with this; so can an operator after a repair). Returns the rows written."""
    month = _month_sql(conn.dialect.name, "paid_on")
    conn.exec_driver_sql("DELETE FROM collected_person_month")
    result = conn.exec_driver_sql(
        "INSERT INTO collected_person_month (person_id, month, collected, payments) "
        f"SELECT person_id, {month}, SUM(amount), COUNT(*) FROM payment_credits "
        f"GROUP BY person_id, {month}"
    )
    return int(result.rowcount or 0)


def differences(engine: Engine, tolerance: float = 1e-6) -> pl.DataFrame:
    """Rows where the summary and a fresh sum of the credits disagree (empty: all well)."""
    schema = {"person_id": pl.Int64(), "month": pl.Date(), "collected": pl.Float64()}
    summary = CollectedPersonMonth.__table__.c
    stored = frames.read_frame(
        engine,
        select(summary.person_id, summary.month, summary.collected).where(summary.payments != 0),
        schema,
    )
    credit = PaymentCredit.__table__.c
    fresh = (
        frames.read_frame(
            engine,
            select(credit.person_id, credit.paid_on, credit.amount),
            {k: CREDIT_SCHEMA[k] for k in ("person_id", "paid_on", "amount")},
        )
        .group_by("person_id", pl.col("paid_on").dt.truncate("1mo").alias("month"))
        .agg(pl.col("amount").sum().alias("collected"))
    )
    both = stored.join(fresh, on=["person_id", "month"], how="full", coalesce=True, suffix="_x")
    a, b = pl.col("collected").fill_null(0.0), pl.col("collected_x").fill_null(0.0)
    return both.filter((a - b).abs() > tolerance * pl.max_horizontal(a.abs(), b.abs(), 1e-2))


# -- reading: collected cash ------------------------------------------------------


def collected_by_person_month(
    bind: Bind,
    person_ids: Iterable[int] | None,
    first_month: str | dt.date,
    last_month: str | dt.date,
) -> pl.DataFrame:
    """``person_id, period (YYYY-MM), collected``: each person's credited share of the
    payments dated in each month (months without any are left out). ``person_ids``
    ``None``: everyone. Read from the summary."""
    summary = CollectedPersonMonth.__table__.c
    query = select(summary.person_id, summary.month, summary.collected).where(
        summary.month.between(month_start(first_month), month_start(last_month)),
        summary.payments != 0,
    )
    query = _scoped(query, summary.person_id, person_ids)
    schema = {"person_id": pl.Int64(), "month": pl.Date(), "collected": pl.Float64()}
    frame = _read(bind, query, schema)
    return (
        frame.select("person_id", pl.col("month").dt.strftime("%Y-%m").alias("period"), "collected")
        .sort("person_id", "period")
        .cast(PERSON_MONTH_SCHEMA)  # type: ignore[arg-type]
    )


def collected_by_line_month(
    bind: Bind,
    person_ids: Iterable[int] | None,
    first_month: str | dt.date,
    last_month: str | dt.date,
) -> pl.DataFrame:
    """``order_id, person_id, period, collected``: per ledger row and month, what its
    person collected on it (the payments dated in the month), for ``person_ids``."""
    credit = PaymentCredit.__table__.c
    query = select(credit.order_id, credit.person_id, credit.paid_on, credit.amount).where(
        credit.paid_on.between(month_start(first_month), month_end(last_month))
    )
    query = _scoped(query, credit.person_id, person_ids)
    schema = {k: CREDIT_SCHEMA[k] for k in ("order_id", "person_id", "paid_on", "amount")}
    frame = _read(bind, query, schema)
    return (
        frame.group_by("order_id", "person_id", pl.col("paid_on").dt.strftime("%Y-%m"))
        .agg(pl.col("amount").sum().alias("collected"))
        .rename({"paid_on": "period"})
        .sort("person_id", "period", "order_id")
        .cast(LINE_MONTH_SCHEMA)  # type: ignore[arg-type]
        .select(list(LINE_MONTH_SCHEMA))
    )


def line_states(
    bind: Bind, order_ids: Iterable[int], first_day: dt.date, last_day: dt.date
) -> pl.DataFrame:
    """Each ledger row's collection state for a statement of ``first_day``..``last_day``:
    ``order_id, revenue, refunded, collected_to_date, collected_in_period, outstanding``
    (refunds and payments dated up to ``last_day``; outstanding never below zero)."""
    ids = sorted(set(order_ids))
    parts = []
    line = OrderLine.__table__.c
    credit = PaymentCredit.__table__.c
    refunded = (
        select(func.coalesce(func.sum(OrderRefund.amount), 0.0))
        .where(OrderRefund.order_id == line.order_id, OrderRefund.refund_date <= last_day)
        .scalar_subquery()
    )

    def paid(*where: Any) -> Any:
        return (
            select(func.coalesce(func.sum(credit.amount), 0.0))
            .where(credit.order_id == line.order_id, *where)
            .scalar_subquery()
        )

    columns = (
        line.order_id,
        line.revenue,
        refunded.label("refunded"),
        paid(credit.paid_on <= last_day).label("collected_to_date"),
        paid(credit.paid_on.between(first_day, last_day)).label("collected_in_period"),
        line.revenue.label("outstanding"),
    )
    for chunk in _chunks(ids):
        query = select(*columns).where(line.order_id.in_(chunk))
        parts.append(_read(bind, query, LINE_STATE_SCHEMA))
    frame = pl.concat(parts) if parts else pl.DataFrame(schema=LINE_STATE_SCHEMA)
    left = pl.col("revenue") - pl.col("refunded") - pl.col("collected_to_date")
    return frame.with_columns(
        pl.when(left > CENT).then(left).otherwise(0.0).alias("outstanding")
    ).sort("order_id")


# -- reading: receivables -----------------------------------------------------------


def _open_query(person_ids: Iterable[int] | None, as_of: dt.date) -> Select[Any]:
    line = OrderLine.__table__.c
    credit = PaymentCredit.__table__.c
    refunded = (
        select(func.coalesce(func.sum(OrderRefund.amount), 0.0))
        .where(OrderRefund.order_id == line.order_id, OrderRefund.refund_date <= as_of)
        .scalar_subquery()
    )
    collected = (
        select(func.coalesce(func.sum(credit.amount), 0.0))
        .where(credit.order_id == line.order_id, credit.paid_on <= as_of)
        .scalar_subquery()
    )
    query = select(
        line.order_id,
        line.order_key,
        line.person_id,
        line.customer_id,
        line.order_date,
        line.revenue,
        refunded.label("refunded"),
        collected.label("collected"),
    ).where(and_(line.order_date <= as_of, line.revenue - refunded - collected > CENT))
    return _scoped(query, line.person_id, person_ids)


def with_age(
    lines: pl.DataFrame, as_of: dt.date, terms_days: int, due: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Open lines with ``due_on``, ``days_past_due``, ``outstanding`` and ``bucket``.

    ``due`` (``order_id, due_on``): the lines booked with a schedule, due on their
    earliest instalment still open (:func:`_schedule_due`); the others are due
    ``terms_days`` after their order date."""
    default = pl.col("order_date") + pl.duration(days=terms_days)
    if due is not None and due.height:
        lines = lines.join(
            due.select("order_id", pl.col("due_on").alias("_due")), on="order_id", how="left"
        )
        due_on = pl.coalesce("_due", default)
    else:
        due_on = default
    dated = lines.with_columns(
        due_on.alias("due_on"),
        (pl.col("revenue") - pl.col("refunded") - pl.col("collected")).alias("outstanding"),
    ).drop("_due", strict=False)
    return _aged(dated, as_of)


def _aged(dated: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """``dated`` (with ``due_on``) with ``days_past_due`` and ``bucket``."""
    days = (pl.lit(as_of) - pl.col("due_on")).dt.total_days()
    bucket = (
        pl.when(pl.col("days_past_due") < 0)
        .then(pl.lit("not_due"))
        .when(pl.col("days_past_due") <= 30)
        .then(pl.lit("d0_30"))
        .when(pl.col("days_past_due") <= 60)
        .then(pl.lit("d31_60"))
        .when(pl.col("days_past_due") <= 90)
        .then(pl.lit("d61_90"))
        .otherwise(pl.lit("d90_plus"))
    )
    return dated.with_columns(days.cast(pl.Int64).alias("days_past_due")).with_columns(
        bucket.alias("bucket")
    )


def receivable_lines(
    engine: Engine, viewer: Viewer, as_of: dt.date, terms_days: int | None = None
) -> pl.DataFrame:
    """Every open line in ``viewer``'s scope on ``as_of`` with its age (scope in SQL),
    cached until the ledger or the payments change."""
    terms = payment_terms_days() if terms_days is None else terms_days
    scope = None if viewer.person_ids is None else tuple(sorted(viewer.person_ids))

    def load() -> pl.DataFrame:
        return frames.read_frame(engine, _open_query(scope, as_of), OPEN_LINE_SCHEMA)

    lines = frames.cached(engine, "cash:open", load, scope, as_of, tables=RECEIVABLE_TABLES)
    return with_age(lines, as_of, terms, _schedule_due(engine, scope, as_of))


def _instalments(engine: Engine, scope: tuple[int, ...] | None, as_of: dt.date) -> pl.DataFrame:
    """The scheduled lines' instalments in scope with their open amounts (cached)."""

    def load() -> pl.DataFrame:
        return scheduled_lines(engine, scope, as_of)

    return frames.cached(engine, "cash:instalments", load, scope, as_of, tables=_AGED_TABLES)


def _schedule_due(engine: Engine, scope: tuple[int, ...] | None, as_of: dt.date) -> pl.DataFrame:
    """``order_id, due_on``: each scheduled line's earliest instalment still open (its
    last one when all are covered)."""
    found = _instalments(engine, scope, as_of)
    first_open = pl.col("due_on").filter(pl.col("open") > CENT).first()
    return (
        found.sort("order_id", "due_on")
        .group_by("order_id", maintain_order=True)
        .agg(first_open.fill_null(pl.col("due_on").last()))
    )


def _aged_instalments(instalments: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """Instalments still open, as :func:`with_age`'s lines (one row per instalment:
    ``person_id, due_on, days_past_due, outstanding, bucket``, ...)."""
    open_rows = instalments.filter(pl.col("open") > CENT).select(
        "order_id",
        "order_key",
        "person_id",
        "customer_id",
        "order_date",
        "due_on",
        pl.col("open").alias("outstanding"),
    )
    return _aged(open_rows, as_of)


def ageing_by_person(lines: pl.DataFrame) -> pl.DataFrame:
    """``person_id``, one column per bucket, ``total`` and ``overdue`` (past due) from
    :func:`with_age`'s lines."""
    sums = [pl.col("outstanding").filter(pl.col("bucket") == b).sum().alias(b) for b in BUCKETS]
    overdue = pl.col("outstanding").filter(pl.col("days_past_due") > 0).sum().alias("overdue")
    return (
        lines.group_by("person_id")
        .agg(*sums, pl.col("outstanding").sum().alias("total"), overdue)
        .sort("person_id")
    )


def ageing_by_team(by_person: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    """Each person's figures with everyone below them in ``people`` (a leader's team)."""
    from command_center.org.tree import closure

    pairs = closure(people.select("person_id", "manager_id"))
    columns = [*BUCKETS, "total", "overdue"]
    return (
        pairs.join(by_person, on="person_id", how="inner")
        .group_by("ancestor_id")
        .agg(pl.col(c).sum() for c in columns)
        .rename({"ancestor_id": "person_id"})
        .sort("person_id")
    )


OLD_DAYS = 90
"""Lines more than this many days past due are aged together, from the summaries."""
WINDOW_SCHEMA: dict[str, pl.DataType] = {
    "order_id": pl.Int64(),
    "person_id": pl.Int64(),
    "order_date": pl.Date(),
    "revenue": pl.Float64(),
}
_SUM_SCHEMA: dict[str, pl.DataType] = {"order_id": pl.Int64(), "amount": pl.Float64()}
_PERSON_SUM: dict[str, pl.DataType] = {"person_id": pl.Int64(), "amount": pl.Float64()}


def _window_lines(
    engine: Engine, person_ids: tuple[int, ...] | None, since: dt.date, as_of: dt.date
) -> pl.DataFrame:
    """Open lines ordered after ``since`` up to ``as_of`` (three set-based reads with
    the scope in SQL, joined in Polars: no lookup per line)."""
    line = OrderLine.__table__.c
    credit = PaymentCredit.__table__.c
    refund = OrderRefund.__table__.c
    window = and_(line.order_date > since, line.order_date <= as_of)
    lines = _scoped(
        select(line.order_id, line.person_id, line.order_date, line.revenue).where(window),
        line.person_id,
        person_ids,
    )

    def summed(table: Any, amount: Any, day: Any) -> Select[Any]:
        """``order_id, amount``: ``table``'s amounts dated up to ``as_of`` on the window's lines."""
        return _scoped(
            select(table.c.order_id, func.sum(amount).label("amount"))
            .join_from(table, OrderLine.__table__, line.order_id == table.c.order_id)
            .where(window, day <= as_of)
            .group_by(table.c.order_id),
            line.person_id,
            person_ids,
        )

    paid = summed(PaymentCredit.__table__, credit.amount, credit.paid_on)
    refunded = summed(OrderRefund.__table__, refund.amount, refund.refund_date)
    frame = frames.read_frame(engine, lines, WINDOW_SCHEMA)
    collected = frames.read_frame(engine, paid, _SUM_SCHEMA).rename({"amount": "collected"})
    refunds = frames.read_frame(engine, refunded, _SUM_SCHEMA).rename({"amount": "refunded"})
    return (
        frame.join(refunds, on="order_id", how="left")
        .join(collected, on="order_id", how="left")
        .with_columns(pl.col("refunded", "collected").fill_null(0.0))
        .filter(pl.col("revenue") - pl.col("refunded") - pl.col("collected") > CENT)
    )


def _receivable_totals(
    engine: Engine, person_ids: tuple[int, ...] | None, as_of: dt.date
) -> pl.DataFrame:
    """``person_id, receivable``: revenue of lines up to ``as_of`` − refunds − payments
    dated up to it, per person: the months before ``as_of``'s from the summaries, its
    own month's days from the ledger and the credits (scope in SQL)."""
    first = month_start(as_of)
    sales = frames.all_person_months(engine).filter(pl.col("month") < first)
    collected = _all_collected(engine).filter(pl.col("month") < first)
    if person_ids is not None:
        sales = sales.filter(pl.col("person_id").is_in(list(person_ids)))
        collected = collected.filter(pl.col("person_id").is_in(list(person_ids)))
    line = OrderLine.__table__.c
    credit = PaymentCredit.__table__.c
    refund = OrderRefund.__table__.c
    month_lines = _scoped(
        select(line.person_id, func.sum(line.revenue).label("amount"))
        .where(line.order_date.between(first, as_of))
        .group_by(line.person_id),
        line.person_id,
        person_ids,
    )
    month_refunds = _scoped(
        select(line.person_id, func.sum(refund.amount).label("amount"))
        .join_from(OrderRefund.__table__, OrderLine.__table__, line.order_id == refund.order_id)
        .where(refund.refund_date.between(first, as_of))
        .group_by(line.person_id),
        line.person_id,
        person_ids,
    )
    payment = Payment.__table__.c
    month_paid = _scoped(  # through the payments' date index, then each one's credits
        select(credit.person_id, func.sum(credit.amount).label("amount"))
        .join_from(
            Payment.__table__, PaymentCredit.__table__, credit.payment_id == payment.payment_id
        )
        .where(payment.paid_on.between(first, as_of))
        .group_by(credit.person_id),
        credit.person_id,
        person_ids,
    )
    parts = [
        sales.select("person_id", (pl.col("revenue") - pl.col("refunds")).alias("amount")),
        collected.select("person_id", (-pl.col("collected")).alias("amount")),
        frames.read_frame(engine, month_lines, _PERSON_SUM),
        frames.read_frame(engine, month_refunds, _PERSON_SUM).with_columns(-pl.col("amount")),
        frames.read_frame(engine, month_paid, _PERSON_SUM).with_columns(-pl.col("amount")),
    ]
    return (
        pl.concat([p.cast(_PERSON_SUM) for p in parts])  # type: ignore[arg-type]
        .group_by("person_id")
        .agg(pl.col("amount").sum().alias("receivable"))
    )


def ageing(
    engine: Engine, viewer: Viewer, as_of: dt.date, terms_days: int | None = None
) -> pl.DataFrame:
    """Receivables ageing per person in scope (their own lines): ``person_id``, one column
    per bucket of :data:`BUCKETS`, ``total`` and ``overdue`` (past due).

    Lines up to :data:`OLD_DAYS` days past due are aged one by one (the lines of the
    last months, read with the scope in SQL); what is older is the person's
    receivable (from the summaries) less those lines' (docs/collections.md). Cached
    until the ledger or the payments change.
    """
    terms = payment_terms_days() if terms_days is None else terms_days
    scope = None if viewer.person_ids is None else tuple(sorted(viewer.person_ids))

    def load() -> pl.DataFrame:
        since = as_of - dt.timedelta(days=terms + OLD_DAYS + 1)
        instalments = _instalments(engine, scope, as_of)
        scheduled = instalments["order_id"].unique().to_list()
        window = _window_lines(engine, scope, since, as_of)
        recent = with_age(window.filter(~pl.col("order_id").is_in(scheduled)), as_of, terms)
        aged = _aged_instalments(instalments, as_of)
        columns = ["person_id", "outstanding", "bucket", "days_past_due"]
        by_person = ageing_by_person(pl.concat([recent.select(columns), aged.select(columns)]))
        totals = _receivable_totals(engine, scope, as_of)
        both = totals.join(by_person, on="person_id", how="full", coalesce=True)
        columns = [*BUCKETS, "total", "overdue"]
        old = pl.max_horizontal(pl.col("receivable").fill_null(0.0) - pl.col("total"), 0.0)
        return (
            both.with_columns(pl.col(columns).fill_null(0.0))
            .with_columns((pl.col("d90_plus") + old).alias("d90_plus"), old.alias("_old"))
            .with_columns(
                (pl.col("total") + pl.col("_old")).alias("total"),
                (pl.col("overdue") + pl.col("_old")).alias("overdue"),
            )
            .filter(pl.col("total") > CENT)
            .select("person_id", *columns)
            .sort("person_id")
        )

    return frames.cached(engine, "cash:ageing", load, scope, as_of, terms, tables=_AGED_TABLES)


def overdue_total(engine: Engine, viewer: Viewer, as_of: dt.date) -> tuple[float, float]:
    """What is past due in ``viewer``'s scope on ``as_of``, and how much of it is more
    than :data:`OLD_DAYS` days past due."""
    found = ageing(engine, viewer, as_of)
    return float(found["overdue"].sum()), float(found["d90_plus"].sum())


def open_lines(
    engine: Engine,
    viewer: Viewer,
    person_id: int,
    as_of: dt.date,
    offset: int = 0,
    limit: int = 50,
) -> tuple[pl.DataFrame, int]:
    """One person's open lines, oldest first, a page at a time: (page, how many in all).
    Nothing when ``person_id`` is outside ``viewer``'s scope."""
    if not viewer.can_see(person_id):
        return with_age(pl.DataFrame(schema=OPEN_LINE_SCHEMA), as_of, payment_terms_days()), 0
    lines = receivable_lines(engine, viewer.narrow(frozenset({person_id})), as_of)
    ordered = lines.sort("order_date", "order_id")
    return ordered.slice(offset, limit), ordered.height


OVERDUE_SCHEMA: dict[str, pl.DataType] = {
    "order_id": pl.Int64(),
    "order_key": pl.String(),
    "customer_id": pl.Int64(),
    "due_on": pl.Date(),
    "days_past_due": pl.Int64(),
    "overdue": pl.Float64(),
}


def overdue_lines(engine: Engine, viewer: Viewer, person_id: int, as_of: dt.date) -> pl.DataFrame:
    """One person's lines with something past due on ``as_of``, newest due first:
    ``order_id, order_key, customer_id, due_on`` (the earliest instalment past due),
    ``days_past_due`` and ``overdue`` (what is past due and unpaid: the whole
    outstanding of a line without a schedule, the open past-due instalments of a
    scheduled one). Nothing when ``person_id`` is outside ``viewer``'s scope."""
    if not viewer.can_see(person_id):
        return pl.DataFrame(schema=OVERDUE_SCHEMA)
    scope = (person_id,)
    lines = receivable_lines(engine, viewer.narrow(frozenset(scope)), as_of)
    instalments = _aged_instalments(_instalments(engine, scope, as_of), as_of)
    scheduled = instalments["order_id"].unique().to_list()
    plain = lines.filter(~pl.col("order_id").is_in(scheduled), pl.col("days_past_due") > 0)
    late = (
        instalments.filter(pl.col("days_past_due") > 0)
        .group_by("order_id", "order_key", "customer_id")
        .agg(pl.col("due_on").min(), pl.col("outstanding").sum())
    )
    columns = ["order_id", "order_key", "customer_id", "due_on", "outstanding"]
    both = pl.concat([plain.select(columns), late.select(columns)])
    days = (pl.lit(as_of) - pl.col("due_on")).dt.total_days().cast(pl.Int64)
    return (
        both.with_columns(days.alias("days_past_due"), pl.col("outstanding").alias("overdue"))
        .sort(["due_on", "order_id"], descending=[True, False])
        .select(list(OVERDUE_SCHEMA))
        .cast(OVERDUE_SCHEMA)  # type: ignore[arg-type]
    )


# -- metrics -------------------------------------------------------------------------


def _all_collected(engine: Engine) -> pl.DataFrame:
    """``person_id, month, collected`` of everyone (the summary, cached)."""
    summary = CollectedPersonMonth.__table__.c
    schema = {"person_id": pl.Int64(), "month": pl.Date(), "collected": pl.Float64()}

    def load() -> pl.DataFrame:
        query = select(summary.person_id, summary.month, summary.collected).where(
            summary.payments != 0
        )
        return frames.read_frame(engine, query, schema)

    return frames.cached(engine, "cash:collected", load, tables=("collected_person_month",))


def collected_facts(engine: Engine, start: dt.date, end: dt.date) -> pl.DataFrame:
    """The ``collected`` metric: ``person_id, month, num`` (collected), ``den`` 1."""
    return (
        _all_collected(engine)
        .filter(pl.col("month").is_between(start, end))
        .select("person_id", "month", pl.col("collected").alias("num"), pl.lit(1.0).alias("den"))
    )


def _due_revenue(
    engine: Engine, person_ids: frozenset[int] | None, start: dt.date, end: dt.date, terms: int
) -> pl.DataFrame:
    """``person_id, month, due``: revenue of the lines falling due in each month."""
    first = start - dt.timedelta(days=terms)
    last = month_end(end) - dt.timedelta(days=terms)
    line = OrderLine.__table__.c
    query = (
        select(line.person_id, line.order_date, func.sum(line.revenue).label("due"))
        .where(line.order_date.between(first, last))
        .group_by(line.person_id, line.order_date)
    )
    query = _scoped(query, line.person_id, person_ids)
    schema = {"person_id": pl.Int64(), "order_date": pl.Date(), "due": pl.Float64()}
    frame = frames.read_frame(engine, query, schema)
    return (
        frame.group_by(
            "person_id",
            (pl.col("order_date") + pl.duration(days=terms)).dt.truncate("1mo").alias("month"),
        )
        .agg(pl.col("due").sum())
        .sort("person_id", "month")
    )


def _scheduled_due(
    engine: Engine, person_ids: frozenset[int] | None, start: dt.date, end: dt.date, terms: int
) -> pl.DataFrame:
    """:func:`_due_revenue` with the scheduled lines falling due by instalment: their
    revenue moves from the month of order date + terms to their instalments' months."""
    due = _due_revenue(engine, person_ids, start, end, terms)
    instalments = scheduled_lines(engine, person_ids, month_end(end))
    if instalments.is_empty():
        return due
    month = pl.col("due_on").dt.truncate("1mo").alias("month")
    within = pl.col("month").is_between(month_start(start), month_start(end))
    added = instalments.select("person_id", month, pl.col("amount").alias("due"))
    taken = instalments.unique("order_id").select(
        "person_id",
        (pl.col("order_date") + pl.duration(days=terms)).dt.truncate("1mo").alias("month"),
        (-pl.col("revenue")).alias("due"),
    )
    return (
        pl.concat([due, added.filter(within), taken.filter(within)], how="vertical_relaxed")
        .group_by("person_id", "month")
        .agg(pl.col("due").sum())
        .sort("person_id", "month")
    )


def collection_rate_facts(
    engine: Engine, start: dt.date, end: dt.date, person_ids: frozenset[int] | None = None
) -> pl.DataFrame:
    """The ``collection_rate`` metric: ``num`` collected in the month, ``den`` revenue of
    the lines falling due in the month (order date + terms)."""
    collected = collected_facts(engine, start, end).select(
        "person_id", "month", pl.col("num").alias("collected")
    )
    if person_ids is not None:
        collected = collected.filter(pl.col("person_id").is_in(sorted(person_ids)))
    due = _scheduled_due(engine, person_ids, start, end, payment_terms_days())
    both = collected.join(due, on=["person_id", "month"], how="full", coalesce=True)
    return both.select(
        "person_id",
        "month",
        pl.col("collected").fill_null(0.0).alias("num"),
        pl.col("due").fill_null(0.0).alias("den"),
    )


def receivables_by_month(
    sales: pl.DataFrame, collected: pl.DataFrame, start: dt.date, end: dt.date
) -> pl.DataFrame:
    """``person_id, month, receivable, revenue``: each person's receivables at each month's
    end (revenue − refunds − collected since ever, not below zero) and the month's revenue,
    for months ``start``..``end``. ``sales``: ``person_id, month, revenue, refunds`` (the
    ledger summary); ``collected``: ``person_id, month, collected``."""
    months = pl.DataFrame({"month": pl.date_range(start, end, "1mo", eager=True)})
    flows = (
        pl.concat(
            [
                sales.select(
                    "person_id",
                    "month",
                    (pl.col("revenue") - pl.col("refunds")).alias("flow"),
                    pl.col("revenue"),
                ),
                collected.select(
                    "person_id",
                    "month",
                    (-pl.col("collected")).alias("flow"),
                    pl.lit(0.0).alias("revenue"),
                ),
            ],
            how="vertical_relaxed",
        )
        .group_by("person_id", "month")
        .agg(pl.col("flow").sum(), pl.col("revenue").sum())
    )
    people = flows.select("person_id").unique()
    grid = people.join(months, how="cross")
    before = (
        flows.filter(pl.col("month") < start)
        .group_by("person_id")
        .agg(pl.col("flow").sum().alias("opening"))
    )
    inside = grid.join(flows, on=["person_id", "month"], how="left").with_columns(
        pl.col("flow", "revenue").fill_null(0.0)
    )
    return (
        inside.join(before, on="person_id", how="left")
        .with_columns(pl.col("opening").fill_null(0.0))
        .sort("person_id", "month")
        .with_columns(
            (pl.col("opening") + pl.col("flow").cum_sum().over("person_id")).alias("receivable")
        )
        .select(
            "person_id",
            "month",
            pl.max_horizontal(pl.col("receivable"), pl.lit(0.0)).alias("receivable"),
            "revenue",
        )
    )


def dso_facts(engine: Engine, start: dt.date, end: dt.date) -> pl.DataFrame:
    """The ``dso`` metric: ``num`` receivables at the month's end × its days, ``den`` the
    month's revenue (a period: Σ num / Σ den, the day-weighted average month-end
    receivables over the period's revenue, times its days)."""
    sales = frames.all_person_months(engine).select("person_id", "month", "revenue", "refunds")
    collected = _all_collected(engine)
    table = receivables_by_month(sales, collected, start, end)
    days = pl.col("month").dt.month_end().dt.day().cast(pl.Float64)
    return table.filter((pl.col("receivable") > CENT) | (pl.col("revenue") != 0)).select(
        "person_id",
        "month",
        (pl.col("receivable") * days).alias("num"),
        pl.col("revenue").alias("den"),
    )


# -- export ---------------------------------------------------------------------------


def payments_export(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """``payment_id`` (the payment's key), ``order_id`` (id; the export speaks its key),
    ``paid_on``, ``amount``: payments on lines booked by people in ``viewer``'s scope."""
    payment = Payment.__table__.c
    line = OrderLine.__table__.c
    query = select(
        payment.payment_key, payment.order_id, payment.paid_on, payment.amount
    ).join_from(Payment.__table__, OrderLine.__table__, line.order_id == payment.order_id)
    query = _scoped(query, line.person_id, viewer.person_ids).order_by(payment.payment_key)
    schema = {
        "payment_key": pl.String(),
        "order_id": pl.Int64(),
        "paid_on": pl.Date(),
        "amount": pl.Float64(),
    }
    frame = frames.read_frame(engine, query, schema)
    return frame.rename({"payment_key": "payment_id"})
