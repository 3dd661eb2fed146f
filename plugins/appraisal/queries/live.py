"""KPI lines against live data: every actual comes from the metric registry by key.

A person's actual for a KPI is the registry's roll-up at their node over the
cycle's period: a rep's own figures, a leader's team's. It is computed inside
the cycle's org unit (so a supervisor's team revenue counts their reps) and
handed out only for the lines the viewer may see. A metric that is not
registered (its plugin disabled) or that fails is *unavailable*, never an error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine

from command_center.db import frames
from command_center.metrics import MetricRegistry, period_tree
from command_center.org.scope import OPERATOR, Viewer
from command_center.org.tree import children_map, subtree
from command_center.periods import Period, parse_period
from plugins.appraisal.logic import elapsed_share, person_progress, score_lines
from plugins.appraisal.queries.cycles import CycleInfo
from plugins.appraisal.queries.records import kpi_lines, records

ACTUAL_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "metric": pl.String(),
    "num": pl.Float64(),
    "den": pl.Float64(),
    "actual": pl.Float64(),
}


@dataclass(frozen=True)
class MetricInfo:
    """What appraisal needs to know of a metric; ``available`` False when not registered."""

    key: str
    available: bool
    kind: str = "sum"
    higher_is_better: bool = True
    unit: str = "count"
    label: str = ""


def metric_info(registry: MetricRegistry, key: str) -> MetricInfo:
    if key not in registry:
        return MetricInfo(key, False)
    spec = registry.spec(key)
    return MetricInfo(key, True, spec.kind, spec.higher_is_better, spec.unit, spec.label)


def metric_table(registry: MetricRegistry, keys: list[str]) -> pl.DataFrame:
    """``metric, available, kind, higher_is_better, unit`` for ``keys``."""
    infos = [metric_info(registry, key) for key in dict.fromkeys(keys)]
    return pl.DataFrame(
        {
            "metric": [i.key for i in infos],
            "available": [i.available for i in infos],
            "kind": [i.kind for i in infos],
            "higher_is_better": [i.higher_is_better for i in infos],
            "unit": [i.unit for i in infos],
        },
        schema={
            "metric": pl.String,
            "available": pl.Boolean,
            "kind": pl.String,
            "higher_is_better": pl.Boolean,
            "unit": pl.String,
        },
    )


def _children(engine: Engine) -> dict[int, list[int]]:
    people = frames.all_people(engine)
    return children_map(people.select("person_id", "manager_id").iter_rows())


def unit_viewer(engine: Engine, root_id: int) -> Viewer:
    """Everyone in the cycle's org unit: the scope its figures are computed in."""
    return OPERATOR.narrow(frozenset(subtree(root_id, _children(engine))))


def node_tree(engine: Engine, root_id: int, person_ids: list[int]) -> pl.DataFrame:
    """``ancestor_id, person_id``: each of ``person_ids`` in the unit with their subtree.

    The part of the unit's closure that the roll-up at those nodes needs (a rep:
    one pair; a leader: their team), so its cost follows the lines shown, not
    the unit's size.
    """
    children = _children(engine)
    unit = subtree(root_id, children)
    pairs = [
        (node, member)
        for node in dict.fromkeys(person_ids)
        if node in unit
        for member in subtree(node, children)
    ]
    return pl.DataFrame(
        pairs, schema={"ancestor_id": pl.Int64, "person_id": pl.Int64}, orient="row"
    )


def history_tree(
    engine: Engine, root_id: int, person_ids: list[int], period: Period
) -> pl.DataFrame | None:
    """``ancestor_id, person_id, month`` for ``person_ids``: each month's own team
    (command_center.org.history), when the org changed since the period began;
    ``None`` when today's tree holds for all of it."""
    _, tree = period_tree(engine, unit_viewer(engine, root_id), period)
    if "month" not in tree.columns:
        return None
    return tree.filter(pl.col("ancestor_id").is_in(person_ids))


def actuals(
    engine: Engine,
    registry: MetricRegistry,
    cycle: CycleInfo,
    metrics: list[str],
    person_ids: list[int],
) -> tuple[pl.DataFrame, set[str]]:
    """Per person and metric ``num, den, actual``; and the metrics that failed to compute.

    A person's figures are :meth:`MetricRegistry.rollup`'s at their node inside
    the cycle's unit, summed here from the registry's cached facts for their
    subtree only. Sum metrics with no facts are 0; ratio metrics with nothing to
    divide by are null.
    """
    period = parse_period(cycle.period)
    tree = history_tree(engine, cycle.root_id, person_ids, period)
    if tree is None:  # no org change since the period: today's tree, for the nodes shown
        tree = node_tree(engine, cycle.root_id, person_ids)
    members_on = ["person_id", "month"] if "month" in tree.columns else ["person_id"]
    scope = OPERATOR.narrow(frozenset(tree["person_id"].to_list()))
    parts: list[pl.DataFrame] = []
    failed: set[str] = set()
    wanted = pl.DataFrame({"person_id": person_ids}, schema={"person_id": pl.Int64})
    for key in dict.fromkeys(metrics):
        if key not in registry:
            continue
        summed = registry.spec(key).kind == "sum"
        try:
            facts = registry.facts(engine, scope, key, period.start, period.end)
        except Exception:
            failed.add(key)
            continue
        rolled = (
            tree.join(facts, on=members_on, how="inner")
            .group_by("ancestor_id")
            .agg(pl.col("num").sum(), pl.col("den").sum())
            .select(
                pl.col("ancestor_id").alias("person_id"),
                "num",
                "den",
                (
                    pl.col("num")
                    if summed
                    else pl.when(pl.col("den") != 0)
                    .then(pl.col("num") / pl.col("den"))
                    .otherwise(None)
                ).alias("value"),
            )
        )
        part = wanted.join(rolled, on="person_id", how="left").select(
            "person_id",
            pl.lit(key).alias("metric"),
            pl.col("num").fill_null(0.0) if summed else pl.col("num"),
            pl.col("den").fill_null(0.0) if summed else pl.col("den"),
            (pl.col("value").fill_null(0.0) if summed else pl.col("value")).alias("actual"),
        )
        parts.append(part.cast(ACTUAL_SCHEMA))  # type: ignore[arg-type]
    frame = pl.concat(parts) if parts else pl.DataFrame(schema=ACTUAL_SCHEMA)
    return frame, failed


def live_lines(
    engine: Engine,
    registry: MetricRegistry,
    viewer: Viewer,
    cycle: CycleInfo,
    person_id: int | None = None,
) -> pl.DataFrame:
    """The viewer's contract lines of ``cycle`` with live ``actual`` and the rule applied.

    Columns: the contract line's, ``line_id, team_id, num, den, available, kind,
    higher_is_better, unit``, and from scoring ``attainment, score, status``.
    """
    lines = kpi_lines(engine, viewer, [cycle.cycle_id], person_id)
    return score_lines(with_actuals(engine, registry, cycle, lines, viewer))


def with_actuals(
    engine: Engine,
    registry: MetricRegistry,
    cycle: CycleInfo,
    lines: pl.DataFrame,
    viewer: Viewer,
) -> pl.DataFrame:
    """Contract ``lines`` joined with live actuals, metric facts and each person's team."""
    people = lines["person_id"].unique().to_list()
    metrics = lines["metric"].unique().to_list()
    facts, failed = actuals(engine, registry, cycle, metrics, people)
    table = metric_table(registry, metrics).with_columns(
        pl.col("available") & ~pl.col("metric").is_in(sorted(failed))
    )
    teams = records(engine, viewer, [cycle.cycle_id]).select("person_id", "team_id")
    return (
        lines.drop("actual", "attainment", "score", "status")
        .join(facts, on=["person_id", "metric"], how="left")
        .join(table, on="metric", how="left")
        .join(teams, on="person_id", how="left")
        .with_columns(pl.col("kpi_id").alias("line_id"))
    )


FROZEN_STATES = ("calibration", "closed")


def elapsed(cycle: CycleInfo, today: dt.date | None = None) -> float:
    """The share of the cycle's period gone by at the end of ``today`` (default: today)."""
    period = parse_period(cycle.period)
    return elapsed_share(period.start, period.last_day, today or dt.date.today())


def lines_now(
    engine: Engine,
    registry: MetricRegistry,
    viewer: Viewer,
    cycle: CycleInfo,
    person_id: int | None = None,
) -> pl.DataFrame:
    """The viewer's KPI lines of ``cycle``: frozen once calibrating, else live with pace.

    Always has ``attainment, score, status, projected_attainment, projected_score,
    on_track, unit, kind, team_id``.
    """
    rows = kpi_lines(engine, viewer, [cycle.cycle_id], person_id)
    raw = with_actuals(engine, registry, cycle, rows, viewer)
    if cycle.state not in FROZEN_STATES:
        return person_progress(raw, elapsed(cycle))
    frozen = rows.select("kpi_id", "actual", "attainment", "score", "status")
    return (
        raw.drop("actual")
        .join(frozen, on="kpi_id", how="left")
        .with_columns(
            pl.col("attainment").alias("projected_attainment"),
            pl.col("score").alias("projected_score"),
            pl.lit(None, pl.Boolean).alias("on_track"),
            pl.lit(None, pl.Float64).alias("expected"),
        )
    )
