"""Helpers shared by the pages: rules, labels, the cadence of the viewer's book."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from plugins.customers import settings as settings_mod
from plugins.customers.actions import ActionRefused
from plugins.customers.queries import figures
from plugins.customers.settings import CustomerSettings

MAX_ROWS = 1_000  # rows shown in a table or picker; the search narrows the rest
OPEN_KEY = "customers_open"  # the customer opened on the archive page


def today() -> dt.date:
    return dt.date.today()


def rules(ctx: PageContext) -> CustomerSettings:
    return settings_mod.get(ctx.engine)


def company_grades(ctx: PageContext) -> pl.DataFrame:
    """``customer_id, grade`` as of today (the grade that sets the cadence)."""
    return figures.company_grades(ctx.engine, today(), rules(ctx))


def names(ctx: PageContext) -> dict[int, str]:
    """Names of the people in the viewer's scope."""
    return dict(ctx.people().select("person_id", "name").iter_rows())


def due_list(ctx: PageContext) -> pl.DataFrame:
    """The viewer's book with its follow-up cadence (``status``: overdue / due / ok)."""
    return figures.due_list(ctx.engine, ctx.viewer, today(), rules(ctx))


def label(prefix: str, value: str | None) -> str:
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


def select_label(options: Iterable[str], prefix: str) -> object:
    return labels_now(list(options), lambda v: label(prefix, v))


def show_refusal(exc: ActionRefused) -> None:
    st.error(t(exc.key, **exc.params))


def customer_labels(frame: pl.DataFrame) -> dict[int, str]:
    """``{customer_id: "name (#id)"}`` for a picker."""
    return {
        cid: f"{name} (#{cid})" for cid, name in frame.select("customer_id", "name").iter_rows()
    }
