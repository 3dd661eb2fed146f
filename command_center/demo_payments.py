"""The demo's payments: most lines paid on time, some late, some in two parts, some open.

Drawn per order line from a random stream of its own (the demo's other figures
stay exactly as they were), vectorised, so ageing and DSO look real at every
scale:

- 80 %: paid in full before the due date (5 to 30 days after the order);
- 13 %: paid in full late, mostly within a month or two, at most 150 days past due;
- 4 %: half paid on time, the rest late (as above);
- 2 %: paid very late, 90 to 400 days past due (the >90 bucket);
- 1 %: never paid.

A payment dated after the demo's day is not made yet: recent lines stay open,
as they would be. Keys are the finance system's receipt numbers (``RC000000042``,
``RC000000042-2`` for a second part). The demo's lines have no credit split, so each payment is
credited whole to its line's person (``payment_credits``); the load ends with
:func:`command_center.cash.rebuild`. The lines the plugins' demos book afterwards
(signed contracts, split or not) are paid the same way (:func:`pay_plugin_lines`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import polars as pl
from sqlalchemy import Engine, select

from command_center import cash
from command_center.cash import DEFAULT_TERMS_DAYS
from command_center.db import frames
from command_center.db.engine import write_session
from command_center.db.models import OrderLine

_STREAM = 164  # issue 16 item 4: the payments' own random stream
ON_TIME, LATE, SPLIT, VERY_LATE = 0.80, 0.13, 0.04, 0.02
"""Shares of lines paid on time, late, half and half, very late; the rest stays open."""


def payment_frames(
    orders: pl.DataFrame, seed: int, as_of: dt.date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``payments`` and ``payment_credits`` rows for the demo's ``orders``
    (``order_id, person_id, order_date, revenue``)."""
    n = orders.height
    rng = np.random.default_rng([seed, _STREAM])
    draw = rng.random(n)
    early = rng.integers(5, DEFAULT_TERMS_DAYS + 1, n)
    late = DEFAULT_TERMS_DAYS + np.ceil(rng.exponential(20.0, n)).astype(np.int64).clip(1, 150)
    very_late = DEFAULT_TERMS_DAYS + rng.integers(90, 401, n)
    on_time = draw < ON_TIME
    is_late = (draw >= ON_TIME) & (draw < ON_TIME + LATE)
    halves = (draw >= ON_TIME + LATE) & (draw < ON_TIME + LATE + SPLIT)
    slow = (draw >= ON_TIME + LATE + SPLIT) & (draw < ON_TIME + LATE + SPLIT + VERY_LATE)
    late = np.where(slow, very_late, late)
    lines = orders.select("order_id", "person_id", "order_date", "revenue")
    first_days = np.where(on_time | halves, early, late)
    first = lines.with_columns(
        pl.Series("after", first_days, dtype=pl.Int64),
        pl.Series("paid", on_time | is_late | halves | slow),
        pl.Series("part", np.where(halves, 1, 0), dtype=pl.Int64),
    )
    second = lines.with_columns(
        pl.Series("after", late, dtype=pl.Int64),
        pl.Series("paid", halves),
        pl.lit(2, dtype=pl.Int64).alias("part"),
    )
    half = (pl.col("revenue") / 2).round(2)
    amount = (
        pl.when(pl.col("part") == 0)
        .then(pl.col("revenue"))
        .when(pl.col("part") == 1)
        .then(half)
        .otherwise(pl.col("revenue") - half)
    )
    number = (pl.col("order_id") + 10**9).cast(pl.String).str.slice(1)  # 9 digits, zeros first
    suffix = pl.when(pl.col("part") == 2).then(pl.lit("-2")).otherwise(pl.lit(""))
    paid = (
        pl.concat([first, second])
        .filter(pl.col("paid"))
        .with_columns(
            (pl.col("order_date") + pl.duration(days=pl.col("after"))).alias("paid_on"),
            amount.alias("amount"),
        )
        .filter((pl.col("paid_on") <= as_of) & (pl.col("amount") > 0))
        .with_columns(
            pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("payment_id"),
            pl.format("RC{}{}", number, suffix).alias("payment_key"),
        )
    )
    payments = paid.select("payment_id", "payment_key", "order_id", "paid_on", "amount")
    credits = paid.select("payment_id", "order_id", "person_id", "paid_on", "amount")
    return payments, credits


def pay_plugin_lines(
    engine: Engine, first_id: int, seed: int, as_of: dt.date, progress: Callable[[str], None]
) -> int:
    """Payments, drawn as for the core's lines, on the lines the plugins' demos booked
    (ids above ``first_id``: signed contracts), through :func:`cash.store_payments`
    (a split line is paid as one: the payment names its first row). Returns how many."""
    line = OrderLine.__table__.c
    query = select(
        line.order_id, line.person_id, line.order_date, line.revenue, line.credit_group
    ).where(line.order_id > first_id)
    schema = {
        "order_id": pl.Int64(),
        "person_id": pl.Int64(),
        "order_date": pl.Date(),
        "revenue": pl.Float64(),
        "credit_group": pl.Int64(),
    }
    rows = frames.read_frame(engine, query, schema)
    if rows.is_empty():
        return 0
    lines = (
        rows.group_by(pl.coalesce("credit_group", "order_id").alias("key"))
        .agg(pl.col("order_date").min(), pl.col("revenue").sum(), pl.col("person_id").first())
        .rename({"key": "order_id"})
        .sort("order_id")
    )
    payments, _ = payment_frames(lines, seed, as_of)
    frame = payments.select("payment_key", "order_id", "paid_on", "amount")
    with write_session(engine) as session:
        refused = {r.index for r in cash.refusals(session, frame, as_of)}
        kept = frame.with_row_index("_i").filter(~pl.col("_i").is_in(sorted(refused))).drop("_i")
        if kept.height:
            progress(f"Payments on {kept.height:,} lines the plugins booked")
            cash.store_payments(session, kept)
    return kept.height
