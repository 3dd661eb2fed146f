"""Analytic reads: every query that returns a Polars frame goes through here.

Path, by measurement (see ``bench/``): connectorx straight from the database
URI is ~10x faster and far leaner than ``pl.read_database`` over a
SQLAlchemy connection, so it is used wherever the URL allows. PostgreSQL is
read in-process; SQLite files are read in a worker process (see
:mod:`command_center.db.cx_worker` for why: two SQLite libraries in one
process break its locking). In-memory SQLite and other dialects fall back to
SQLAlchemy.

Frames are cached per data version in a small process-wide LRU that hands
out the same frame (no copy); Polars frames are immutable, so sharing is
safe. Every public reader takes a :class:`Viewer` and filters by its scope.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import polars as pl
from sqlalchemy import Engine, Select, Table, TextClause, select, text

from command_center.db import cx_worker, snapshots, summaries
from command_center.db.engine import data_version, forget_versions, table_versions, version_rows
from command_center.db.models import (
    Customer,
    CustomerMonthSales,
    Meta,
    OrderLine,
    OrderRefund,
    OrgHistory,
    Person,
    PersonMonthSales,
    Target,
)
from command_center.org import history
from command_center.org.scope import Viewer

SALES_TABLES = summaries.SALES_TABLES
CACHE_BUDGET_BYTES = int(os.environ.get("COMMAND_CENTER_CACHE_MB", "768")) * 1024 * 1024
T = TypeVar("T")

_cache: OrderedDict[tuple[Hashable, ...], tuple[Any, int]] = OrderedDict()
_cache_lock = threading.Lock()
_loading = threading.local()  # per thread: the keys whose loader is running
_load_locks: dict[tuple[Hashable, ...], threading.Lock] = {}
_force_sqlalchemy = False  # set by the bench to measure the baseline path


def connectorx_uri(engine: Engine) -> str | None:
    """The connectorx URI for this engine, or ``None`` when it cannot be used."""
    url = engine.url
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            return None
        return f"sqlite://{url.database}"
    if backend == "postgresql":
        return url.set(drivername="postgresql").render_as_string(hide_password=False)
    return None


def compile_sql(engine: Engine, query: Select[Any] | TextClause | str) -> str:
    """SQL text with literal values (connectorx takes no bound parameters)."""
    if isinstance(query, str):
        return query
    return str(query.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))


def read_frame(
    engine: Engine,
    query: Select[Any] | TextClause | str,
    schema: dict[str, pl.DataType] | None = None,
) -> pl.DataFrame:
    """Run ``query`` and return a Polars frame, by the fastest path available.

    ``schema`` casts columns afterwards so both paths give the same types.
    """
    uri = None if _force_sqlalchemy else connectorx_uri(engine)
    if uri is not None and engine.dialect.name == "sqlite":
        frame = cx_worker.read_sqlite(compile_sql(engine, query), uri)
    elif uri is not None:
        frame = pl.read_database_uri(compile_sql(engine, query), uri, engine="connectorx")
    else:
        sql = text(query) if isinstance(query, str) else query
        with engine.connect() as conn:
            frame = pl.read_database(sql, connection=conn, infer_schema_length=None)
    if schema:
        frame = _conform(frame, schema)
    return frame


def _conform(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    if frame.is_empty() and not frame.columns:
        return pl.DataFrame(schema=schema)
    exprs = []
    for name, dtype in schema.items():
        col = pl.col(name)
        if dtype == pl.Date and frame.schema.get(name) == pl.String:
            exprs.append(col.str.to_date("%Y-%m-%d", strict=False).alias(name))
        elif dtype == pl.Date and frame.schema.get(name) == pl.Datetime:
            exprs.append(col.dt.date().alias(name))
        else:
            exprs.append(col.cast(dtype, strict=False).alias(name))
    return frame.with_columns(exprs).select(list(schema))


def _size(value: object) -> int:
    """Bytes a cached value holds (frames measured; anything else counted as small)."""
    if isinstance(value, pl.DataFrame):
        return int(value.estimated_size())
    if isinstance(value, tuple | list):
        return sum(_size(item) for item in value) + 64
    if isinstance(value, dict):
        return sum(_size(item) for item in value.values()) + 64
    return 1024


def cached(
    engine: Engine,
    name: str,
    loader: Callable[[], T],
    *key: Hashable,
    tables: tuple[str, ...] | None = None,
) -> T:
    """``loader()`` cached under (database, ``name``, ``key``, data version).

    With ``tables`` the entry depends only on those tables' versions (and on
    writes to unknown tables), so a write elsewhere does not throw it away:
    the ledger summaries survive a follow-up being logged.

    One load per key at a time: concurrent misses (several sessions opening
    the same page after a write) wait for the first load and share its
    result (a loader that asks for its own key raises instead of waiting on
    itself). When the data version moves on, older frames of the same name are
    dropped at once so two generations of a big frame never sit in memory
    together. The cache holds at most :data:`CACHE_BUDGET_BYTES`, least
    recently used first out.
    """
    version: Hashable = data_version(engine) if tables is None else table_versions(engine, tables)
    base = (str(engine.url), name, key)
    full_key = (*base, version)
    with _cache_lock:
        entry = _cache.get(full_key)
        if entry is not None:
            _cache.move_to_end(full_key)
            return entry[0]
        load_lock = _load_locks.setdefault(base, threading.Lock())
    loading: set[tuple[Hashable, ...]] = _loading.__dict__.setdefault("keys", set())
    if base in loading:  # the loader asks for its own key: waiting would never end
        raise RuntimeError(f"frames.cached: {name!r} loads itself (same key, same thread)")
    loading.add(base)
    try:
        return _load(base, full_key, version, load_lock, loader)
    finally:
        loading.discard(base)


def _load(
    base: tuple[Hashable, ...],
    full_key: tuple[Hashable, ...],
    version: Hashable,
    load_lock: threading.Lock,
    loader: Callable[[], T],
) -> T:
    with load_lock:
        with _cache_lock:  # loaded by another thread while this one waited
            entry = _cache.get(full_key)
            if entry is not None:
                return entry[0]
        value = loader()
        size = _size(value)
        with _cache_lock:
            for old in [k for k in _cache if k[:3] == base and k[3] != version]:
                del _cache[old]
            _cache[full_key] = (value, size)
            _evict()
    return value


def _evict() -> None:
    """Drop least recently used entries beyond the budget (the newest always stays)."""
    total = sum(size for _, size in _cache.values())
    while total > CACHE_BUDGET_BYTES and len(_cache) > 1:
        _, (_, size) = _cache.popitem(last=False)
        total -= size


def cached_bytes() -> int:
    """What the cache holds now, in bytes (for the bench and the Admin page)."""
    with _cache_lock:
        return sum(size for _, size in _cache.values())


def clear_cache() -> None:
    """Forget every cached frame and every version read (tests, after outside writes)."""
    forget_versions()
    with _cache_lock:
        _cache.clear()
        _load_locks.clear()
    with _copies_lock:
        _copies.clear()


# -- core frames --------------------------------------------------------------

PEOPLE_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "name": pl.String(),
    "level": pl.String(),
    "manager_id": pl.Int64(),
    "region": pl.String(),
    "hire_date": pl.Date(),
    "status": pl.String(),
}
CUSTOMER_SCHEMA: dict[str, pl.DataType] = {
    "customer_id": pl.Int64(),
    "name": pl.String(),
    "industry": pl.String(),
    "size": pl.String(),
    "owner_id": pl.Int64(),
    "region": pl.String(),
    "created_on": pl.Date(),
}
ORDER_SCHEMA: dict[str, pl.DataType] = {
    "order_id": pl.Int64(),
    "customer_id": pl.Int64(),
    "person_id": pl.Int64(),
    "order_date": pl.Date(),
    "revenue": pl.Float64(),
    "cost": pl.Float64(),
}
TARGET_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "period": pl.String(),
    "metric": pl.String(),
    "target": pl.Float64(),
}
MONTHLY_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "month": pl.Date(),
    "revenue": pl.Float64(),
    "cost": pl.Float64(),
    "order_lines": pl.Int64(),
}


def whole_table(engine: Engine, table: Table, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Every row of ``table``, unscoped, cached until that table is written to."""
    return cached(
        engine,
        f"table:{table.name}",
        lambda: read_frame(engine, select(*(table.c[name] for name in schema)), schema),
        tables=(table.name,),
    )


def all_people(engine: Engine) -> pl.DataFrame:
    """Everyone, unscoped: only for building scopes and the org tree."""
    return whole_table(engine, Person.__table__, PEOPLE_SCHEMA)


def org_history(engine: Engine) -> pl.DataFrame:
    """Everyone's place in the org through time (:func:`command_center.org.history.complete`),
    unscoped: only for roll-ups and scopes of past periods."""

    def load() -> pl.DataFrame:
        table = OrgHistory.__table__
        query = select(*(table.c[name] for name in history.HISTORY_SCHEMA))
        rows = read_frame(engine, query, history.HISTORY_SCHEMA)
        return history.complete(rows, all_people(engine))

    return cached(engine, "org_history", load, tables=("people", "org_history"))


def people(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """The people the viewer may see."""
    return viewer.filter(all_people(engine))


def customers(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """Customers owned by people in the viewer's scope (unowned ones: directors only)."""
    frame = whole_table(engine, Customer.__table__, CUSTOMER_SCHEMA)
    return viewer.filter(frame, "owner_id")


def orders(
    engine: Engine, viewer: Viewer, start: dt.date | None = None, end: dt.date | None = None
) -> pl.DataFrame:
    """Order lines booked by people in scope, ``start`` <= order_date <= ``end``.

    The scope is pushed into SQL, so a rep's read never fetches the force's rows.
    """
    return read_frame(engine, orders_query(viewer, start, end), ORDER_SCHEMA)


def orders_query(
    viewer: Viewer,
    start: dt.date | None = None,
    end: dt.date | None = None,
    columns: Iterable[str] = tuple(ORDER_SCHEMA),
) -> Select[Any]:
    """``columns`` of the order lines in scope, ``start`` <= order_date <= ``end``, by id
    (never the rest: the ledger's text keys would cost a tenth more to read)."""
    table = OrderLine.__table__
    query = select(*(table.c[name] for name in columns)).order_by(OrderLine.order_id)
    if viewer.person_ids is not None:
        query = query.where(OrderLine.person_id.in_(sorted(viewer.person_ids)))
    if start is not None:
        query = query.where(OrderLine.order_date >= start)
    if end is not None:
        query = query.where(OrderLine.order_date <= end)
    return query


def targets(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    frame = whole_table(engine, Target.__table__, TARGET_SCHEMA)
    return viewer.filter(frame)


def all_orders(engine: Engine) -> pl.DataFrame:
    """Every order line of the force, unscoped, cached until the orders table changes.

    The raw material of the core's and plugins' analytics (monthly sales, ABC
    grading); filter it by scope before showing anything (``viewer.filter``).
    Measured: reading the lines and aggregating in Polars beats SQL GROUP BY
    in SQLite by ~3x (bench/results.md).
    """
    return whole_table(engine, OrderLine.__table__, ORDER_SCHEMA)


SUMMARY_SCHEMA: dict[str, pl.DataType] = {
    "customer_id": pl.Int64(),
    "person_id": pl.Int64(),
    "month": pl.Date(),
    "revenue": pl.Float64(),
    "cost": pl.Float64(),
    "lines": pl.Int64(),
    "refunds": pl.Float64(),
    "refund_lines": pl.Int64(),
}


def _summary_query(
    table: Table,
    person_ids: frozenset[int] | None,
    start: dt.date | None,
    end: dt.date | None,
    customer_ids: list[int] | None = None,
) -> Select[Any]:
    query = select(*(c for c in table.c if c.name != "seq")).where(
        (table.c.lines != 0) | (table.c.refund_lines != 0)
    )
    if person_ids is not None:
        query = query.where(table.c.person_id.in_(sorted(person_ids)))
    if customer_ids is not None:
        query = query.where(table.c.customer_id.in_(sorted(set(customer_ids))))
    if start is not None:
        query = query.where(table.c.month >= start.replace(day=1))
    if end is not None:
        query = query.where(table.c.month <= end)
    return query


def _summary_schema(table: Table) -> dict[str, pl.DataType]:
    return {name: dtype for name, dtype in SUMMARY_SCHEMA.items() if name in table.c}


@dataclass
class _Copy:
    """A summary table held in memory, as of change number ``seq``, one part per month.

    A change folds into the parts of the months it touched (a few hundred
    thousand rows at most), and :attr:`frame` puts the parts side by side
    without copying them. ``stamps`` tells when each month last changed, so
    what is derived from a month (:func:`summary_by_month`) is derived again
    only when that month changed.
    """

    parts: dict[dt.date, pl.DataFrame]
    seq: int
    epoch: tuple[int, int, int]  # (rebuilds, unknown writes, seq when read whole)
    schema: dict[str, pl.DataType]
    stamps: dict[dt.date, int] = field(default_factory=dict)
    derived: dict[tuple[str, dt.date], tuple[int, pl.DataFrame]] = field(default_factory=dict)
    frame: pl.DataFrame = field(init=False)

    def __post_init__(self) -> None:
        parts = [self.parts[month] for month in sorted(self.parts)]
        self.frame = pl.concat(parts, rechunk=False) if parts else pl.DataFrame(schema=self.schema)

    def stamp(self, month: dt.date) -> int:
        return self.stamps.get(month, 0)


_copies: dict[tuple[str, str], _Copy] = {}
_copies_lock = threading.Lock()


def summary(engine: Engine, table: Table) -> pl.DataFrame:
    """All of a ledger summary table, kept in memory and brought up to date by folding in.

    After a write only the rows the triggers stamped since the copy was made
    are read (an indexed range on ``seq``) and replace their keys in the copy:
    booking a line costs a one-row read, not a reload. A rebuild of the
    summaries or a write of unknown tables reads it afresh. Rows whose lines
    and refunds are all gone are left out.
    """
    return _current_copy(engine, table).frame


def summary_by_month(
    engine: Engine, table: Table, name: str, derive: Callable[[pl.DataFrame], pl.DataFrame]
) -> pl.DataFrame:
    """``derive`` of each month's rows of a summary, side by side.

    Each month is derived once and again only after a write changed that
    month, so a figure summed over 24 months costs one month's work after a
    booking. ``derive`` must be pure and return the same columns for every
    month (it gets one month's rows, never an empty frame).
    """
    copy = _current_copy(engine, table)
    out = []
    for month in sorted(copy.parts):
        memo = copy.derived.get((name, month))
        if memo is None or memo[0] != copy.stamp(month):
            memo = (copy.stamp(month), derive(copy.parts[month]))
            copy.derived[(name, month)] = memo
        out.append(memo[1])
    if not out:
        return derive(pl.DataFrame(schema=copy.schema))
    return pl.concat(out, rechunk=False)


def summary_stamps(engine: Engine, table: Table, months: list[dt.date]) -> tuple[int, ...]:
    """Tokens that change whenever a ledger write changes any of ``months`` (a cache key
    for figures of those months that come from elsewhere, e.g. their order lines)."""
    copy = _current_copy(engine, table)
    return (*copy.epoch, *(copy.stamp(month.replace(day=1)) for month in months))


def _current_copy(engine: Engine, table: Table) -> _Copy:
    rows = version_rows(engine)
    marks = (rows.get(summaries.REBUILT_KEY, 0), rows.get("v:*", 0))
    seq = rows.get(summaries.SEQ_KEY, 0)
    where = (str(engine.url), table.name)
    with _copies_lock:
        copy = _copies.get(where)
        if copy is not None and copy.seq >= seq and copy.epoch[:2] == marks:
            return copy
        lock = _load_locks.setdefault(where, threading.Lock())
    with lock:
        with _copies_lock:
            copy = _copies.get(where)
        if copy is not None and copy.seq >= seq and copy.epoch[:2] == marks:
            return copy
        if copy is None or copy.epoch[:2] != marks:
            copy = _snapshot_copy(engine, table, marks, seq) or _read_copy(engine, table, marks)
        if copy.seq < seq:
            copy = _fold(engine, table, copy)
        with _copies_lock:
            _copies[where] = copy
    return copy


def _stamped_query(table: Table, after: int | None) -> Select[Any]:
    """The table's live rows (changed after ``after``) beside the current change number.

    One statement, so rows and number come from one snapshot; the outer join
    keeps the number when no row changed.
    """
    meta = Meta.__table__
    live = (table.c.lines != 0) | (table.c.refund_lines != 0)
    condition = live if after is None else table.c.seq > after
    return (
        select(meta.c.value.label("current_seq"), *(c for c in table.c if c.name != "seq"))
        .select_from(meta.outerjoin(table, condition))
        .where(meta.c.key == summaries.SEQ_KEY)
    )


def _typed(table: Table) -> dict[str, pl.DataType]:
    return {"current_seq": pl.Int64(), **_summary_schema(table)}


def _by_month(frame: pl.DataFrame) -> dict[dt.date, pl.DataFrame]:
    return {
        key[0]: part
        for key, part in frame.partition_by("month", as_dict=True, maintain_order=False).items()
    }


def _read_copy(engine: Engine, table: Table, marks: tuple[int, int]) -> _Copy:
    raw = read_frame(engine, _stamped_query(table, None), _typed(table))
    seq = int(raw["current_seq"].max() or 0)
    rows = raw.drop("current_seq").filter(pl.col("month").is_not_null())
    parts = _by_month(rows) if rows.height else {}
    snapshots.save_later(engine, table.name, marks, seq, rows)
    return _Copy(parts, seq, (*marks, seq), _summary_schema(table))


def _snapshot_copy(engine: Engine, table: Table, marks: tuple[int, int], seq: int) -> _Copy | None:
    """The copy as a snapshot on disk left it (:mod:`snapshots`), to be folded up to date."""
    found = snapshots.load(engine, table.name, marks, seq, _summary_schema(table))
    if found is None:
        return None
    rows, taken = found
    parts = _by_month(rows) if rows.height else {}
    return _Copy(parts, taken, (*marks, taken), _summary_schema(table))


def _fold(engine: Engine, table: Table, copy: _Copy) -> _Copy:
    raw = read_frame(engine, _stamped_query(table, copy.seq), _typed(table))
    seq = int(raw["current_seq"].max() or copy.seq)
    changed = raw.drop("current_seq").filter(pl.col("month").is_not_null())
    keys = [c.name for c in table.primary_key.columns]
    parts, stamps = dict(copy.parts), dict(copy.stamps)
    for month, rows in _by_month(changed).items() if changed.height else ():
        live = rows.filter((pl.col("lines") != 0) | (pl.col("refund_lines") != 0))
        old = parts.get(month)
        kept = old.join(rows.select(keys), on=keys, how="anti") if old is not None else None
        merged = live if kept is None else pl.concat([kept, live])
        if merged.is_empty():
            parts.pop(month, None)
        else:
            parts[month] = merged
        stamps[month] = seq
    return _Copy(parts, seq, copy.epoch, copy.schema, stamps, copy.derived)


def save_snapshots(engine: Engine) -> None:
    """Bring both ledger summaries' copies up to date and write their snapshots now.

    Run where a big write ends (the demo load, ``rebuild-summaries``), so the
    app's first start loads two files and folds in, instead of reading
    millions of summary rows while its first visitor waits.
    """
    for table in (PersonMonthSales.__table__, CustomerMonthSales.__table__):
        copy = _current_copy(engine, table)
        snapshots.save(engine, table.name, copy.epoch[:2], copy.seq, copy.frame)


def all_person_months(engine: Engine) -> pl.DataFrame:
    """The ledger per person and month, whole force (``sales_person_month``).

    ~120k rows at the large demo, shared by every viewer and folded in after
    writes (:func:`summary`).
    """
    return summary(engine, PersonMonthSales.__table__)


def all_customer_months(engine: Engine) -> pl.DataFrame:
    """The ledger per customer, booking person and month, whole company, folded in
    after writes (:func:`summary`): for company-wide figures such as ABC grades."""
    return summary(engine, CustomerMonthSales.__table__)


def person_months(
    engine: Engine, viewer: Viewer, start: dt.date | None = None, end: dt.date | None = None
) -> pl.DataFrame:
    """``person_id, month, revenue, cost, lines, refunds, refund_lines`` in scope."""
    frame = viewer.filter(all_person_months(engine))
    if start is not None:
        frame = frame.filter(pl.col("month") >= start.replace(day=1))
    if end is not None:
        frame = frame.filter(pl.col("month") <= end)
    return frame


def customer_months(
    engine: Engine,
    viewer: Viewer,
    start: dt.date | None = None,
    end: dt.date | None = None,
    customer_ids: list[int] | None = None,
) -> pl.DataFrame:
    """The ledger per customer, booking person and month, read with the scope in SQL.

    A rep's read touches a rep's rows (indexed ``person_id``); months and
    customers narrow it further. Uncached: callers cache what they derive.
    """
    table = CustomerMonthSales.__table__
    query = _summary_query(table, viewer.person_ids, start, end, customer_ids)
    return read_frame(engine, query, _summary_schema(table))


def all_monthly_sales(engine: Engine) -> pl.DataFrame:
    """Revenue, cost and line count per person and month for the whole force."""
    return (
        all_person_months(engine)
        .filter(pl.col("lines") > 0)
        .select("person_id", "month", "revenue", "cost", pl.col("lines").alias("order_lines"))
    )


def monthly_sales(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    return viewer.filter(all_monthly_sales(engine))


REFUND_SCHEMA: dict[str, pl.DataType] = {
    "refund_id": pl.Int64(),
    "order_id": pl.Int64(),
    "refund_date": pl.Date(),
    "amount": pl.Float64(),
    "reason": pl.String(),
    "person_id": pl.Int64(),
}


def refunds(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """Refunds on order lines booked by people in scope, with the line's ``person_id``."""
    query = select(*OrderRefund.__table__.c, OrderLine.person_id).join(
        OrderLine, OrderLine.order_id == OrderRefund.order_id
    )
    if viewer.person_ids is not None:
        query = query.where(OrderLine.person_id.in_(sorted(viewer.person_ids)))
    return read_frame(engine, query.order_by(OrderRefund.refund_id), REFUND_SCHEMA)
