"""Reads of the product catalogue (products, price lists) and of order lines with products.

The catalogue belongs to no person, so it is not scoped by the org tree:
every business role reads it (a rep needs prices to quote). Two limits:
an admin reads no business rows (empty frames, as elsewhere), and a
product's ``standard_cost`` is for leaders only (a rep's frames carry it
empty). Frames are cached until their tables change, like
:func:`command_center.db.frames.whole_table`.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import Engine

from command_center import pricing
from command_center.db import frames
from command_center.db.models import PriceList, PriceListItem, Product
from command_center.org.scope import OPERATOR, Viewer
from command_center.types import BUSINESS_ROLES, LEADER_ROLES

PRODUCT_SCHEMA: dict[str, pl.DataType] = {
    "product_id": pl.String(),
    "name": pl.String(),
    "category": pl.String(),
    "list_price": pl.Float64(),
    "standard_cost": pl.Float64(),
    "active": pl.Boolean(),
}
PRICE_LIST_SCHEMA: dict[str, pl.DataType] = {
    "price_list_id": pl.String(),
    "name": pl.String(),
    "valid_from": pl.Date(),
    "valid_to": pl.Date(),
}
PRICE_ITEM_SCHEMA: dict[str, pl.DataType] = {
    "price_list_id": pl.String(),
    "product_id": pl.String(),
    "price": pl.Float64(),
}
ORDER_PRODUCT_SCHEMA: dict[str, pl.DataType] = {
    **frames.ORDER_SCHEMA,
    "product_id": pl.String(),
}


def reads_catalogue(viewer: Viewer) -> bool:
    """Whether ``viewer`` reads the catalogue: the business roles and the operator."""
    return viewer is OPERATOR or viewer.role in BUSINESS_ROLES


def reads_costs(viewer: Viewer) -> bool:
    """Whether ``viewer`` reads products' standard costs: leaders and the operator."""
    return viewer is OPERATOR or viewer.role in LEADER_ROLES


def all_products(engine: Engine) -> pl.DataFrame:
    """Every product, unscoped, by ``product_id`` (for checks and pricing, not display)."""
    frame = frames.whole_table(engine, Product.__table__, PRODUCT_SCHEMA)
    return frame.sort("product_id")


def all_price_lists(engine: Engine) -> pl.DataFrame:
    """Every price list, unscoped."""
    return frames.whole_table(engine, PriceList.__table__, PRICE_LIST_SCHEMA)


def all_price_items(engine: Engine) -> pl.DataFrame:
    """Every price of every price list, unscoped."""
    return frames.whole_table(engine, PriceListItem.__table__, PRICE_ITEM_SCHEMA)


def products(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """The products ``viewer`` may read (see the module docstring), by ``product_id``."""
    if not reads_catalogue(viewer):
        return pl.DataFrame(schema=PRODUCT_SCHEMA)
    frame = all_products(engine)
    if not reads_costs(viewer):
        frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("standard_cost"))
    return frame


def price_lists(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """Each price of each list with its list's name and dates, as the import kind reads them:
    ``price_list_id, name, valid_from, valid_to, product_id, price``."""
    schema = {**PRICE_LIST_SCHEMA, "product_id": pl.String(), "price": pl.Float64()}
    if not reads_catalogue(viewer):
        return pl.DataFrame(schema=schema)
    joined = all_price_lists(engine).join(all_price_items(engine), on="price_list_id")
    return joined.select(list(schema)).sort("price_list_id", "product_id")


def orders_with_products(
    engine: Engine, viewer: Viewer, start: dt.date | None = None, end: dt.date | None = None
) -> pl.DataFrame:
    """:func:`command_center.db.frames.orders` with each line's ``product_id`` (null: none).

    The scope is pushed into SQL, as there; not cached (an export reads it once).
    """
    query = frames.orders_query(viewer, start, end, ORDER_PRODUCT_SCHEMA)
    return frames.read_frame(engine, query, ORDER_PRODUCT_SCHEMA)


def priced_products(engine: Engine, viewer: Viewer, day: dt.date) -> pl.DataFrame:
    """The products ``viewer`` may read with their price on ``day`` (:mod:`command_center.pricing`)
    and the name of the price list it comes from (null: the list price):
    ``product_id, name, category, list_price, price, price_list, active``."""
    shown = products(engine, viewer)
    priced = pricing.prices_on(shown, all_price_lists(engine), all_price_items(engine), day)
    names = all_price_lists(engine).select("price_list_id", pl.col("name").alias("price_list"))
    return priced.join(names, on="price_list_id", how="left", maintain_order="left").select(
        "product_id", "name", "category", "list_price", "price", "price_list", "active"
    )
