"""The ranking wall (龙虎榜): ranks of a registry metric per team, region and force (pure).

The wall is public by design (docs/recognition.md): the publisher
(:mod:`plugins.incentives.actions.wall`) ranks everyone at the wall's levels with
the whole force's scope and publishes *facts*; every signed-in user reads those
facts, never the ledger of others. The facts of one wall, under the topic
``incentives.wall.<metric>`` and a period (``YYYY-MM``, ``YYYY-Qn``, ``YYYY``):

- per ranked person and group one row: ``key`` names the group, ``<level code>/force``,
  ``<code>/region:<region>`` or ``<code>/team:<leader id>`` (people compete with their
  own level: reps with reps, supervisors with supervisors on their team's figure);
  ``value`` is the rank in that group (ties share the better place: 1, 2, 2, 4);
  ``text`` is JSON ``{"n": name, "v": figure, "a": attainment}`` where ``v`` is left
  out (null) for an amount of money unless the company shows amounts;
- one marker row without a person (``key`` ``@``): ``value`` the number ranked,
  ``text`` JSON ``{"stamp": …, "at": ISO time, "amounts": bool, "levels": […]}``:
  what the publication was computed from, so a reader knows when it is stale.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

TOPIC_PREFIX = "incentives.wall."
MARKER = "@"
LEVEL_CODES = {"rep": "r", "supervisor": "s", "manager": "m", "director": "d"}
GROUPS = ("force", "region", "team")
TEXT_SCHEMA = pl.Struct({"n": pl.String, "v": pl.Float64, "a": pl.Float64})
RANKED_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "name": pl.String(),
    "level": pl.String(),
    "manager_id": pl.Int64(),
    "region": pl.String(),
    "value": pl.Float64(),
    "attainment": pl.Float64(),
    "force": pl.Int64(),
    "region_rank": pl.Int64(),
    "team_rank": pl.Int64(),
}
FACT_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "key": pl.String(),
    "value": pl.Float64(),
    "text": pl.String(),
}
ROW_SCHEMA: dict[str, pl.DataType] = {
    "rank": pl.Int64(),
    "person_id": pl.Int64(),
    "name": pl.String(),
    "value": pl.Float64(),
    "attainment": pl.Float64(),
}


def topic(metric: str) -> str:
    """The published-facts topic of a metric's wall."""
    return f"{TOPIC_PREFIX}{metric}"


def group_key(level: str, group: str, ident: object = None) -> str:
    """``r/force``, ``r/region:华东``, ``r/team:12``: a group of one level's people."""
    code = LEVEL_CODES[level]
    return f"{code}/force" if group == "force" else f"{code}/{group}:{ident}"


def group_of(key: str) -> tuple[str, str]:
    """``(level, group)`` of a key made by :func:`group_key` (``("rep", "team")``)."""
    code, _, rest = key.partition("/")
    level = next(lv for lv, c in LEVEL_CODES.items() if c == code)
    return level, rest.split(":", 1)[0]


def _rank(over: str | None, descending: bool) -> pl.Expr:
    rank = pl.col("value").rank("min", descending=descending).cast(pl.Int64)
    return rank.over(["level", over] if over else "level")


def ranked(
    values: pl.DataFrame,
    people: pl.DataFrame,
    levels: Sequence[str],
    higher_is_better: bool = True,
    attainment: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """:data:`RANKED_SCHEMA`: everyone at ``levels`` with a value, ranked in their level
    across the force, their region and their team (the people under the same leader).

    ``values`` (``person_id, value``): the figure of each person (a leader's: their
    team's); ``people``: ``person_id, name, level, manager_id, region, status``
    (people who left are not ranked); ``attainment``: ``person_id, value`` shown
    beside the figure. Ties share the better place; nulls and NaN are not ranked.
    """
    pool = people.filter(pl.col("level").is_in(list(levels)) & (pl.col("status") != "left")).select(
        "person_id", "name", "level", "manager_id", "region"
    )
    figure = values.select("person_id", pl.col("value").cast(pl.Float64))
    joined = pool.join(figure, on="person_id", how="inner").filter(
        pl.col("value").is_not_null() & pl.col("value").is_not_nan()
    )
    if attainment is None:
        joined = joined.with_columns(pl.lit(None, pl.Float64).alias("attainment"))
    else:
        share = attainment.select("person_id", pl.col("value").cast(pl.Float64).alias("attainment"))
        joined = joined.join(share, on="person_id", how="left").with_columns(
            pl.col("attainment").fill_nan(None)
        )
    down = higher_is_better
    out = joined.with_columns(
        _rank(None, down).alias("force"),
        pl.when(pl.col("region") != "").then(_rank("region", down)).alias("region_rank"),
        pl.when(pl.col("manager_id").is_not_null())
        .then(_rank("manager_id", down))
        .alias("team_rank"),
    )
    return out.select(list(RANKED_SCHEMA)).cast(RANKED_SCHEMA).sort("level", "force", "person_id")  # type: ignore[arg-type]


def wall_facts(ranked_rows: pl.DataFrame, show_value: bool) -> pl.DataFrame:
    """:data:`FACT_SCHEMA` rows of a wall from :func:`ranked` rows (the marker apart).

    ``show_value`` false: the figure is left out of every row (an amount of money the
    company does not show); names, ranks and attainment always are in.
    """
    value = pl.col("value").round(4) if show_value else pl.lit(None, pl.Float64)
    text = (
        pl.struct(pl.col("name").str.slice(0, 80).alias("n"), value.alias("v"),
                  pl.col("attainment").round(4).alias("a"))
        .struct.json_encode()
        .alias("text")
    )  # fmt: skip
    code = pl.col("level").replace_strict(LEVEL_CODES, return_dtype=pl.String)
    parts = [
        ranked_rows.select(
            "person_id",
            pl.concat_str(code, pl.lit("/force")).alias("key"),
            pl.col("force").cast(pl.Float64).alias("value"),
            text,
        ),
        ranked_rows.filter(pl.col("region_rank").is_not_null()).select(
            "person_id",
            pl.concat_str(code, pl.lit("/region:"), pl.col("region").str.slice(0, 50)).alias("key"),
            pl.col("region_rank").cast(pl.Float64).alias("value"),
            text,
        ),
        ranked_rows.filter(pl.col("team_rank").is_not_null()).select(
            "person_id",
            pl.concat_str(code, pl.lit("/team:"), pl.col("manager_id").cast(pl.String)).alias(
                "key"
            ),
            pl.col("team_rank").cast(pl.Float64).alias("value"),
            text,
        ),
    ]
    return pl.concat(parts).cast(FACT_SCHEMA).sort("key", "value", "person_id")  # type: ignore[arg-type]


@dataclass(frozen=True)
class Marker:
    """What a publication was computed from (the marker row's text)."""

    stamp: str
    at: dt.datetime
    amounts: bool
    levels: tuple[str, ...]

    def text(self) -> str:
        return json.dumps(
            {
                "stamp": self.stamp,
                "at": self.at.isoformat(timespec="seconds"),
                "amounts": self.amounts,
                "levels": list(self.levels),
            }
        )

    @classmethod
    def parse(cls, text: str | None) -> Marker | None:
        """The marker in ``text``; ``None`` when there is none or it cannot be read."""
        if not text:
            return None
        try:
            data = json.loads(text)
            return cls(
                str(data["stamp"]),
                dt.datetime.fromisoformat(data["at"]),
                bool(data["amounts"]),
                tuple(data["levels"]),
            )
        except (ValueError, KeyError, TypeError):
            return None


def needs_publication(found: Marker | None, wanted: Marker, refresh_minutes: int) -> bool:
    """Publish again? Yes when nothing is published, when what is shown changed
    (amounts or levels: at once), or when the data changed and the publication is
    at least ``refresh_minutes`` old (a busy day republishes at most that often)."""
    if found is None:
        return True
    if found.amounts != wanted.amounts or found.levels != wanted.levels:
        return True
    if found.stamp == wanted.stamp:
        return False
    return wanted.at - found.at >= dt.timedelta(minutes=refresh_minutes)


def rows(facts: pl.DataFrame) -> pl.DataFrame:
    """:data:`ROW_SCHEMA` from published rows of one group (``person_id, value, text``)."""
    if facts.is_empty():
        return pl.DataFrame(schema=ROW_SCHEMA)
    decoded = facts.with_columns(pl.col("text").str.json_decode(TEXT_SCHEMA).alias("_t"))
    return (
        decoded.select(
            pl.col("value").cast(pl.Int64).alias("rank"),
            "person_id",
            pl.col("_t").struct.field("n").alias("name"),
            pl.col("_t").struct.field("v").alias("value"),
            pl.col("_t").struct.field("a").alias("attainment"),
        )
        .cast(ROW_SCHEMA)  # type: ignore[arg-type]
        .sort("rank", "person_id")
    )


def wall_period_label(grain: str, label: str, end: dt.date) -> str:
    """The period a wall is published for: the page's month, quarter or year; a day's
    or a week's wall is its month's (the ranking is kept per month and longer)."""
    if grain in ("month", "quarter", "year"):
        return label
    return f"{end:%Y-%m}"
