"""The price of a product on a day: pure Polars, no database.

The rule (issue 16): a product's price on a day is its price in the price
list valid that day (``valid_from <= day <= valid_to``, an empty ``valid_to``
being open-ended), else the product's ``list_price``. When several valid
lists price the product, the one that started last (latest ``valid_from``)
wins, and between lists that started the same day the one whose id sorts
first. A list that does not name the product leaves it at the next valid
list's price, or at the list price.

Frames are the catalogue as :mod:`command_center.db.catalog` reads it:

- ``products``: ``product_id, list_price`` (other columns are carried along);
- ``lists``: ``price_list_id, valid_from, valid_to``;
- ``items``: ``price_list_id, product_id, price``.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

PRICE_COLUMNS = ("price", "price_list_id")
"""What :func:`prices_on` adds to each product: its price and the list it came from
(null: the list price applies)."""

_PAIR = "_pair"


def list_prices_at(
    pairs: pl.DataFrame, lists: pl.DataFrame, items: pl.DataFrame, day: str = "day"
) -> pl.DataFrame:
    """``pairs`` (``product_id`` and a date column ``day``) with ``price`` and
    ``price_list_id`` from the winning valid price list; both null where no list
    valid that day prices the product. Rows keep their order and number."""
    numbered = pairs.with_row_index(_PAIR)
    offers = items.join(
        lists.select("price_list_id", "valid_from", "valid_to"), on="price_list_id", how="inner"
    )
    valid = (
        numbered.select(_PAIR, "product_id", day)
        .join(offers, on="product_id", how="inner")
        .filter(
            (pl.col("valid_from") <= pl.col(day))
            & (pl.col("valid_to").is_null() | (pl.col(day) <= pl.col("valid_to")))
        )
    )
    winners = (
        valid.sort([_PAIR, "valid_from", "price_list_id"], descending=[False, True, False])
        .group_by(_PAIR, maintain_order=True)
        .first()
        .select(_PAIR, "price", "price_list_id")
    )
    return numbered.join(winners, on=_PAIR, how="left").sort(_PAIR).drop(_PAIR)


def prices_at(
    pairs: pl.DataFrame,
    products: pl.DataFrame,
    lists: pl.DataFrame,
    items: pl.DataFrame,
    day: str = "day",
) -> pl.DataFrame:
    """``pairs`` (``product_id``, ``day``) with ``price`` (the valid list's, else the
    list price; null for a product the catalogue does not hold) and ``price_list_id``."""
    priced = list_prices_at(pairs, lists, items, day)
    catalogue = products.select("product_id", pl.col("list_price").alias("_list_price"))
    return (
        priced.join(catalogue, on="product_id", how="left", maintain_order="left")
        .with_columns(pl.coalesce("price", "_list_price").alias("price"))
        .drop("_list_price")
    )


def prices_on(
    products: pl.DataFrame, lists: pl.DataFrame, items: pl.DataFrame, day: dt.date
) -> pl.DataFrame:
    """Every product of ``products`` with its ``price`` and ``price_list_id`` on ``day``."""
    pairs = products.with_columns(pl.lit(day, dtype=pl.Date).alias("_day"))
    return prices_at(pairs, products, lists, items, day="_day").drop("_day")
