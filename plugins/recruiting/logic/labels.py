"""Codes put into words for display: stages, sources, channels, levels, reasons, and
Polars expressions that translate a code column or name a person column."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from command_center.i18n import t


def stage_label(code: str) -> str:
    return t(f"recruiting.stage.{code}")


def source_label(code: str) -> str:
    return t(f"recruiting.source.{code}")


def channel_label(code: str) -> str:
    return t(f"recruiting.channel.{code}")


def level_label(code: str) -> str:
    return t(f"level.{code}")


def kind_label(code: str) -> str:
    return t(f"recruiting.kind_of.{code}")


def reason_label(code: str) -> str:
    """A rejection reason's label: the catalog's for the built-in codes, else the text itself."""
    key = f"recruiting.reason.{code}"
    label = t(key)
    return code if label == key else label


def exit_text(text: str) -> str:
    """A stored exit reason ("code: note") with the code translated."""
    if not text:
        return ""
    code, _, note = text.partition(": ")
    if code == "offer_declined":
        label = t("recruiting.offer.declined_because")
    else:
        label = reason_label(code)
    return f"{label}: {note}" if note else label


def name_column(frame: pl.DataFrame, column: str, lookup: dict[int, str], alias: str) -> pl.Expr:
    """``column`` (a person id) as the person's name from ``lookup``, named ``alias``."""
    return pl.col(column).replace_strict(lookup, default=None, return_dtype=pl.String).alias(alias)


def translate(frame: pl.DataFrame, column: str, label: Callable[[str], str]) -> pl.Expr:
    """``column``'s codes put into words by ``label`` (each distinct code looked up once)."""
    codes = [c for c in frame[column].drop_nulls().unique().to_list()]
    return pl.col(column).replace_strict(
        {c: label(c) for c in codes}, default=None, return_dtype=pl.String
    )
