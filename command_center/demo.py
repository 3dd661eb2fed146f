"""Deterministic demo data: an org tree, customers, products, 24 months of orders, targets.

:func:`generate` builds every core row with vectorised NumPy/Polars from one
``numpy.random.default_rng(seed)``, so the same ``(seed, as_of)`` gives the
same rows byte for byte. :func:`load_demo` stores them in ONE transaction
(with the demo users and one data-version bump), then calls every plugin's
``seed_demo`` hook with its own ``random.Random(f"{seed}:{plugin}")``.

The 24 months are the full months before ``as_of``'s month; targets cover
them and the three months that follow (``as_of``'s month and the next two).
Last, :func:`command_center.demo_plans.seed_target_plans` makes the year's target
plans (approved, and one waiting) through the target-plan actions.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pluggy
import polars as pl
from sqlalchemy import Connection, Engine, MetaData, String, bindparam, cast, exists, select, text
from sqlalchemy.orm import Session

from command_center import cash
from command_center.db import frames, summaries
from command_center.db.audit import audit
from command_center.db.bulk import bulk_insert, ensure_transaction
from command_center.db.cash_models import Payment, PaymentCredit
from command_center.db.engine import bump_data_version, write_session
from command_center.db.models import (
    Customer,
    OrderLine,
    Person,
    PriceList,
    PriceListItem,
    Product,
    Target,
    User,
)
from command_center.demo_names import (
    BRAND_CHARS,
    GIVEN_CHARS,
    INDUSTRIES,
    NATIONWIDE,
    REGION_CITIES,
    REGIONS,
    SUFFIXES,
    SURNAMES,
    manager_regions,
)
from command_center.demo_payments import pay_plugin_lines, payment_frames
from command_center.demo_plans import seed_target_plans
from command_center.demo_products import line_products, price_list_frames, products_frame
from command_center.org.auth import add_user
from command_center.types import DemoContext

if TYPE_CHECKING:
    from command_center.plugins import PluginHost


@dataclass(frozen=True)
class Scale:
    """How much demo data to make; ``months`` of orders before ``as_of``'s month."""

    people: int
    customers: int
    order_lines: int
    months: int = 24


SCALES: dict[str, Scale] = {
    "small": Scale(people=80, customers=3_000, order_lines=60_000),
    "medium": Scale(people=500, customers=50_000, order_lines=1_000_000),
    "large": Scale(people=5_000, customers=500_000, order_lines=10_000_000),
}
DEMO_PASSWORD = "demo-pass-2026"
# login -> role; ``rep2`` reports to a different supervisor and manager than ``rep``.
DEMO_LOGINS: dict[str, str] = {
    "director": "director",
    "manager": "manager",
    "supervisor": "supervisor",
    "rep": "rep",
    "rep2": "rep",
    "admin": "admin",
}
TARGET_MONTHS_AHEAD = 3
SIZES = ("key_account", "smb", "prospect")
SIZE_SHARES = (0.05, 0.80, 0.15)  # prospects never ordered
MEAN_LINE_REVENUE = 5_000.0
# Calendar-month demand: Spring Festival dip, 618, Double 11 and year-end push.
SEASON = np.array([0.85, 0.60, 1.05, 1.00, 1.00, 1.10, 0.95, 0.95, 1.05, 0.95, 1.15, 1.25])
GROWTH_PER_YEAR = 1.15
EMPTY_ERROR = "database already holds data; use --reset"
# Rows that survive a reset: the schema version and the (monotonic) data version.
_KEEP_TABLES = frozenset({"alembic_version", "meta"})
_EPOCH = dt.date(1970, 1, 1)


@dataclass
class DemoData:
    """The core's demo rows, as Polars frames ready for :func:`bulk_insert`."""

    people: pl.DataFrame
    customers: pl.DataFrame
    orders: pl.DataFrame
    targets: pl.DataFrame
    logins: dict[str, int | None]  # login -> person_id
    months: list[dt.date]
    products: pl.DataFrame
    price_lists: pl.DataFrame
    price_list_items: pl.DataFrame
    payments: pl.DataFrame | None = None  # issue 16: collection (command_center.demo_payments)
    payment_credits: pl.DataFrame | None = None


# -- dates ------------------------------------------------------------------
def add_months(month: dt.date, n: int) -> dt.date:
    """The first day of the month ``n`` months after ``month``'s."""
    year, index = divmod(month.year * 12 + month.month - 1 + n, 12)
    return dt.date(year, index + 1, 1)


def demo_months(as_of: dt.date, count: int = 24) -> list[dt.date]:
    """First days of the ``count`` full months before ``as_of``'s month, oldest first."""
    first = as_of.replace(day=1)
    return [add_months(first, i - count) for i in range(count)]


def _days(day: dt.date) -> int:
    return (day - _EPOCH).days


def _date_series(name: str, days: np.ndarray) -> pl.Series:
    return pl.Series(name, days.astype("datetime64[D]"))


def _demand(months: list[dt.date]) -> np.ndarray:
    """Relative demand per month: seasonality times year-over-year growth."""
    season = SEASON[[m.month - 1 for m in months]]
    return season * GROWTH_PER_YEAR ** (np.arange(len(months)) / 12)


def _split(total: int, parts: int, rng: np.random.Generator) -> np.ndarray:
    """``total`` spread over ``parts`` counts that differ by about ±20 %."""
    raw = rng.uniform(0.8, 1.2, parts)
    raw = raw / raw.sum() * total
    counts = np.floor(raw).astype(np.int64)
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[: total - int(counts.sum())]] += 1
    return counts


# -- the org tree -------------------------------------------------------------
@dataclass
class _Org:
    frame: pl.DataFrame
    rep_ids: np.ndarray  # person ids of the reps (contiguous)
    rep_region: np.ndarray  # region name per rep
    rep_big: np.ndarray  # index into REGIONS per rep
    rep_perf: np.ndarray  # revenue multiplier per rep
    rep_trend: np.ndarray  # yearly drift of revenue per rep
    logins: dict[str, int | None]


def _shape(people: int) -> tuple[int, int, int]:
    """Managers, supervisors and reps for ``people`` (the director is the +1)."""
    per_manager = 4 if people < 200 else 5
    managers = max(1, round((people - 1) / (1 + per_manager * 11)))
    supervisors = managers * per_manager
    reps = people - 1 - managers - supervisors
    if managers < 1 or supervisors < 2 or reps < supervisors:
        raise ValueError(f"{people} people are too few for an org tree")
    return managers, supervisors, reps


def _names(rng: np.random.Generator, count: int) -> list[str]:
    weights = 1.0 / (np.arange(len(SURNAMES)) + 4.0)
    surname = rng.choice(len(SURNAMES), count, p=weights / weights.sum())
    first = rng.integers(0, len(GIVEN_CHARS), count)
    second = rng.integers(0, len(GIVEN_CHARS), count)
    two = rng.random(count) < 0.65
    return [
        SURNAMES[s] + GIVEN_CHARS[a] + (GIVEN_CHARS[b] if t else "")
        for s, a, b, t in zip(surname, first, second, two, strict=True)
    ]


def _org(scale: Scale, rng: np.random.Generator, start: dt.date) -> _Org:
    managers, supervisors, reps = _shape(scale.people)
    sup_counts = _split(supervisors, managers, rng)
    rep_counts = _split(reps, supervisors, rng)
    manager_ids = np.arange(2, 2 + managers)
    sup_ids = np.arange(manager_ids[-1] + 1, manager_ids[-1] + 1 + supervisors)
    rep_ids = np.arange(sup_ids[-1] + 1, sup_ids[-1] + 1 + reps)
    sup_manager = np.repeat(manager_ids, sup_counts)
    rep_sup = np.repeat(sup_ids, rep_counts)
    rep_manager = sup_manager[rep_sup - sup_ids[0]]

    regions = manager_regions(managers)
    region_name = np.array([r for r, _ in regions], dtype=object)
    region_big = np.array([REGIONS.index(b) for _, b in regions])

    total = 1 + managers + supervisors + reps
    level = np.array(
        ["director"] + ["manager"] * managers + ["supervisor"] * supervisors + ["rep"] * reps,
        dtype=object,
    )
    boss = np.concatenate([[0], np.ones(managers, np.int64), sup_manager, rep_sup])
    person_manager = np.concatenate([[0], manager_ids, sup_manager, rep_manager])
    region = np.where(
        person_manager == 0, NATIONWIDE, region_name[np.maximum(person_manager - 2, 0)]
    )

    years = np.concatenate(
        [
            rng.uniform(8, 12, 1),
            rng.uniform(4, 10, managers),
            rng.uniform(2, 8, supervisors),
            rng.uniform(0.05, 6, reps),
        ]
    )
    hire = _days(start) - np.round(years * 365.25).astype(np.int64)
    status = np.full(total, "active", dtype=object)
    status[sup_ids - 1] = rng.choice(["active", "leave"], supervisors, p=[0.95, 0.05])
    status[rep_ids - 1] = rng.choice(["active", "leave", "left"], reps, p=[0.92, 0.04, 0.04])
    # The first supervisor of every manager and the first rep of every
    # supervisor are active: the demo logins sign in as them.
    first_sup = np.concatenate([[0], np.cumsum(sup_counts)[:-1]])
    first_rep = np.concatenate([[0], np.cumsum(rep_counts)[:-1]])
    status[sup_ids[first_sup] - 1] = "active"
    status[rep_ids[first_rep] - 1] = "active"

    frame = pl.DataFrame(
        {
            "person_id": pl.Series(np.arange(1, total + 1), dtype=pl.Int64),
            "name": _names(rng, total),
            "level": pl.Series(level, dtype=pl.String),
            "manager_id": pl.Series(np.where(boss == 0, None, boss).tolist(), dtype=pl.Int64),
            "region": pl.Series(region, dtype=pl.String),
            "hire_date": _date_series("hire_date", hire),
            "status": pl.Series(status, dtype=pl.String),
        }
    )
    manager_sup = int(sup_ids[0])
    other_sup = int(sup_ids[first_sup[1]]) if managers > 1 else int(sup_ids[1])
    logins: dict[str, int | None] = {
        "director": 1,
        "manager": int(manager_ids[0]),
        "supervisor": manager_sup,
        "rep": int(rep_ids[np.searchsorted(rep_sup, manager_sup)]),
        "rep2": int(rep_ids[np.searchsorted(rep_sup, other_sup)]),
        "admin": None,
    }
    rep_pos = rep_manager - 2
    return _Org(
        frame=frame,
        rep_ids=rep_ids,
        rep_region=region_name[rep_pos],
        rep_big=region_big[rep_pos],
        rep_perf=rng.lognormal(0.0, 0.35, reps),
        rep_trend=rng.normal(0.0, 0.12, reps),
        logins=logins,
    )


# -- customers ---------------------------------------------------------------
def _flat(groups: list[tuple[str, ...]]) -> tuple[pl.Series, np.ndarray, np.ndarray]:
    """All words of ``groups`` in one series, with each group's offset and length."""
    lengths = np.array([len(g) for g in groups])
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    return pl.Series([w for g in groups for w in g], dtype=pl.String), offsets, lengths


def _pick(
    rng: np.random.Generator, group: np.ndarray, offsets: np.ndarray, lengths: np.ndarray
) -> np.ndarray:
    return offsets[group] + np.floor(rng.random(group.size) * lengths[group]).astype(np.int64)


def _company_names(
    rng: np.random.Generator, big: np.ndarray, industry: np.ndarray, size: np.ndarray
) -> pl.Series:
    """Unique names like 杭州恒泰网络科技有限公司: city + brand + trade + suffix."""
    n = big.size
    cities, c_off, c_len = _flat([REGION_CITIES[r] for r in REGIONS])
    words, w_off, w_len = _flat([words for _, words in INDUSTRIES.values()])
    city = cities.gather(_pick(rng, big, c_off, c_len))
    word = words.gather(_pick(rng, industry, w_off, w_len))
    suffix = np.empty(n, dtype=object)
    for s, name in enumerate(SIZES):
        mask = size == s
        options = SUFFIXES[name]
        chosen = rng.choice(len(options), int(mask.sum()), p=[p for _, p in options])
        suffix[mask] = np.array([o for o, _ in options], dtype=object)[chosen]
    chars = pl.Series(BRAND_CHARS, dtype=pl.String)
    a = rng.integers(0, len(BRAND_CHARS), n)
    b = (a + rng.integers(1, len(BRAND_CHARS), n)) % len(BRAND_CHARS)
    brand = (chars.gather(a) + chars.gather(b)).to_numpy().astype(object)
    parts = pl.DataFrame({"city": city, "word": word, "suffix": pl.Series(suffix, dtype=pl.String)})
    for _ in range(20):
        names = parts.select(
            pl.concat_str("city", pl.Series(brand, dtype=pl.String), "word", "suffix").alias("name")
        ).to_series()
        redo = np.flatnonzero((~names.is_first_distinct()).to_numpy())
        if redo.size == 0:
            return names
        # Clashes get a three-character brand.
        extra = rng.integers(0, len(BRAND_CHARS), (redo.size, 3))
        brand[redo] = ["".join(BRAND_CHARS[i] for i in row) for row in extra]
    raise RuntimeError("could not make unique company names")


@dataclass
class _Customers:
    frame: pl.DataFrame  # without created_on (that follows from the orders)
    owner_pos: np.ndarray  # index into the org's reps
    size: np.ndarray  # index into SIZES


def _customers(scale: Scale, rng: np.random.Generator, org: _Org) -> _Customers:
    n = scale.customers
    size = rng.choice(len(SIZES), n, p=SIZE_SHARES)
    shares = np.array([share for share, _ in INDUSTRIES.values()])
    industry = rng.choice(len(INDUSTRIES), n, p=shares / shares.sum())
    capacity = rng.uniform(0.6, 1.4, org.rep_ids.size)
    owner_pos = rng.choice(org.rep_ids.size, n, p=capacity / capacity.sum())
    names = _company_names(rng, org.rep_big[owner_pos], industry, size)
    frame = pl.DataFrame(
        {
            "customer_id": pl.Series(np.arange(1, n + 1), dtype=pl.Int64),
            "name": names,
            "industry": pl.Series(
                np.array(list(INDUSTRIES), dtype=object)[industry], dtype=pl.String
            ),
            "size": pl.Series(np.array(SIZES, dtype=object)[size], dtype=pl.String),
            "owner_id": pl.Series(org.rep_ids[owner_pos], dtype=pl.Int64),
            "region": pl.Series(org.rep_region[owner_pos], dtype=pl.String),
        }
    )
    return _Customers(frame, owner_pos, size)


# -- orders and targets --------------------------------------------------------
def _orders(
    scale: Scale,
    rng: np.random.Generator,
    org: _Org,
    cust: _Customers,
    months: list[dt.date],
    as_of: dt.date,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The order lines, and the customers frame completed with ``created_on``."""
    nm, n_lines = len(months), scale.order_lines
    demand = _demand(months)
    upto = np.cumsum(demand) / demand.sum()  # P(month <= i)
    before = np.concatenate([[0.0], upto[:-1]])  # P(month < i)

    buyers = np.flatnonzero(cust.size != SIZES.index("prospect"))
    nb = buyers.size
    owner = cust.owner_pos[buyers]
    start = np.where(rng.random(nb) < 0.35, rng.integers(1, nm, nb), 0)  # 35 % won in window
    value = (
        rng.lognormal(0.0, 1.2, nb)
        * org.rep_perf[owner]
        * np.where(cust.size[buyers] == SIZES.index("key_account"), 6.0, 1.0)
    )
    weight = value**0.6 * (1.0 - before[start])
    lines = rng.multinomial(n_lines, weight / weight.sum())
    line_buyer = np.repeat(np.arange(nb), lines)  # grouped by customer; shuffled below

    # Month: the demand curve, cut to the months from the customer's start on.
    low = before[start[line_buyer]]
    month = np.minimum(
        np.searchsorted(upto, low + rng.random(n_lines) * (1 - low), "right"), nm - 1
    )
    first_day = np.array([_days(m) for m in [*months, add_months(months[-1], 1)]])
    length = np.diff(first_day)
    day = first_day[month] + (length[month] * rng.random(n_lines) ** 0.8).astype(np.int64)

    person_pos = owner[line_buyer]
    other = rng.random(n_lines) < 0.03  # a few lines booked by another rep
    person_pos = np.where(other, rng.integers(0, org.rep_ids.size, n_lines), person_pos)
    drift = 1.0 + org.rep_trend[owner[line_buyer]] * (month - (nm - 1) / 2) / 12
    revenue = value[line_buyer] ** 0.4 * rng.lognormal(0.0, 0.55, n_lines) * np.maximum(drift, 0.3)
    revenue = np.maximum(np.round(revenue * (MEAN_LINE_REVENUE / revenue.mean()), 2), 50.0)
    cost = np.round(revenue * rng.uniform(0.55, 0.80, n_lines), 2)

    # Order ids follow the dates, customers shuffled within a day (radix sort on uint16).
    shuffle = rng.permutation(n_lines)
    order = shuffle[np.argsort((day - first_day[0]).astype(np.uint16)[shuffle], kind="stable")]
    day_sorted = day[order]
    orders = pl.DataFrame(
        {
            "order_id": pl.Series(np.arange(1, n_lines + 1), dtype=pl.Int64),
            "customer_id": pl.Series(buyers[line_buyer[order]] + 1, dtype=pl.Int64),
            "person_id": pl.Series(org.rep_ids[person_pos[order]], dtype=pl.Int64),
            "order_date": _date_series("order_date", day_sorted),
            "revenue": pl.Series(revenue[order], dtype=pl.Float64),
            "cost": pl.Series(cost[order], dtype=pl.Float64),
        }
    )

    # created_on: before the first order (long before for existing customers).
    n = cust.size.size
    window_start, window_days = first_day[0], first_day[-1] - first_day[0]
    earlier = window_start - rng.integers(1, 5 * 365, n)
    lead = rng.integers(1, 46, n)
    in_window = window_start + rng.integers(0, window_days, n)
    recent = _days(as_of.replace(day=1)) - rng.integers(1, 366, n)
    created = np.where(cust.size == SIZES.index("prospect"), recent, in_window)
    has = lines > 0
    first_order = np.full(nb, first_day[-1], dtype=np.int64)
    np.minimum.at(first_order, line_buyer, day)
    created[buyers] = np.where(
        start == 0, earlier[buyers], np.where(has, first_order - lead[buyers], in_window[buyers])
    )
    customers = cust.frame.with_columns(_date_series("created_on", created))
    return orders, customers


def _targets(
    rng: np.random.Generator,
    org: _Org,
    orders: pl.DataFrame,
    customers: pl.DataFrame,
    months: list[dt.date],
) -> pl.DataFrame:
    """Monthly revenue and new-customer targets for every rep, 24 + 3 months."""
    nm, nr = len(months), org.rep_ids.size
    periods = [*months, *(add_months(months[-1], i + 1) for i in range(TARGET_MONTHS_AHEAD))]
    index = _demand(periods)
    index = index / index[:nm].mean()
    pos = orders["person_id"].to_numpy() - org.rep_ids[0]
    month = (
        orders["order_date"].dt.year().to_numpy().astype(np.int64) * 12
        + orders["order_date"].dt.month().to_numpy()
        - (months[0].year * 12 + months[0].month)
    )
    revenue = np.bincount(
        pos * nm + month, weights=orders["revenue"].to_numpy(), minlength=nr * nm
    ).reshape(nr, nm)
    typical = revenue.mean(axis=1)
    typical = np.where(typical > 0, typical, np.median(typical[typical > 0]) * 0.5)
    rev = np.round(
        typical[:, None] * index[None, :] * rng.uniform(0.9, 1.2, (nr, len(periods))), -2
    )

    created = customers["created_on"].to_numpy().astype("datetime64[D]").astype(np.int64)
    won = (created >= _days(months[0])) & (created < _days(periods[nm]))
    owners = customers["owner_id"].to_numpy()[won] - org.rep_ids[0]
    rate = np.bincount(owners, minlength=nr) / nm
    new = np.maximum(1, np.round(rate[:, None] * rng.uniform(0.8, 1.3, (nr, len(periods)))))

    labels = [p.strftime("%Y-%m") for p in periods]
    frames = [
        pl.DataFrame(
            {
                "person_id": np.repeat(org.rep_ids, len(periods)),
                "period": labels * nr,
                "metric": metric,
                "target": values.ravel().astype(np.float64),
            }
        )
        for metric, values in (("revenue", rev), ("new_customers", new))
    ]
    out = pl.concat(frames).sort("person_id", "metric", "period", maintain_order=True)
    return out.select(pl.int_range(1, out.height + 1, dtype=pl.Int64).alias("target_id"), pl.all())


def generate(scale: Scale | str = "small", seed: int = 7, as_of: dt.date | None = None) -> DemoData:
    """Every core demo row for ``(scale, seed, as_of)``; nothing is stored."""
    spec = _scale(scale)
    as_of = as_of or dt.date.today()
    months = demo_months(as_of, spec.months)
    rng = np.random.default_rng(seed)
    org = _org(spec, rng, months[0])
    cust = _customers(spec, rng, org)
    orders, customers = _orders(spec, rng, org, cust, months, as_of)
    targets = _targets(rng, org, orders, customers, months)
    orders = orders.with_columns(line_products(orders.height, seed))
    lists, items = price_list_frames(as_of)
    payments, credits = payment_frames(orders, seed, as_of)
    return DemoData(
        org.frame,
        customers,
        orders,
        targets,
        org.logins,
        months,
        products_frame(),
        lists,
        items,
        payments,
        credits,
    )


def _scale(scale: Scale | str) -> Scale:
    if isinstance(scale, Scale):
        return scale
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; expected one of {', '.join(SCALES)}")
    return SCALES[scale]


# -- storing -------------------------------------------------------------------
def is_empty(engine: Engine) -> bool:
    """True when the database holds no people (the demo may be loaded)."""
    with engine.connect() as conn:
        return not conn.execute(select(exists().where(Person.person_id.is_not(None)))).scalar()


def _clear(conn: Connection) -> None:
    """Delete every row of every table (plugins' too), children first."""
    reflected = MetaData()
    reflected.reflect(conn)
    tables = [t for t in reflected.sorted_tables if t.name not in _KEEP_TABLES]
    if not tables:
        return
    if conn.dialect.name == "postgresql":
        quote = conn.dialect.identifier_preparer.format_table
        conn.execute(text(f"TRUNCATE {', '.join(quote(t) for t in tables)} RESTART IDENTITY"))
        return
    for table in reversed(tables):  # SQLite: enforcement is off while loading
        conn.execute(table.delete())


@contextmanager
def _fast_sqlite(conn: Connection) -> Iterator[None]:
    """While loading: no fsync, a big page cache and no foreign-key enforcement.

    Without enforcement a reset's ``DELETE FROM`` empties a table at once
    instead of row by row (minutes at the large scale); the frames are
    checked by :func:`check_references` before anything is stored instead.
    The connection gets its old settings back afterwards. Set before BEGIN:
    SQLite ignores ``foreign_keys`` inside a transaction.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.driver_connection
    names = ("synchronous", "cache_size", "foreign_keys")
    old = {name: raw.execute(f"PRAGMA {name}").fetchone()[0] for name in names}  # type: ignore[union-attr]
    raw.execute("PRAGMA synchronous=OFF")  # type: ignore[union-attr]
    raw.execute("PRAGMA cache_size=-262144")  # type: ignore[union-attr]
    raw.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
    try:
        yield
    finally:
        for name, value in old.items():
            raw.execute(f"PRAGMA {name}={int(value)}")  # type: ignore[union-attr]


def with_demo_keys(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """The demo's external keys, made from the ids (vectorised; the same seed, the same keys).

    They look like a real company's: employee numbers with leading zeros
    (``E00417``), customer numbers (``CUST-000123``) and ERP order numbers with
    the year of the order (``SO/2026/000042``).
    """
    if table == "people":
        key = pl.lit("E") + pl.col("person_id").cast(pl.String).str.zfill(5)
        return frame.with_columns(key.alias("person_key"))
    if table == "customers":
        key = pl.lit("CUST-") + pl.col("customer_id").cast(pl.String).str.zfill(6)
        return frame.with_columns(key.alias("customer_key"))
    if table == "orders":
        year = pl.col("order_date").dt.year().cast(pl.String)
        number = pl.col("order_id").cast(pl.String).str.zfill(6)
        return frame.with_columns((pl.lit("SO/") + year + "/" + number).alias("order_key"))
    return frame


def _key_plugin_rows(engine: Engine, data: DemoData, progress: Callable[[str], None]) -> None:
    """Demo keys for the people, customers and order lines plugins' demos made (a hire,
    a booked contract): the app names them by their ids' text, the demo as the rest.

    Only rows above the core demo's largest id are looked at (an indexed range)."""
    kinds = (
        ("people", Person.__table__, data.people, "person_id", "person_key"),
        ("customers", Customer.__table__, data.customers, "customer_id", "customer_key"),
        ("orders", OrderLine.__table__, data.orders, "order_id", "order_key"),
    )
    for name, table, frame, id_column, key_column in kinds:
        ids, stored = table.c[id_column], table.c[key_column]
        first = int(frame[id_column].max() or 0)
        extra = [table.c.order_date] if name == "orders" else []
        query = select(ids, *extra).where(ids > first, stored == cast(ids, String))
        with engine.connect() as conn:
            rows = conn.execute(query).all()
        if not rows:  # nothing to write: the data version stays
            continue
        progress(f"Demo keys for {len(rows):,} {name} the plugins made")
        names = [id_column, *(c.name for c in extra)]
        made = with_demo_keys(name, pl.DataFrame(rows, schema=names, orient="row"))
        update = table.update().where(ids == bindparam("_id"))
        with write_session(engine) as session:
            session.execute(
                update.values({key_column: bindparam("_key")}),
                [{"_id": i, "_key": k} for i, k in made.select(id_column, key_column).iter_rows()],
            )


def check_references(data: DemoData) -> None:
    """Every reference between the frames resolves (what the foreign keys demand)."""
    links = (
        ("people", "manager_id", data.people, data.people["person_id"]),
        ("customers", "owner_id", data.customers, data.people["person_id"]),
        ("orders", "customer_id", data.orders, data.customers["customer_id"]),
        ("orders", "person_id", data.orders, data.people["person_id"]),
        ("orders", "product_id", data.orders, data.products["product_id"]),
        ("price_list_items", "product_id", data.price_list_items, data.products["product_id"]),
        (
            "price_list_items",
            "price_list_id",
            data.price_list_items,
            data.price_lists["price_list_id"],
        ),
        ("targets", "person_id", data.targets, data.people["person_id"]),
    )
    for table, column, frame, keys in links:
        values = frame[column].drop_nulls()
        bad = values.filter(~values.is_in(keys.implode()))
        if not bad.is_empty():
            raise RuntimeError(f"demo data break a foreign key: {table}.{column} = {bad[0]}")


def _store_users(
    session: Session, logins: dict[str, int | None], progress: Callable[[str], None]
) -> int:
    """The demo logins; one that exists already (say an ``admin`` made before) is kept."""
    taken = set(session.scalars(select(User.login).where(User.login.in_(list(DEMO_LOGINS)))))
    for login, role in DEMO_LOGINS.items():
        if login in taken:
            progress(f"User {login} exists already; kept as it is")
            continue
        add_user(session, login, DEMO_PASSWORD, role, logins[login], actor="demo")
    return len(DEMO_LOGINS) - len(taken)


def _store(
    conn: Connection, data: DemoData, reset: bool, progress: Callable[[str], None]
) -> dict[str, int]:
    ensure_transaction(conn)  # SQLite: the reset's PRAGMA and DDL belong to it too
    counts: dict[str, int] = {}
    with summaries.suspended(conn):  # one rebuild of the ledger summaries, not a trigger per line
        if reset:
            progress("Clearing all existing rows")
            _clear(conn)
        for key, table, frame in (
            ("people", Person.__table__, data.people),
            ("customers", Customer.__table__, data.customers),
            ("products", Product.__table__, data.products),
            ("price_lists", PriceList.__table__, data.price_lists),
            ("price_list_items", PriceListItem.__table__, data.price_list_items),
            ("orders", OrderLine.__table__, data.orders),
            ("targets", Target.__table__, data.targets),
            ("payments", Payment.__table__, data.payments),
            ("payment_credits", PaymentCredit.__table__, data.payment_credits),
        ):
            if frame is None:
                continue
            progress(f"Storing {frame.height:,} {key}")
            frame = with_demo_keys(key, frame)
            counts[key] = bulk_insert(conn, table, frame)  # type: ignore[arg-type]
        progress("Summing the ledger per person, customer and month")
        cash.rebuild(conn)  # collected cash per person and month, from the payments' credits
    progress("Creating the demo users")
    with Session(bind=conn) as session:
        counts["users"] = _store_users(session, data.logins, progress)
        audit(session, "demo", "demo_loaded", "demo", "", **counts)
        bump_data_version(session)
        session.flush()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            "ANALYZE people, customers, products, price_lists, price_list_items, orders, "
            "targets, sales_person_month, sales_customer_month, "
            "payments, payment_credits, collected_person_month"
        )
    return counts


def seeding_order(impls: list[pluggy.HookImpl]) -> list[pluggy.HookImpl]:
    """``impls`` with each one after the plugins it ``seeds_after``; else in call order.

    Names of plugins that are not enabled are ignored; a loop of declarations
    falls back to the call order for the plugins in it.
    """
    by_name = {impl.plugin_name: impl for impl in impls}
    done: list[pluggy.HookImpl] = []
    placing: set[str] = set()

    def place(impl: pluggy.HookImpl) -> None:
        if impl in done or impl.plugin_name in placing:
            return
        placing.add(impl.plugin_name)
        for before in getattr(impl.function, "seeds_after", ()):
            if before in by_name:
                place(by_name[before])
        placing.discard(impl.plugin_name)
        done.append(impl)

    for impl in impls:
        place(impl)
    return done


def _seed_plugins(
    host: PluginHost,
    engine: Engine,
    scale: str,
    seed: int,
    as_of: dt.date,
    data: DemoData,
    progress: Callable[[str], None],
) -> None:
    """Each plugin's ``seed_demo`` with its own rng; a failure is recorded, not raised."""
    for impl in seeding_order(host.implementations("seed_demo")):
        name = impl.plugin_name
        ctx = DemoContext(
            engine=engine,
            scale=scale,
            seed=seed,
            as_of=as_of,
            rng=random.Random(f"{seed}:{name}"),
            months=data.months,
            people=data.people,
            customers=data.customers,
            progress=progress,
        )
        progress(f"Seeding plugin {name}")
        try:
            impl.function(**{arg: ctx for arg in impl.argnames})
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}"
            if name in host.infos:
                host.infos[name].hook_errors["seed_demo"] = message
            progress(f"Plugin {name} failed to seed demo data: {message}")


def load_demo(
    engine: Engine,
    host: PluginHost,
    scale: str = "small",
    seed: int = 7,
    as_of: dt.date | None = None,
    reset: bool = False,
    if_empty: bool = False,
    progress: Callable[[str], None] = lambda msg: None,
) -> dict[str, int]:
    """Store the demo data for ``(scale, seed, as_of)`` and let every plugin add its own.

    The core rows, the demo users and one data-version bump are one
    transaction; with ``reset`` the old rows are deleted in it too, so a
    failure leaves the database as it was. ``if_empty`` loads only into a
    database without people (and returns zero counts otherwise); without
    either flag a database that holds people is refused with ``ValueError``.
    """
    spec = _scale(scale)
    as_of = as_of or dt.date.today()
    empty = is_empty(engine)
    if if_empty and not empty:
        progress("The database already holds data; demo not loaded")
        return dict.fromkeys(
            (
                "people",
                "customers",
                "products",
                "price_lists",
                "price_list_items",
                "orders",
                "targets",
                "users",
            ),
            0,
        )
    if not empty and not reset:
        raise ValueError(EMPTY_ERROR)
    progress(f"Generating {scale} demo data (seed {seed}, as of {as_of.isoformat()})")
    data = generate(spec, seed, as_of)
    check_references(data)
    with engine.connect() as conn, _fast_sqlite(conn):
        with conn.begin():
            counts = _store(conn, data, reset, progress)
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.commit()
    _seed_plugins(host, engine, scale, seed, as_of, data, progress)
    _key_plugin_rows(engine, data, progress)
    pay_plugin_lines(engine, int(data.orders["order_id"].max() or 0), seed, as_of, progress)
    seed_target_plans(engine, host, as_of, progress)
    progress("Writing the ledger summaries' snapshots for the app's first start")
    frames.save_snapshots(engine)
    progress("Demo data loaded")
    return counts
