"""A candidate's file: contact data and resume, stage history, scorecards, background
check and offer, and the actions that move them on (see ``candidate_forms``)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import money, t
from command_center.keys import key_of
from command_center.ui import chart, page_header, table_with_download
from command_center.ui.actions import show_flash
from plugins.recruiting import charts, queries
from plugins.recruiting.logic import candidates
from plugins.recruiting.logic.labels import exit_text, source_label, stage_label
from plugins.recruiting.settings import settings
from plugins.recruiting.ui import candidate_forms as forms
from plugins.recruiting.ui.widgets import select

PICK = "recruiting_candidate_pick"


def render(ctx: PageContext) -> None:
    page_header(ctx, "recruiting.file.title")
    show_flash()
    cands = queries.candidates(ctx.engine, ctx.viewer)
    if cands.is_empty():
        st.info(t("recruiting.candidates.none"))
        return
    closed_too = st.checkbox(t("recruiting.file.closed_too"), key="recruiting_file_closed")
    picked = st.session_state.get(PICK)
    labels = candidates.file_choices(cands, closed_too, picked if isinstance(picked, int) else None)
    if not labels:
        st.info(t("recruiting.candidates.none_open"))
        return
    if picked not in labels:
        st.session_state.pop(PICK, None)
    chosen = select(t("recruiting.file.pick"), list(labels), PICK, labels.__getitem__)
    if chosen is None:
        return
    row = cands.filter(pl.col("candidate_id") == chosen).row(0, named=True)
    who = queries.person_names(ctx.engine)
    _summary(ctx, row, who)
    _history(ctx, chosen, who)
    cards = queries.candidate_scorecards(ctx.engine, ctx.viewer, int(chosen))
    _scorecards(ctx, cards, who)
    _check_and_offer(ctx, chosen)
    forms.render_actions(ctx, row, cards)


def _summary(ctx: PageContext, row: dict[str, object], who: dict[int, str]) -> None:
    st.subheader(str(row["name"]))
    a, b, c = st.columns(3)
    a.markdown(
        t(
            "recruiting.file.opening_line",
            opening=row["opening_title"],
            manager=who.get(int(row["hiring_manager_id"]), "—"),
        )  # type: ignore[arg-type]
    )
    source = source_label(str(row["source"]))
    if row["referrer_id"] is not None:
        source = t(
            "recruiting.file.referred_by", source=source, name=who.get(int(row["referrer_id"]), "—")
        )  # type: ignore[arg-type]
    b.markdown(t("recruiting.file.source_line", source=source, applied=row["applied_on"]))
    c.markdown(
        t(
            "recruiting.file.stage_line",
            stage=stage_label(str(row["stage"])),
            since=row["stage_since"],
        )
    )
    a.markdown(
        t("recruiting.file.contact_line", phone=row["phone"] or "—", email=row["email"] or "—")
    )
    if row["exit_reason"]:
        b.markdown(t("recruiting.file.exit_line", reason=exit_text(str(row["exit_reason"]))))
    if row["person_id"] is not None:
        shown = key_of(ctx.engine, "person", int(row["person_id"])) or row["person_id"]
        c.markdown(t("recruiting.file.person_line", id=shown))
    resume = queries.resume(ctx.engine, ctx.viewer, int(row["candidate_id"]))  # type: ignore[arg-type]
    if resume is not None:
        filename, mime, content = resume
        st.download_button(
            t("recruiting.file.download_resume", file=filename),
            content,
            file_name=filename,
            mime=mime,
            key="recruiting_resume_download",
            on_click="ignore",
        )
    elif row["resume_url"]:
        st.markdown(t("recruiting.file.resume_link", url=row["resume_url"]))
    else:
        st.caption(t("recruiting.file.no_resume"))


def _history(ctx: PageContext, candidate_id: int, who: dict[int, str]) -> None:
    st.subheader(t("recruiting.file.history"))
    events = queries.candidate_events(ctx.engine, ctx.viewer, candidate_id)
    frame = candidates.history_table(events)
    table_with_download(frame, f"candidate_{candidate_id}_history", "recruiting_history")


def _scorecards(ctx: PageContext, cards: pl.DataFrame, who: dict[int, str]) -> None:
    st.subheader(t("recruiting.file.scorecards"))
    if cards.is_empty():
        st.caption(t("recruiting.file.no_scorecards"))
        return
    pass_score = settings(ctx.engine).culture_fit_pass
    frame = candidates.scorecards_table(cards, who, pass_score)
    table_with_download(frame, "scorecards", "recruiting_scorecards_table")
    chart(
        charts.round_scores(
            candidates.round_means(cards),
            t("recruiting.col.round"),
            list(candidates.score_labels().values()),
            t("recruiting.col.average"),
        )
    )


def _check_and_offer(ctx: PageContext, candidate_id: int) -> None:
    checks = queries.candidate_checks(ctx.engine, ctx.viewer, candidate_id)
    offers = queries.candidate_offers(ctx.engine, ctx.viewer, candidate_id)
    if checks.is_empty() and offers.is_empty():
        return
    left, right = st.columns(2)
    if not checks.is_empty():
        c = checks.row(0, named=True)
        left.subheader(t("recruiting.file.background"))
        left.markdown(
            t(
                "recruiting.file.check_line",
                result=t("recruiting.pass" if c["passed"] else "recruiting.fail"),
                on=c["checked_on"],
                by=c["checked_by"],
            )
        )
        left.markdown(
            t(
                "recruiting.file.work_line",
                ok=t("recruiting.pass" if c["work_ok"] else "recruiting.fail"),
                text=c["work_history"],
            )
        )
        left.markdown(
            t(
                "recruiting.file.education_line",
                ok=t("recruiting.pass" if c["education_ok"] else "recruiting.fail"),
                text=c["education"],
            )
        )
    if not offers.is_empty():
        o = offers.row(0, named=True)
        right.subheader(t("recruiting.file.offer"))
        right.markdown(
            t(
                "recruiting.file.offer_line",
                salary=money(o["salary"]),
                start=o["start_date"],
                on=o["offered_on"],
            )
        )
        right.markdown(
            t(
                "recruiting.file.offer_status",
                status=t(f"recruiting.offer.{o['status']}"),
                on=o["responded_on"] or "—",
            )
        )
        if o["decline_reason"]:
            right.markdown(t("recruiting.file.decline_line", reason=o["decline_reason"]))
