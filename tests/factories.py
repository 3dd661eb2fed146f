"""Tiny hand-built data sets with figures that can be checked by hand."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from command_center.db.engine import write_session
from command_center.db.models import Customer, OrderLine, Person, Target

# 1 director -> 2 manager -> 3 supervisor -> reps 4, 5
#                         -> 6 supervisor -> rep 7
ORG = [
    (1, "总监", "director", None),
    (2, "经理", "manager", 1),
    (3, "主管甲", "supervisor", 2),
    (4, "代表一", "rep", 3),
    (5, "代表二", "rep", 3),
    (6, "主管乙", "supervisor", 2),
    (7, "代表三", "rep", 6),
]

# (order_id, person, date, revenue, cost)
ORDERS = [
    (1, 4, dt.date(2025, 10, 5), 100.0, 60.0),
    (2, 4, dt.date(2026, 10, 5), 200.0, 120.0),
    (3, 5, dt.date(2026, 10, 20), 300.0, 150.0),
    (4, 7, dt.date(2026, 10, 31), 500.0, 400.0),
    (5, 7, dt.date(2026, 9, 30), 50.0, 10.0),
    (6, 5, dt.date(2025, 10, 1), 100.0, 50.0),
]

TARGETS = [
    (4, "2026-10", "revenue", 250.0),
    (5, "2026-10", "revenue", 250.0),
    (7, "2026-10", "revenue", 400.0),
    (6, "2026-10", "revenue", 1000.0),  # team target overrides the reps' sum
    (4, "2026-Q4", "revenue", 900.0),
]


def load_small_org(engine: Engine) -> None:
    with write_session(engine) as session:
        for pid, name, level, manager in ORG:
            session.add(Person(person_id=pid, name=name, level=level, manager_id=manager,
                               region="华东", hire_date=dt.date(2020, 1, 1), status="active"))
            session.flush()
        session.add(Customer(customer_id=1, name="甲公司", industry="制造", size="smb",
                             owner_id=4, region="华东", created_on=dt.date(2020, 1, 1)))
        session.flush()
        for oid, pid, day, revenue, cost in ORDERS:
            session.add(OrderLine(order_id=oid, customer_id=1, person_id=pid, order_date=day,
                                  revenue=revenue, cost=cost))
        for pid, period, metric, value in TARGETS:
            session.add(Target(person_id=pid, period=period, metric=metric, target=value))
