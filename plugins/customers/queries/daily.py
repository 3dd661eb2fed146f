"""Activity per person and day (follow-ups, visits, calls, new customers), scope in SQL.

What day and week targets are measured against: a rep's read groups a rep's
follow-up rows of the days asked for, in the database.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from sqlalchemy import Engine, Integer, Select, case, func, select

from command_center.db import frames
from command_center.db.models import Customer, Target
from plugins.customers.models import CustomerProfile, FollowUp
from plugins.customers.queries import activity
from plugins.customers.queries.book import BOOK_TABLES

ACTIVITY_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "day": pl.Date(),
    "followups": pl.Int64(),
    "visits": pl.Int64(),
    "calls": pl.Int64(),
}
NEW_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "day": pl.Date(),
    "new_customers": pl.Int64(),
}
CHANNEL_OF: dict[str, str] = {"visits": "visit", "calls": "phone"}
"""The follow-up channel each activity counts (a call is a phone follow-up)."""


def _scope(ids: frozenset[int] | None) -> tuple[int, ...] | None:
    return None if ids is None else tuple(sorted(ids))


def _count_of(channel: str) -> Any:
    return func.sum(case((FollowUp.channel == channel, 1), else_=0)).cast(Integer)


def _followup_query(ids: tuple[int, ...] | None, first: dt.date, last: dt.date) -> Select[Any]:
    query = (
        select(
            FollowUp.person_id,
            FollowUp.followup_date.label("day"),
            func.count().label("followups"),
            *(_count_of(channel).label(name) for name, channel in CHANNEL_OF.items()),
        )
        .where(FollowUp.followup_date >= first, FollowUp.followup_date <= last)
        .group_by(FollowUp.person_id, FollowUp.followup_date)
    )
    return query if ids is None else query.where(FollowUp.person_id.in_(ids))


def activity_by_day(
    engine: Engine, person_ids: frozenset[int] | None, first: dt.date, last: dt.date
) -> pl.DataFrame:
    """``person_id, day, followups, visits, calls`` of the follow-ups dated
    ``first``..``last`` by ``person_ids`` (``None``: everyone), days with none left out."""
    ids = _scope(person_ids)
    return frames.cached(
        engine,
        "customers:activity_by_day",
        lambda: frames.read_frame(engine, _followup_query(ids, first, last), ACTIVITY_SCHEMA),
        ids,
        first,
        last,
        tables=activity.FOLLOWUP_TABLES,
    )


def new_customers_by_day(
    engine: Engine, person_ids: frozenset[int] | None, first: dt.date, last: dt.date
) -> pl.DataFrame:
    """``person_id, day, new_customers``: customers created ``first``..``last``, credited
    to their first owner (the owner when there is no profile), as the month metric does."""
    ids = _scope(person_ids)
    owner = case(
        (CustomerProfile.customer_id.is_not(None), CustomerProfile.first_owner_id),
        else_=Customer.owner_id,
    )
    query = (
        select(
            owner.label("person_id"),
            Customer.created_on.label("day"),
            func.count().label("new_customers"),
        )
        .select_from(Customer.__table__.outerjoin(CustomerProfile.__table__))
        .where(Customer.created_on >= first, Customer.created_on <= last, owner.is_not(None))
        .group_by(owner, Customer.created_on)
    )
    if ids is not None:
        query = query.where(owner.in_(ids))
    return frames.cached(
        engine,
        "customers:new_by_day",
        lambda: frames.read_frame(engine, query, NEW_SCHEMA),
        ids,
        first,
        last,
        tables=BOOK_TABLES,
    )


TARGET_SCHEMA: dict[str, pl.DataType] = {"metric": pl.String(), "target": pl.Float64()}


def person_targets_of(
    engine: Engine, person_id: int, period: str, metrics: tuple[str, ...]
) -> pl.DataFrame:
    """``metric, target``: ``person_id``'s own targets for the period labelled ``period``
    (a day's, say), read by person in SQL (day targets make the targets table long)."""
    query = select(Target.metric, Target.target).where(
        Target.person_id == person_id, Target.period == period, Target.metric.in_(metrics)
    )
    return frames.cached(
        engine,
        "customers:person_targets",
        lambda: frames.read_frame(engine, query, TARGET_SCHEMA),
        person_id,
        period,
        metrics,
        tables=(Target.__tablename__,),
    )
