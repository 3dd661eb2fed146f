"""Internal communication: who an announcement is for, who read it, the weekly digest.

An audience is resolved against the org tree as it is now: ``force`` is
everyone still with the company, ``region`` everyone of that region,
``team`` the leader's subtree. People who left are never in an audience.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

ANNOUNCEMENT_SCHEMA: dict[str, pl.DataType] = {
    "announcement_id": pl.Int64(),
    "title": pl.String(),
    "body": pl.String(),
    "audience": pl.String(),
    "region": pl.String(),
    "team_root": pl.Int64(),
    "author_id": pl.Int64(),
    "author": pl.String(),
    "published_on": pl.Date(),
}
MEMBER_SCHEMA: dict[str, pl.DataType] = {"announcement_id": pl.Int64(), "person_id": pl.Int64()}


def audience_members(
    announcements: pl.DataFrame, people: pl.DataFrame, tree: pl.DataFrame
) -> pl.DataFrame:
    """``announcement_id, person_id`` for everyone each announcement is addressed to.

    ``people``: ``person_id, region, status``; ``tree``: the ancestor closure
    (``ancestor_id, person_id``) of the whole org.
    """
    current = people.filter(pl.col("status") != "left").select("person_id", "region")
    ids = announcements.select("announcement_id", "audience", "region", "team_root")
    force = (
        ids.filter(pl.col("audience") == "force")
        .select("announcement_id")
        .join(current.select("person_id"), how="cross")
    )
    region = (
        ids.filter(pl.col("audience") == "region")
        .select("announcement_id", "region")
        .join(current, on="region", how="inner")
        .select("announcement_id", "person_id")
    )
    team = (
        ids.filter(pl.col("audience") == "team")
        .select("announcement_id", "team_root")
        .join(tree, left_on="team_root", right_on="ancestor_id", how="inner")
        .join(current.select("person_id"), on="person_id", how="inner")
        .select("announcement_id", "person_id")
    )
    parts = [f.select(list(MEMBER_SCHEMA)).cast(MEMBER_SCHEMA) for f in (force, region, team)]
    return pl.concat(parts).unique().sort("announcement_id", "person_id")


def read_stats(members: pl.DataFrame, reads: pl.DataFrame) -> pl.DataFrame:
    """``announcement_id, audience_size, read, unread, read_rate`` over ``members``.

    Only reads by members count (someone who left the audience since does not).
    """
    marked = members.join(
        reads.select("announcement_id", "person_id", pl.lit(True).alias("is_read")),
        on=["announcement_id", "person_id"],
        how="left",
    ).with_columns(pl.col("is_read").fill_null(False))
    return (
        marked.group_by("announcement_id")
        .agg(pl.len().alias("audience_size"), pl.col("is_read").sum().alias("read"))
        .with_columns(
            (pl.col("audience_size") - pl.col("read")).alias("unread"),
            (pl.col("read") / pl.col("audience_size")).alias("read_rate"),
        )
        .sort("announcement_id")
    )


def unread(members: pl.DataFrame, reads: pl.DataFrame, person_id: int) -> pl.Series:
    """The ids of announcements addressed to ``person_id`` that they have not read."""
    mine = members.filter(pl.col("person_id") == person_id)
    done = reads.filter(pl.col("person_id") == person_id)
    return mine.join(done, on=["announcement_id", "person_id"], how="anti")[
        "announcement_id"
    ].sort()


@dataclass
class Digest:
    """A team's week: what happened, what is due, what is coming."""

    team_root: int
    week_start: dt.date
    revenue: float = 0.0
    order_lines: int = 0
    previous_revenue: float = 0.0
    meetings: pl.DataFrame = field(default_factory=pl.DataFrame)
    attendance_rate: float | None = None
    actions_raised: int = 0
    actions_closed: int = 0
    overdue: pl.DataFrame = field(default_factory=pl.DataFrame)
    upcoming: pl.DataFrame = field(default_factory=pl.DataFrame)
    announcements: pl.DataFrame = field(default_factory=pl.DataFrame)
    spend: float = 0.0
    top_sellers: pl.DataFrame = field(default_factory=pl.DataFrame)

    @property
    def week_end(self) -> dt.date:
        return self.week_start + dt.timedelta(days=6)


def week_sales(
    orders: pl.DataFrame, people: pl.DataFrame, start: dt.date, top: int = 3
) -> tuple[float, int, float, pl.DataFrame]:
    """Revenue and lines of the week from ``start``, last week's revenue and the top sellers.

    ``orders``: ``person_id, order_date, revenue`` covering both weeks, one row
    per order line, or already summed per person and day with a ``lines`` count.
    """
    end = start + dt.timedelta(days=6)
    if "lines" not in orders.columns:
        orders = orders.with_columns(pl.lit(1, dtype=pl.Int64).alias("lines"))
    this = orders.filter(pl.col("order_date").is_between(start, end))
    before = orders.filter(
        pl.col("order_date").is_between(start - dt.timedelta(days=7), start - dt.timedelta(days=1))
    )
    sellers = (
        this.group_by("person_id")
        .agg(pl.col("revenue").sum(), pl.col("lines").sum().cast(pl.UInt32))
        .join(people.select("person_id", "name"), on="person_id", how="left")
        .sort(["revenue", "person_id"], descending=[True, False])
        .head(top)
    )
    return (
        float(this["revenue"].sum()),
        int(this["lines"].sum()),
        float(before["revenue"].sum()),
        sellers,
    )


def not_read(members: pl.DataFrame, reads: pl.DataFrame, announcement_id: int) -> pl.Series:
    """``person_id`` of the audience of ``announcement_id`` who have not read it."""
    audience = members.filter(pl.col("announcement_id") == announcement_id)
    return audience.join(reads, on=["announcement_id", "person_id"], how="anti")["person_id"]
