"""What the Today agenda reads of the customers plugin, with the agenda's scope in SQL.

- promises: the latest follow-up of each customer owned within the scope, when it
  names a ``next_date`` on or before the day (what the rep said they would do);
- planned visits of people in the scope, not yet logged, up to the day's end;
- the book and last follow-ups for the cadence and the pool warnings come from
  :mod:`plugins.customers.queries.figures` and :mod:`.book` (scoped the same way).

:func:`agenda_items` answers the ``today_agenda`` hook with them.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import Engine, and_, exists, or_, select
from sqlalchemy.orm import aliased

from command_center.db import frames
from command_center.db.models import Customer
from command_center.db.tables import polars_schema
from command_center.org.scope import Viewer
from command_center.types import AgendaItem
from plugins.customers import settings as settings_mod
from plugins.customers.logic import agenda as agenda_logic
from plugins.customers.models import FollowUp, VisitPlan
from plugins.customers.queries import activity, figures
from plugins.customers.queries import book as book_q

PROMISE_SCHEMA: dict[str, pl.DataType] = {
    **polars_schema(Customer, ["customer_id", "owner_id", "name"]),
    **polars_schema(FollowUp, ["next_date", "next_step"]),
}
VISIT_SCHEMA: dict[str, pl.DataType] = {
    **polars_schema(VisitPlan, ["plan_id", "customer_id", "person_id", "planned_at", "note"]),
    **polars_schema(Customer, ["name"]),
}
VISIT_TABLES: tuple[str, ...] = ("customers_visit_plans", "customers")
PROMISE_TABLES: tuple[str, ...] = ("customers_followups", "customers")


def _scope_key(viewer: Viewer) -> tuple[int, ...] | None:
    return None if viewer.person_ids is None else tuple(sorted(viewer.person_ids))


def promises(engine: Engine, viewer: Viewer, day: dt.date) -> pl.DataFrame:
    """``customer_id, owner_id, name, next_date, next_step``: customers owned within the
    scope whose latest follow-up promises a next contact on or before ``day``."""
    if viewer.role == "admin" or viewer.person_ids == frozenset():
        return pl.DataFrame(schema=PROMISE_SCHEMA)
    f, later = FollowUp, aliased(FollowUp)
    newer = exists().where(
        later.customer_id == f.customer_id,
        or_(
            later.followup_date > f.followup_date,
            and_(later.followup_date == f.followup_date, later.followup_id > f.followup_id),
        ),
    )
    query = (
        select(Customer.customer_id, Customer.owner_id, Customer.name, f.next_date, f.next_step)
        .join(f, f.customer_id == Customer.customer_id)
        .where(f.next_date.is_not(None), f.next_date <= day, ~newer)
        .order_by(f.next_date, Customer.customer_id)
    )
    if viewer.person_ids is None:
        query = query.where(Customer.owner_id.is_not(None))
    else:
        query = query.where(Customer.owner_id.in_(sorted(viewer.person_ids)))
    return frames.cached(
        engine,
        "customers:agenda:promises",
        lambda: frames.read_frame(engine, query, PROMISE_SCHEMA),
        _scope_key(viewer),
        day,
        tables=PROMISE_TABLES,
    )


def planned_visits(engine: Engine, viewer: Viewer, day: dt.date) -> pl.DataFrame:
    """``plan_id, customer_id, person_id, planned_at, note, name``: visits still planned
    by people in the scope, at any time up to the end of ``day`` (earlier ones are late)."""
    if viewer.role == "admin" or viewer.person_ids == frozenset():
        return pl.DataFrame(schema=VISIT_SCHEMA)
    v = VisitPlan
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
    query = (
        select(v.plan_id, v.customer_id, v.person_id, v.planned_at, v.note, Customer.name)
        .join(Customer, Customer.customer_id == v.customer_id)
        .where(v.status == "planned", v.planned_at < end)
        .order_by(v.planned_at, v.plan_id)
    )
    if viewer.person_ids is not None:
        query = query.where(v.person_id.in_(sorted(viewer.person_ids)))
    return frames.cached(
        engine,
        "customers:agenda:visits",
        lambda: frames.read_frame(engine, query, VISIT_SCHEMA),
        _scope_key(viewer),
        day,
        tables=VISIT_TABLES,
    )


def agenda_items(engine: Engine, viewer: Viewer, day: dt.date) -> list[AgendaItem]:
    """Follow-ups due (cadence and promises), planned visits and pool warnings of
    ``viewer``'s day ``day``, each row with its one-tap form."""
    if viewer.role == "admin":
        return []
    from plugins.customers.ui.agenda import followup_action, visit_action  # the rows' forms

    rules = settings_mod.get(engine)
    visits = planned_visits(engine, viewer, day)
    due = agenda_logic.followups_due(
        figures.due_list(engine, viewer, day, rules), promises(engine, viewer, day), visits, day
    )
    warnings = agenda_logic.release_warnings(
        book_q.cadence_book(engine, viewer),
        activity.last_followups(engine, viewer),
        day,
        rules.release_no_followup_days,
        rules.pool_warning_days,
    )
    return [
        *agenda_logic.followup_items(due, day, followup_action),
        *agenda_logic.visit_items(visits, visit_action),
        *agenda_logic.warning_items(warnings, followup_action),
    ]
