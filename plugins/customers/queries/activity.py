"""Follow-ups, contacts and pool moves."""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import Engine, func, or_, select

from command_center.db import frames
from command_center.db.models import Customer, Person
from command_center.db.tables import polars_schema, read_table
from command_center.org.scope import Viewer
from command_center.types import LEADER_ROLES
from plugins.customers.logic.co_visitors import colleagues
from plugins.customers.models import Contact, CustomerProfile, FollowUp, FollowUpPerson, PoolMove

FOLLOWUP_SCHEMA: dict[str, pl.DataType] = polars_schema(
    FollowUp,
    [
        "followup_id",
        "customer_id",
        "person_id",
        "followup_date",
        "channel",
        "notes",
        "next_step",
        "next_date",
        "spin_stage",
    ],
)
CONTACT_SCHEMA: dict[str, pl.DataType] = polars_schema(
    Contact, ["contact_id", "customer_id", "name", "title", "phone", "email"]
)
MOVE_SCHEMA: dict[str, pl.DataType] = polars_schema(
    PoolMove,
    [
        "move_id",
        "customer_id",
        "moved_on",
        "action",
        "reason",
        "from_owner_id",
        "to_owner_id",
        "days_idle",
        "actor",
    ],
)
LAST_SCHEMA: dict[str, pl.DataType] = {"customer_id": pl.Int64(), "last_followup": pl.Date()}
FOLLOWUP_TABLES: tuple[str, ...] = ("customers_followups",)
MOVE_TABLES: tuple[str, ...] = ("customers_pool_moves",)


def all_followups(engine: Engine) -> pl.DataFrame:
    """Every follow-up without its texts (for cadence and metrics), unscoped."""
    cols = FollowUp.__table__.c
    query = select(
        cols.followup_id,
        cols.customer_id,
        cols.person_id,
        cols.followup_date,
        cols.channel,
        cols.spin_stage,
    )
    schema = {
        k: FOLLOWUP_SCHEMA[k]
        for k in (
            "followup_id",
            "customer_id",
            "person_id",
            "followup_date",
            "channel",
            "spin_stage",
        )
    }
    return frames.cached(
        engine,
        "customers:followups",
        lambda: frames.read_frame(engine, query, schema),
        tables=FOLLOWUP_TABLES,
    )


def followups_between(engine: Engine, start: dt.date, end: dt.date) -> pl.DataFrame:
    """``customer_id, person_id, followup_date, channel`` of the follow-ups dated
    ``start``..``end``, unscoped (for the metrics: the registry caches and scopes
    what they return). Cached until a follow-up is written: the follow-up,
    visit and call counts of one period share one read."""
    cols = FollowUp.__table__.c
    names = ("customer_id", "person_id", "followup_date", "channel")
    query = select(*(cols[n] for n in names)).where(
        cols.followup_date >= start, cols.followup_date <= end
    )
    schema = {k: FOLLOWUP_SCHEMA[k] for k in names}
    return frames.cached(
        engine,
        "customers:followups_between",
        lambda: frames.read_frame(engine, query, schema),
        start,
        end,
        tables=FOLLOWUP_TABLES,
    )


def last_followups(engine: Engine, viewer: Viewer | None = None) -> pl.DataFrame:
    """``customer_id, last_followup`` (anyone's latest follow-up).

    Unscoped without ``viewer`` (or for a director); otherwise only for the
    customers owned within the viewer's scope, read with the scope in SQL.
    """
    if viewer is None or viewer.person_ids is None:
        sql = (
            "SELECT customer_id, MAX(followup_date) AS last_followup "
            "FROM customers_followups GROUP BY customer_id"
        )
        return frames.cached(
            engine,
            "customers:last_followup",
            lambda: frames.read_frame(engine, sql, LAST_SCHEMA),
            tables=FOLLOWUP_TABLES,
        )
    ids = tuple(sorted(viewer.person_ids))
    cols = FollowUp.__table__.c
    owned = select(Customer.customer_id).where(Customer.owner_id.in_(ids))
    query = (
        select(cols.customer_id, func.max(cols.followup_date).label("last_followup"))
        .where(cols.customer_id.in_(owned))
        .group_by(cols.customer_id)
    )
    return frames.cached(
        engine,
        "customers:last_followup:scoped",
        lambda: frames.read_frame(engine, query, LAST_SCHEMA),
        ids,
        tables=(*FOLLOWUP_TABLES, "customers"),
    )


def followups(
    engine: Engine,
    viewer: Viewer,
    customer_id: int | None = None,
    limit: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    co_visited: bool = False,
) -> pl.DataFrame:
    """Follow-ups logged by people in the viewer's scope (of one customer, dated
    ``start``..``end``), newest first; ``co_visited``: and those someone in scope went
    along on (a list of one's follow-ups)."""
    cols = FollowUp.__table__.c
    query = select(*(cols[name] for name in FOLLOWUP_SCHEMA))
    if customer_id is not None:
        query = query.where(cols.customer_id == customer_id)
    if start is not None:
        query = query.where(cols.followup_date >= start)
    if end is not None:
        query = query.where(cols.followup_date <= end)
    if viewer.person_ids is not None:
        scope = sorted(viewer.person_ids)
        mine = cols.person_id.in_(scope)
        if co_visited:
            went = select(FollowUpPerson.followup_id).where(FollowUpPerson.person_id.in_(scope))
            mine = or_(mine, cols.followup_id.in_(went))
        query = query.where(mine)
    query = query.order_by(cols.followup_date.desc(), cols.followup_id.desc())
    if limit is not None:
        query = query.limit(limit)
    return frames.read_frame(engine, query, FOLLOWUP_SCHEMA)


def followup_days(engine: Engine, viewer: Viewer, start: dt.date, end: dt.date) -> pl.DataFrame:
    """``followup_date, channel`` of the follow-ups dated ``start``..``end`` by people in
    the viewer's scope (what weekly counts need), cached until a follow-up is written."""
    cols = FollowUp.__table__.c
    names = ("followup_date", "channel")
    query = select(*(cols[n] for n in names)).where(
        cols.followup_date >= start, cols.followup_date <= end
    )
    if viewer.person_ids is not None:
        query = query.where(cols.person_id.in_(sorted(viewer.person_ids)))
    scope = None if viewer.person_ids is None else tuple(sorted(viewer.person_ids))
    return frames.cached(
        engine,
        "customers:followup_days",
        lambda: frames.read_frame(engine, query, {n: FOLLOWUP_SCHEMA[n] for n in names}),
        scope,
        start,
        end,
        tables=FOLLOWUP_TABLES,
    )


def contacts(engine: Engine, customer_ids: list[int]) -> pl.DataFrame:
    """The contacts of ``customer_ids`` (the caller checked the viewer may see them)."""
    return read_table(
        engine,
        Contact,
        list(CONTACT_SCHEMA),
        where=[Contact.customer_id.in_(customer_ids)],
        order_by=[Contact.customer_id, Contact.contact_id],
    )


def scoped_contacts(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """Contacts of customers owned within the viewer's scope (a director: all)."""
    where = []
    if viewer.person_ids is not None:
        owned = select(Customer.customer_id).where(Customer.owner_id.in_(sorted(viewer.person_ids)))
        where.append(Contact.customer_id.in_(owned))
    return read_table(
        engine, Contact, list(CONTACT_SCHEMA), where=where, order_by=[Contact.contact_id]
    )


def all_moves(engine: Engine) -> pl.DataFrame:
    """Every pool move, unscoped (ownership history for metrics)."""
    return frames.cached(
        engine,
        "customers:moves",
        lambda: read_table(engine, PoolMove, list(MOVE_SCHEMA), order_by=[PoolMove.move_id]),
        tables=MOVE_TABLES,
    )


def moves(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """Moves into or out of the private pools of people in the viewer's scope."""
    frame = all_moves(engine)
    if viewer.person_ids is None:
        return frame
    ids = sorted(viewer.person_ids)
    return frame.filter(pl.col("from_owner_id").is_in(ids) | pl.col("to_owner_id").is_in(ids))


def profile_texts(engine: Engine, customer_id: int) -> dict[str, str]:
    """``address, needs, preferences`` of one customer (empty when it has no profile)."""
    texts = read_table(
        engine,
        CustomerProfile,
        ["address", "needs", "preferences"],
        where=[CustomerProfile.customer_id == customer_id],
    )
    if texts.is_empty():
        return {"address": "", "needs": "", "preferences": ""}
    return {k: str(v or "") for k, v in texts.row(0, named=True).items()}


def co_visitor_names(engine: Engine, followup_ids: list[int]) -> dict[int, str]:
    """``followup_id -> "name, name"`` of who went along on the follow-ups given (rows
    the viewer already sees; names only)."""
    if not followup_ids:
        return {}
    query = (
        select(FollowUpPerson.followup_id, Person.name)
        .join(Person, Person.person_id == FollowUpPerson.person_id)
        .where(FollowUpPerson.followup_id.in_(followup_ids))
        .order_by(FollowUpPerson.followup_id, Person.name)
    )
    frame = frames.read_frame(engine, query, {"followup_id": pl.Int64(), "name": pl.String()})
    grouped = frame.group_by("followup_id", maintain_order=True).agg(pl.col("name").str.join(", "))
    return dict(grouped.iter_rows())


def co_visitor_choices(engine: Engine, viewer: Viewer) -> list[tuple[int, str]]:
    """``(person_id, name)`` of the viewer's colleagues who may go along, by name
    (:func:`plugins.customers.logic.co_visitors.colleagues`; names only)."""
    if viewer.person_id is None:
        return []
    people = frames.all_people(engine)
    edges = dict(zip(people["person_id"].to_list(), people["manager_id"].to_list(), strict=True))
    active = set(people.filter(pl.col("status") == "active")["person_id"].to_list())
    allowed = colleagues(edges, active, viewer.person_id, viewer.role in LEADER_ROLES)
    found = people.filter(pl.col("person_id").is_in(sorted(allowed))).sort("name", "person_id")
    return list(found.select("person_id", "name").iter_rows())
