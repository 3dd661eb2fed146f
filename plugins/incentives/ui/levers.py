"""The simulator's levers: one widget per lever of the plan, plus revenue assumptions."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from plugins.incentives.logic.levers import (
    BASE_CHOICES,
    Lever,
    display,
    edits_from,
    plan_levers,
)
from plugins.incentives.logic.plan_model import Plan
from plugins.incentives.ui.widgets import metric_name

PREFIX = "incentives_sim"
GROUPS = ("rates", "bonuses", "gates")


def key_for(version_id: int, path: str) -> str:
    return f"{PREFIX}_{version_id}_{path}"


def revenue_keys(version_id: int) -> tuple[str, str, str]:
    return (
        f"{PREFIX}_{version_id}__everyone",
        f"{PREFIX}_{version_id}__team_root",
        f"{PREFIX}_{version_id}__team",
    )


def reset(version_id: int) -> None:
    """Forget every lever of this plan version (back to the plan as stored)."""
    prefix = f"{PREFIX}_{version_id}_"
    for key in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[key]


def preset(version_id: int, plan: Plan, edits: dict[str, Any], assumptions: dict[str, Any]) -> None:
    """Set the levers to a saved scenario (called before the widgets are drawn)."""
    reset(version_id)
    for lever in plan_levers(plan):
        value = edits.get(lever.path, lever.value)
        st.session_state[key_for(version_id, lever.path)] = _widget_value(lever, value)
    everyone, root, team = revenue_keys(version_id)
    st.session_state[everyone] = round(float(assumptions.get("everyone") or 0) * 100)
    st.session_state[root] = assumptions.get("team_root")
    st.session_state[team] = round(float(assumptions.get("team") or 0) * 100)


def _widget_value(lever: Lever, value: Any) -> Any:
    if lever.kind == "toggle":
        return bool(value)
    if lever.kind == "base":
        return str(value)
    shown = display(lever.kind, value)
    return float(shown) if shown is not None else 0.0


def _owner(ctx: PageContext, owner: str) -> str:
    if owner.startswith("gate:"):
        return t("incentives.sim.gate_on", metric=metric_name(ctx, owner[5:]))
    if owner == "cap":
        return t("incentives.sim.plan_cap")
    return owner


def _label(ctx: PageContext, lever: Lever) -> str:
    params = {k: (metric_name(ctx, v) if k == "metric" else v) for k, v in lever.params}
    return t(lever.label, **params)


_FORMATS: dict[str, tuple[float | None, float | None, float, str, str]] = {
    # kind: (min, max, step, format, unit suffix key)
    "rate": (0.0, 100.0, 0.1, "%.2f", "incentives.unit.percent"),
    "share": (0.0, 1000.0, 5.0, "%.1f", "incentives.unit.percent"),
    "amount": (0.0, None, 500.0, "%.0f", "incentives.unit.yuan"),
    "number": (None, None, 1.0, "%.2f", ""),
    "multiplier": (0.0, 10.0, 0.05, "%.2f", "incentives.unit.times"),
}


def _widget(ctx: PageContext, lever: Lever, key: str) -> Any:
    label = _label(ctx, lever)
    fresh = key not in st.session_state
    if lever.kind == "toggle":
        extra = {"value": bool(lever.value)} if fresh else {}
        return st.toggle(label, key=key, **extra)
    if lever.kind == "base":
        options = list(BASE_CHOICES)
        extra = {"index": options.index(str(lever.value))} if fresh else {}
        return st.radio(
            label,
            options,
            format_func=labels_now(options, lambda b: t(f"incentives.base.{b}")),
            horizontal=True,
            key=key,
            **extra,
        )
    low, high, step, fmt, unit = _FORMATS[lever.kind]
    extra = {"value": _widget_value(lever, lever.value)} if fresh else {}
    return st.number_input(
        f"{label} ({t(unit)})" if unit else label,
        min_value=low,
        max_value=high,
        step=step,
        format=fmt,
        key=key,
        **extra,
    )


def levers(ctx: PageContext, plan: Plan, version_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Draw the levers; return ``(edits, assumptions)`` as the scenario stores them."""
    all_levers = plan_levers(plan)
    tabs = st.tabs(
        [
            t("incentives.sim.tab_rates"),
            t("incentives.sim.tab_bonuses"),
            t("incentives.sim.tab_gates"),
            t("incentives.sim.tab_revenue"),
        ]
    )
    values: dict[str, Any] = {}
    for group, tab in zip(GROUPS, tabs[:3], strict=True):
        with tab:
            owner = None
            mine = [k for k in all_levers if k.group == group]
            if not mine:
                st.caption(t("incentives.sim.no_levers"))
            for lever in mine:
                if lever.owner != owner:
                    owner = lever.owner
                    st.markdown(f"**{_owner(ctx, owner)}**")
                values[lever.path] = _widget(ctx, lever, key_for(version_id, lever.path))
    with tabs[3]:
        assumptions = _revenue(ctx, version_id)
    return edits_from(values, all_levers), assumptions


def _revenue(ctx: PageContext, version_id: int) -> dict[str, Any]:
    everyone_key, root_key, team_key = revenue_keys(version_id)
    st.caption(t("incentives.sim.revenue_help"))
    everyone = st.slider(
        t("incentives.sim.everyone"),
        -50,
        50,
        step=1,
        format="%d%%",
        key=everyone_key,
        **({"value": 0} if everyone_key not in st.session_state else {}),
    )
    leaders = ctx.people().filter(pl.col("level") != "rep").sort("level", "name")
    options: list[int | None] = [None, *leaders["person_id"].to_list()]
    names = dict(leaders.select("person_id", "name").iter_rows())
    levels = dict(leaders.select("person_id", "level").iter_rows())
    if root_key in st.session_state and st.session_state[root_key] not in options:
        del st.session_state[root_key]

    def label(pid: int | None) -> str:
        if pid is None:
            return t("incentives.sim.no_team")
        return f"{names[pid]} · {t(f'level.{levels[pid]}')}"

    root = st.selectbox(
        t("incentives.sim.team"), options, format_func=labels_now(options, label), key=root_key
    )
    team = st.slider(
        t("incentives.sim.team_change"),
        -50,
        50,
        step=1,
        format="%d%%",
        key=team_key,
        disabled=root is None,
        **({"value": 0} if team_key not in st.session_state else {}),
    )
    return {"everyone": everyone / 100, "team_root": root, "team": team / 100}
