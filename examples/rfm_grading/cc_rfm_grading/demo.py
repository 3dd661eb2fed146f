"""A small shop whose RFM and ABC grades can be worked out by hand (tests, trying it out).

As of 2026-03-31 with the 12-month window (after 2025-03-31):

========  ==========  ===========  =========  ===========  ===  ===
customer  last order  order days   revenue    R  F  M       RFM  ABC
========  ==========  ===========  =========  ===========  ===  ===
201       2026-03-20  6            60,000     5  5  4 = 14  A    A
202       2026-03-05  3             9,000     4  3  2 =  9  B    B
203       2025-05-10  1            90,000     1  1  5 =  7  C    A
204       2026-02-15  4            20,000     3  4  3 = 10  B    B
205       2025-11-01  2             3,000     2  2  1 =  5  C    C
206       (2024-06-01, outside)    0          —             C    C
========  ==========  ===========  =========  ===========  ===  ===

Customers 201-203 belong to rep 4 (代表甲), 204-206 to rep 5 (代表乙); each
order is booked by the customer's owner.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

AS_OF = dt.date(2026, 3, 31)
PASSWORD = "demo-pass-2026"
PEOPLE = [
    (1, "总监", "director", None),
    (2, "经理", "manager", 1),
    (3, "主管", "supervisor", 2),
    (4, "代表甲", "rep", 3),
    (5, "代表乙", "rep", 3),
]
LOGINS = [("director", "director", 1), ("manager", "manager", 2), ("rep", "rep", 4)]
D = dt.date
# customer_id, owner, [(order day, revenue), ...]
BOOK: list[tuple[int, int, list[tuple[dt.date, float]]]] = [
    (201, 4, [(D(2025, m, 10), 10_000.0) for m in (4, 6, 8, 10, 12)]
              + [(D(2026, 3, 20), 10_000.0)]),
    (202, 4, [(D(2025, 9, 1), 3_000.0), (D(2026, 1, 9), 3_000.0), (D(2026, 3, 5), 3_000.0)]),
    (203, 4, [(D(2025, 5, 10), 90_000.0)]),
    (204, 5, [(D(2025, 7, 1), 5_000.0), (D(2025, 9, 1), 5_000.0), (D(2026, 1, 1), 5_000.0),
              (D(2026, 2, 15), 5_000.0)]),
    (205, 5, [(D(2025, 10, 1), 1_000.0), (D(2025, 11, 1), 2_000.0)]),
    (206, 5, [(D(2024, 6, 1), 50_000.0)]),
]  # fmt: skip
RFM = {201: "A", 202: "B", 203: "C", 204: "B", 205: "C", 206: "C"}
ABC = {201: "A", 202: "B", 203: "A", 204: "B", 205: "C", 206: "C"}
RFM_ORDER = [201, 204, 202, 203, 205, 206]
"""Customers in RFM rank order: A, then B and C, each by their RFM sum."""


def load_small_shop(engine: Engine) -> None:
    """People, logins, customers and the orders above into a migrated, empty database."""
    from command_center.db.engine import write_session
    from command_center.db.models import Customer, OrderLine, Person
    from command_center.org.auth import add_user

    with write_session(engine) as session:
        for pid, name, level, boss in PEOPLE:
            session.add(
                Person(person_id=pid, name=name, level=level, manager_id=boss, region="华东",
                       hire_date=D(2020, 1, 1))
            )  # fmt: skip
            session.flush()
        for cid, owner, _ in BOOK:
            session.add(Customer(customer_id=cid, name=f"客户{cid}", owner_id=owner,
                                 created_on=D(2024, 1, 1)))  # fmt: skip
        session.flush()
        order_id = 0
        for cid, owner, orders in BOOK:
            for day, revenue in orders:
                order_id += 1
                line = OrderLine(order_id=order_id, customer_id=cid, person_id=owner,
                                 order_date=day, revenue=revenue, cost=revenue / 2)  # fmt: skip
                session.add(line)
        for login, role, pid in LOGINS:
            add_user(session, login, PASSWORD, role, pid, actor="demo")
