"""Shared builders of the incentives tests: figures from rows, plans from dicts, a tiny shop."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from plugins.incentives.logic.figures import MONTH_SCHEMA, Figures, den_col, num_col
from plugins.incentives.logic.plan_model import Plan, parse_data

JAN = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)
MAR = dt.date(2026, 3, 1)
DEC = dt.date(2025, 12, 1)


def figures(
    rows: list[dict[str, Any]],
    metrics: dict[str, tuple[str, dict[tuple[int, dt.date], tuple[float, float]]]] | None = None,
) -> Figures:
    """Person-month rows (defaults: level rep, January, no team) and metric facts.

    ``metrics``: ``{key: (kind, {(person_id, month): (num, den)})}``.
    """
    filled = []
    for row in rows:
        base = {
            "level": "rep",
            "month": JAN,
            "revenue": 0.0,
            "profit": 0.0,
            "quota": None,
            "team_revenue": 0.0,
            "team_profit": 0.0,
            "team_quota": None,
        }
        filled.append({**base, **row})
    frame = pl.DataFrame(filled, schema=MONTH_SCHEMA)
    kinds: dict[str, str] = {}
    for key, (kind, facts) in (metrics or {}).items():
        kinds[key] = kind
        num = [
            facts.get((p, m), (None, None))[0]
            for p, m in frame.select("person_id", "month").iter_rows()
        ]
        den = [
            facts.get((p, m), (None, None))[1]
            for p, m in frame.select("person_id", "month").iter_rows()
        ]
        frame = frame.with_columns(
            pl.Series(num_col(key), num, dtype=pl.Float64),
            pl.Series(den_col(key), den, dtype=pl.Float64),
        )
    return Figures(frame.sort("person_id", "month"), kinds)


def plan(*components: dict[str, Any], **top: Any) -> Plan:
    return parse_data(
        {"name": "Test plan", "period": "month", "components": list(components), **top}
    ).plan


MARGINAL = {
    "name": "revenue_commission",
    "type": "tiered",
    "base": "revenue",
    "measure": "attainment",
    "mode": "marginal",
    "tiers": [{"from": 0.0, "rate": 0.05}, {"from": 1.0, "rate": 0.06}],
}
RETROACTIVE = {**MARGINAL, "mode": "retroactive"}
ANNA = {"person_id": 1, "revenue": 120_000.0, "profit": 30_000.0, "quota": 100_000.0}
BO = {"person_id": 2, "revenue": 80_000.0, "profit": 20_000.0, "quota": 100_000.0}


def amounts(frame: pl.DataFrame, column: str) -> dict[int, float | None]:
    return {
        pid: (None if v is None else round(v, 2))
        for pid, v in frame.select("person_id", column).iter_rows()
    }


# -- a tiny sales force in a real database (settlement and CLI tests) ---------------------

# 1 director -> 2 manager -> 3 supervisor -> 4 Anna, 5 Bo
#            -> 8 manager -> 6 supervisor -> 7 Cy
PEOPLE_ROWS = [
    (1, "总监", "director", None),
    (2, "经理甲", "manager", 1),
    (3, "主管甲", "supervisor", 2),
    (4, "安娜", "rep", 3),
    (5, "博文", "rep", 3),
    (8, "经理乙", "manager", 1),
    (6, "主管乙", "supervisor", 8),
    (7, "崔毅", "rep", 6),
]
# order_id, customer, person, date, revenue, cost
ORDER_ROWS = [
    (1, 10, 4, dt.date(2026, 1, 5), 80_000.0, 60_000.0),
    (2, 11, 4, dt.date(2026, 1, 20), 40_000.0, 30_000.0),
    (3, 12, 5, dt.date(2026, 1, 9), 80_000.0, 60_000.0),
    (4, 13, 7, dt.date(2026, 1, 12), 50_000.0, 40_000.0),
    (5, 10, 4, dt.date(2026, 2, 3), 100_000.0, 75_000.0),
    (6, 12, 5, dt.date(2026, 2, 14), 90_000.0, 70_000.0),
    (7, 13, 7, dt.date(2026, 2, 21), 60_000.0, 45_000.0),
]
QUOTAS = {4: 100_000.0, 5: 100_000.0, 7: 50_000.0}
REP_PLAN = """
name: Test rep plan
period: month
eligible: {levels: [rep]}
components:
  - name: revenue_commission
    type: tiered
    base: revenue
    measure: attainment
    mode: marginal
    tiers:
      - {from: 0.0, rate: 0.05}
      - {from: 1.0, rate: 0.06}
  - name: profit_share
    type: rate
    base: profit
    rate: 0.02
"""
LEADER_PLAN = """
name: Test leader plan
period: month
eligible: {levels: [supervisor, manager]}
components:
  - name: team_override
    type: override
    base: revenue
    rate: 0.01
"""


def build_shop(engine: Any) -> None:
    """People, customers, orders (Jan and Feb 2026), monthly quotas and logins."""
    from command_center.db.engine import write_session
    from command_center.db.models import Customer, OrderLine, Person, Target
    from command_center.org.auth import add_user

    with write_session(engine) as session:
        for pid, name, level, boss in PEOPLE_ROWS:
            session.add(
                Person(
                    person_id=pid,
                    name=name,
                    level=level,
                    manager_id=boss,
                    region="华东",
                    hire_date=dt.date(2020, 1, 1),
                )
            )
        session.flush()
        owners = {10: 4, 11: 4, 12: 5, 13: 7}
        for cid, owner in owners.items():
            session.add(
                Customer(
                    customer_id=cid,
                    name=f"杭州客户{cid}有限公司",
                    owner_id=owner,
                    created_on=dt.date(2024, 1, 1),
                )
            )
        session.flush()
        for oid, cid, pid, day, revenue, cost in ORDER_ROWS:
            session.add(
                OrderLine(
                    order_id=oid,
                    customer_id=cid,
                    person_id=pid,
                    order_date=day,
                    revenue=revenue,
                    cost=cost,
                )
            )
        for pid, quota in QUOTAS.items():
            for month in ("2026-01", "2026-02", "2026-03"):
                session.add(Target(person_id=pid, period=month, metric="revenue", target=quota))
        for login, role, pid in (
            ("director", "director", 1),
            ("manager", "manager", 2),
            ("supervisor", "supervisor", 3),
            ("rep", "rep", 4),
            ("rep2", "rep", 5),
            ("manager2", "manager", 8),
        ):
            add_user(session, login, "demo-pass-2026", role, pid, actor="test")


def viewer_for(engine: Any, login: str) -> Any:
    from command_center.org.auth import viewer_for as make
    from command_center.testing import signed_in

    return make(engine, signed_in(engine, login))
