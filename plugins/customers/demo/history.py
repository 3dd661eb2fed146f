"""Deterministic demo data: profiles, contacts, follow-ups and a pool history.

The history follows the pool rules as if the daily release had run all along:
a customer without an order for more than M days fell back to the public
pool on that day (reason ``no_win``), some were claimed since by another rep
of the region, and each owner logged follow-ups at the cadence of the
customer's grade (some reps lag). Finally the real release runs at
``as_of``, so the demo starts in exactly the state the rules produce.
Everything is vectorised with NumPy from one generator seeded by ``ctx.rng``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import polars as pl
from sqlalchemy import Engine, bindparam
from sqlalchemy.orm import Session

from command_center.db import frames
from command_center.db.bulk import bulk_insert, ensure_transaction
from command_center.db.engine import bump_data_version
from command_center.db.models import Customer
from command_center.demo_names import GIVEN_CHARS, REGION_CITIES, SURNAMES
from command_center.types import DemoContext
from plugins.customers import settings as settings_mod
from plugins.customers.actions.moves import ACTOR_SYSTEM, Move, record_moves
from plugins.customers.actions.pool import release_due
from plugins.customers.demo import words
from plugins.customers.logic.abc import abc_from_lines
from plugins.customers.logic.dedupe import name_key, phone_key, tax_key
from plugins.customers.models import CHANNELS, Contact, CustomerProfile, FollowUp
from plugins.customers.settings import CustomerSettings

_EPOCH = dt.date(1970, 1, 1)
FOLLOWUP_SPAN_DAYS = {"small": 240, "medium": 120, "large": 60}
LOCKED_KEY_ACCOUNTS = 0.4
CLAIMED_SHARE = 0.35
SOURCES_P = {
    "referral": 0.25,
    "web_search": 0.20,
    "trade_show": 0.15,
    "market_research": 0.15,
    "partner": 0.15,
    "other": 0.10,
}
CHANNEL_P = {  # by grade, in the order of CHANNELS: phone, visit, online, other
    "A": (0.35, 0.45, 0.15, 0.05),
    "B": (0.45, 0.30, 0.20, 0.05),
    "C": (0.50, 0.15, 0.30, 0.05),
}
SPIN = ("", "situation", "problem", "implication", "need_payoff")
SPIN_P = (0.30, 0.25, 0.20, 0.15, 0.10)
TAX_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
DEMO_ACTOR = "demo"


def _days(day: dt.date) -> int:
    return (day - _EPOCH).days


def _day(value: int) -> dt.date:
    return _EPOCH + dt.timedelta(days=int(value))


def _dates(values: np.ndarray) -> pl.Series:
    return pl.Series(values.astype("datetime64[D]"))


def _maybe_dates(values: np.ndarray, mask: np.ndarray) -> pl.Series:
    """Dates where ``mask`` holds, nulls elsewhere."""
    days = _dates(np.where(mask, values, 0))
    return days.zip_with(pl.Series(mask), pl.Series([None] * mask.size, dtype=pl.Date))


def _pick(rng: np.random.Generator, options: tuple[str, ...], n: int) -> np.ndarray:
    return np.array(options, dtype=object)[rng.integers(0, len(options), n)]


@contextmanager
def _loading(engine: Engine) -> Iterator[Session]:
    """One transaction for the whole demo, as fast as SQLite allows.

    Like the core's demo load: no fsync, a big page cache and no foreign-key
    enforcement while the (by construction valid) rows go in; the
    connection's settings come back afterwards. One data-version bump.
    """
    with engine.connect() as conn:
        old: dict[str, int] = {}
        raw = conn.connection.driver_connection if conn.dialect.name == "sqlite" else None
        if raw is not None:
            for name, value in (("synchronous", 0), ("cache_size", -262_144), ("foreign_keys", 0)):
                old[name] = raw.execute(f"PRAGMA {name}").fetchone()[0]  # type: ignore[union-attr]
                raw.execute(f"PRAGMA {name}={value}")  # type: ignore[union-attr]
        try:
            with conn.begin(), Session(bind=conn) as session:
                ensure_transaction(conn)
                yield session
                bump_data_version(session)
                session.flush()
        finally:
            for name, value in old.items():
                raw.execute(f"PRAGMA {name}={int(value)}")  # type: ignore[union-attr]


def seed(ctx: DemoContext) -> None:
    rng = np.random.default_rng(ctx.rng.getrandbits(64))
    rules = settings_mod.get(ctx.engine)
    customers = ctx.customers.sort("customer_id")
    n = customers.height
    if n == 0:
        return
    ctx.progress("customers: reading the ledger")
    lines = frames.read_frame(
        ctx.engine,
        "SELECT customer_id, order_date, revenue FROM orders",
        {"customer_id": pl.Int64(), "order_date": pl.Date(), "revenue": pl.Float64()},
    )
    graded = abc_from_lines(lines, customers, ctx.as_of, rules.abc_months, rules.cutoffs)
    joined = customers.select("customer_id").join(
        lines.group_by("customer_id").agg(pl.col("order_date").max().alias("last_order")),
        on="customer_id",
        how="left",
    )
    joined = joined.join(graded.select("customer_id", "grade"), on="customer_id", how="left").sort(
        "customer_id"
    )  # joins do not keep the row order; the arrays below must align
    grade = joined["grade"].fill_null("C").to_numpy()
    ids = customers["customer_id"].to_numpy()
    owner0 = customers["owner_id"].fill_null(0).to_numpy()
    created = customers["created_on"].to_numpy().astype("datetime64[D]").astype(np.int64)
    as_of = _days(ctx.as_of)

    # -- pool history -----------------------------------------------------------
    key_account = (customers["size"] == "key_account").to_numpy()
    locked = key_account & (rng.random(n) < LOCKED_KEY_ACCOUNTS) & (owner0 > 0)
    last_order = joined["last_order"].to_numpy().astype("datetime64[D]").astype(np.int64)
    has_order = joined["last_order"].is_not_null().to_numpy()
    base = np.where(has_order, np.maximum(last_order, created), created)
    released_on = base + rules.release_no_win_days + 1
    released = ~locked & (owner0 > 0) & (released_on <= as_of - 1)
    lo = np.maximum(released_on + 1, as_of - rules.release_no_win_days + 1)
    claimed = released & (lo <= as_of - 1) & (rng.random(n) < CLAIMED_SHARE)
    claimed_on = lo + np.floor(rng.random(n) * np.maximum(as_of - lo, 1)).astype(np.int64)
    claimer = _claimers(rng, ctx.people, customers, owner0, claimed)
    claimed &= claimer > 0
    owner = np.where(claimed, claimer, np.where(released, 0, owner0))
    owned_since = np.where(claimed, claimed_on, np.where(released, -1, created))

    # -- follow-ups by ownership spell ---------------------------------------------
    span_start = as_of - FOLLOWUP_SPAN_DAYS.get(ctx.scale, 90)
    people_ids = ctx.people["person_id"].to_numpy()
    diligence = np.ones(int(people_ids.max()) + 1)
    diligence[people_ids] = np.clip(rng.lognormal(0.0, 0.25, people_ids.size), 0.6, 1.5)
    spells = [
        (
            np.flatnonzero(owner0 > 0),
            owner0,
            created,
            np.where(released, released_on - 1, as_of),
            released,
        ),
        (np.flatnonzero(claimed), claimer, claimed_on, np.full(n, as_of), np.zeros(n, bool)),
    ]
    followups = _followups(rng, ids, spells, grade, diligence, rules, span_start)

    # -- store ------------------------------------------------------------------------
    ctx.progress(f"customers: storing {n:,} profiles and {followups.height:,} follow-ups")
    stamp = dt.datetime.combine(ctx.as_of, dt.time(8))
    profiles = _profiles(rng, customers, locked, owner0, owned_since, released, released_on, stamp)
    contacts = _contacts(rng, customers)
    moves = [
        Move(
            int(ids[i]),
            "release",
            "no_win",
            int(owner0[i]),
            None,
            int(released_on[i] - base[i]),
            _day(released_on[i]),
        )
        for i in np.flatnonzero(released)
    ]
    claims = [
        Move(int(ids[i]), "claim", "claim", None, int(claimer[i]), None, _day(claimed_on[i]))
        for i in np.flatnonzero(claimed)
    ]
    with _loading(ctx.engine) as session:
        changed = np.flatnonzero(owner != owner0)
        if changed.size:
            ctx.progress(f"customers: {changed.size:,} customers changed hands")
            table = Customer.__table__
            session.execute(
                table.update()
                .where(table.c.customer_id == bindparam("cid"))
                .values(owner_id=bindparam("oid")),
                [{"cid": int(ids[i]), "oid": int(owner[i]) or None} for i in changed],
            )
        for table, frame in (
            (CustomerProfile.__table__, profiles),
            (Contact.__table__, contacts),
            (FollowUp.__table__, followups),
        ):
            ctx.progress(f"customers: storing {frame.height:,} rows of {table.name}")
            bulk_insert(session, table, frame)
        ctx.progress(f"customers: storing {len(moves) + len(claims):,} pool moves")
        record_moves(session, moves, ctx.as_of, ACTOR_SYSTEM)
        record_moves(session, claims, ctx.as_of, DEMO_ACTOR)
        ctx.progress("customers: committing")
    ctx.progress("customers: releasing what the pool rules release today")
    release_due(ctx.engine, ctx.as_of, actor=ACTOR_SYSTEM)


def _claimers(
    rng: np.random.Generator,
    people: pl.DataFrame,
    customers: pl.DataFrame,
    owner0: np.ndarray,
    claimed: np.ndarray,
) -> np.ndarray:
    """For each claimed customer, an active rep of its region other than the old owner."""
    out = np.zeros(customers.height, dtype=np.int64)
    reps = people.filter((pl.col("level") == "rep") & (pl.col("status") == "active"))
    region = customers["region"].to_numpy()
    for name, group in reps.group_by("region"):
        ids = group["person_id"].to_numpy()
        mask = claimed & (region == name[0])
        if ids.size < 2 or not mask.any():
            continue
        pick = ids[rng.integers(0, ids.size, int(mask.sum()))]
        again = pick == owner0[mask]
        pick[again] = ids[(np.searchsorted(ids, pick[again]) + 1) % ids.size]
        out[mask] = pick
    return out


def _followups(
    rng: np.random.Generator,
    ids: np.ndarray,
    spells: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
    grade: np.ndarray,
    diligence: np.ndarray,
    rules: CustomerSettings,
    span_start: int,
) -> pl.DataFrame:
    """Follow-ups at each spell owner's pace: gaps within the no-follow-up limit, except
    that a lagging owner's latest one may be older (the release of ``as_of`` sees to it)."""
    parts = []
    intervals = np.array([rules.intervals[g] for g in ("A", "B", "C")], dtype=float)
    grade_pos = np.searchsorted(np.array(["A", "B", "C"]), grade)
    limit = float(rules.release_no_followup_days)
    for idx, owners, starts, ends, closed in spells:
        if idx.size == 0:
            continue
        who = owners[idx]
        start = np.maximum(starts[idx], span_start)
        end = ends[idx]
        pace = intervals[grade_pos[idx]] * diligence[who]
        gap = np.maximum(1.0, np.minimum(pace * rng.uniform(0.75, 1.0, idx.size), limit))
        reach = np.where(closed[idx], np.minimum(pace, limit), pace * 1.1)
        offset = np.floor(rng.random(idx.size) * reach)
        length = end - start
        count = np.where(length >= offset, np.floor((length - offset) / gap) + 1, 0).astype(
            np.int64
        )
        rows = np.repeat(np.arange(idx.size), count)
        step = np.arange(rows.size) - np.repeat(np.cumsum(count) - count, count)
        jitter = rng.integers(-1, 2, rows.size)
        day = end[rows] - offset[rows] - np.round(step * gap[rows]) + jitter * (step > 0)
        day = np.clip(day, start[rows], end[rows]).astype(np.int64)
        parts.append(
            pl.DataFrame(
                {
                    "customer_id": ids[idx][rows],
                    "person_id": who[rows],
                    "followup_date": _dates(day),
                    "grade": grade[idx][rows],
                }
            )
        )
    if not parts:
        return pl.DataFrame()
    frame = pl.concat(parts).unique(["customer_id", "followup_date"], keep="first")
    frame = frame.sort("followup_date", "customer_id")
    m = frame.height
    g = frame["grade"].to_numpy()
    channel = np.empty(m, dtype=object)
    for key, p in CHANNEL_P.items():
        mask = g == key
        channel[mask] = np.array(CHANNELS, dtype=object)[rng.choice(4, int(mask.sum()), p=p)]
    notes = np.empty(m, dtype=object)
    for ch in CHANNELS:
        mask = channel == ch
        notes[mask] = _pick(rng, words.FOLLOWUP_NOTES[ch], int(mask.sum()))
    has_next = rng.random(m) < 0.7
    next_step = np.where(has_next, _pick(rng, words.NEXT_STEPS, m), "")
    day = frame["followup_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    next_day = day + rng.integers(3, 15, m)
    return frame.select(
        pl.int_range(1, m + 1, dtype=pl.Int64).alias("followup_id"),
        "customer_id",
        "person_id",
        "followup_date",
        pl.Series("channel", channel, dtype=pl.String),
        pl.Series("notes", notes, dtype=pl.String),
        pl.Series("next_step", next_step, dtype=pl.String),
        _maybe_dates(next_day, has_next).alias("next_date"),
        pl.Series(
            "spin_stage", np.array(SPIN, dtype=object)[rng.choice(5, m, p=SPIN_P)], dtype=pl.String
        ),
        (pl.col("followup_date").cast(pl.Datetime("us")) + pl.duration(hours=18)).alias(
            "created_at"
        ),
    )


def _unique_digits(ids: np.ndarray, multiplier: int, width: int) -> pl.Series:
    """``width`` digits that differ for every id (a bijection modulo 10**width)."""
    values = (ids.astype(np.int64) * multiplier + 12_345) % 10**width
    return pl.Series(values).cast(pl.String).str.zfill(width)


def _profiles(
    rng: np.random.Generator,
    customers: pl.DataFrame,
    locked: np.ndarray,
    owner0: np.ndarray,
    owned_since: np.ndarray,
    released: np.ndarray,
    released_on: np.ndarray,
    stamp: dt.datetime,
) -> pl.DataFrame:
    n = customers.height
    ids = customers["customer_id"].to_numpy()
    cities = sorted({c for group in REGION_CITIES.values() for c in group}, key=len, reverse=True)
    city = customers["name"].str.extract(f"^({'|'.join(cities)})", 1).fill_null("")
    area = pl.Series(rng.integers(10, 999, n)).cast(pl.String).str.zfill(3)
    phone = "0" + area + "-" + _unique_digits(ids, 48_271, 8)
    region_code = pl.Series(rng.integers(110_000, 660_000, n)).cast(pl.String)
    body = pl.Series(
        ["".join(TAX_CHARS[(int(i) * 7 + k * 13) % len(TAX_CHARS)] for k in range(3)) for i in ids]
    )
    tax = "91" + region_code + _unique_digits(ids, 69_621, 7) + body
    sources = list(SOURCES_P)
    source = np.array(sources, dtype=object)[
        rng.choice(len(sources), n, p=list(SOURCES_P.values()))
    ]
    two_needs = rng.random(n) < 0.4
    needs = np.where(
        two_needs,
        _pick(rng, words.NEEDS, n) + "；" + _pick(rng, words.NEEDS, n),
        _pick(rng, words.NEEDS, n),
    )
    road = _pick(rng, words.ROADS, n)
    number = rng.integers(1, 999, n).astype(str)
    names = customers["name"]
    phones = phone.to_list()
    taxes = tax.to_list()
    return pl.DataFrame(
        {
            "customer_id": pl.Series(ids, dtype=pl.Int64),
            "phone": phone,
            "tax_id": tax,
            "address": city + pl.Series(road + number.astype(object) + "号", dtype=pl.String),
            "source": pl.Series(source, dtype=pl.String),
            "needs": pl.Series(needs, dtype=pl.String),
            "preferences": pl.Series(_pick(rng, words.PREFERENCES, n), dtype=pl.String),
            "name_key": pl.Series([name_key(x) for x in names.to_list()], dtype=pl.String),
            "phone_key": pl.Series([phone_key(x) for x in phones], dtype=pl.String),
            "tax_key": pl.Series([tax_key(x) for x in taxes], dtype=pl.String),
            "locked": pl.Series(locked, dtype=pl.Boolean),
            "owned_since": _maybe_dates(owned_since, owned_since >= 0),
            "first_owner_id": pl.Series(np.where(owner0 > 0, owner0, 0)).replace(0, None),
            "last_owner_id": pl.Series(np.where(released, owner0, 0)).replace(0, None),
            "released_on": _maybe_dates(released_on, released),
            "release_reason": pl.Series(np.where(released, "no_win", ""), dtype=pl.String),
            "updated_at": pl.repeat(stamp, n, eager=True),
        }
    ).with_columns(
        pl.col("first_owner_id", "last_owner_id").cast(pl.Int64),
        pl.col("updated_at").cast(pl.Datetime("us")),
    )


def _contacts(rng: np.random.Generator, customers: pl.DataFrame) -> pl.DataFrame:
    ids = customers["customer_id"].to_numpy()
    key = (customers["size"] == "key_account").to_numpy()
    count = np.where(key, rng.integers(2, 5, ids.size), rng.integers(1, 4, ids.size))
    owner = np.repeat(ids, count)
    m = owner.size
    contact_ids = np.arange(1, m + 1)
    weights = 1.0 / (np.arange(len(SURNAMES)) + 4.0)
    surname = np.array(SURNAMES, dtype=object)[
        rng.choice(len(SURNAMES), m, p=weights / weights.sum())
    ]
    given = _pick(rng, GIVEN_CHARS, m) + np.where(
        rng.random(m) < 0.65, _pick(rng, GIVEN_CHARS, m), ""
    )
    phone = pl.Series(_pick(rng, words.MOBILE_PREFIXES, m), dtype=pl.String) + _unique_digits(
        contact_ids, 48_271, 8
    )
    mail = (
        pl.Series(_pick(rng, words.MAIL_PREFIXES, m), dtype=pl.String)
        + pl.Series(contact_ids).cast(pl.String)
        + "@"
        + pl.Series(_pick(rng, words.MAIL_DOMAINS, m), dtype=pl.String)
    )
    return pl.DataFrame(
        {
            "contact_id": pl.Series(contact_ids, dtype=pl.Int64),
            "customer_id": pl.Series(owner, dtype=pl.Int64),
            "name": pl.Series(surname + given, dtype=pl.String),
            "title": pl.Series(_pick(rng, words.CONTACT_TITLES, m), dtype=pl.String),
            "phone": phone,
            "phone_key": pl.Series([phone_key(p) for p in phone.to_list()], dtype=pl.String),
            "email": mail,
        }
    )
