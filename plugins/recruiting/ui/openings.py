"""Openings: what is being hired, where, by whom, and how far each opening is."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from command_center.ui import COLORS, chart, page_header, table_with_download
from command_center.ui.actions import show_flash
from command_center.ui.widgets import Kpi, kpi_row
from plugins.recruiting import charts, queries
from plugins.recruiting.actions.openings import (
    OpeningInput,
    close_opening,
    create_opening,
    reopen_opening,
    split_channels,
    update_opening,
)
from plugins.recruiting.logic import openings
from plugins.recruiting.logic.labels import channel_label, level_label
from plugins.recruiting.logic.vocabulary import CHANNELS, OPENING_LEVELS
from plugins.recruiting.ui.widgets import act, select, today


def render(ctx: PageContext) -> None:
    page_header(ctx, "recruiting.openings.title")
    show_flash()
    board = openings.board(
        queries.openings(ctx.engine, ctx.viewer), queries.candidates(ctx.engine, ctx.viewer)
    )
    head = openings.headline(board)
    kpi_row(
        [
            Kpi(t("recruiting.openings.open"), float(head.open), "count"),
            Kpi(t("recruiting.openings.to_fill"), float(head.to_fill), "count"),
            Kpi(t("recruiting.openings.in_process"), float(head.in_process), "count"),
            Kpi(t("recruiting.openings.hired_total"), float(head.hired), "count"),
        ]
    )
    if board.is_empty():
        st.info(t("recruiting.openings.none"))
    else:
        _region_chart(board)
        _table(ctx, board)
    _new_opening(ctx)
    if not board.is_empty():
        _manage(ctx, board)


def _region_chart(board: pl.DataFrame) -> None:
    st.subheader(t("recruiting.openings.by_region"))
    if not board["open"].any():
        st.info(t("recruiting.openings.none_open"))
        return
    hired, wanted = t("recruiting.openings.hired"), t("recruiting.openings.headcount")
    chart(
        charts.paired_bars(
            openings.region_table(board),
            t("recruiting.openings.region"),
            [wanted, hired],
            [COLORS["target"], COLORS["primary"]],
        )
    )


def _table(ctx: PageContext, board: pl.DataFrame) -> None:
    st.subheader(t("recruiting.openings.list"))
    frame = openings.list_table(board, queries.person_names(ctx.engine))
    table_with_download(frame, "openings", "recruiting_openings_table")


def _new_opening(ctx: PageContext) -> None:
    leaders = ctx.people().filter(
        pl.col("level").is_in(["supervisor", "manager", "director"]) & (pl.col("status") != "left")
    )
    if leaders.is_empty():
        return
    who = dict(leaders.select("person_id", "name").iter_rows())
    level_of = dict(leaders.select("person_id", "level").iter_rows())
    with (
        st.expander(t("recruiting.openings.new"), expanded=False),
        st.form("recruiting_new_opening", clear_on_submit=True),
    ):
        title = st.text_input(t("recruiting.col.title"), key="recruiting_op_title")
        left, right = st.columns(2)
        level = select(
            t("recruiting.col.level"), OPENING_LEVELS, "recruiting_op_level", level_label, left
        )
        manager = select(
            t("recruiting.col.hiring_manager"),
            list(who),
            "recruiting_op_manager",
            lambda p: f"{who[p]} · {level_label(level_of[p])}",
            right,
        )
        headcount = left.number_input(
            t("recruiting.col.headcount"), 1, 500, 1, key="recruiting_op_headcount"
        )
        opened = right.date_input(
            t("recruiting.col.opened_on"), today(), key="recruiting_op_opened"
        )
        region = left.text_input(
            t("recruiting.col.region"),
            key="recruiting_op_region",
            help=t("recruiting.openings.region_help"),
        )
        channels = right.multiselect(
            t("recruiting.col.channels"),
            list(CHANNELS),
            default=["company_site", "job_board"],
            format_func=labels_now(CHANNELS, channel_label),
            key="recruiting_op_channels",
        )
        pay_min = left.number_input(
            t("recruiting.col.pay_min"), 0.0, 1e6, 6000.0, 500.0, key="recruiting_op_pay_min"
        )
        pay_max = right.number_input(
            t("recruiting.col.pay_max"), 0.0, 1e6, 12000.0, 500.0, key="recruiting_op_pay_max"
        )
        description = st.text_area(t("recruiting.col.description"), key="recruiting_op_description")
        if st.form_submit_button(t("recruiting.openings.create")):
            data = OpeningInput(
                title=title,
                level=str(level),
                hiring_manager_id=int(manager or 0),
                opened_on=opened,
                headcount=int(headcount),
                channels=channels,
                region=region,
                description=description,
                pay_min=pay_min,
                pay_max=pay_max,
            )
            act(
                lambda: create_opening(ctx.engine, ctx.viewer, data),
                lambda oid: t("recruiting.openings.created", id=oid, title=title),
            )


def _manage(ctx: PageContext, board: pl.DataFrame) -> None:
    titles = dict(board.select("opening_id", "title").iter_rows())
    with st.expander(t("recruiting.openings.manage"), expanded=False):
        opening_id = select(
            t("recruiting.col.opening"),
            list(titles),
            "recruiting_manage_opening",
            lambda o: f"#{o} {titles[o]}",
        )
        if opening_id is None:
            return
        row = board.filter(pl.col("opening_id") == opening_id).row(0, named=True)
        with st.form("recruiting_edit_opening"):
            headcount = st.number_input(
                t("recruiting.col.headcount"),
                1,
                500,
                int(row["headcount"]),
                key=f"recruiting_edit_headcount_{opening_id}",
            )
            channels = st.multiselect(
                t("recruiting.col.channels"),
                list(CHANNELS),
                default=split_channels(row["channels"]),
                format_func=labels_now(CHANNELS, channel_label),
                key=f"recruiting_edit_channels_{opening_id}",
            )
            description = st.text_area(
                t("recruiting.col.description"),
                row["description"] or "",
                key=f"recruiting_edit_description_{opening_id}",
            )
            if st.form_submit_button(t("recruiting.openings.save")):
                act(
                    lambda: update_opening(
                        ctx.engine, ctx.viewer, opening_id, int(headcount), channels, description
                    ),
                    lambda _: t("recruiting.openings.saved", title=row["title"]),
                )
        if row["closed_on"] is None:
            with st.form("recruiting_close_opening"):
                day = st.date_input(
                    t("recruiting.openings.close_on"), today(), key="recruiting_close_day"
                )
                if st.form_submit_button(t("recruiting.openings.close")):
                    act(
                        lambda: close_opening(ctx.engine, ctx.viewer, opening_id, day),
                        lambda _: t("recruiting.openings.closed", title=row["title"]),
                    )
        elif st.button(t("recruiting.openings.reopen"), key="recruiting_reopen"):
            act(
                lambda: reopen_opening(ctx.engine, ctx.viewer, opening_id),
                lambda _: t("recruiting.openings.reopened", title=row["title"]),
            )
