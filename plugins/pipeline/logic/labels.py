"""Codes as translated labels and frames with translated headers (what the pages show)."""

from __future__ import annotations

from typing import Any

import polars as pl

from command_center.i18n import has, money, t
from plugins.pipeline import settings as cfg


def label(prefix: str, code: str | None) -> str:
    """``pipeline.<prefix>.<code>`` translated; codes without a message show as typed."""
    if code is None:
        return "—"
    key = f"pipeline.{prefix}.{code}"
    return t(key) if has(key) else code


def stage_label(conf: cfg.PipelineSettings, key: str) -> str:
    stage = conf.stage(key)
    if has(f"pipeline.stage.{key}") or stage is None or not stage.name:
        return label("stage", key)
    return stage.name


def stage_labels(conf: cfg.PipelineSettings) -> dict[str, str]:
    return {s.key: stage_label(conf, s.key) for s in conf.stages}


def deal_label(row: dict[str, Any], customers: dict[int, str], stages: dict[str, str]) -> str:
    customer = customers.get(row["customer_id"], str(row["customer_id"]))
    stage = stages.get(row["stage"], row["stage"])
    return f"#{row['opp_id']} {row['title']} · {customer} · {stage} · {money(row['amount'])}"


def display(frame: pl.DataFrame, columns: dict[str, str]) -> pl.DataFrame:
    """``frame``'s ``columns`` renamed to their translated headers; dates as ISO text."""
    exprs = []
    for name, key in columns.items():
        col, dtype = pl.col(name), frame.schema[name]
        if dtype == pl.Date:
            col = col.dt.strftime("%Y-%m-%d")
        elif isinstance(dtype, pl.Datetime):
            col = col.dt.strftime("%Y-%m-%d %H:%M")
        exprs.append(col.alias(t(key)))
    return frame.select(exprs)


def milestone_name(row: dict[str, Any]) -> str:
    """A milestone's title when custom, else its kind's label."""
    return row["title"] if row["kind"] == "custom" and row["title"] else label("kind", row["kind"])


def review_rows(reviews: pl.DataFrame, names: dict[int, str]) -> pl.DataFrame:
    """Contract reviews as the tables show them: the time as text, the reviewer's name
    (the recorded login when the person is not known), the decision translated."""
    return reviews.with_columns(
        pl.col("reviewed_at").dt.strftime("%Y-%m-%d %H:%M"),
        pl.col("reviewer_id")
        .replace_strict(names, default=None, return_dtype=pl.String)
        .fill_null(pl.col("reviewer"))
        .alias("reviewer"),
        pl.col("decision").replace_strict(
            {d: t(f"pipeline.decision.{d}") for d in ("approve", "reject")},
            default=pl.col("decision"),
        ),
    )


def with_code_label(frame: pl.DataFrame, column: str, prefix: str) -> pl.DataFrame:
    """``frame`` with ``label``: ``column``'s codes translated under ``pipeline.<prefix>``."""
    return frame.with_columns(
        pl.col(column)
        .map_elements(lambda code: label(prefix, code), return_dtype=pl.String)
        .alias("label")
    )


def milestone_table(
    frame: pl.DataFrame, customers: dict[int, str], names: dict[int, str], with_deal: bool
) -> pl.DataFrame:
    """Milestones (``queries.milestones``) as the tables show them, by due date; the deal and
    customer columns only ``with_deal``."""
    rows = [
        {
            "milestone_id": r["milestone_id"],
            "deal": f"#{r['opp_id']} {r['deal_title']}",
            "customer": customers.get(r["customer_id"], ""),
            "milestone": milestone_name(r),
            "owner": names.get(r["owner_id"], ""),
            "due_date": r["due_date"],
            "status": label("milestone_status", r["status"]),
            "days_overdue": r["days_overdue"],
            "note": r["note"],
        }
        for r in frame.sort("due_date", "milestone_id").iter_rows(named=True)
    ]
    shown = pl.DataFrame(
        rows,
        schema={
            "milestone_id": pl.Int64,
            "deal": pl.String,
            "customer": pl.String,
            "milestone": pl.String,
            "owner": pl.String,
            "due_date": pl.Date,
            "status": pl.String,
            "days_overdue": pl.Int64,
            "note": pl.String,
        },
    )
    columns = {
        "milestone_id": "pipeline.col.id",
        "deal": "pipeline.col.deal",
        "customer": "pipeline.field.customer",
        "milestone": "pipeline.col.milestone",
        "owner": "pipeline.ui.owner",
        "due_date": "pipeline.field.due_date",
        "status": "pipeline.field.status",
        "days_overdue": "pipeline.col.days_overdue",
        "note": "pipeline.field.note",
    }
    if not with_deal:
        columns.pop("deal")
        columns.pop("customer")
    return display(shown, columns)
