"""Candidates: the pipeline by stage, the list with filters, and new applications."""

from __future__ import annotations

import datetime as dt

import altair as alt
import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from command_center.ui import COLORS, chart, page_header, table_with_download
from command_center.ui.widgets import Kpi, kpi_row
from plugins.recruiting import queries
from plugins.recruiting.actions.candidates import CandidateInput, ResumeFile, add_candidate
from plugins.recruiting.logic.labels import name_column, source_label, stage_label, translate
from plugins.recruiting.logic.paging import PAGE_SIZE
from plugins.recruiting.logic.vocabulary import ALL_STAGES, SOURCES, STAGES, TERMINAL
from plugins.recruiting.ui.paging import clamp_page, page_offset, pager
from plugins.recruiting.ui.widgets import act, select, show_flash, today

OPEN_KEY = "recruiting_cand_filter_open"
PAGE_KEY = "recruiting_cand_page"
TABLE_KEY = "recruiting_candidates_table"


def render(ctx: PageContext) -> None:
    page_header(ctx, "recruiting.candidates.title")
    show_flash()
    cands = queries.candidates(ctx.engine, ctx.viewer)
    offers = queries.offers(ctx.engine, ctx.viewer)
    start, end = ctx.period.start, ctx.period.last_day
    in_period = cands.filter(pl.col("applied_on").is_between(start, end))
    open_now = cands.filter(~pl.col("stage").is_in(list(TERMINAL)))
    pending = offers.filter(pl.col("status") == "pending").height
    hired = cands.filter(
        (pl.col("stage") == "hired") & pl.col("stage_since").is_between(start, end)
    )
    kpi_row(
        [
            Kpi(t("recruiting.candidates.applied_in_period"), float(in_period.height), "count"),
            Kpi(t("recruiting.candidates.in_process"), float(open_now.height), "count"),
            Kpi(t("recruiting.candidates.offers_pending"), float(pending), "count"),
            Kpi(t("recruiting.candidates.hired_in_period"), float(hired.height), "count"),
        ]
    )
    if cands.is_empty():
        st.info(t("recruiting.candidates.none"))
    else:
        _pipeline_chart(open_now)
        _list(ctx, cands)
    _new_candidate(ctx)


def _pipeline_chart(open_now: pl.DataFrame) -> None:
    st.subheader(t("recruiting.candidates.pipeline"))
    if open_now.is_empty():
        st.info(t("recruiting.candidates.none_open"))
        return
    order = [stage_label(s) for s in STAGES[:-1]]
    stage, count = t("recruiting.col.stage"), t("recruiting.col.count")
    data = (
        open_now.group_by("stage")
        .agg(pl.len().alias(count))
        .with_columns(translate(open_now, "stage", stage_label).alias(stage))
    )
    spec = (
        alt.Chart(data.select(stage, count))
        .mark_bar(color=COLORS["primary"])
        .encode(
            x=alt.X(f"{stage}:N", sort=order, title=None),
            y=alt.Y(f"{count}:Q", title=count),
            tooltip=[f"{stage}:N", f"{count}:Q"],
        )
        .properties(height=240)
    )
    chart(spec)


def _list(ctx: PageContext, cands: pl.DataFrame) -> None:
    st.subheader(t("recruiting.candidates.list"))
    titles = dict(cands.select("opening_id", "opening_title").unique().iter_rows())
    left, middle, right = st.columns(3)
    opening = select(
        t("recruiting.col.opening"),
        [0, *sorted(titles)],
        "recruiting_cand_filter_opening",
        lambda o: t("recruiting.all") if o == 0 else f"#{o} {titles[o]}",
        left,
    )
    stages = middle.multiselect(
        t("recruiting.col.stage"),
        list(ALL_STAGES),
        default=[],
        format_func=labels_now(ALL_STAGES, stage_label),
        key="recruiting_cand_filter_stage",
        placeholder=t("recruiting.all"),
    )
    source = select(
        t("recruiting.col.source"),
        ["", *SOURCES],
        "recruiting_cand_filter_source",
        lambda s: t("recruiting.all") if s == "" else source_label(s),
        right,
    )
    search = st.text_input(t("recruiting.candidates.search"), key="recruiting_cand_search")
    rows = queries.CandidateFilter(
        int(opening or 0), tuple(stages), str(source or ""), search.strip()
    )
    offset = page_offset(PAGE_KEY, rows)
    shown, total = queries.candidate_page(ctx.engine, ctx.viewer, rows, offset, PAGE_SIZE)
    if shown.is_empty() and total:
        offset = clamp_page(PAGE_KEY, total)
        shown, total = queries.candidate_page(ctx.engine, ctx.viewer, rows, offset, PAGE_SIZE)
    table_with_download(
        list_rows(shown, queries.person_names(ctx.engine), today()), "candidates", TABLE_KEY
    )
    if total:
        pager(PAGE_KEY, offset, shown.height, total)


def list_rows(shown: pl.DataFrame, who: dict[int, str], on: dt.date) -> pl.DataFrame:
    """The candidate list's columns, in the user's language."""
    return shown.select(
        pl.col("candidate_id").alias(t("recruiting.col.id")),
        pl.col("name").alias(t("recruiting.col.name")),
        pl.col("opening_title").alias(t("recruiting.col.opening")),
        translate(shown, "source", source_label).alias(t("recruiting.col.source")),
        name_column(shown, "referrer_id", who, t("recruiting.col.referrer")),
        pl.col("applied_on").alias(t("recruiting.col.applied_on")),
        translate(shown, "stage", stage_label).alias(t("recruiting.col.stage")),
        pl.col("stage_since").alias(t("recruiting.col.since")),
        (pl.lit(on) - pl.col("stage_since"))
        .dt.total_days()
        .alias(t("recruiting.col.days_in_stage")),
        pl.col("phone").alias(t("recruiting.col.phone")),
        pl.col("email").alias(t("recruiting.col.email")),
    )


def _new_candidate(ctx: PageContext) -> None:
    openings = queries.openings(ctx.engine, ctx.viewer).filter(
        pl.col("closed_on").is_null() | (pl.col("closed_on") > today())
    )
    if openings.is_empty():
        st.info(t("recruiting.candidates.no_open_opening"))
        return
    titles = dict(openings.select("opening_id", "title").iter_rows())
    staff = ctx.people().filter(pl.col("status") != "left")
    who = dict(staff.select("person_id", "name").iter_rows())
    with (
        st.expander(t("recruiting.candidates.new"), expanded=False),
        st.form("recruiting_new_candidate", clear_on_submit=True),
    ):
        opening = select(
            t("recruiting.col.opening"),
            list(titles),
            "recruiting_new_cand_opening",
            lambda o: f"#{o} {titles[o]}",
        )
        left, right = st.columns(2)
        name = left.text_input(t("recruiting.col.name"), key="recruiting_new_cand_name")
        source = select(
            t("recruiting.col.source"),
            SOURCES,
            "recruiting_new_cand_source",
            source_label,
            right,
        )
        phone = left.text_input(t("recruiting.col.phone"), key="recruiting_new_cand_phone")
        email = right.text_input(t("recruiting.col.email"), key="recruiting_new_cand_email")
        referrer = select(
            t("recruiting.col.referrer"),
            [0, *who],
            "recruiting_new_cand_referrer",
            lambda p: t("recruiting.none") if p == 0 else who[p],
            left,
            help=t("recruiting.candidates.referrer_help"),
        )
        applied = right.date_input(
            t("recruiting.col.applied_on"), today(), key="recruiting_new_cand_applied"
        )
        upload = st.file_uploader(
            t("recruiting.candidates.resume_file"),
            type=["pdf", "doc", "docx", "txt"],
            key="recruiting_new_cand_resume",
        )
        link = st.text_input(t("recruiting.candidates.resume_link"), key="recruiting_new_cand_link")
        if st.form_submit_button(t("recruiting.candidates.add")):
            data = CandidateInput(
                opening_id=int(opening or 0),
                name=name,
                source=str(source),
                applied_on=applied,
                phone=phone,
                email=email,
                referrer_id=int(referrer) if referrer else None,
                resume_url=link,
            )
            resume = (
                ResumeFile(upload.name, upload.type or "", upload.getvalue())
                if upload is not None
                else None
            )
            act(
                lambda: add_candidate(ctx.engine, ctx.viewer, data, resume),
                lambda cid: t("recruiting.candidates.added", id=cid, name=name),
            )
