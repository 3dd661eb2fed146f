"""The forms on a candidate's file: move on (or skip, with a reason), scorecards,
culture-fit override, background check, offer and answer, hire, reject, withdraw."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.db.models import KEY_LENGTH
from command_center.i18n import labels_now, t
from command_center.keys import key_of
from plugins.recruiting import queries
from plugins.recruiting.actions.candidates import move, reject, withdraw
from plugins.recruiting.actions.hire import hire
from plugins.recruiting.actions.interviews import (
    ScorecardInput,
    add_scorecard,
    make_offer,
    override_culture_fit,
    record_background_check,
    respond_offer,
)
from plugins.recruiting.logic import candidates
from plugins.recruiting.logic.labels import reason_label, stage_label
from plugins.recruiting.logic.scorecards import chosen_template
from plugins.recruiting.logic.vocabulary import (
    INTERVIEW_ROUND,
    OVERRIDE_ROLES,
    STAGES,
    TERMINAL,
)
from plugins.recruiting.queries import offers
from plugins.recruiting.settings import settings
from plugins.recruiting.ui.widgets import act, select, today


def render_actions(ctx: PageContext, row: dict[str, Any], cards: pl.DataFrame) -> None:
    stage = str(row["stage"])
    if stage in TERMINAL:
        if stage == "hired":
            shown = key_of(ctx.engine, "person", row["person_id"]) or row["person_id"]
            st.success(t("recruiting.file.hired_note", id=shown))
        return
    st.subheader(t("recruiting.file.actions"))
    cid = int(row["candidate_id"])
    if stage in INTERVIEW_ROUND:
        _scorecard(ctx, cid, INTERVIEW_ROUND[stage], row)
        _override(ctx, cards, INTERVIEW_ROUND[stage])
    if stage == "background_check":
        _background(ctx, cid)
    offer = offers(ctx.engine, ctx.viewer).filter(pl.col("candidate_id") == cid)
    status = None if offer.is_empty() else str(offer["status"][0])
    if stage == "offer":
        _offer(ctx, cid, status, row)
    elif stage != "hired":
        _move(ctx, cid, stage)
    _exit(ctx, cid)


def _move(ctx: PageContext, cid: int, stage: str) -> None:
    later = [s for s in STAGES[STAGES.index(stage) + 1 :] if s != "hired"]
    with st.form(f"recruiting_move_{cid}"):
        st.markdown(t("recruiting.file.move_help"))
        left, right = st.columns(2)
        target = select(
            t("recruiting.file.move_to"), later, f"recruiting_move_to_{cid}", stage_label, left
        )
        day = right.date_input(t("recruiting.col.date"), today(), key=f"recruiting_move_day_{cid}")
        reason = st.text_input(
            t("recruiting.file.skip_reason"), key=f"recruiting_move_reason_{cid}"
        )
        if st.form_submit_button(t("recruiting.file.move")):
            act(
                lambda: move(ctx.engine, ctx.viewer, cid, str(target), day, reason),
                lambda skipped: (
                    t("recruiting.file.moved", stage=stage_label(str(target)))
                    + (
                        t(
                            "recruiting.file.skipped",
                            stages=", ".join(stage_label(s) for s in skipped),
                        )
                        if skipped
                        else ""
                    )
                ),
            )


def _scorecard(ctx: PageContext, cid: int, round_no: int, row: dict[str, Any]) -> None:
    template = chosen_template(settings(ctx.engine).scorecard_template)
    with st.form(f"recruiting_card_{cid}_{round_no}", clear_on_submit=True):
        st.markdown(t("recruiting.file.scorecard_for", round=round_no))
        columns = st.columns(3)
        scores = {
            k: columns[i % 3].slider(
                t(template.label_of(k)),
                1,
                5,
                3,
                help=t(template.question_of(k)) if template.question_of(k) else None,
                key=f"recruiting_card_{k}_{cid}_{round_no}",
            )
            for i, k in enumerate(template.keys)
        }
        left, right = st.columns(2)
        passed = left.radio(
            t("recruiting.col.result"),
            [True, False],
            horizontal=True,
            format_func=labels_now(
                [True, False], lambda p: t("recruiting.pass") if p else t("recruiting.fail")
            ),
            key=f"recruiting_card_pass_{cid}_{round_no}",
        )
        day = right.date_input(
            t("recruiting.col.date"), today(), key=f"recruiting_card_day_{cid}_{round_no}"
        )
        comment = st.text_area(t("recruiting.col.comment"), key=f"recruiting_card_note_{cid}")
        if st.form_submit_button(t("recruiting.file.submit_scorecard")):
            data = ScorecardInput(round_no, scores, bool(passed), day, comment)
            act(
                lambda: add_scorecard(ctx.engine, ctx.viewer, cid, data),
                lambda _: t("recruiting.file.scorecard_saved", round=round_no, name=row["name"]),
            )


def _override(ctx: PageContext, cards: pl.DataFrame, round_no: int) -> None:
    pass_score = settings(ctx.engine).culture_fit_pass
    failing = candidates.culture_fit_fails(cards, round_no, pass_score)
    if failing.is_empty():
        return
    st.warning(t("recruiting.file.culture_blocked", count=failing.height))
    if ctx.viewer.role not in OVERRIDE_ROLES:
        st.caption(t("recruiting.file.override_managers_only"))
        return
    who = queries.person_names(ctx.engine)
    options = dict(failing.select("scorecard_id", "interviewer_id").iter_rows())
    with st.form(f"recruiting_override_{round_no}"):
        card = select(
            t("recruiting.file.override_card"),
            list(options),
            "recruiting_override_card",
            lambda c: t("recruiting.file.card_by", name=who.get(options[c], "—")),
        )
        reason = st.text_area(t("recruiting.file.override_reason"), key="recruiting_override_why")
        if st.form_submit_button(t("recruiting.file.override")):
            act(
                lambda: override_culture_fit(
                    ctx.engine, ctx.viewer, int(card or 0), reason, today()
                ),
                lambda _: t("recruiting.file.overridden_done"),
            )


def _background(ctx: PageContext, cid: int) -> None:
    with st.form(f"recruiting_check_{cid}"):
        st.markdown(t("recruiting.file.background"))
        work = st.text_area(t("recruiting.file.work_history"), key=f"recruiting_check_work_{cid}")
        work_ok = st.checkbox(t("recruiting.file.work_ok"), key=f"recruiting_check_wok_{cid}")
        education = st.text_area(t("recruiting.file.education"), key=f"recruiting_check_edu_{cid}")
        edu_ok = st.checkbox(t("recruiting.file.education_ok"), key=f"recruiting_check_eok_{cid}")
        day = st.date_input(t("recruiting.col.date"), today(), key=f"recruiting_check_day_{cid}")
        if st.form_submit_button(t("recruiting.file.save_check")):
            act(
                lambda: record_background_check(
                    ctx.engine, ctx.viewer, cid, work, education, work_ok, edu_ok, day
                ),
                lambda ok: t(
                    "recruiting.file.check_saved",
                    result=t("recruiting.pass" if ok else "recruiting.fail"),
                ),
            )


def _offer(ctx: PageContext, cid: int, status: str | None, row: dict[str, Any]) -> None:
    if status in (None, "pending"):
        with st.form(f"recruiting_offer_{cid}"):
            st.markdown(t("recruiting.file.offer_form"))
            left, right = st.columns(2)
            salary = left.number_input(
                t("recruiting.file.salary"),
                0.0,
                1e6,
                8000.0,
                500.0,
                key=f"recruiting_offer_salary_{cid}",
            )
            start = right.date_input(
                t("recruiting.file.start_date"), today(), key=f"recruiting_offer_start_{cid}"
            )
            if st.form_submit_button(t("recruiting.file.make_offer")):
                act(
                    lambda: make_offer(ctx.engine, ctx.viewer, cid, float(salary), start, today()),
                    lambda _: t("recruiting.file.offer_made", name=row["name"]),
                )
    if status == "pending":
        with st.form(f"recruiting_answer_{cid}"):
            st.markdown(t("recruiting.file.answer_form"))
            accepted = st.radio(
                t("recruiting.file.answer"),
                [True, False],
                horizontal=True,
                format_func=labels_now(
                    [True, False],
                    lambda a: t("recruiting.offer.accepted" if a else "recruiting.offer.declined"),
                ),
                key=f"recruiting_answer_{cid}_choice",
            )
            reason = st.text_input(
                t("recruiting.file.decline_reason"), key=f"recruiting_answer_reason_{cid}"
            )
            day = st.date_input(
                t("recruiting.col.date"), today(), key=f"recruiting_answer_day_{cid}"
            )
            if st.form_submit_button(t("recruiting.file.record_answer")):
                act(
                    lambda: respond_offer(ctx.engine, ctx.viewer, cid, bool(accepted), day, reason),
                    lambda _: t("recruiting.file.answer_saved"),
                )
    if status == "accepted":
        _hire(ctx, cid, row)


def _hire(ctx: PageContext, cid: int, row: dict[str, Any]) -> None:
    people = ctx.people().filter(pl.col("status") == "active")
    who = dict(people.select("person_id", "name").iter_rows())
    manager = int(row["hiring_manager_id"])
    suggested = queries.suggested_mentor(ctx.engine, manager, str(row["level"]))
    options = [suggested, *[p for p in who if p != suggested]] if suggested in who else list(who)
    with st.form(f"recruiting_hire_{cid}"):
        st.markdown(
            t(
                "recruiting.file.hire_help",
                name=row["name"],
                manager=queries.person_names(ctx.engine).get(manager, "—"),
            )
        )
        mentor = select(
            t("recruiting.file.mentor"),
            options,
            f"recruiting_hire_mentor_{cid}",
            lambda p: who.get(p, str(p)),
        )
        key = st.text_input(
            t("keys.form.label_person"),
            key=f"recruiting_hire_key_{cid}",
            help=t("keys.form.help_person"),
            max_chars=KEY_LENGTH,
        )
        if st.form_submit_button(t("recruiting.file.hire"), type="primary"):
            chosen = int(mentor) if mentor else None
            act(
                lambda: hire(ctx.engine, ctx.viewer, cid, today(), chosen, key=key),
                lambda r: (
                    t("recruiting.file.hired", name=row["name"], id=r.person_key)
                    if r.created
                    else t("recruiting.file.already_hired", id=r.person_key)
                ),
            )


def _exit(ctx: PageContext, cid: int) -> None:
    reasons = settings(ctx.engine).rejection_reasons
    left, right = st.columns(2)
    with left.form(f"recruiting_reject_{cid}"):
        reason = select(
            t("recruiting.file.reject_reason"),
            reasons,
            f"recruiting_reject_why_{cid}",
            reason_label,
        )
        note = st.text_input(t("recruiting.file.note"), key=f"recruiting_reject_note_{cid}")
        if st.form_submit_button(t("recruiting.file.reject")):
            act(
                lambda: reject(ctx.engine, ctx.viewer, cid, str(reason), today(), note),
                lambda _: t("recruiting.file.rejected", reason=reason_label(str(reason))),
            )
    with right.form(f"recruiting_withdraw_{cid}"):
        note = st.text_input(
            t("recruiting.file.withdraw_note"), key=f"recruiting_withdraw_note_{cid}"
        )
        if st.form_submit_button(t("recruiting.file.withdraw")):
            act(
                lambda: withdraw(ctx.engine, ctx.viewer, cid, note, today()),
                lambda _: t("recruiting.file.withdrawn"),
            )
