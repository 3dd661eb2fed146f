"""The customer book: the core master record joined with this plugin's profile."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from sqlalchemy import Engine, Select, func, or_, select

from command_center.db import frames
from command_center.db.models import Customer
from command_center.db.tables import polars_schema, read_table
from command_center.org.scope import Viewer
from plugins.customers.logic import dedupe
from plugins.customers.models import CustomerProfile

BOOK_SCHEMA: dict[str, pl.DataType] = {
    **polars_schema(
        Customer, ["customer_id", "name", "industry", "size", "owner_id", "region", "created_on"]
    ),
    **polars_schema(
        CustomerProfile,
        [
            "phone",
            "tax_id",
            "source",
            "locked",
            "owned_since",
            "first_owner_id",
            "last_owner_id",
            "released_on",
            "release_reason",
            "name_key",
            "phone_key",
            "tax_key",
        ],
    ),
    "has_profile": pl.Boolean(),
}
# What anyone may see of a public-pool customer: no revenue, contacts or notes.
PUBLIC_COLUMNS: tuple[str, ...] = (
    "customer_id",
    "name",
    "industry",
    "size",
    "region",
    "created_on",
    "released_on",
    "release_reason",
)


BOOK_TABLES: tuple[str, ...] = ("customers", "customers_profiles")
"""The tables a read of the book depends on (for ``frames.cached(tables=...)``)."""


def _query() -> Select[Any]:
    c, p = Customer.__table__.c, CustomerProfile.__table__.c
    return select(
        c.customer_id,
        c.name,
        c.industry,
        c.size,
        c.owner_id,
        c.region,
        c.created_on,
        p.phone,
        p.tax_id,
        p.source,
        p.locked,
        p.owned_since,
        p.first_owner_id,
        p.last_owner_id,
        p.released_on,
        p.release_reason,
        p.name_key,
        p.phone_key,
        p.tax_key,
        p.customer_id.is_not(None).label("has_profile"),
    ).select_from(Customer.__table__.outerjoin(CustomerProfile.__table__))


def _read(engine: Engine, query: Select[Any]) -> pl.DataFrame:
    """Rows of the book query with missing profile fields filled."""
    raw = frames.read_frame(engine, query, BOOK_SCHEMA)
    profiled = pl.col("has_profile").fill_null(False)
    return raw.with_columns(
        pl.col("phone", "tax_id", "release_reason", "name_key", "phone_key", "tax_key").fill_null(
            ""
        ),
        pl.col("source").fill_null("other"),
        pl.col("locked").fill_null(False),
        pl.when(profiled).then("first_owner_id").otherwise("owner_id").alias("first_owner_id"),
        profiled.alias("has_profile"),
    )


def all_customers(engine: Engine) -> pl.DataFrame:
    """Every customer with its profile (missing profile fields filled), unscoped.

    Cached until the book's tables change: the director's book. Everyone else
    reads their own through :func:`book` (scope in SQL).
    """
    return frames.cached(
        engine,
        "customers:book",
        lambda: _read(engine, _query().order_by(Customer.customer_id)),
        tables=BOOK_TABLES,
    )


def _scope_key(viewer: Viewer) -> tuple[int, ...] | None:
    return None if viewer.person_ids is None else tuple(sorted(viewer.person_ids))


def book(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """The customers the viewer may work with: owned by someone in scope.

    A director sees every customer, the public pool included; everyone else
    only customers owned within their scope (public-pool customers through
    :func:`public_pool`), read with the scope in SQL (indexed ``owner_id``).
    """
    if viewer.person_ids is None:
        return all_customers(engine)
    ids = _scope_key(viewer) or ()
    if not ids:
        return empty_book()
    query = _query().where(Customer.owner_id.in_(ids)).order_by(Customer.customer_id)
    return frames.cached(
        engine, "customers:book:scoped", lambda: _read(engine, query), ids, tables=BOOK_TABLES
    )


CADENCE_COLUMNS: tuple[str, ...] = (
    "customer_id",
    "name",
    "owner_id",
    "size",
    "created_on",
    "owned_since",
    "locked",
)
"""What the follow-up cadence and the pool warnings read of the book."""


def cadence_book(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """:data:`CADENCE_COLUMNS` of the customers :func:`book` gives ``viewer``.

    Without contacts and match keys: a fifth of the whole book's bytes, so the
    director's home card and Today do not wait for the archive's read.
    """
    ids = _scope_key(viewer)
    if ids == ():
        return empty_book().select(CADENCE_COLUMNS)
    c, p = Customer.__table__.c, CustomerProfile.__table__.c
    query = select(
        c.customer_id, c.name, c.owner_id, c.size, c.created_on, p.owned_since, p.locked
    ).select_from(Customer.__table__.outerjoin(CustomerProfile.__table__))
    if ids is not None:
        query = query.where(c.owner_id.in_(ids))
    schema = {name: BOOK_SCHEMA[name] for name in CADENCE_COLUMNS}

    def load() -> pl.DataFrame:
        rows = frames.read_frame(engine, query.order_by(c.customer_id), schema)
        return rows.with_columns(pl.col("locked").fill_null(False))

    return frames.cached(engine, "customers:book:cadence", load, ids, tables=BOOK_TABLES)


def empty_book() -> pl.DataFrame:
    """An empty book with the book's columns and types."""
    return pl.DataFrame(schema=BOOK_SCHEMA)


def public_pool(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """The public pool's customers, basic information only (any business role)."""
    if viewer.role == "admin":
        return empty_book().select(PUBLIC_COLUMNS)
    query = _query().where(Customer.owner_id.is_(None)).order_by(Customer.customer_id)
    return frames.cached(
        engine,
        "customers:public",
        lambda: _read(engine, query).select(PUBLIC_COLUMNS),
        tables=BOOK_TABLES,
    )


def owners(engine: Engine) -> pl.DataFrame:
    """``customer_id, owner_id, created_on`` of every customer, unscoped (ownership spells)."""
    columns = ["customer_id", "owner_id", "created_on"]
    return frames.cached(
        engine,
        "customers:owners",
        lambda: read_table(engine, Customer, columns, order_by=[Customer.customer_id]),
        tables=("customers",),
    )


def customer_ids(engine: Engine) -> pl.DataFrame:
    """``customer_id, created_on`` of every customer (the universe ABC grades), unscoped."""
    columns = ["customer_id", "created_on"]
    return frames.cached(
        engine,
        "customers:ids",
        lambda: read_table(engine, Customer, columns, order_by=[Customer.customer_id]),
        tables=("customers",),
    )


def names(engine: Engine, ids: list[int]) -> pl.DataFrame:
    """``customer_id, name`` of ``ids`` (labels for rows the caller may already show)."""
    columns = ["customer_id", "name"]
    if not ids:
        return pl.DataFrame(schema=polars_schema(Customer, columns))
    return read_table(engine, Customer, columns, where=[Customer.customer_id.in_(sorted(set(ids)))])


def created_between(engine: Engine, start: dt.date, end: dt.date) -> pl.DataFrame:
    """``customer_id, created_on, first_owner_id`` of customers created ``start``..``end``."""
    query = _query().where(Customer.created_on >= start, Customer.created_on <= end)
    return _read(engine, query).select("customer_id", "created_on", "first_owner_id")


def rows_by_id(engine: Engine, viewer: Viewer, ids: list[int]) -> pl.DataFrame:
    """Book rows of ``ids`` the viewer may work with (a page of the archive), read by id."""
    if not ids or viewer.role == "admin":
        return empty_book()
    query = _query().where(Customer.customer_id.in_(sorted(set(ids))))
    if viewer.person_ids is not None:
        query = query.where(Customer.owner_id.in_(sorted(viewer.person_ids)))
    return _read(engine, query.order_by(Customer.customer_id))


def search_ids(engine: Engine, viewer: Viewer, text: str) -> pl.Series:
    """Ids of customers in the viewer's book matching ``text``, searched in SQL.

    Matches: the name (its normalised key, or the plain name for a customer
    without a profile yet), the tax id and the phone (normalised keys), or
    the customer's key, exactly as other systems write it.
    """
    c, p = Customer.__table__.c, CustomerProfile.__table__.c
    needle = text.strip()
    conds: list[Any] = []
    nkey = dedupe.name_key(needle)
    if nkey:
        conds.append(p.name_key.contains(nkey, autoescape=True))
        conds.append(
            p.customer_id.is_(None)
            & func.lower(c.name).contains(needle.casefold(), autoescape=True)
        )
    tkey = dedupe.tax_key(needle)
    if tkey:
        conds.append(p.tax_key.contains(tkey, autoescape=True))
    if needle:
        conds.append(c.customer_key == needle)  # the key as other systems write it
    digits = "".join(ch for ch in needle if ch.isdigit())
    if digits:
        conds.append(p.phone_key.contains(digits, autoescape=True))
    schema = polars_schema(Customer, ["customer_id"])
    if not conds or viewer.role == "admin":
        return pl.Series("customer_id", [], pl.Int64)
    query = (
        select(c.customer_id)
        .select_from(Customer.__table__.outerjoin(CustomerProfile.__table__))
        .where(or_(*conds))
    )
    if viewer.person_ids is not None:
        query = query.where(c.owner_id.in_(sorted(viewer.person_ids)))
    return frames.read_frame(engine, query, schema)["customer_id"]


def can_work_on(viewer: Viewer, owner_id: int | None) -> bool:
    """May the viewer see the whole record and act on a customer with this owner?"""
    if viewer.role == "admin":
        return False
    if owner_id is None:
        return viewer.sees_all
    return viewer.can_see(owner_id)


def _one(engine: Engine, customer_id: int) -> dict[str, object] | None:
    rows = _read(engine, _query().where(Customer.customer_id == customer_id))
    return rows.row(0, named=True) if rows.height else None


def customer_row(engine: Engine, viewer: Viewer, customer_id: int) -> dict[str, object] | None:
    """One customer the viewer may work with, or ``None`` (read by id)."""
    if viewer.role == "admin":
        return None
    row = _one(engine, customer_id)
    if row is None or not viewer.can_see(row["owner_id"]):  # type: ignore[arg-type]
        return None
    return row


def public_row(engine: Engine, viewer: Viewer, customer_id: int) -> dict[str, object] | None:
    """One public-pool customer's basic information, or ``None``."""
    if viewer.role == "admin":
        return None
    row = _one(engine, customer_id)
    if row is None or row["owner_id"] is not None:
        return None
    return {k: row[k] for k in PUBLIC_COLUMNS}
