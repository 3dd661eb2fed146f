"""Page: every action item in scope — open, overdue, done — with status updates."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from command_center.metrics import total
from command_center.ui import chart, page_header, table_with_download
from command_center.ui.widgets import Kpi, kpi_row
from plugins.team_events import charts, queries
from plugins.team_events.logic import items
from plugins.team_events.ui.controls import leads, show_flash, today
from plugins.team_events.ui.labels import names
from plugins.team_events.ui.meetings import action_rows, update_form

VIEWS = ("open", "overdue", "closed", "all")


def render(ctx: PageContext) -> None:
    page_header(ctx, "team_events.actions.title")
    show_flash()
    acts = queries.actions(ctx.engine, ctx.viewer)
    day = today()
    _kpis(ctx, acts)
    view = st.radio(
        t("team_events.actions.view"),
        list(VIEWS),
        format_func=labels_now(VIEWS, lambda v: t(f"team_events.actions.view_{v}")),
        horizontal=True,
        key="team_events_act_view",
    )
    shown = _filter(acts, view)
    if acts.is_empty():
        st.info(t("team_events.actions.none"))
        return
    _chart(ctx, acts)
    counts = items.carry_counts(acts, _meetings(ctx), day)
    if shown.is_empty():
        st.caption(t("team_events.meetings.no_actions"))
    else:
        table_with_download(
            action_rows(ctx, shown, counts), "action_items", "team_events_act_table"
        )
    editable = shown.sort("due_date").head(500)  # the rows shown (closed ones may reopen)
    if not leads(ctx):
        editable = editable.filter(pl.col("owner_id") == ctx.viewer.person_id)
    if editable.height:
        update_form(ctx, editable, "actions_page", event_id=None, can_move=leads(ctx))


def _filter(acts: pl.DataFrame, view: str) -> pl.DataFrame:
    if view == "open":
        return acts.filter(pl.col("status").is_in(items.OPEN_STATUSES)).sort("due_date")
    if view == "overdue":
        return items.overdue(acts, today())
    if view == "closed":
        return acts.filter(~pl.col("status").is_in(items.OPEN_STATUSES)).sort(
            "closed_on", descending=True
        )
    return acts.sort("action_id", descending=True)


def _meetings(ctx: PageContext) -> pl.DataFrame:
    events = queries.events(ctx.engine, ctx.viewer)
    return events.filter(pl.col("status") != "cancelled")


def _kpis(ctx: PageContext, acts: pl.DataFrame) -> None:
    counts = items.summary(acts, today())
    on_time = None
    if "actions_on_time" in ctx.registry and ctx.roots():
        on_time = total(
            ctx.registry, ctx.engine, ctx.viewer, "actions_on_time", ctx.period, ctx.roots()
        ).value
    kpi_row(
        [
            Kpi(t("team_events.actions.kpi_open"), float(counts["open"]), "count"),
            Kpi(
                t("team_events.actions.kpi_overdue"),
                float(counts["overdue"]),
                "count",
                higher_is_better=False,
            ),
            Kpi(t("team_events.actions.kpi_done"), float(counts["done"]), "count"),
            Kpi(t("team_events.actions.kpi_on_time", period=ctx.period.label), on_time, "percent"),
        ]
    )


def _chart(ctx: PageContext, acts: pl.DataFrame) -> None:
    overdue, on_track = t("team_events.actions.overdue"), t("team_events.actions.on_track")
    data = items.open_by_owner(acts, today(), names(ctx), (overdue, on_track))
    if data.is_empty():
        return
    st.subheader(t("team_events.actions.by_owner"))
    spec = charts.owners_chart(data, on_track, overdue, data["owner"].n_unique())
    chart(spec)
