"""Shared helpers of collection tests: settle every ledger line, so that fixtures built
for other things (Today, the digest, the phone) hold no overdue receivables and their
agendas stay exactly what those tests are about.

Loaded by ``tests/conftest.py`` as a pytest plugin; test modules import the helpers.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine, select

from command_center import cash
from command_center.db.engine import write_session
from command_center.db.models import OrderLine


def pay_in_full(engine: Engine) -> int:
    """A payment of each line's whole revenue on its order date (keys ``PAID-<id>``);
    a split line is paid once, on its first row. Returns how many payments."""
    line = OrderLine.__table__.c
    with write_session(engine) as session:
        rows = session.execute(
            select(line.order_id, line.order_date, line.revenue, line.credit_group).where(
                line.revenue > 0
            )
        ).all()
        groups: dict[int, tuple[int, object, float]] = {}
        for order_id, day, revenue, group in rows:
            key = group if group is not None else order_id
            first, _, total = groups.get(key, (key, day, 0.0))
            groups[key] = (first, day, total + revenue)
        frame = pl.DataFrame(
            [(f"PAID-{oid}", oid, day, round(total, 2)) for oid, day, total in groups.values()],
            schema={
                "payment_key": pl.String(),
                "order_id": pl.Int64(),
                "paid_on": pl.Date(),
                "amount": pl.Float64(),
            },
            orient="row",
        )
        cash.store_payments(session, frame)
    return frame.height
