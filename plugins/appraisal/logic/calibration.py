"""Calibration: the 271 guideline per team, outliers, the results x values grid, results applied.

A team is the people appraised under the same direct leader (``team_id``).

- Guideline counts: ``n x share`` per rating, floored, the people left over
  going to the largest remainders (ties: exceeds, then meets, then below).
- A rating bucket of a team is flagged when its share is more than
  ``tolerance`` away from the guideline share.
- A person is an outlier when their rating is better than that of someone in
  the team with a higher final score (``rated_above``), or worse than that of
  someone with a lower one (``rated_below``); a rating that differs from the
  one proposed by the score is marked ``override``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import polars as pl

from plugins.appraisal.settings import RATINGS

GRIDS: tuple[str, ...] = ("star", "wild_dog", "ox", "white_rabbit", "dog")
RATING_ORDER: dict[str, int] = {rating: i for i, rating in enumerate(RATINGS)}


def guideline_counts(n: int, shares: Mapping[str, float]) -> dict[str, int]:
    """How many of ``n`` people each rating should hold (largest remainder)."""
    raw = {rating: n * shares[rating] for rating in RATINGS}
    counts = {rating: math.floor(value + 1e-9) for rating, value in raw.items()}
    left = n - sum(counts.values())
    order = sorted(RATINGS, key=lambda r: (-(raw[r] - counts[r]), RATING_ORDER[r]))
    for rating in order[: max(0, left)]:
        counts[rating] += 1
    return counts


def distribution(
    records: pl.DataFrame, shares: Mapping[str, float], tolerance: float
) -> pl.DataFrame:
    """Per ``team_id`` and rating: ``count, share, expected, guideline, deviation, flagged``.

    ``records`` needs ``team_id`` and ``rating`` (null ratings are left out).
    """
    rated = records.filter(pl.col("rating").is_not_null())
    sizes = rated.group_by("team_id").agg(pl.len().alias("size"))
    grid = sizes.join(pl.DataFrame({"rating": list(RATINGS)}), how="cross")
    counts = rated.group_by("team_id", "rating").agg(pl.len().alias("count"))
    expected = pl.DataFrame(
        [
            {"team_id": team, "rating": rating, "expected": count}
            for team, size in sizes.iter_rows()
            for rating, count in guideline_counts(size, shares).items()
        ],
        schema={"team_id": pl.Int64, "rating": pl.String, "expected": pl.Int64},
    )
    guide = pl.DataFrame(
        {"rating": list(RATINGS), "guideline": [float(shares[r]) for r in RATINGS]}
    )
    return (
        grid.join(counts, on=["team_id", "rating"], how="left")
        .join(expected, on=["team_id", "rating"], how="left")
        .join(guide, on="rating", how="left")
        .with_columns(pl.col("count").fill_null(0).cast(pl.Int64))
        .with_columns((pl.col("count") / pl.col("size")).alias("share"))
        .with_columns((pl.col("share") - pl.col("guideline")).alias("deviation"))
        .with_columns((pl.col("deviation").abs() > tolerance + 1e-9).alias("flagged"))
        .with_columns(pl.col("rating").replace_strict(RATING_ORDER).alias("_order"))
        .sort("team_id", "_order")
        .select(
            "team_id",
            "rating",
            "size",
            "count",
            "share",
            "expected",
            "guideline",
            "deviation",
            "flagged",
        )
    )


def forced_ratings(records: pl.DataFrame, shares: Mapping[str, float]) -> pl.DataFrame:
    """``person_id, forced``: ratings by rank within each team (the 271 applied strictly).

    ``records`` needs ``team_id``, ``person_id`` and ``final_score``; ties rank
    by ``person_id``; people without a score are left out.
    """
    scored = records.filter(pl.col("final_score").is_not_null()).sort(
        ["team_id", "final_score", "person_id"], descending=[False, True, False]
    )
    ranked = scored.with_columns(
        pl.int_range(pl.len()).over("team_id").alias("rank"),
        pl.len().over("team_id").alias("size"),
    )
    cut = pl.DataFrame(
        [
            {"size": size, "top": c["exceeds"], "bottom": c["below"]}
            for size in ranked["size"].unique().to_list()
            for c in [guideline_counts(size, shares)]
        ],
        schema={"size": pl.UInt32, "top": pl.Int64, "bottom": pl.Int64},
    )
    return (
        ranked.join(cut, on="size", how="left")
        .select(
            "person_id",
            pl.when(pl.col("rank") < pl.col("top"))
            .then(pl.lit("exceeds"))
            .when(pl.col("rank") >= pl.col("size") - pl.col("bottom"))
            .then(pl.lit("below"))
            .otherwise(pl.lit("meets"))
            .alias("forced"),
        )
        .sort("person_id")
    )


def outliers(records: pl.DataFrame) -> pl.DataFrame:
    """``person_id, rated_above, rated_below, override`` (see the module docstring).

    ``records`` needs ``team_id, person_id, final_score, rating, proposed_rating``.
    """
    rated = records.filter(pl.col("rating").is_not_null() & pl.col("final_score").is_not_null())
    rated = rated.with_columns(pl.col("rating").replace_strict(RATING_ORDER).alias("order"))
    other = rated.select(
        "team_id",
        pl.col("person_id").alias("o_person"),
        pl.col("final_score").alias("o_score"),
        pl.col("order").alias("o_order"),
    )
    pairs = rated.select("team_id", "person_id", "final_score", "order").join(
        other, on="team_id", how="inner"
    )
    above = (
        pairs.filter(
            (pl.col("o_order") > pl.col("order")) & (pl.col("o_score") > pl.col("final_score"))
        )
        .select("person_id")
        .unique()
        .with_columns(pl.lit(True).alias("rated_above"))
    )
    below = (
        pairs.filter(
            (pl.col("o_order") < pl.col("order")) & (pl.col("o_score") < pl.col("final_score"))
        )
        .select("person_id")
        .unique()
        .with_columns(pl.lit(True).alias("rated_below"))
    )
    return (
        rated.select(
            "person_id",
            (
                pl.col("proposed_rating").is_not_null()
                & (pl.col("rating") != pl.col("proposed_rating"))
            )
            .fill_null(False)
            .alias("override"),
        )
        .join(above, on="person_id", how="left")
        .join(below, on="person_id", how="left")
        .select(
            "person_id",
            pl.col("rated_above").fill_null(False),
            pl.col("rated_below").fill_null(False),
            "override",
        )
        .sort("person_id")
    )


def grid_expr(
    results: pl.Expr,
    values: pl.Expr,
    results_low: float,
    results_high: float,
    values_low: float,
    values_high: float,
) -> pl.Expr:
    """The results x values grid.

    - low values: ``wild_dog`` with high results, else ``dog``;
    - low results (values not low): ``white_rabbit``;
    - high results and high values: ``star``;
    - everything else (the steady middle): ``ox``.
    """
    low_values = values < values_low
    return (
        pl.when(results.is_null() | values.is_null())
        .then(None)
        .when(low_values & (results >= results_high))
        .then(pl.lit("wild_dog"))
        .when(low_values)
        .then(pl.lit("dog"))
        .when(results < results_low)
        .then(pl.lit("white_rabbit"))
        .when((results >= results_high) & (values >= values_high))
        .then(pl.lit("star"))
        .otherwise(pl.lit("ox"))
    )


def apply_results(
    records: pl.DataFrame,
    multipliers: Mapping[str, float],
    raises: Mapping[str, float] | None,
) -> pl.DataFrame:
    """``person_id, bonus_multiplier, raise_pct, promotion`` from each rating and grid cell.

    ``raises`` is ``None`` for monthly cycles (raises are decided once a year);
    promotion is recommended for a star rated ``exceeds``.
    """
    return records.select(
        "person_id",
        pl.col("rating")
        .replace_strict(multipliers, default=None, return_dtype=pl.Float64)
        .alias("bonus_multiplier"),
        (
            pl.col("rating").replace_strict(raises, default=None, return_dtype=pl.Float64)
            if raises is not None
            else pl.lit(None, dtype=pl.Float64)
        ).alias("raise_pct"),
        ((pl.col("rating") == "exceeds") & (pl.col("grid") == "star"))
        .fill_null(False)
        .alias("promotion"),
    )


def training_needs(
    lines: pl.DataFrame,
    records: pl.DataFrame,
    under: float,
    values_low: float,
) -> pl.DataFrame:
    """``person_id, training``: the KPIs scored under ``under`` (weakest first), and
    ``values`` when the values score is under ``values_low``; ``ability`` and
    ``attitude`` (annual) when under 3 of 5.

    ``lines`` needs ``person_id, metric, score, status``; ``records`` needs
    ``person_id, values_score`` and may hold ``ability``, ``attitude``.
    """
    weak = (
        lines.filter((pl.col("status") == "scored") & (pl.col("score") < under))
        .sort(["person_id", "score", "metric"])
        .select("person_id", pl.col("metric").alias("need"), pl.lit(0).alias("_o"))
    )
    extra = [
        records.filter(pl.col("values_score") < values_low).select(
            "person_id", pl.lit("values").alias("need"), pl.lit(1).alias("_o")
        )
    ]
    for key in ("ability", "attitude"):
        if key in records.columns:
            extra.append(
                records.filter(pl.col(key) < 3).select(
                    "person_id", pl.lit(key).alias("need"), pl.lit(2).alias("_o")
                )
            )
    needs = pl.concat([weak, *extra]).with_row_index("_i")
    grouped = (
        needs.sort("_o", "_i")
        .group_by("person_id", maintain_order=True)
        .agg(pl.col("need").alias("training"))
    )
    return (
        records.select("person_id")
        .join(grouped, on="person_id", how="left")
        .with_columns(pl.col("training").fill_null(pl.lit([], dtype=pl.List(pl.String))))
        .sort("person_id")
    )


def rating_mix(records: pl.DataFrame) -> pl.DataFrame:
    """``period, rating, people``: how many rated people hold each rating per period."""
    rated = records.filter(pl.col("rating").is_not_null())
    return rated.group_by("period", "rating").agg(pl.len().alias("people"))


def team_table(spread: pl.DataFrame) -> pl.DataFrame:
    """Per team of :func:`distribution` (joined with ``team``): ``team_id, team, size``,
    the count per rating, ``<rating>_expected`` and ``flagged`` (any bucket flagged)."""
    wide = spread.pivot(on="rating", index=["team_id", "team", "size"], values="count")
    expected = spread.pivot(on="rating", index="team_id", values="expected")
    flagged = spread.group_by("team_id").agg(pl.col("flagged").any())
    return (
        wide.join(expected, on="team_id", suffix="_expected")
        .join(flagged, on="team_id")
        .sort("team")
    )
