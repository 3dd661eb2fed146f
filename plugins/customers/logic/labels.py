"""Codes as translated labels, and the names shown for people and customers."""

from __future__ import annotations

import polars as pl

from command_center.i18n import t


def label(prefix: str, value: str | None) -> str:
    """The translation of ``customers.<prefix>.<value>`` (the code itself when none)."""
    if not value:
        return "—"
    key = f"customers.{prefix}.{value}"
    text = t(key)
    return value if text == key else text


def relabel(frame: pl.DataFrame, column: str, prefix: str) -> pl.DataFrame:
    """``column``'s codes as translated labels (for display tables)."""
    values = [v for v in frame[column].unique().to_list() if v is not None]
    mapping = {v: label(prefix, v) for v in values}
    return frame.with_columns(
        pl.col(column).replace_strict(mapping, default="—", return_dtype=pl.String)
    )


def owner_names(people: dict[int, str], column: str = "owner_id") -> pl.Expr:
    """An expression naming ``column``'s person: a colleague outside scope, or the public pool."""
    known = pl.col(column).replace_strict(
        {k: v for k, v in people.items()}, default=t("customers.colleague"), return_dtype=pl.String
    )
    return (
        pl.when(pl.col(column).is_null()).then(pl.lit(t("customers.public_pool"))).otherwise(known)
    )


def customer_labels(frame: pl.DataFrame) -> dict[int, str]:
    """``{customer_id: "name (#id)"}`` for a picker."""
    return {
        cid: f"{name} (#{cid})" for cid, name in frame.select("customer_id", "name").iter_rows()
    }
