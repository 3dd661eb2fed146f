"""The duplicate check: same name, phone or tax id means the same customer.

Names compare after Unicode NFKC (full-width letters and brackets become
ASCII), case folding and dropping spaces and punctuation, so "上海 星辰(集团)
有限公司" and "上海星辰（集团）有限公司" match. Phones compare by their digits
without a leading China country code (86); tax ids (统一社会信用代码) by their
upper-case letters and digits.
"""

from __future__ import annotations

import re
import unicodedata

import polars as pl

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
_NOT_DIGIT = re.compile(r"\D+")
_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")
MIN_PHONE_DIGITS = 6


def name_key(name: str | None) -> str:
    if not name:
        return ""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", name).casefold())


def phone_key(phone: str | None) -> str:
    if not phone:
        return ""
    digits = _NOT_DIGIT.sub("", unicodedata.normalize("NFKC", phone))
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if len(digits) >= MIN_PHONE_DIGITS else ""


def tax_key(tax_id: str | None) -> str:
    if not tax_id:
        return ""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", tax_id).upper())


def name_keys(names: pl.Series) -> pl.Series:
    """:func:`name_key` over a column (NFKC has no Polars expression)."""
    return names.map_elements(name_key, return_dtype=pl.String, skip_nulls=False)


def matches(
    candidates: pl.DataFrame, name: str, phone: str, tax_id: str, exclude: int | None = None
) -> pl.DataFrame:
    """Rows of ``candidates`` (``customer_id, name_key, phone_key, tax_key``) that
    match on any key, with a ``matched_on`` list (name / phone / tax_id)."""
    keys = {"name": name_key(name), "phone": phone_key(phone), "tax_id": tax_key(tax_id)}
    columns = {"name": "name_key", "phone": "phone_key", "tax_id": "tax_key"}
    hits = [
        pl.when(pl.col(columns[field]) == value).then(pl.lit(field))
        for field, value in keys.items()
        if value
    ]
    if not hits:
        return pl.DataFrame(schema={"customer_id": pl.Int64, "matched_on": pl.List(pl.String)})
    frame = candidates if exclude is None else candidates.filter(pl.col("customer_id") != exclude)
    return (
        frame.with_columns(pl.concat_list(hits).list.drop_nulls().alias("matched_on"))
        .filter(pl.col("matched_on").list.len() > 0)
        .select("customer_id", "matched_on")
        .sort("customer_id")
    )
