"""KPI lines on screen: one person's lines as a translated table, and their chart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from command_center.context import PageContext
from command_center.i18n import fmt_value, t
from command_center.ui.widgets import percent_column
from plugins.appraisal import charts
from plugins.appraisal.logic import is_override
from plugins.appraisal.ui.labels import metric_label, status_label


def lines_display(
    ctx: PageContext,
    lines: pl.DataFrame,
    with_self: bool = False,
    core: Mapping[str, float] | None = None,
) -> tuple[pl.DataFrame, dict[str, Any]]:
    """One person's lines as a translated table and its column config; with ``core``
    (the person's core targets, metric -> figure) each line also shows its core target
    and a line departing from it is marked "⚑ override", as on the contracts page."""
    label = metric_label(ctx)
    rows = []
    for r in lines.sort("position").iter_rows(named=True):
        unit = r.get("unit") or "count"
        row = {
            t("appraisal.kpi"): label(r["metric"]),
            t("appraisal.weight_pct"): r["weight"],
            t("appraisal.target"): fmt_value(r["target"], unit),
        }
        if core is not None:
            mine = core.get(r["metric"])
            row[t("appraisal.core_target")] = "—" if mine is None else fmt_value(mine, unit)
            override = is_override(r["target"], mine)
            row[t("appraisal.override")] = t("appraisal.override_mark") if override else "—"
        row |= {
            t("appraisal.actual"): fmt_value(r["actual"], unit),
            t("appraisal.attainment"): r["attainment"],
            t("appraisal.score"): None if r["score"] is None else round(r["score"], 1),
            t("appraisal.projected"): None
            if r.get("projected_score") is None
            else round(r["projected_score"], 1),
            t("appraisal.status"): status_label(r["status"]),
        }
        if with_self:
            row[t("appraisal.self_score")] = r.get("self_score")
        rows.append(row)
    frame = pl.DataFrame(rows) if rows else pl.DataFrame()
    return frame, {t("appraisal.attainment"): percent_column(t("appraisal.attainment"))}


def attainment_chart(ctx: PageContext, lines: pl.DataFrame, share: float | None) -> Any:
    """Attainment per KPI against 100 % (and, mid-cycle, the share of time gone by)."""
    data = lines.filter(pl.col("attainment").is_not_null()).select(
        pl.col("metric").map_elements(metric_label(ctx), return_dtype=pl.String).alias("kpi"),
        "attainment",
        "position",
    )
    return charts.attainment_chart(data, share)
