"""A small shop whose new logos can be counted by hand (for tests and trying the plugin).

The plugin needs no demo data of its own: it counts first orders in the
core's ledger. :func:`load_small_shop` writes a ledger small enough to check:

============  ==========  ===========================================
customer      first order  won by
============  ==========  ===========================================
101           2025-12-10  4 (rep 代表甲); its January order is no new logo
102           2026-01-03  4
103           2026-01-15  5 (rep 代表乙)
104           2026-02-10  4: orders 7 (by 4) and 8 (by 5) that day, 7 first
105           2026-03-31  3 (supervisor 主管)
106           2026-03-02  4
============  ==========  ===========================================
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

PASSWORD = "demo-pass-2026"
# person_id, name, level, manager
PEOPLE = [
    (1, "总监", "director", None),
    (2, "经理", "manager", 1),
    (3, "主管", "supervisor", 2),
    (4, "代表甲", "rep", 3),
    (5, "代表乙", "rep", 3),
]
LOGINS = [("director", "director", 1), ("manager", "manager", 2), ("rep", "rep", 4)]
# order_id, customer_id, person_id, order_date, revenue, cost
ORDERS = [
    (1, 101, 4, dt.date(2025, 12, 10), 10_000.0, 6_000.0),
    (2, 101, 5, dt.date(2026, 1, 5), 8_000.0, 5_000.0),
    (3, 102, 4, dt.date(2026, 1, 3), 12_000.0, 7_000.0),
    (4, 102, 5, dt.date(2026, 1, 20), 5_000.0, 3_000.0),
    (5, 103, 5, dt.date(2026, 1, 15), 9_000.0, 6_000.0),
    (6, 103, 4, dt.date(2026, 2, 1), 4_000.0, 2_000.0),
    (7, 104, 4, dt.date(2026, 2, 10), 6_000.0, 4_000.0),
    (8, 104, 5, dt.date(2026, 2, 10), 7_000.0, 4_000.0),
    (9, 105, 3, dt.date(2026, 3, 31), 20_000.0, 12_000.0),
    (10, 106, 4, dt.date(2026, 3, 2), 3_000.0, 2_000.0),
]


def load_small_shop(engine: Engine) -> None:
    """People, logins, customers and the orders above into a migrated, empty database."""
    from command_center.db.engine import write_session
    from command_center.db.models import Customer, OrderLine, Person
    from command_center.org.auth import add_user

    with write_session(engine) as session:
        for pid, name, level, boss in PEOPLE:
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
        for cid in sorted({order[1] for order in ORDERS}):
            session.add(
                Customer(
                    customer_id=cid, name=f"客户{cid}", owner_id=4, created_on=dt.date(2025, 1, 1)
                )
            )
        session.flush()
        for oid, cid, pid, day, revenue, cost in ORDERS:
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
        for login, role, pid in LOGINS:
            add_user(session, login, PASSWORD, role, pid, actor="demo")
