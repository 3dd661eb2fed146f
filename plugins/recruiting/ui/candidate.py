"""A candidate's file: contact data and resume, stage history, scorecards, background
check and offer, and the actions that move them on (see ``candidate_forms``)."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import money, t
from command_center.ui import COLORS, chart, page_header, table_with_download
from plugins.recruiting import queries
from plugins.recruiting.logic.labels import exit_text, name_column, source_label, stage_label
from plugins.recruiting.logic.vocabulary import SCORES, TERMINAL
from plugins.recruiting.settings import settings
from plugins.recruiting.ui import candidate_forms as forms
from plugins.recruiting.ui.widgets import select, show_flash

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
    shown = cands.with_columns(pl.col("stage").is_in(list(TERMINAL)).alias("done"))
    if not closed_too:  # the file just closed by an action stays on screen
        keep = [picked] if isinstance(picked, int) else []
        shown = shown.filter(~pl.col("done") | pl.col("candidate_id").is_in(keep))
    if shown.is_empty():
        st.info(t("recruiting.candidates.none_open"))
        return
    ordered = shown.sort("done", "stage_since", descending=[False, True])
    labels = {
        cid: f"#{cid} {name} · {stage_label(stage)} · {title}"
        for cid, name, stage, title in ordered.select(
            "candidate_id", "name", "stage", "opening_title"
        ).iter_rows()
    }
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
        c.markdown(t("recruiting.file.person_line", id=row["person_id"]))
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
    skipped = {
        s: ", ".join(stage_label(x) for x in s.split(";") if x)
        for s in events["skipped"].unique().to_list()
        if s
    }
    frame = events.sort("moved_on", "event_id").select(
        pl.col("moved_on").alias(t("recruiting.col.date")),
        pl.col("from_stage")
        .replace_strict(
            {s: stage_label(s) for s in events["from_stage"].drop_nulls().unique()},
            default=None,
            return_dtype=pl.String,
        )
        .alias(t("recruiting.col.from_stage")),
        pl.col("to_stage")
        .replace_strict(
            {s: stage_label(s) for s in events["to_stage"].unique()}, return_dtype=pl.String
        )
        .alias(t("recruiting.col.to_stage")),
        pl.col("actor").alias(t("recruiting.col.by")),
        pl.col("reason")
        .replace_strict(
            {r: exit_text(r) for r in events["reason"].unique()}, return_dtype=pl.String
        )
        .alias(t("recruiting.col.reason")),
        pl.col("skipped")
        .replace_strict(skipped, default="", return_dtype=pl.String)
        .alias(t("recruiting.col.skipped")),
    )
    table_with_download(frame, f"candidate_{candidate_id}_history", "recruiting_history")


def _scorecards(ctx: PageContext, cards: pl.DataFrame, who: dict[int, str]) -> None:
    st.subheader(t("recruiting.file.scorecards"))
    if cards.is_empty():
        st.caption(t("recruiting.file.no_scorecards"))
        return
    pass_score = settings(ctx.engine).culture_fit_pass
    labels = {k: t(f"recruiting.score.{k}") for k in SCORES}
    frame = cards.sort("round", "scorecard_id").select(
        pl.col("round").alias(t("recruiting.col.round")),
        name_column(cards, "interviewer_id", who, t("recruiting.col.interviewer")),
        pl.col("interviewed_on").alias(t("recruiting.col.date")),
        *[pl.col(k).alias(labels[k]) for k in SCORES],
        pl.mean_horizontal(*SCORES).round(2).alias(t("recruiting.col.average")),
        pl.when(pl.col("passed"))
        .then(pl.lit(t("recruiting.pass")))
        .otherwise(pl.lit(t("recruiting.fail")))
        .alias(t("recruiting.col.result")),
        pl.when(pl.col("culture_fit") < pass_score)
        .then(
            pl.when(pl.col("override_by").is_not_null())
            .then(pl.lit(t("recruiting.file.overridden")) + pl.col("override_by"))
            .otherwise(pl.lit(t("recruiting.file.culture_fail")))
        )
        .otherwise(pl.lit(""))
        .alias(t("recruiting.score.culture_fit_flag")),
        pl.col("override_reason").alias(t("recruiting.col.override_reason")),
        pl.col("comment").alias(t("recruiting.col.comment")),
    )
    table_with_download(frame, "scorecards", "recruiting_scorecards_table")
    rounds = t("recruiting.col.round")
    data = (
        cards.group_by("round")
        .agg([pl.col(k).mean().alias(labels[k]) for k in SCORES])
        .unpivot(index="round", variable_name="score", value_name="value")
        .with_columns(
            (pl.lit(t("recruiting.col.round")) + " " + pl.col("round").cast(pl.String)).alias(
                rounds
            )
        )
    )
    spec = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("score:N", title=None, sort=list(labels.values())),
            xOffset=f"{rounds}:N",
            y=alt.Y("value:Q", title=t("recruiting.col.average"), scale=alt.Scale(domain=[0, 5])),
            color=alt.Color(
                f"{rounds}:N",
                title=None,
                scale=alt.Scale(range=[COLORS["secondary"], COLORS["primary"], COLORS["good"]]),
            ),
            tooltip=["score:N", f"{rounds}:N", alt.Tooltip("value:Q", format=".1f")],
        )
        .properties(height=220)
    )
    chart(spec)


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
