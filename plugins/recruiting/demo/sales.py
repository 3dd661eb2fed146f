"""The demo hires' first months: revenue in the core ledger and monthly revenue
targets, ramping up as a new rep does (so quality of hire has figures).

Hires from referrals sell a little better than the average, campus hires a
little worse, as recruiting teams usually find.

The lines are bulk-inserted like the core's own demo orders (ids MAX + 1 under the
same table lock the ledger takes, one audit entry), not through
``ledger.book_lines``: that call checks and adds line by line through the ORM
(~13 ms a call, minutes at the large scale) and its audit entry lists the new ids
in a 64-character column, which more than ~7 lines overflow on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from command_center.db.audit import audit
from command_center.db.bulk import bulk_insert
from command_center.db.ids import lock_table
from command_center.db.models import OrderLine, Target
from command_center.db.tables import polars_schema
from command_center.ledger import NewLine
from command_center.periods import add_months, month_end
from command_center.types import DemoContext

RAMP = (0.25, 0.45, 0.65, 0.8, 0.9, 1.0)  # share of a typical month's revenue, by month
TARGET_RAMP = (0.3, 0.5, 0.65, 0.8, 0.9, 1.0)
SOURCE_QUALITY = {
    "referral": 1.15,
    "agency": 1.0,
    "company_site": 1.0,
    "job_board": 0.93,
    "social_media": 0.88,
    "campus": 0.85,
}
TARGET_MONTHS_AHEAD = 3


def _typical(session: Session) -> float:
    value = session.scalar(select(func.avg(Target.target)).where(Target.metric == "revenue"))
    return float(value or 50_000.0)


def _customer_pools(ctx: DemoContext) -> dict[int, list[int]]:
    """Customer ids of each supervisor's team (new reps take over some accounts)."""
    owners = ctx.people.select(pl.col("person_id").alias("owner_id"), "manager_id")
    pools = (
        ctx.customers.select("customer_id", "owner_id")
        .join(owners, on="owner_id", how="inner")
        .group_by("manager_id")
        .agg(pl.col("customer_id").sort().head(400))
    )
    return {mid: ids for mid, ids in pools.iter_rows()}


def sales_for_hires(
    session: Session, ctx: DemoContext, hires: list[dict[str, Any]], actor: str
) -> None:
    reps = [h for h in hires if h["level"] == "rep"]
    if not reps or ctx.customers.is_empty():
        return
    r = random.Random(f"{ctx.seed}:recruiting:sales")
    typical = _typical(session)
    pools = _customer_pools(ctx)
    fallback = ctx.customers["customer_id"].head(400).to_list()
    last_month = ctx.months[-1]
    horizon = add_months(last_month, TARGET_MONTHS_AHEAD)
    lines: list[NewLine] = []
    targets: list[dict[str, Any]] = []
    for hire in reps:
        start: dt.date = hire["hire_date"]
        perf = math.exp(r.gauss(0.0, 0.3)) * SOURCE_QUALITY[hire["source"]]
        pool = pools.get(hire["manager_id"]) or fallback
        accounts = r.sample(pool, min(6, len(pool)))
        month, k = start.replace(day=1), 0
        while month <= horizon:
            goal = round(typical * TARGET_RAMP[min(k, len(TARGET_RAMP) - 1)], -2)
            targets.append(
                {
                    "person_id": hire["person_id"],
                    "period": month.strftime("%Y-%m"),
                    "metric": "revenue",
                    "target": goal,
                }
            )
            if month <= last_month:
                lines.extend(
                    _month_lines(
                        r,
                        hire["person_id"],
                        accounts,
                        start,
                        month,
                        typical * RAMP[min(k, len(RAMP) - 1)] * perf,
                    )
                )
            month, k = add_months(month, 1), k + 1
    if lines:
        _store_lines(session, lines, actor)
    if targets:
        first = int(session.scalar(select(func.max(Target.target_id))) or 0) + 1
        frame = pl.DataFrame(targets).with_columns(
            pl.int_range(first, first + len(targets), dtype=pl.Int64).alias("target_id")
        )
        bulk_insert(session, Target.__table__, frame)  # type: ignore[arg-type]


def _store_lines(session: Session, lines: list[NewLine], actor: str) -> None:
    lock_table(session, "orders")
    first = int(session.scalar(select(func.max(OrderLine.order_id))) or 0) + 1
    frame = pl.DataFrame(
        {
            "order_id": list(range(first, first + len(lines))),
            "customer_id": [x.customer_id for x in lines],
            "person_id": [x.person_id for x in lines],
            "order_date": [x.order_date for x in lines],
            "revenue": [x.revenue for x in lines],
            "cost": [x.cost for x in lines],
        },
        schema=polars_schema(
            OrderLine, ["order_id", "customer_id", "person_id", "order_date", "revenue", "cost"]
        ),
    ).sort("order_date", "person_id", maintain_order=True)
    frame = frame.with_columns(
        pl.int_range(first, first + frame.height, dtype=pl.Int64).alias("order_id")
    )
    bulk_insert(session, OrderLine.__table__, frame)  # type: ignore[arg-type]
    audit(
        session,
        actor,
        "orders_booked",
        "orders",
        f"{first}-{first + frame.height - 1}",
        source="recruiting demo: new hires' first months",
        lines=frame.height,
        revenue=float(frame["revenue"].sum()),
    )


def _month_lines(
    r: random.Random,
    person_id: int,
    accounts: list[int],
    start: dt.date,
    month: dt.date,
    amount: float,
) -> list[NewLine]:
    first = max(start, month)
    last = month_end(month)
    if first > last:
        return []
    share = ((last - first).days + 1) / ((last - month).days + 1)
    total = amount * share * math.exp(r.gauss(0.0, 0.25))
    count = r.randint(1, 4)
    out = []
    for _ in range(count):
        revenue = round(max(50.0, total / count * r.uniform(0.6, 1.4)), 2)
        day = first + dt.timedelta(days=r.randint(0, (last - first).days))
        out.append(
            NewLine(
                r.choice(accounts),
                person_id,
                day,
                revenue,
                round(revenue * r.uniform(0.55, 0.8), 2),
            )
        )
    return out
