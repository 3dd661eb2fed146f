"""The customer book: the core master record joined with this plugin's profile."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine, select

from command_center.db import frames
from command_center.db.models import Customer
from command_center.org.scope import Viewer
from plugins.customers.models import CustomerProfile

BOOK_SCHEMA: dict[str, pl.DataType] = {
    "customer_id": pl.Int64(),
    "name": pl.String(),
    "industry": pl.String(),
    "size": pl.String(),
    "owner_id": pl.Int64(),
    "region": pl.String(),
    "created_on": pl.Date(),
    "phone": pl.String(),
    "tax_id": pl.String(),
    "source": pl.String(),
    "locked": pl.Boolean(),
    "owned_since": pl.Date(),
    "first_owner_id": pl.Int64(),
    "last_owner_id": pl.Int64(),
    "released_on": pl.Date(),
    "release_reason": pl.String(),
    "name_key": pl.String(),
    "phone_key": pl.String(),
    "tax_key": pl.String(),
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


def _query() -> object:
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


def all_customers(engine: Engine) -> pl.DataFrame:
    """Every customer with its profile (missing profile fields filled), unscoped."""

    def load() -> pl.DataFrame:
        raw = frames.read_frame(engine, _query(), BOOK_SCHEMA)  # type: ignore[arg-type]
        profiled = pl.col("has_profile").fill_null(False)
        return raw.with_columns(
            pl.col(
                "phone", "tax_id", "release_reason", "name_key", "phone_key", "tax_key"
            ).fill_null(""),
            pl.col("source").fill_null("other"),
            pl.col("locked").fill_null(False),
            pl.when(profiled).then("first_owner_id").otherwise("owner_id").alias("first_owner_id"),
            profiled.alias("has_profile"),
        )

    return frames.cached(engine, "customers:book", load)


def book(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """The customers the viewer may work with: owned by someone in scope.

    A director sees every customer, the public pool included; everyone else
    only customers owned within their scope (public-pool customers through
    :func:`public_pool`).
    """
    return viewer.filter(all_customers(engine), "owner_id")


def public_pool(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """The public pool's customers, basic information only (any business role)."""
    if viewer.role == "admin":
        return all_customers(engine).clear().select(PUBLIC_COLUMNS)
    return all_customers(engine).filter(pl.col("owner_id").is_null()).select(PUBLIC_COLUMNS)


def can_work_on(viewer: Viewer, owner_id: int | None) -> bool:
    """May the viewer see the whole record and act on a customer with this owner?"""
    if viewer.role == "admin":
        return False
    if owner_id is None:
        return viewer.sees_all
    return viewer.can_see(owner_id)


def customer_row(engine: Engine, viewer: Viewer, customer_id: int) -> dict[str, object] | None:
    """One customer the viewer may work with, or ``None``."""
    rows = book(engine, viewer).filter(pl.col("customer_id") == customer_id)
    return rows.row(0, named=True) if rows.height else None


def public_row(engine: Engine, viewer: Viewer, customer_id: int) -> dict[str, object] | None:
    rows = public_pool(engine, viewer).filter(pl.col("customer_id") == customer_id)
    return rows.row(0, named=True) if rows.height else None
