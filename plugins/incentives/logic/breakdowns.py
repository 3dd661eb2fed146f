"""The figures a plan reads beyond revenue and profit, pure: collected cash, sales by product
or category, SPIFF lines.

A plan asks for them through its components (``base: collected``, a
``product_rate`` component, a ``spiff``); each is one extra column of the
person-month figures, summed over quarters and years like revenue
(``Figures.sums``). They are built once per data version from a small
person x month x product frame (:func:`product_months`) and the SPIFF line
counts, so a lever moved in the what-if simulator never reads the ledger:
every rate, default and SPIFF amount multiplies columns already there.

Column of a product rate: the base (revenue, profit or collected cash) of
the lines of one product, or of one category *less the products the same
component rates by themselves* (a product's own rate wins over its
category's); the default rate pays the rest of the base.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from plugins.incentives.logic.plan_model import Plan, ProductRate, Spiff

COLLECTED = "collected"
PRODUCT_MONTH_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "month": pl.Date(),
    "product_id": pl.String(),
    "category": pl.String(),
    "revenue": pl.Float64(),
    "profit": pl.Float64(),
    "collected": pl.Float64(),
}
SPIFF_LINE_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "order_date": pl.Date(),
    "product_id": pl.String(),
    "category": pl.String(),
    "credit_share": pl.Float64(),
}


@dataclass(frozen=True)
class Slice:
    """The base of one product, or one category less ``exclude`` (products)."""

    base: str
    product: str | None = None
    category: str | None = None
    exclude: tuple[str, ...] = ()

    @property
    def column(self) -> str:
        if self.product is not None:
            return f"by:{self.base}:product:{self.product}"
        less = "-" + ",".join(self.exclude) if self.exclude else ""
        return f"by:{self.base}:category:{self.category}{less}"


@dataclass(frozen=True)
class SpiffLines:
    """Order lines (credited shares) of a product or category booked ``start..end``."""

    product: str | None
    category: str | None
    start: dt.date
    end: dt.date

    @property
    def column(self) -> str:
        what = (
            f"product:{self.product}" if self.product is not None else f"category:{self.category}"
        )
        return f"spiff:{what}:{self.start.isoformat()}:{self.end.isoformat()}"


def scales_with_revenue(column: str) -> bool:
    """Whether a what-if's revenue change moves this extra column (not SPIFF line counts)."""
    return column == COLLECTED or column.startswith("by:")


def rate_slices(comp: ProductRate) -> list[tuple[Slice, float]]:
    """Each rated slice of a product-rate component with its rate (products first)."""
    products = tuple(sorted(e.product for e in comp.rates if e.product is not None))
    out: list[tuple[Slice, float]] = []
    for entry in comp.rates:
        if entry.product is not None:
            out.append((Slice(comp.base, product=entry.product), entry.rate))
        else:
            out.append((Slice(comp.base, category=entry.category, exclude=products), entry.rate))
    return out


def spiff_lines(comp: Spiff) -> SpiffLines:
    return SpiffLines(comp.product, comp.category, comp.start, comp.end)


@dataclass(frozen=True)
class Needs:
    """The extra columns a plan reads: collected cash, slices, SPIFF line counts."""

    collected: bool = False
    slices: tuple[Slice, ...] = ()
    spiffs: tuple[SpiffLines, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        out = [COLLECTED] if self.collected else []
        out += [s.column for s in self.slices] + [s.column for s in self.spiffs]
        return tuple(dict.fromkeys(out))

    def __bool__(self) -> bool:
        return bool(self.columns)


def plan_needs(plan: Plan) -> Needs:
    """What ``plan`` reads beyond the standard figures (every component, enabled or not:
    the simulator may switch one on, and the base lever of a ``tiered`` or ``rate``
    component may switch it to collected cash)."""
    from plugins.incentives.logic.plan_model import ProductRate, Rate, Spiff, Tiered

    collected = False
    slices: list[Slice] = []
    spiffs: list[SpiffLines] = []
    for comp in plan.components:
        if isinstance(comp, Tiered | Rate) and comp.base in ("revenue", COLLECTED):
            collected = True  # the base lever offers collected cash beside revenue
        if isinstance(comp, ProductRate):
            # Its own base only: cash by product is read when a plan pays on it.
            collected = collected or comp.base == COLLECTED
            slices += [s for s, _ in rate_slices(comp)]
        elif isinstance(comp, Spiff):
            spiffs.append(spiff_lines(comp))
    return Needs(collected, tuple(dict.fromkeys(slices)), tuple(dict.fromkeys(spiffs)))


def all_needs(plans: list[Plan]) -> Needs:
    """What any of ``plans`` reads (a settlement evaluates every plan in effect)."""
    found = [plan_needs(plan) for plan in plans]
    return Needs(
        any(n.collected for n in found),
        tuple(dict.fromkeys(s for n in found for s in n.slices)),
        tuple(dict.fromkeys(s for n in found for s in n.spiffs)),
    )


def booked_plan(plan: Plan) -> Plan | None:
    """``plan``'s enabled components on collected cash, on booked revenue instead (no
    gates, no cap): what they would pay were the month's sales paid on booking. ``None``
    when no component pays on collected cash."""
    from plugins.incentives.logic.plan_model import ProductRate, Rate, Tiered

    on_cash = [
        comp.model_copy(update={"base": "revenue"})
        for comp in plan.components
        if comp.enabled and isinstance(comp, Tiered | Rate | ProductRate) and comp.base == COLLECTED
    ]
    if not on_cash:
        return None
    return plan.model_copy(update={"components": on_cash, "gates": [], "cap": None})


def slice_columns(products: pl.DataFrame, slices: tuple[Slice, ...]) -> pl.DataFrame:
    """``person_id, month`` and one column per slice from :data:`PRODUCT_MONTH_SCHEMA` rows."""
    keys = products.select("person_id", "month").unique()
    for piece in slices:
        if piece.product is not None:
            rows = products.filter(pl.col("product_id") == piece.product)
        else:
            rows = products.filter(
                (pl.col("category") == piece.category)
                & ~pl.col("product_id").is_in(list(piece.exclude))
            )
        part = rows.group_by("person_id", "month").agg(pl.col(piece.base).sum().alias(piece.column))
        keys = keys.join(part, on=["person_id", "month"], how="left")
    return keys.with_columns(pl.col(s.column for s in slices).fill_null(0.0))


def spiff_columns(lines: pl.DataFrame, spiffs: tuple[SpiffLines, ...]) -> pl.DataFrame:
    """``person_id, month`` and per SPIFF the credited lines of :data:`SPIFF_LINE_SCHEMA` rows
    of its product (or category) booked in its dates, per month."""
    month = pl.col("order_date").dt.truncate("1mo").alias("month")
    keys = lines.select("person_id", month).unique()
    for spiff in spiffs:
        match = (
            pl.col("product_id") == spiff.product
            if spiff.product is not None
            else pl.col("category") == spiff.category
        )
        part = (
            lines.filter(match & pl.col("order_date").is_between(spiff.start, spiff.end))
            .group_by("person_id", month)
            .agg(pl.col("credit_share").sum().alias(spiff.column))
        )
        keys = keys.join(part, on=["person_id", "month"], how="left")
    return keys.with_columns(pl.col(s.column for s in spiffs).fill_null(0.0))


def with_columns(
    month: pl.DataFrame, extra: pl.DataFrame, columns: tuple[str, ...]
) -> pl.DataFrame:
    """``month`` (person-month figures) with ``columns`` of ``extra`` (0 where absent)."""
    wanted = [c for c in columns if c in extra.columns and c not in month.columns]
    if not wanted:
        return month
    return month.join(
        extra.select("person_id", "month", *wanted),
        on=["person_id", "month"],
        how="left",
        maintain_order="left",
    ).with_columns(pl.col(wanted).fill_null(0.0))
