"""Targets: a year's targets set by month and split down the org, draft to approved.

Directors, managers and supervisors. Pick a year, a metric and a leader (the
signed-in leader or one below them): the leader's own figure (their parent's
split, read-only) is shown, then the split onto their people in a table —
an equal share, last year's share, or typed in; at the top of the force the
force's and each region's figures by month, or by quarter spread onto months
by a seasonality profile. The sum is checked against the parent's figure
with the gap shown. Submit, approve and send back follow the plan's state;
the version history is below. Every rule is checked again in
:mod:`command_center.targets.actions`. Widgets and layout only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import streamlit as st

from command_center import keys
from command_center.context import PageContext
from command_center.db import frames
from command_center.i18n import labels_now, number, t
from command_center.org.tree import children_map, subtree
from command_center.targets import actions, logic, queries
from command_center.targets.logic import MONTHS
from command_center.ui.actions import run_action, show_flash
from command_center.ui.widgets import data_table

YEAR_KEY, METRIC_KEY, LEADER_KEY = "targets_year", "targets_metric", "targets_leader"
METHOD_KEY, PROFILE_KEY, WEIGHTS_KEY = "targets_method", "targets_profile", "targets_weights"
HISTORY_KEY = "targets_version"
TOP_METHODS = ("typed", "quarters")
SPLIT_METHODS = ("equal", "last_year", "typed")


def editor_key(year: int, metric: str, leader: int, method: str, version: int) -> str:
    """The split table's widget key (a test seeds its edits under it)."""
    return f"targets_editor:{year}:{metric}:{leader}:{method}:{version}"


def _months(year: int) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(1, MONTHS + 1)]


def render(ctx: PageContext) -> None:
    st.title(t("targets.title"))
    show_flash()
    viewer = ctx.signed_in_viewer
    if viewer.person_id is None:
        st.info(t("targets.no_person"))
        return
    everyone = frames.all_people(ctx.engine)
    edges = dict(everyone.select("person_id", "manager_id").iter_rows())
    status = dict(everyone.select("person_id", "status").iter_rows())
    names = dict(everyone.select("person_id", "name").iter_rows())
    levels = dict(everyone.select("person_id", "level").iter_rows())
    below = subtree(viewer.person_id, children_map(edges.items()))
    leaders = [
        p
        for p in [viewer.person_id, *sorted(below - {viewer.person_id}, key=lambda p: names[p])]
        if actions.plan_people(edges, status, p) and status.get(p) != "left"
    ]
    if not leaders:
        st.info(t("targets.nobody"))
        return
    metrics = queries.plannable_metrics(ctx.registry)
    this_year = dt.date.today().year
    years = [this_year - 1, this_year, this_year + 1]
    left, middle, right = st.columns(3)
    year = left.selectbox(t("targets.year"), years, index=1, key=YEAR_KEY)
    metric = middle.selectbox(
        t("targets.metric"),
        metrics,
        format_func=labels_now(metrics, lambda k: t(ctx.registry.spec(k).label)),
        key=METRIC_KEY,
    )
    leader = right.selectbox(
        t("targets.leader"),
        leaders,
        format_func=labels_now(leaders, lambda p: f"{names[p]} · {t(f'level.{levels[p]}')}"),
        key=LEADER_KEY,
    )
    if year is None or metric is None or leader is None:
        return
    _waiting(ctx, names)
    plan = queries.plan(ctx.engine, viewer, year, metric, leader)
    people = actions.plan_people(edges, status, leader)
    top = edges.get(leader) is None
    _state(plan)
    stored = queries.month_targets(ctx.engine, ctx.registry, year, metric, leader)
    if not top:
        _parent(names[leader], stored, year)
    person_keys = keys.keys_for(ctx.engine, "person", people)
    lines, method = _split(ctx, plan, (year, metric, leader), people, stored, top)
    frame = _frame(lines, people, names, person_keys, year)
    st.subheader(t("targets.split"))
    version = plan.version if plan is not None else 0
    if method == "quarters" or method == "typed":
        edited = st.data_editor(
            frame,
            key=editor_key(year, metric, leader, method, version),
            disabled=[t("targets.col_person"), t("targets.col_name")],
            hide_index=True,
            num_rows="fixed",
            width="stretch",
        )
        lines = _read_editor(edited, people, year, method, lines)
    else:
        data_table(frame)
    final = _final(ctx, lines, method, people, year, metric)
    parent = actions.parent_figures(final, leader, stored)
    check = logic.check_sum(parent, {p: v for p, v in final.items() if p != leader})
    _check(check, year)
    _buttons(ctx, plan, (year, metric, leader), final, method, stored, edges)
    _history(ctx, (year, metric, leader), names, year)


def _state(plan: queries.Plan | None) -> None:
    if plan is None:
        st.caption(t("targets.no_plan"))
        return
    st.caption(
        t("targets.state_line", version=plan.version, state=t(f"targets.state.{plan.state}"))
    )


def _parent(name: str, stored: list[float], year: int) -> None:
    st.metric(t("targets.parent", name=name), number(sum(stored), 2))
    row = pl.DataFrame([stored], schema=_months(year), orient="row")
    data_table(row)
    st.caption(t("targets.parent_read_only"))


def _split(
    ctx: PageContext,
    plan: queries.Plan | None,
    key: tuple[int, str, int],
    people: list[int],
    stored: list[float],
    top: bool,
) -> tuple[dict[int, list[float]], str]:
    """The method chosen and the lines it starts from (a stored plan's, when typed)."""
    year, metric, _ = key
    methods = TOP_METHODS if top else SPLIT_METHODS
    method = st.radio(
        t("targets.method"),
        methods,
        format_func=labels_now(methods, lambda m: t(f"targets.method_{m}")),
        horizontal=True,
        key=METHOD_KEY if not top else f"{METHOD_KEY}_top",
    )
    method = method or methods[0]
    saved = plan.lines if plan is not None else {}
    if top and not saved:  # the figures in force, to start from
        saved = {
            p: queries.month_targets(ctx.engine, ctx.registry, year, metric, p) for p in people
        }
    if method == "equal":
        return logic.split(stored, [p for p in people], "equal"), method
    if method == "last_year":
        shares = queries.last_year(ctx.engine, ctx.registry, ctx.signed_in_viewer, metric, year - 1)
        totals = {p: sum(shares.get(p, [0.0])) for p in people}
        st.caption(t("targets.last_year_note", year=year - 1))
        return logic.split(stored, people, "last_year", totals), method
    if method == "quarters":
        return {
            p: [sum(saved.get(p, [0.0] * MONTHS)[q * 3 : q * 3 + 3]) for q in range(4)]
            for p in people
        }, method
    start = saved or logic.split(stored, people, "equal")
    return {p: start.get(p, [0.0] * MONTHS) for p in people}, method


def _frame(
    lines: dict[int, list[float]],
    people: list[int],
    names: dict[int, str],
    person_keys: dict[int, str],
    year: int,
) -> pl.DataFrame:
    width = len(next(iter(lines.values()), [0.0] * MONTHS))
    columns = _months(year) if width == MONTHS else [f"{year}-Q{q}" for q in range(1, 5)]
    rows = [
        [person_keys.get(p, str(p)), names.get(p, str(p)), *lines.get(p, [0.0] * width)]
        for p in people
    ]
    schema: dict[str, Any] = {t("targets.col_person"): pl.String, t("targets.col_name"): pl.String}
    schema.update({c: pl.Float64 for c in columns})
    return pl.DataFrame(rows, schema=schema, orient="row")


def _read_editor(
    edited: Any, people: list[int], year: int, method: str, lines: dict[int, list[float]]
) -> dict[int, list[float]]:
    frame = edited if isinstance(edited, pl.DataFrame) else pl.from_pandas(edited)
    columns = [c for c in frame.columns if c.startswith(f"{year}-")]
    out = {}
    for person, row in zip(people, frame.select(columns).iter_rows(), strict=True):
        out[person] = [0.0 if v is None else float(v) for v in row]
    return out or lines


def _final(
    ctx: PageContext,
    lines: dict[int, list[float]],
    method: str,
    people: list[int],
    year: int,
    metric: str,
) -> dict[int, list[float]]:
    """Twelve months per person: quarters spread by the seasonality profile chosen."""
    if method != "quarters":
        return lines
    profiles = logic.PROFILES
    profile = st.radio(
        t("targets.profile"),
        profiles,
        format_func=labels_now(profiles, lambda p: t(f"targets.profile_{p}")),
        horizontal=True,
        key=PROFILE_KEY,
    )
    custom: list[float] | None = None
    if profile == "custom":
        typed = st.text_input(t("targets.weights"), value=",".join(["1"] * MONTHS), key=WEIGHTS_KEY)
        try:
            custom = [float(w) for w in typed.split(",")]
            logic.seasonality("custom", custom=custom)
        except (ValueError, logic.TargetInputError):
            st.error(t("targets.error.weights"))
            custom = [1.0] * MONTHS
    history = (
        queries.last_year(ctx.engine, ctx.registry, ctx.signed_in_viewer, metric, year - 1)
        if profile == "last_year"
        else {}
    )
    return {
        p: logic.spread_quarters(
            lines[p], logic.seasonality(profile or "flat", history.get(p), custom)
        )
        for p in people
    }


def _check(check: logic.Check, year: int) -> None:
    gaps = pl.DataFrame(
        [check.parent, check.total, check.gaps],
        schema=_months(year),
        orient="row",
    ).insert_column(
        0, pl.Series("", [t("targets.row_parent"), t("targets.row_split"), t("targets.row_gap")])
    )
    data_table(gaps)
    if check.status == "ok":
        st.success(t("targets.sum_ok"))
    else:
        st.warning(
            t(f"targets.sum_{check.status}", gap=number(abs(check.year_gap), 2)),
        )


def _explain(refused: Any) -> str:
    return t(refused.code, **refused.params)


REFUSALS = (actions.PlanError, logic.TargetInputError)


def _buttons(
    ctx: PageContext,
    plan: queries.Plan | None,
    key: tuple[int, str, int],
    lines: dict[int, list[float]],
    method: str,
    stored: list[float],
    edges: dict[int, int | None],
) -> None:
    viewer = ctx.signed_in_viewer
    save_col, submit_col, approve_col, back_col = st.columns(4)

    def save() -> actions.Saved:
        return actions.save(ctx.engine, ctx.registry, viewer, key, lines, method, stored)

    if save_col.button(t("targets.save"), key="targets_save"):
        run_action(save, lambda s: t("targets.saved", version=s.version), REFUSALS, _explain)
    if submit_col.button(t("targets.submit"), key="targets_submit", type="primary"):

        def save_and_submit() -> actions.Saved:
            saved = save()
            actions.submit(ctx.engine, viewer, saved.plan_id)
            return saved

        run_action(
            save_and_submit, lambda s: t("targets.submitted", version=s.version), REFUSALS, _explain
        )
    decides = viewer.role == "director" or edges.get(key[2]) == viewer.person_id
    if plan is None or plan.state != "submitted" or not decides:
        return
    plan_id = plan.plan_id
    if approve_col.button(t("targets.approve"), key="targets_approve"):
        run_action(
            lambda: actions.approve(ctx.engine, viewer, plan_id),
            lambda rows: t("targets.approved", version=plan.version, count=rows),
            REFUSALS,
            _explain,
        )
    if back_col.button(t("targets.send_back"), key="targets_send_back"):
        run_action(
            lambda: actions.send_back(ctx.engine, viewer, plan_id),
            lambda _: t("targets.sent_back", version=plan.version),
            REFUSALS,
            _explain,
        )


def _waiting(ctx: PageContext, names: dict[int, str]) -> None:
    waiting = queries.waiting_for(ctx.engine, ctx.signed_in_viewer)
    for _, year, metric, leader, version in waiting.iter_rows():
        label = t(ctx.registry.spec(metric).label) if metric in ctx.registry else metric
        st.info(
            t(
                "targets.waiting",
                leader=names.get(leader, str(leader)),
                metric=label,
                year=year,
                version=version,
            )
        )


def _history(ctx: PageContext, key: tuple[int, str, int], names: dict[int, str], year: int) -> None:
    found = queries.versions(ctx.engine, ctx.signed_in_viewer, *key)
    if found.is_empty():
        return
    st.subheader(t("targets.history"))
    shown = found.select(
        pl.col("version").alias(t("targets.col_version")),
        pl.col("state")
        .map_elements(lambda s: t(f"targets.state.{s}"), return_dtype=pl.String)
        .alias(t("targets.col_state")),
        pl.col("method")
        .map_elements(lambda m: t(f"targets.method_{m}"), return_dtype=pl.String)
        .alias(t("targets.col_method")),
        pl.col("total").alias(t("targets.col_total")),
        pl.col("saved_by").alias(t("targets.col_saved_by")),
        pl.col("approved_by").alias(t("targets.col_approved_by")),
    )
    data_table(shown)
    numbers = found["version"].to_list()
    chosen = st.selectbox(t("targets.show_version"), numbers, key=HISTORY_KEY)
    old = queries.plan(ctx.engine, ctx.signed_in_viewer, *key, version=chosen)
    if old is None:
        return
    rows = [[names.get(p, str(p)), *values] for p, values in old.lines.items()]
    schema: dict[str, Any] = {t("targets.col_name"): pl.String}
    schema.update({c: pl.Float64 for c in _months(year)})
    data_table(pl.DataFrame(rows, schema=schema, orient="row"))
