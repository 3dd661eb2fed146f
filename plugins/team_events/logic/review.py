"""The monthly review pack's figures, as pure functions over Polars frames.

The pack builder (``pack.py``) reads the metric registry and the core
targets; everything it computes from them is here, unit-tested against
hand-computed answers.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

VALUES_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "num": pl.Float64(),
    "den": pl.Float64(),
    "value": pl.Float64(),
}
HONOUR_SCHEMA: dict[str, pl.DataType] = {
    "honour_id": pl.String(),
    "title_key": pl.String(),
    "person_id": pl.Int64(),
    "name": pl.String(),
    "metric": pl.String(),
    "value": pl.Float64(),
    "source": pl.String(),
}
MOVER_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "name": pl.String(),
    "current": pl.Float64(),
    "previous": pl.Float64(),
    "change": pl.Float64(),
    "change_rel": pl.Float64(),
}


@dataclass(frozen=True)
class HonourRule:
    """An honour computed from a metric: the best value among the team's reps.

    ``min_value``: the value must exceed it (strictly). ``min_den``: the
    denominator must reach it (e.g. a win rate over at least three deals).
    ``min_base_share``: the denominator must reach this share of the mean
    denominator of the candidates, so growth on a tiny base does not win.
    """

    honour_id: str
    metric: str
    title_key: str
    min_value: float = 0.0
    min_den: float = 0.0
    min_base_share: float = 0.0


HONOUR_RULES: tuple[HonourRule, ...] = (
    HonourRule("sales_champion", "revenue", "team_events.honour.sales_champion"),
    HonourRule(
        "growth_star", "growth", "team_events.honour.growth_star", min_den=1.0, min_base_share=0.25
    ),
    HonourRule(
        "target_star", "attainment", "team_events.honour.target_star", min_value=0.9999, min_den=1.0
    ),
    HonourRule("pioneer", "new_customers", "team_events.honour.pioneer"),
    HonourRule("win_rate_ace", "win_rate", "team_events.honour.win_rate_ace", min_den=3.0),
)


def results(rows: pl.DataFrame) -> pl.DataFrame:
    """Add ``attainment`` (value / target) and ``change`` to ``key, unit, value, target, previous``.

    Ratio units (percent, ratio) change in points (value - previous); amounts
    relatively (value / previous - 1). Missing inputs give nulls, never errors.
    """
    ratio = pl.col("unit").is_in(["percent", "ratio"])
    return rows.with_columns(
        pl.when(pl.col("target").is_not_null() & (pl.col("target") != 0))
        .then(pl.col("value") / pl.col("target"))
        .otherwise(None)
        .alias("attainment"),
        pl.when(ratio)
        .then(pl.col("value") - pl.col("previous"))
        .when(pl.col("previous").is_not_null() & (pl.col("previous") != 0))
        .then(pl.col("value") / pl.col("previous") - 1)
        .otherwise(None)
        .alias("change"),
    )


def movers(
    current: pl.DataFrame, previous: pl.DataFrame, people: pl.DataFrame, n: int = 3
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The ``n`` biggest rises and falls of a metric between two periods.

    ``current`` and ``previous``: ``person_id, value``; a person missing in one
    period counts 0 there. Only ``people`` (``person_id, name``) are ranked.
    Ties go to the smaller person id so the list is stable.
    """
    both = (
        people.select("person_id", "name")
        .join(
            current.select("person_id", pl.col("value").alias("current")),
            on="person_id",
            how="left",
        )
        .join(
            previous.select("person_id", pl.col("value").alias("previous")),
            on="person_id",
            how="left",
        )
        .filter(pl.col("current").is_not_null() | pl.col("previous").is_not_null())
        .with_columns(pl.col("current", "previous").fill_null(0.0).cast(pl.Float64))
        .with_columns(
            (pl.col("current") - pl.col("previous")).alias("change"),
            pl.when(pl.col("previous") != 0)
            .then(pl.col("current") / pl.col("previous") - 1)
            .otherwise(None)
            .alias("change_rel"),
        )
        .select(list(MOVER_SCHEMA))
        .cast(MOVER_SCHEMA)
    )
    top = both.filter(pl.col("change") > 0).sort(["change", "person_id"], descending=[True, False])
    bottom = both.filter(pl.col("change") < 0).sort(["change", "person_id"])
    return top.head(n), bottom.head(n)


def computed_honours(
    values: dict[str, pl.DataFrame],
    people: pl.DataFrame,
    rules: tuple[HonourRule, ...] = HONOUR_RULES,
) -> pl.DataFrame:
    """One winner per rule whose metric is in ``values`` (``person_id, num, den, value``).

    ``people`` (``person_id, name``) are the candidates (the team's reps).
    """
    rows: list[dict[str, object]] = []
    for rule in rules:
        frame = values.get(rule.metric)
        if frame is None:
            continue
        candidates = frame.join(people.select("person_id", "name"), on="person_id", how="inner")
        candidates = candidates.filter(
            pl.col("value").is_not_null()
            & pl.col("value").is_finite()
            & (pl.col("value") > rule.min_value)
            & (pl.col("den") >= rule.min_den)
        )
        if rule.min_base_share > 0 and not candidates.is_empty():
            mean = candidates["den"].mean()
            floor = rule.min_base_share * float(mean) if mean is not None else 0.0  # type: ignore[arg-type]
            candidates = candidates.filter(pl.col("den") >= floor)
        if candidates.is_empty():
            continue
        best = candidates.sort(["value", "person_id"], descending=[True, False]).row(0, named=True)
        rows.append(
            {
                "honour_id": rule.honour_id,
                "title_key": rule.title_key,
                "person_id": best["person_id"],
                "name": best["name"],
                "metric": rule.metric,
                "value": best["value"],
                "source": "computed",
            }
        )
    return pl.DataFrame(rows, schema=HONOUR_SCHEMA)


def published_honours(facts: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    """Honours another plugin published (``topic = honours``) for ``people``.

    ``facts``: ``person_id, key, value, text`` (``text`` is a translation key).
    """
    return (
        facts.join(people.select("person_id", "name"), on="person_id", how="inner")
        .select(
            pl.col("key").alias("honour_id"),
            pl.col("text").alias("title_key"),
            "person_id",
            "name",
            pl.lit(None, dtype=pl.String).alias("metric"),
            "value",
            pl.lit("published").alias("source"),
        )
        .cast(HONOUR_SCHEMA)
        .sort("honour_id", "person_id")
    )


def next_targets(targets: pl.DataFrame, people: pl.DataFrame, label: str) -> pl.DataFrame:
    """``person_id, name, level, metric, target`` for period ``label`` and ``people``."""
    return (
        targets.filter(pl.col("period") == label)
        .join(people.select("person_id", "name", "level"), on="person_id", how="inner")
        .select("person_id", "name", "level", "metric", "target")
        .sort("metric", "person_id")
    )


def target_totals(person_targets: pl.DataFrame) -> pl.DataFrame:
    """``metric, total, people`` summed from person rows (metrics the registry lacks)."""
    return (
        person_targets.group_by("metric")
        .agg(pl.col("target").sum().alias("total"), pl.len().alias("people"))
        .sort("metric")
    )


def ordered_keys(available: list[str], preferred: tuple[str, ...]) -> list[str]:
    """``preferred`` keys that are available first, in that order, then the rest sorted."""
    first = [k for k in preferred if k in available]
    return first + sorted(k for k in available if k not in first)
