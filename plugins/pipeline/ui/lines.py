"""A product line's widgets, shared by the quote tab and the quote approvals page (and
ready for the contract tab's line form): the number boxes of a line form, the money and
percent columns of a lines table, a quote's priced lines and its approval decisions as
shown."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import polars as pl

from command_center.i18n import t
from command_center.ui.widgets import percent_column
from plugins.pipeline.logic import labels
from plugins.pipeline.ui import widgets

# A quote's priced lines: the column shown under each translated header.
QUOTE_LINE_COLUMNS = {
    "product_id": "pipeline.quote.doc_product",
    "description": "pipeline.field.description",
    "quantity": "pipeline.field.quantity",
    "list_price": "pipeline.quote.list_price",
    "unit_price": "pipeline.field.unit_price",
    "discount": "pipeline.quote.discount",
    "line_total": "pipeline.quote.amount",
    "effective_discount": "pipeline.quote.effective",
}


def quantity_box(
    where: Any, key: str, value: float | None = 1.0, placeholder: str | None = None
) -> float | None:
    """A line's quantity: whole steps, never below zero."""
    return where.number_input(
        t("pipeline.field.quantity"),
        min_value=0.0,
        value=value,
        step=1.0,
        placeholder=placeholder,
        key=key,
    )


def price_box(
    where: Any,
    key: str,
    value: float | None = 0.0,
    placeholder: str | None = None,
    help_text: str | None = None,
) -> float | None:
    """A line's unit price: steps of 100, never below zero; ``help_text`` its tooltip."""
    return where.number_input(
        t("pipeline.field.unit_price"),
        min_value=0.0,
        value=value,
        step=100.0,
        placeholder=placeholder,
        help=help_text,
        key=key,
    )


def discount_box(
    where: Any, key: str, value: float | None = 0.0, placeholder: str | None = None
) -> float | None:
    """A line's discount in percent: 0 to 100 in whole steps."""
    return where.number_input(
        t("pipeline.quote.discount_pct"),
        min_value=0.0,
        max_value=100.0,
        value=value,
        step=1.0,
        placeholder=placeholder,
        key=key,
    )


def column_config(money: Iterable[str], percent: Iterable[str]) -> dict[str, Any]:
    """The column config of a lines table: ``money`` and ``percent`` are translation keys
    of its headers."""
    config = {t(k): widgets.money_column(t(k)) for k in money}
    return config | {t(k): percent_column(t(k)) for k in percent}


def quote_line_table(priced: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, Any]]:
    """A quote's priced lines (``quotes.priced_lines``) as shown, and their column config."""
    shown = priced.with_columns((pl.col("discount_pct") / 100).alias("discount"))
    config = column_config(
        ("pipeline.quote.list_price", "pipeline.field.unit_price", "pipeline.quote.amount"),
        ("pipeline.quote.discount", "pipeline.quote.effective"),
    )
    return labels.display(shown, QUOTE_LINE_COLUMNS), config


def shown_decisions(decisions: pl.DataFrame, names: dict[int, str]) -> pl.DataFrame:
    """Approval decisions as read: the minute decided, the approver's name (else the
    login kept with the decision), the decision in the active language."""
    return decisions.with_columns(
        pl.col("decided_at").dt.strftime("%Y-%m-%d %H:%M"),
        pl.col("approver_id")
        .replace_strict(names, default=None, return_dtype=pl.String)
        .fill_null(pl.col("approver"))
        .alias("approver"),
        pl.col("decision").replace_strict(
            {d: t(f"pipeline.decision.{d}") for d in ("approve", "reject")},
            default=pl.col("decision"),
        ),
    )
