"""Candidates: the pipeline by stage, the list with filters, and new applications."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from command_center.ui import chart, page_header, table_with_download
from command_center.ui.actions import show_flash
from command_center.ui.widgets import Kpi, kpi_row
from plugins.recruiting import charts, queries
from plugins.recruiting.actions.candidates import CandidateInput, ResumeFile, add_candidate
from plugins.recruiting.logic import candidates
from plugins.recruiting.logic.labels import source_label, stage_label
from plugins.recruiting.logic.paging import PAGE_SIZE
from plugins.recruiting.logic.vocabulary import ALL_STAGES, SOURCES
from plugins.recruiting.ui.paging import clamp_page, page_offset, pager
from plugins.recruiting.ui.widgets import act, select, today

OPEN_KEY = "recruiting_cand_filter_open"
PAGE_KEY = "recruiting_cand_page"
TABLE_KEY = "recruiting_candidates_table"


def render(ctx: PageContext) -> None:
    page_header(ctx, "recruiting.candidates.title")
    show_flash()
    cands = queries.candidates(ctx.engine, ctx.viewer)
    head = candidates.headline(cands, queries.offers(ctx.engine, ctx.viewer), ctx.period)
    kpi_row(
        [
            Kpi(t("recruiting.candidates.applied_in_period"), float(head.applied), "count"),
            Kpi(t("recruiting.candidates.in_process"), float(head.in_process), "count"),
            Kpi(t("recruiting.candidates.offers_pending"), float(head.offers_pending), "count"),
            Kpi(t("recruiting.candidates.hired_in_period"), float(head.hired), "count"),
        ]
    )
    if cands.is_empty():
        st.info(t("recruiting.candidates.none"))
    else:
        _pipeline_chart(candidates.in_process(cands))
        _list(ctx, cands)
    _new_candidate(ctx)


def _pipeline_chart(open_now: pl.DataFrame) -> None:
    st.subheader(t("recruiting.candidates.pipeline"))
    if open_now.is_empty():
        st.info(t("recruiting.candidates.none_open"))
        return
    table = candidates.stage_table(open_now)
    stage, count = t("recruiting.col.stage"), t("recruiting.col.count")
    chart(charts.stage_counts(table, stage, count, candidates.ladder_order()))


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
        candidates.list_table(shown, queries.person_names(ctx.engine), today()),
        "candidates",
        TABLE_KEY,
    )
    if total:
        pager(PAGE_KEY, offset, shown.height, total)


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
