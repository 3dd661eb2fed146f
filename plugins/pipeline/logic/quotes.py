"""Quotes: their states, their money and when a discount needs a leader: pure rules, no I/O.

Money is counted in cents, rounded half up (四舍五入) from exact decimals, so a
quote, the contract made from it and the ledger lines it books agree to the
cent:

- a line's amount: ``quantity x unit_price x (1 - discount_pct / 100)``
  (:func:`line_amount`);
- the subtotal: the lines' amounts; the extra discount (on the whole quote,
  ``extra_discount_pct``) is taken from each line: a line's net amount is its
  amount at the combined discount ``1 - (1 - d)(1 - x)`` (:func:`combined_discount`),
  and the quote's total is the sum of the net amounts. A contract line made from
  the quote carries that combined discount, so it books exactly the net amount;
- a discount is measured against the price list: a line's effective discount is
  ``1 - amount / (quantity x list_price)`` (a unit price typed below the list's
  counts, one above it offsets the line's discount), the quote's is
  ``1 - total / list value``. A quote needs approval when a line's or the total's
  effective discount is beyond the company's limit (:func:`needs_approval`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import polars as pl

from plugins.pipeline.logic.stages import Refusal

QUOTE_STATUSES: tuple[str, ...] = (
    "draft",
    "pending",
    "approved",
    "rejected",
    "sent",
    "accepted",
    "declined",
    "superseded",
)
SHOWN_STATUSES: tuple[str, ...] = (*QUOTE_STATUSES, "expired")
EDITABLE = frozenset({"draft", "pending", "approved", "rejected"})
"""A version still being written: editing it makes it a draft again (an approval lapses)."""
FINAL = frozenset({"accepted", "declined", "superseded"})
# action -> (statuses it may start from, status after; None = unchanged)
QUOTE_RULES: dict[str, tuple[frozenset[str], str | None]] = {
    "edit": (EDITABLE, "draft"),
    "request": (frozenset({"draft", "rejected"}), "pending"),
    "approve": (frozenset({"pending"}), "approved"),
    "reject": (frozenset({"pending"}), "rejected"),
    "send": (frozenset({"draft", "approved"}), "sent"),
    "accept": (frozenset({"sent"}), "accepted"),
    "decline": (frozenset({"sent"}), "declined"),
    "revise": (frozenset({"sent", "declined"}), None),
}
CENT = Decimal("0.01")
PERCENT_PLACES = Decimal("0.000001")
EPSILON = 1e-9


def check_quote(action: str, status: str) -> Refusal | None:
    """``None`` when ``action`` may be done on a quote version in ``status``."""
    if action not in QUOTE_RULES:
        raise ValueError(f"unknown quote action {action!r}")
    allowed, _ = QUOTE_RULES[action]
    if status in allowed:
        return None
    if status == "accepted":
        return Refusal("pipeline.error.quote_accepted")
    if action == "edit" and status == "sent":
        return Refusal("pipeline.error.quote_sent")
    shown = f"pipeline.quote_status.{status}"
    if action in ("approve", "reject"):
        return Refusal("pipeline.error.quote_not_pending", {"status": shown})
    return Refusal(
        "pipeline.error.quote_action",
        {"action": f"pipeline.quote_action.{action}", "status": shown},
    )


def quote_after(action: str, status: str) -> str:
    """The status a quote version has after a legal ``action``."""
    _, after = QUOTE_RULES[action]
    return status if after is None else after


def shown_status(status: str, valid_until: dt.date, today: dt.date) -> str:
    """The status as people read it: a sent quote past its validity is ``expired``."""
    return "expired" if status == "sent" and valid_until < today else status


# -- money -------------------------------------------------------------------------
def _decimal(value: float) -> Decimal:
    """The decimal a float was written as (``0.1`` -> ``Decimal("0.1")``, not its binary)."""
    return Decimal(repr(float(value)))


def line_amount(quantity: float, unit_price: float, discount_pct: float = 0.0) -> float:
    """``quantity x unit_price x (1 - discount_pct / 100)`` in cents, rounded half up."""
    exact = _decimal(quantity) * _decimal(unit_price) * (100 - _decimal(discount_pct)) / 100
    return float(exact.quantize(CENT, rounding=ROUND_HALF_UP))


def line_amounts(
    frame: pl.DataFrame,
    quantity: str = "quantity",
    unit_price: str = "unit_price",
    discount_pct: str | None = "discount_pct",
) -> pl.Series:
    """:func:`line_amount` of each row of ``frame`` (no discount column: none).

    Exact and fast for the common line (a whole quantity, a price in whole cents, no
    discount: cents multiplied as integers); only the other rows go through
    :func:`line_amount` one by one, so every row equals it.
    """
    q, p = pl.col(quantity), pl.col(unit_price)
    d = pl.col(discount_pct).fill_null(0.0) if discount_pct else pl.lit(0.0)
    cents = (p * 100).round(0)
    simple = (
        (d == 0)
        & (q == q.round(0))
        & ((p * 100 - cents).abs() < 1e-6)
        & (q.abs() < 1e6)
        & (p.abs() < 1e10)
    )
    whole = (q.round(0).cast(pl.Int64) * cents.cast(pl.Int64)).cast(pl.Float64)
    work = frame.select(
        simple.fill_null(False).alias("simple"),
        pl.when(simple).then(whole).otherwise(0.0).alias("cents"),
        q.alias("q"),
        p.alias("p"),
        d.alias("d"),
    )
    # NumPy divides exactly (Polars multiplies by the reciprocal, a last-bit error).
    amounts = (work["cents"].to_numpy() / 100.0).tolist()
    slow = work.with_row_index().filter(~pl.col("simple"))
    for index, qty, price, discount in slow.select("index", "q", "p", "d").iter_rows():
        amounts[index] = line_amount(qty, price, discount)
    return pl.Series("line_total", amounts, dtype=pl.Float64)


def combined_discount(line_pct: float, extra_pct: float) -> float:
    """The one discount that is ``line_pct`` then ``extra_pct`` (percent, 6 places)."""
    kept = (100 - _decimal(line_pct)) * (100 - _decimal(extra_pct)) / 100
    return float((100 - kept).quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP))


def percent_value(value: float) -> float:
    """A discount as stored: percent rounded to 2 places (``ValueError`` outside 0-100)."""
    if value is None or value != value or not 0.0 <= float(value) <= 100.0:
        raise ValueError("a discount is a percent from 0 to 100")
    return float(_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


LINE_COLUMNS: dict[str, pl.DataType] = {
    "line_total": pl.Float64(),
    "net_total": pl.Float64(),
    "list_total": pl.Float64(),
    "effective_discount": pl.Float64(),
}
"""What :func:`priced_lines` adds to each quote line."""


def priced_lines(lines: pl.DataFrame, extra_pct: float) -> pl.DataFrame:
    """Quote lines (``quantity, list_price, unit_price, discount_pct``) with
    :data:`LINE_COLUMNS`: the amount before and after the extra discount, the value at
    the list price and the line's effective discount (a share, 0.15 = 15 %)."""
    rows = lines.select("quantity", "list_price", "unit_price", "discount_pct").rows()
    amounts = [line_amount(q, p, d) for q, _, p, d in rows]  # a quote has a few lines
    nets = [line_amount(q, p, combined_discount(d, extra_pct)) for q, _, p, d in rows]
    values = [line_amount(q, lp) for q, lp, _, _ in rows]
    effective = [_discount(a, v) for a, v in zip(amounts, values, strict=True)]
    added = pl.DataFrame(
        [amounts, nets, values, effective], schema=LINE_COLUMNS, orient="col"
    )  # fmt: skip
    return pl.concat([lines, added], how="horizontal")


def _discount(amount: float, value: float) -> float:
    """``1 - amount / value`` (0 when the list value is nothing)."""
    return 0.0 if value <= 0 else 1.0 - amount / value


@dataclass(frozen=True)
class QuoteTotals:
    """A quote's money: its value at the list prices, the lines' subtotal, the extra
    discount's amount, the total, and the effective discounts (shares) it needs approval by."""

    list_value: float
    subtotal: float
    extra_amount: float
    total: float
    max_line_discount: float
    total_discount: float
    lines: int


def totals(priced: pl.DataFrame) -> QuoteTotals:
    """The totals of :func:`priced_lines`' frame (sums in cents, so exact)."""
    if priced.is_empty():
        return QuoteTotals(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0)
    cents = {
        name: sum(_decimal(v) for v in priced[name].to_list())
        for name in ("list_total", "line_total", "net_total")
    }
    list_value, subtotal, total = (
        float(cents["list_total"]),
        float(cents["line_total"]),
        float(cents["net_total"]),
    )
    return QuoteTotals(
        list_value=list_value,
        subtotal=subtotal,
        extra_amount=float(cents["line_total"] - cents["net_total"]),
        total=total,
        max_line_discount=float(priced["effective_discount"].max()),  # type: ignore[arg-type]
        total_discount=_discount(total, list_value),
        lines=priced.height,
    )


def approval_reasons(money: QuoteTotals, limit_pct: float) -> list[tuple[str, dict[str, float]]]:
    """Why a quote needs a leader's approval (translation keys and their parameters):
    a line's effective discount, or the total's, beyond ``limit_pct`` percent."""
    limit = limit_pct / 100
    reasons: list[tuple[str, dict[str, float]]] = []
    if money.max_line_discount > limit + EPSILON:
        reasons.append(
            ("pipeline.quote.reason_line", {"discount": money.max_line_discount, "limit": limit})
        )
    if money.total_discount > limit + EPSILON:
        reasons.append(
            ("pipeline.quote.reason_total", {"discount": money.total_discount, "limit": limit})
        )
    return reasons


def needs_approval(money: QuoteTotals, limit_pct: float) -> bool:
    return bool(approval_reasons(money, limit_pct))


def next_version(versions: Iterable[int]) -> int:
    return max(versions, default=0) + 1


def quote_label(opp_id: int, version: int) -> str:
    """How a quote version is named on paper and on pages: ``Q-000017-v2``."""
    return f"Q-{opp_id:06d}-v{version}"


def latest_per_deal(quotes: pl.DataFrame) -> pl.DataFrame:
    """Each deal's latest version (highest ``version``) of ``quotes``."""
    return quotes.sort("opp_id", "version").group_by("opp_id", maintain_order=True).last()


def with_shown_status(quotes: pl.DataFrame, today: dt.date) -> pl.DataFrame:
    """``quotes`` with ``shown_status`` (:func:`shown_status` for each row)."""
    expired = (pl.col("status") == "sent") & (pl.col("valid_until") < pl.lit(today))
    return quotes.with_columns(
        pl.when(expired).then(pl.lit("expired")).otherwise(pl.col("status")).alias("shown_status")
    )


def contract_lines(
    lines: Iterable[Mapping[str, object]], extra_pct: float
) -> list[dict[str, object]]:
    """The contract lines an accepted quote makes: product, description, quantity, unit
    price and cost as quoted, the line's discount combined with the extra one."""
    return [
        {
            "product_id": line["product_id"],
            "description": line["description"],
            "quantity": line["quantity"],
            "unit_price": line["unit_price"],
            "unit_cost": line["unit_cost"],
            "discount_pct": combined_discount(float(line["discount_pct"]), extra_pct),  # type: ignore[arg-type]
        }
        for line in lines
    ]


SUMMARY_SCHEMA: dict[str, pl.DataType] = {
    "quote_id": pl.Int64(),
    "list_value": pl.Float64(),
    "subtotal": pl.Float64(),
    "total": pl.Float64(),
    "max_line_discount": pl.Float64(),
    "total_discount": pl.Float64(),
    "lines": pl.Int64(),
}


def summaries(quotes: pl.DataFrame, lines: pl.DataFrame) -> pl.DataFrame:
    """:data:`SUMMARY_SCHEMA`: each quote's :class:`QuoteTotals` (``quotes``: ``quote_id,
    extra_discount_pct``; ``lines``: their lines)."""
    rows = []
    for quote_id, extra in quotes.select("quote_id", "extra_discount_pct").iter_rows():
        mine = lines.filter(pl.col("quote_id") == quote_id)
        money = totals(priced_lines(mine, extra))
        rows.append(
            (
                quote_id,
                money.list_value,
                money.subtotal,
                money.total,
                money.max_line_discount,
                money.total_discount,
                money.lines,
            )
        )
    return pl.DataFrame(rows, schema=SUMMARY_SCHEMA, orient="row")
