"""The monthly review pack of a team: results vs target, movers, honours, next targets.

Figures come from the metric registry (any registered metric, read by key)
and the core targets table, for the team's subtree inside the viewer's
scope; honours are the ones another plugin published for the month (topic
``honours``) or, when none were, computed here from the metrics. Sections
other plugins add (:mod:`plugins.team_events.logic.sections`) gather their
figures here too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from sqlalchemy import Engine

from command_center.db import frames
from command_center.metrics import MetricRegistry, UnknownMetric, period_tree
from command_center.org.scope import Viewer
from command_center.org.tree import closure
from command_center.periods import Period, parse_period
from command_center.published import read_published
from plugins.team_events import queries
from plugins.team_events.errors import TeamEventsError
from plugins.team_events.logic import attendance, items, review
from plugins.team_events.logic.sections import (
    PackSection,
    SectionInputs,
    installed_sections,
    section_failed,
)
from plugins.team_events.queries.teams import check_team, team_members

PREFERRED = (
    "revenue",
    "profit",
    "margin",
    "attainment",
    "growth",
    "order_lines",
    "new_customers",
    "visits",
    "followups",
    "win_rate",
    "conversion_rate",
    "pipeline_value",
    "weighted_pipeline",
    "meeting_attendance",
    "actions_on_time",
)
RESULT_SCHEMA: dict[str, pl.DataType] = {
    "key": pl.String(),
    "label": pl.String(),
    "unit": pl.String(),
    "higher_is_better": pl.Boolean(),
    "value": pl.Float64(),
    "target": pl.Float64(),
    "previous": pl.Float64(),
}
MEMBER_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.Int64(),
    "name": pl.String(),
    "level": pl.String(),
    "revenue": pl.Float64(),
    "target": pl.Float64(),
    "attainment": pl.Float64(),
    "previous": pl.Float64(),
    "growth": pl.Float64(),
}
TEAM_TARGET_SCHEMA: dict[str, pl.DataType] = {
    "metric": pl.String(),
    "label": pl.String(),
    "unit": pl.String(),
    "target": pl.Float64(),
    "people": pl.Int64(),
}


@dataclass
class Pack:
    """Everything the review meeting looks at, ready to show or export."""

    team_root: int
    team_name: str
    month: str
    next_month: str
    headcount: int
    generated_on: dt.date
    results: pl.DataFrame
    members: pl.DataFrame
    top_movers: pl.DataFrame
    bottom_movers: pl.DataFrame
    honours: pl.DataFrame
    honours_source: str  # "published", "computed" or "none"
    next_targets: pl.DataFrame
    next_person_targets: pl.DataFrame
    meetings: dict[str, float | int | None] = field(default_factory=dict)
    sections: list[tuple[PackSection, Any]] = field(default_factory=list)
    """The plugins' sections with the figures each gathered."""

    def result(self, key: str) -> dict[str, object] | None:
        row = self.results.filter(pl.col("key") == key)
        return row.row(0, named=True) if row.height else None


def _keys(registry: MetricRegistry) -> list[str]:
    return review.ordered_keys(registry.keys(), PREFERRED)


def _sum(registry: MetricRegistry, key: str, facts: pl.DataFrame) -> float | None:
    """Σnum (a sum metric) or Σnum/Σden over ``facts``; ``None`` without any fact.

    The same arithmetic as :func:`command_center.metrics.total`.
    """
    if facts.is_empty():
        return None
    num, den = float(facts["num"].sum()), float(facts["den"].sum())
    if registry.spec(key).kind == "sum":
        return num
    return num / den if den else None


def _root_target(
    engine: Engine,
    registry: MetricRegistry,
    team: Viewer,
    key: str,
    month: Period,
    root: int,
    goals: pl.DataFrame,
) -> float | None:
    """The team's target for ``key`` in ``month`` (``total``'s target for ``[root]``).

    ``goals`` is the team's targets table. A month's target only ever comes from
    rows for that month, so a metric without any such row has no target and
    the registry's resolution up the tree is skipped.
    """
    if goals.filter((pl.col("metric") == key) & (pl.col("period") == month.label)).is_empty():
        return None
    found = registry.targets(engine, team, key, month).filter(pl.col("node_id") == root)
    return float(found["target"].sum()) if found.height else None


def _results(
    engine: Engine, registry: MetricRegistry, team: Viewer, root: int, month: Period
) -> pl.DataFrame:
    """Every registered metric over the team: this month, its target and last month.

    Each metric's facts come from the registry's per-month cache (shared with
    every other page) and are only summed here.
    """
    goals = frames.targets(engine, team)
    before = month.previous()
    rows = []
    for key in _keys(registry):
        spec = registry.spec(key)
        rows.append(
            {
                "key": key,
                "label": spec.label,
                "unit": spec.unit,
                "higher_is_better": spec.higher_is_better,
                "value": _sum(
                    registry, key, registry.facts(engine, team, key, month.start, month.end)
                ),
                "target": _root_target(engine, registry, team, key, month, root, goals),
                "previous": _sum(
                    registry, key, registry.facts(engine, team, key, before.start, before.end)
                ),
            }
        )
    return review.results(pl.DataFrame(rows, schema=RESULT_SCHEMA))


def _node_values(
    registry: MetricRegistry,
    engine: Engine,
    team: Viewer,
    key: str,
    month: Period,
    tree: pl.DataFrame,
) -> pl.DataFrame:
    """``node_id, value`` for the nodes of ``tree`` (``ancestor_id, person_id`` pairs).

    :meth:`MetricRegistry.rollup` restricted to those nodes: their subtree's
    Σnum (sum metrics) or Σnum/Σden, from the same cached facts; after an org
    change, each month's subtree as it stood then (``metrics.period_tree``).
    """
    wide, months_tree = period_tree(engine, team, month)
    members_on = ["person_id"]
    if "month" in months_tree.columns:  # the org changed since: each month's own team
        tree = months_tree.filter(pl.col("ancestor_id").is_in(tree["ancestor_id"].implode()))
        team, members_on = wide, ["person_id", "month"]
    facts = registry.facts(engine, team, key, month.start, month.end)
    summed = (
        tree.join(facts, on=members_on, how="inner")
        .group_by("ancestor_id")
        .agg(pl.col("num").sum(), pl.col("den").sum())
    )
    value = (
        pl.col("num")
        if registry.spec(key).kind == "sum"
        else pl.when(pl.col("den") != 0).then(pl.col("num") / pl.col("den")).otherwise(None)
    )
    return summed.select(pl.col("ancestor_id").alias("node_id"), value.alias("value"))


def _members(
    engine: Engine,
    registry: MetricRegistry,
    team: Viewer,
    people: pl.DataFrame,
    root: int,
    month: Period,
) -> pl.DataFrame:
    """The leader's direct reports (people, or sub-teams for a manager) on revenue.

    The figures of ``registry.scorecard`` / ``rollup`` at those nodes, rolled up
    for them alone rather than for every node of the team.
    """
    direct = people.filter(pl.col("manager_id") == root).select("person_id", "name", "level")
    nodes = direct["person_id"].implode()
    tree = closure(people.select("person_id", "manager_id")).filter(
        pl.col("ancestor_id").is_in(nodes)
    )
    now = _node_values(registry, engine, team, "revenue", month, tree)
    before = _node_values(registry, engine, team, "revenue", month.previous(), tree)
    goal = registry.targets(engine, team, "revenue", month).filter(pl.col("node_id").is_in(nodes))
    card = (
        now.join(before.rename({"value": "previous"}), on="node_id", how="full", coalesce=True)
        .join(goal, on="node_id", how="left")
        .with_columns(
            pl.when(pl.col("target") != 0)
            .then(pl.col("value") / pl.col("target"))
            .otherwise(None)
            .alias("attainment")
        )
    )
    out = direct.join(
        card.select(
            pl.col("node_id").alias("person_id"),
            pl.col("value").alias("revenue"),
            "target",
            "attainment",
            "previous",
        ),
        on="person_id",
        how="left",
    )
    if "growth" in registry:
        growth = _node_values(registry, engine, team, "growth", month, tree).select(
            pl.col("node_id").alias("person_id"), pl.col("value").alias("growth")
        )
        out = out.join(growth, on="person_id", how="left")
    else:
        out = out.with_columns(pl.lit(None, dtype=pl.Float64).alias("growth"))
    return (
        out.select(list(MEMBER_SCHEMA))
        .cast(MEMBER_SCHEMA)
        .sort(["revenue", "person_id"], descending=[True, False], nulls_last=True)
    )


def _honours(
    engine: Engine,
    registry: MetricRegistry,
    team: Viewer,
    reps: pl.DataFrame,
    members: pl.DataFrame,
    month: Period,
) -> tuple[pl.DataFrame, str]:
    facts = read_published(engine, team, "honours", month.label).filter(
        pl.col("person_id").is_not_null()
    )
    published = review.published_honours(facts, members)
    if published.height:
        return published, "published"
    values = {
        rule.metric: registry.person_values(engine, team, rule.metric, month)
        for rule in review.HONOUR_RULES
        if rule.metric in registry
    }
    computed = review.computed_honours(values, reps)
    return computed, "computed" if computed.height else "none"


def _next_targets(
    engine: Engine,
    registry: MetricRegistry,
    team: Viewer,
    root: int,
    people: pl.DataFrame,
    nxt: Period,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    person_rows = review.next_targets(frames.targets(engine, team), people, nxt.label)
    totals = review.target_totals(person_rows)
    rows = []
    for metric, summed, count in totals.iter_rows():
        try:
            spec = registry.spec(metric)
        except UnknownMetric:
            rows.append(
                {
                    "metric": metric,
                    "label": metric,
                    "unit": "count",
                    "target": summed,
                    "people": count,
                }
            )
            continue
        goal = registry.targets(engine, team, metric, nxt).filter(pl.col("node_id") == root)
        value = float(goal["target"].item()) if goal.height else summed
        rows.append(
            {
                "metric": metric,
                "label": spec.label,
                "unit": spec.unit,
                "target": value,
                "people": count,
            }
        )
    frame = pl.DataFrame(rows, schema=TEAM_TARGET_SCHEMA)
    order = {k: i for i, k in enumerate(PREFERRED)}
    frame = (
        frame.with_columns(
            pl.col("metric")
            .replace_strict(order, default=len(order), return_dtype=pl.Int64)
            .alias("_o")
        )
        .sort("_o", "metric")
        .drop("_o")
    )
    return frame, person_rows


def _meetings(
    engine: Engine, team: Viewer, ids: set[int], month: Period, today: dt.date
) -> dict[str, float | int | None]:
    """Meetings held by the team's leaders in the month, attendance and action items."""
    end = min(month.last_day, today)
    events = queries.events(engine, team, month.start, month.last_day).filter(
        pl.col("team_root").is_in(sorted(ids))
        & pl.col("kind").is_in(attendance.MEETING_KINDS)
        & (pl.col("status") != "cancelled")
        & (pl.col("event_date") <= end)
    )
    invites = queries.invitations(engine, team, events["event_id"].to_list())
    acts = queries.actions(engine, team).filter(pl.col("team_root").is_in(sorted(ids)))
    raised = acts.filter(pl.col("origin_date").is_between(month.start, month.last_day))
    closed = acts.filter(
        (pl.col("status") == "done") & pl.col("closed_on").is_between(month.start, month.last_day)
    )
    open_then = acts.filter(
        (pl.col("origin_date") <= end) & items.open_on(end + dt.timedelta(days=1))
    ).with_columns(pl.lit("open").alias("status"))
    return {
        "held": events.height,
        "attendance": attendance.rate(invites),
        "raised": raised.height,
        "closed": closed.height,
        "overdue": items.overdue(open_then, end + dt.timedelta(days=1)).height,
    }


def _sections(inputs: SectionInputs) -> list[tuple[PackSection, Any]]:
    """The plugins' sections with their figures; one whose ``gather`` fails is left out
    (recorded against its plugin)."""
    found = []
    for section in installed_sections().values():
        try:
            data = section.gather(inputs) if section.gather is not None else None
        except Exception as exc:
            section_failed(section, "gather", exc)
            continue
        found.append((section, data))
    return found


def build(
    engine: Engine,
    registry: MetricRegistry,
    viewer: Viewer,
    team_root: int,
    month: str,
    movers: int = 3,
    today: dt.date | None = None,
) -> Pack:
    """The pack for ``team_root``'s team and ``month`` (``YYYY-MM``), within the viewer's scope."""
    period = parse_period(month)
    if period.grain != "month":
        raise TeamEventsError("team_events.error.month_only", value=month)
    check_team(engine, viewer, team_root)
    day = today or dt.date.today()
    ids = team_members(engine, team_root, include_left=True)
    team = viewer.narrow(frozenset(ids))
    people = frames.people(engine, team)
    reps = people.filter(pl.col("level") == "rep")
    name = people.filter(pl.col("person_id") == team_root)["name"].item()
    current = registry.person_values(engine, team, "revenue", period)
    before = registry.person_values(engine, team, "revenue", period.previous())
    top, bottom = review.movers(current, before, reps, movers)
    honours, source = _honours(engine, registry, team, reps, people, period)
    nxt = period.shift(1)
    team_targets, person_targets = _next_targets(engine, registry, team, team_root, people, nxt)
    return Pack(
        team_root=team_root,
        team_name=name,
        month=period.label,
        next_month=nxt.label,
        headcount=people.filter(pl.col("status") != "left").height,
        generated_on=day,
        results=_results(engine, registry, team, team_root, period),
        members=_members(engine, registry, team, people, team_root, period),
        top_movers=top,
        bottom_movers=bottom,
        honours=honours,
        honours_source=source,
        next_targets=team_targets,
        next_person_targets=person_targets,
        meetings=_meetings(engine, team, ids, period, day),
        sections=_sections(SectionInputs(engine, registry, team, team_root, period, people, day)),
    )
