"""Pure Polars: standings of a contest and the podium metric."""

from __future__ import annotations

import polars as pl

PODIUM = 3


def standings(values: pl.DataFrame) -> pl.DataFrame:
    """``person_id, value`` -> ranked standings (1 = best; ties share a rank)."""
    return (
        values.filter(pl.col("value").is_not_null())
        .with_columns(pl.col("value").rank("min", descending=True).cast(pl.Int64).alias("rank"))
        .sort(["rank", "person_id"])
    )


def podiums(results: pl.DataFrame) -> pl.DataFrame:
    """``contest_id, end_month, person_id, rank`` -> podium finishes per person and month."""
    return (
        results.filter(pl.col("rank") <= PODIUM)
        .group_by("person_id", pl.col("end_month").alias("month"))
        .agg(pl.len().cast(pl.Float64).alias("num"))
        .with_columns(pl.lit(1.0).alias("den"))
    )
