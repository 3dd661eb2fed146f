"""Pool moves: claim from the public pool, release, lock, assign, and the scheduled release."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from sqlalchemy import Engine, Select, func, select, update
from sqlalchemy.orm import Session

from command_center.db import frames
from command_center.db.audit import audit
from command_center.db.bulk import bulk_insert
from command_center.db.engine import read_session, write_session
from command_center.db.models import Customer, OrderLine, Person, utcnow
from command_center.db.tables import polars_schema
from command_center.org.scope import Viewer
from command_center.types import LEADER_ROLES
from plugins.customers import settings as settings_mod
from plugins.customers.actions.customers import ensure_profile, private_count
from plugins.customers.actions.guards import editable, require_person
from plugins.customers.actions.moves import ACTOR_SYSTEM, Move, record_moves
from plugins.customers.errors import ActionRefused
from plugins.customers.logic import pool as pool_logic
from plugins.customers.logic.dedupe import name_key
from plugins.customers.models import CustomerProfile, FollowUp, PoolMove
from plugins.customers.queries import activity, ledger


def claims_on(session: Session, person_id: int, day: dt.date) -> int:
    return int(
        session.scalar(
            select(func.count()).where(
                PoolMove.to_owner_id == person_id,
                PoolMove.action == "claim",
                PoolMove.moved_on == day,
            )
        )
        or 0
    )


def claim_state(engine: Engine, person_id: int, today: dt.date) -> pool_logic.ClaimState:
    """Where a rep stands against the cap and today's claim limit."""
    rules = settings_mod.get(engine)
    with read_session(engine) as session:
        return pool_logic.ClaimState(
            private_count(session, person_id),
            claims_on(session, person_id, today),
            rules.pool_cap,
            rules.daily_claims,
        )


def _released_by_recently(
    session: Session, customer_id: int, person_id: int, today: dt.date, days: int
) -> bool:
    if days <= 0:
        return False
    since = today - dt.timedelta(days=days)
    return (
        session.scalar(
            select(func.count()).where(
                PoolMove.customer_id == customer_id,
                PoolMove.action == "release",
                PoolMove.from_owner_id == person_id,
                PoolMove.moved_on > since,
            )
        )
        or 0
    ) > 0


def _take(session: Session, customer: Customer, owner_id: int, today: dt.date) -> None:
    profile = ensure_profile(session, customer)
    customer.owner_id = owner_id
    profile.owned_since = today
    session.flush()


def claim(engine: Engine, viewer: Viewer, customer_id: int, today: dt.date | None = None) -> None:
    """A rep takes a public-pool customer into their private pool (cap, daily limit)."""
    today = today or dt.date.today()
    person_id = require_person(viewer)
    if viewer.role != "rep":
        raise ActionRefused("reps_claim")
    rules = settings_mod.get(engine)
    with write_session(engine) as session:
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise ActionRefused("unknown_customer", customer=customer_id)
        state = pool_logic.ClaimState(
            private_count(session, person_id),
            claims_on(session, person_id, today),
            rules.pool_cap,
            rules.daily_claims,
        )
        recent = _released_by_recently(
            session, customer_id, person_id, today, rules.reclaim_cooldown_days
        )
        refusal = pool_logic.claim_refusal(state, customer.owner_id is None, recent)
        if refusal is not None:
            raise ActionRefused(
                refusal,
                cap=rules.pool_cap,
                limit=rules.daily_claims,
                days=rules.reclaim_cooldown_days,
            )
        _take(session, customer, person_id, today)
        record_moves(
            session, [Move(customer_id, "claim", "claim", None, person_id)], today, viewer.login
        )


def release(engine: Engine, viewer: Viewer, customer_id: int, today: dt.date | None = None) -> None:
    """Give a customer back to the public pool by hand (never a locked one)."""
    today = today or dt.date.today()
    with write_session(engine) as session:
        customer = editable(session, viewer, customer_id)
        if customer.owner_id is None:
            raise ActionRefused("already_public")
        profile = ensure_profile(session, customer)
        if profile.locked:
            raise ActionRefused("locked")
        _release_one(session, customer, profile, pool_logic.MANUAL, today)
        record_moves(
            session,
            [Move(customer_id, "release", pool_logic.MANUAL, profile.last_owner_id, None)],
            today,
            viewer.login,
        )


def _release_one(
    session: Session, customer: Customer, profile: CustomerProfile, reason: str, today: dt.date
) -> None:
    profile.last_owner_id = customer.owner_id
    profile.released_on = today
    profile.release_reason = reason
    profile.owned_since = None
    customer.owner_id = None
    session.flush()


def set_locked(engine: Engine, viewer: Viewer, customer_id: int, locked: bool) -> None:
    """Leaders lock a customer (never released) or unlock it."""
    if viewer.role not in LEADER_ROLES:
        raise ActionRefused("leaders_lock")
    with write_session(engine) as session:
        customer = editable(session, viewer, customer_id)
        if customer.owner_id is None and locked:
            raise ActionRefused("lock_public")
        profile = ensure_profile(session, customer)
        if profile.locked == locked:
            return
        profile.locked = locked
        audit(
            session,
            viewer.login,
            "customer_locked" if locked else "customer_unlocked",
            "customer",
            customer_id,
        )


def assign(
    engine: Engine, viewer: Viewer, customer_id: int, owner_id: int, today: dt.date | None = None
) -> None:
    """A leader gives a customer (theirs or a public-pool one) to a rep in their scope."""
    today = today or dt.date.today()
    if viewer.role not in LEADER_ROLES:
        raise ActionRefused("leaders_assign")
    cap = settings_mod.get(engine).pool_cap
    with write_session(engine) as session:
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise ActionRefused("unknown_customer", customer=customer_id)
        if customer.owner_id is not None and not viewer.can_see(customer.owner_id):
            raise ActionRefused("not_yours")
        person = session.get(Person, owner_id)
        if person is None or not viewer.can_see(owner_id) or person.level != "rep":
            raise ActionRefused("owner_out_of_scope")
        if customer.owner_id == owner_id:
            return
        if private_count(session, owner_id) >= cap:
            raise ActionRefused("cap_reached", cap=cap)
        before = customer.owner_id
        if before is not None:
            ensure_profile(session, customer).last_owner_id = before
        _take(session, customer, owner_id, today)
        record_moves(
            session, [Move(customer_id, "assign", "assign", before, owner_id)], today, viewer.login
        )


# -- the scheduled release -----------------------------------------------------------

BOOK_SCHEMA: dict[str, pl.DataType] = {
    **polars_schema(Customer, ["customer_id", "owner_id", "created_on"]),
    **polars_schema(CustomerProfile, ["locked", "owned_since"]),
}
LAST_FOLLOWUP_SCHEMA: dict[str, pl.DataType] = {
    "customer_id": pl.Int64(),
    "last_followup": pl.Date(),
}
LAST_WIN_SCHEMA: dict[str, pl.DataType] = {"customer_id": pl.Int64(), "last_win": pl.Date()}
CHUNK = 5_000


def _book_query(ids: list[int] | None = None) -> Select[Any]:
    c, p = Customer, CustomerProfile
    query = (
        select(c.customer_id, c.owner_id, c.created_on, p.locked, p.owned_since)
        .outerjoin(p, p.customer_id == c.customer_id)
        .where(c.owner_id.is_not(None))
    )
    return query if ids is None else query.where(c.customer_id.in_(ids))


def _candidates(engine: Engine, today: dt.date, rules: settings_mod.CustomerSettings) -> list[int]:
    """Who looks due, from fast reads of the committed data (checked again when written)."""
    book = frames.read_frame(engine, _book_query(), BOOK_SCHEMA)
    if book.is_empty():
        return []
    since = today - dt.timedelta(days=rules.release_no_win_days)
    due = pool_logic.release_candidates(
        book.with_columns(pl.col("locked").cast(pl.Boolean)),
        activity.last_followups(engine),
        ledger.recent_wins(engine, since, today),
        today,
        rules.release_no_followup_days,
        rules.release_no_win_days,
    )
    return due["customer_id"].to_list()


def _rows(session: Session, query: Select[Any], schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(session.execute(query).all(), schema=schema, orient="row")


def _recheck(
    session: Session, ids: list[int], today: dt.date, rules: settings_mod.CustomerSettings
) -> pl.DataFrame:
    """The rules again, inside the write transaction, on exactly these customers."""
    books, followups, wins = [], [], []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        books.append(_rows(session, _book_query(chunk), BOOK_SCHEMA))
        followups.append(
            _rows(
                session,
                select(FollowUp.customer_id, func.max(FollowUp.followup_date))
                .where(FollowUp.customer_id.in_(chunk))
                .group_by(FollowUp.customer_id),
                LAST_FOLLOWUP_SCHEMA,
            )
        )
        wins.append(
            _rows(
                session,
                select(OrderLine.customer_id, func.max(OrderLine.order_date))
                .where(OrderLine.customer_id.in_(chunk))
                .group_by(OrderLine.customer_id),
                LAST_WIN_SCHEMA,
            )
        )
    return pool_logic.release_candidates(
        pl.concat(books).with_columns(pl.col("locked").fill_null(False)),
        pl.concat(followups),
        pl.concat(wins),
        today,
        rules.release_no_followup_days,
        rules.release_no_win_days,
    )


def release_due(engine: Engine, today: dt.date | None = None, actor: str = ACTOR_SYSTEM) -> int:
    """Release every private customer the rules say must fall back (idempotent).

    Safe to schedule and to run at every start: a second run on the same day
    finds nothing more to release (and writes nothing at all). Returns the
    number of customers released.
    """
    today = today or dt.date.today()
    rules = settings_mod.get(engine)
    ids = _candidates(engine, today, rules)
    if not ids:
        return 0
    with write_session(engine) as session:
        due = _recheck(session, ids, today, rules)
        if due.is_empty():
            return 0
        ids = due["customer_id"].to_list()
        for start in range(0, len(ids), CHUNK):
            _ensure_profiles(session, ids[start : start + CHUNK])
        reasons = dict(zip(ids, due["reason"].to_list(), strict=True))
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            session.execute(
                update(Customer).where(Customer.customer_id.in_(chunk)).values(owner_id=None)
            )
            for reason in (pool_logic.NO_FOLLOWUP, pool_logic.NO_WIN):
                part = [c for c in chunk if reasons[c] == reason]
                if part:
                    session.execute(
                        update(CustomerProfile)
                        .where(CustomerProfile.customer_id.in_(part))
                        .values(released_on=today, release_reason=reason, owned_since=None)
                    )
        _set_last_owners(session, dict(zip(ids, due["owner_id"].to_list(), strict=True)))
        moves = [
            Move(cid, "release", reason, owner, None, days)
            for cid, owner, reason, days in due.select(
                "customer_id", "owner_id", "reason", "days_idle"
            ).iter_rows()
        ]
        return record_moves(session, moves, today, actor)


def _ensure_profiles(session: Session, ids: list[int]) -> None:
    have = set(
        session.scalars(
            select(CustomerProfile.customer_id).where(CustomerProfile.customer_id.in_(ids))
        )
    )
    for customer in session.scalars(
        select(Customer).where(Customer.customer_id.in_([i for i in ids if i not in have]))
    ):
        ensure_profile(session, customer)


def _set_last_owners(session: Session, owners: dict[int, int]) -> None:
    by_owner: dict[int, list[int]] = {}
    for cid, owner in owners.items():
        by_owner.setdefault(owner, []).append(cid)
    for owner, cids in by_owner.items():
        session.execute(
            update(CustomerProfile)
            .where(CustomerProfile.customer_id.in_(cids))
            .values(last_owner_id=owner)
        )


def backfill_profiles(engine: Engine) -> int:
    """Profiles for customers that have none (say imported through the core); idempotent."""
    missing = (
        select(Customer.customer_id, Customer.name, Customer.owner_id, Customer.created_on)
        .outerjoin(CustomerProfile, CustomerProfile.customer_id == Customer.customer_id)
        .where(CustomerProfile.customer_id.is_(None))
    )
    with engine.connect() as conn:  # nothing to do (the usual case): no write, no new version
        if conn.execute(missing.limit(1)).first() is None:
            return 0
    with write_session(engine) as session:
        rows = session.execute(missing).all()
        if not rows:
            return 0
        frame = pl.DataFrame(
            rows,
            schema=polars_schema(Customer, ["customer_id", "name", "owner_id", "created_on"]),
            orient="row",
        )
        profiles = frame.select(
            "customer_id",
            pl.col("name").map_elements(name_key, return_dtype=pl.String).alias("name_key"),
            pl.when(pl.col("owner_id").is_not_null()).then("created_on").alias("owned_since"),
            pl.col("owner_id").alias("first_owner_id"),
            *(pl.lit("").alias(c) for c in ("phone", "tax_id", "address", "needs",
                                            "preferences", "phone_key", "tax_key",
                                            "release_reason")),
            pl.lit("other").alias("source"),
            pl.lit(False).alias("locked"),
            pl.lit(utcnow()).alias("updated_at"),
        )  # fmt: skip
        bulk_insert(session, CustomerProfile.__table__, profiles)
        return profiles.height


def housekeeping(engine: Engine) -> None:
    """At start-up: profiles for customers added through the core, then today's release."""
    backfill_profiles(engine)
    release_due(engine)


# -- someone leaves ------------------------------------------------------------------


def hand_over(
    session: Session, person_id: int, handover_id: int | None, effective: dt.date, actor: str
) -> int:
    """The leaver's private pool, inside the leave's transaction (the ``person_leaving``
    hook): to ``handover_id`` (locks kept, the clocks start again), or back to the
    public pool when no one is named (locked ones too: a leaver keeps nothing)."""
    customers = list(session.scalars(select(Customer).where(Customer.owner_id == person_id)))
    moves = []
    for customer in customers:
        profile = ensure_profile(session, customer)
        profile.last_owner_id = person_id
        if handover_id is None:
            profile.locked = False
            _release_one(session, customer, profile, pool_logic.LEFT, effective)
            moves.append(Move(customer.customer_id, "release", pool_logic.LEFT, person_id, None))
        else:
            _take(session, customer, handover_id, effective)
            moves.append(
                Move(customer.customer_id, "assign", pool_logic.LEFT, person_id, handover_id)
            )
    record_moves(session, moves, effective, actor)
    return len(moves)
