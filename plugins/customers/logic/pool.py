"""Public and private pools (公海/私海): release, claim and ownership history rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

NO_FOLLOWUP = "no_followup"
NO_WIN = "no_win"
MANUAL = "manual"
LEFT = "left"
"""The owner left the force: handed over, or back to the public pool."""


def release_candidates(
    book: pl.DataFrame,
    last_followups: pl.DataFrame,
    last_wins: pl.DataFrame,
    today: dt.date,
    no_followup_days: int,
    no_win_days: int,
) -> pl.DataFrame:
    """Private, unlocked customers due to fall back to the public pool on ``today``.

    ``book``: ``customer_id, owner_id, locked, owned_since, created_on``;
    ``last_followups``: ``customer_id, last_followup``; ``last_wins``:
    ``customer_id, last_win`` (the latest order line; it may hold only recent
    wins: a customer missing from it has not won within ``no_win_days``).

    The clocks start when the current owner got the customer: released when
    more than ``no_followup_days`` days passed since the later of that day and
    the last follow-up (reason ``no_followup``), else when more than
    ``no_win_days`` passed since the later of that day and the last win
    (reason ``no_win``). Returns ``customer_id, owner_id, reason, days_idle``.
    """
    start = pl.coalesce("owned_since", "created_on")
    touched = pl.max_horizontal("last_followup", start)
    won = pl.max_horizontal("last_win", start)
    idle_followup = (pl.lit(today) - touched).dt.total_days()
    idle_win = (pl.lit(today) - won).dt.total_days()
    return (
        book.filter(pl.col("owner_id").is_not_null() & ~pl.col("locked").fill_null(False))
        .join(last_followups, on="customer_id", how="left")
        .join(last_wins, on="customer_id", how="left")
        .with_columns(idle_followup.alias("idle_followup"), idle_win.alias("idle_win"))
        .with_columns(
            pl.when(pl.col("idle_followup") > no_followup_days)
            .then(pl.lit(NO_FOLLOWUP))
            .when(pl.col("idle_win") > no_win_days)
            .then(pl.lit(NO_WIN))
            .alias("reason")
        )
        .filter(pl.col("reason").is_not_null())
        .select(
            "customer_id",
            "owner_id",
            "reason",
            pl.when(pl.col("reason") == NO_FOLLOWUP)
            .then(pl.col("idle_followup"))
            .otherwise(pl.col("idle_win"))
            .cast(pl.Int64)
            .alias("days_idle"),
        )
        .sort("customer_id")
    )


@dataclass(frozen=True)
class ClaimState:
    """What a claim is checked against."""

    private_count: int
    claims_today: int
    cap: int
    daily_limit: int

    @property
    def remaining(self) -> int:
        """How many more customers this rep may claim today."""
        return max(0, min(self.cap - self.private_count, self.daily_limit - self.claims_today))


def claim_refusal(
    state: ClaimState, in_public_pool: bool, recently_released_by_claimer: bool
) -> str | None:
    """Why a claim is refused (a message key suffix), or ``None`` when it is allowed."""
    if not in_public_pool:
        return "not_public"
    if state.private_count >= state.cap:
        return "cap_reached"
    if state.claims_today >= state.daily_limit:
        return "daily_limit"
    if recently_released_by_claimer:
        return "cooldown"
    return None


def ownership_spells(customers: pl.DataFrame, moves: pl.DataFrame) -> pl.DataFrame:
    """``customer_id, owner_id, start, end`` (end exclusive, null = still owned).

    ``customers``: ``customer_id, owner_id, created_on``; ``moves``:
    ``move_id, customer_id, moved_on, from_owner_id, to_owner_id``. Before a
    customer's first move its owner was that move's ``from_owner_id``; after
    each move it is the move's ``to_owner_id``. Public-pool spells (no owner)
    and empty spells are left out.
    """
    ordered = moves.sort("customer_id", "moved_on", "move_id")
    with_moves = ordered["customer_id"].unique().implode()
    untouched = customers.filter(~pl.col("customer_id").is_in(with_moves)).select(
        "customer_id",
        pl.col("owner_id").cast(pl.Int64),
        pl.col("created_on").alias("start"),
        pl.lit(None, dtype=pl.Date).alias("end"),
    )
    first = (
        ordered.group_by("customer_id", maintain_order=True)
        .first()
        .join(customers.select("customer_id", "created_on"), on="customer_id", how="inner")
        .select(
            "customer_id",
            pl.col("from_owner_id").cast(pl.Int64).alias("owner_id"),
            pl.col("created_on").alias("start"),
            pl.col("moved_on").alias("end"),
        )
    )
    after = ordered.select(
        "customer_id",
        pl.col("to_owner_id").cast(pl.Int64).alias("owner_id"),
        pl.col("moved_on").alias("start"),
        pl.col("moved_on").shift(-1).over("customer_id").alias("end"),
    )
    spells = pl.concat([untouched, first, after])
    return spells.filter(
        pl.col("owner_id").is_not_null()
        & (pl.col("end").is_null() | (pl.col("end") > pl.col("start")))
    ).sort("customer_id", "start")


def filter_public(
    public: pl.DataFrame, text: str, regions: list[str], industries: list[str]
) -> pl.DataFrame:
    """Public-pool rows matching the name ``text``, regions and industries (empty: all),
    the latest released first."""
    out = public
    if text:
        out = out.filter(pl.col("name").str.contains(text, literal=True))
    if regions:
        out = out.filter(pl.col("region").is_in(regions))
    if industries:
        out = out.filter(pl.col("industry").is_in(industries))
    return out.sort(["released_on", "customer_id"], descending=[True, False], nulls_last=True)
