"""The export kind ``appraisal_results``: closed cycles' results, scoped to the viewer."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine

from command_center.org.scope import Viewer
from command_center.types import ExportKind
from plugins.appraisal import queries

COLUMNS = (
    "period",
    "kind",
    "person_id",
    "level",
    "team_id",
    "kpi_score",
    "results_score",
    "values_score",
    "final_score",
    "proposed_rating",
    "rating",
    "grid",
    "bonus_multiplier",
    "raise_pct",
    "promotion",
    "training",
)


def read_results(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    """One row per person and closed cycle the viewer may see."""
    parts = [
        queries.history(engine, viewer, kind).with_columns(pl.lit(kind).alias("kind"))
        for kind in ("monthly", "annual")
    ]
    rows = pl.concat(parts, how="vertical_relaxed")
    return (
        rows.with_columns(pl.col("training").list.join(","))
        .select(COLUMNS)
        .sort("period", "person_id")
    )


def exporters() -> list[ExportKind]:
    return [ExportKind("appraisal_results", read_results, "appraisal.export.results")]
