"""Recruiting settings (director): rejection reasons, the culture-fit pass score,
the bootcamp, the exam pass mark, the quality-of-hire window, resume size."""

from __future__ import annotations

import streamlit as st
from pydantic import ValidationError

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from command_center.ui import page_header
from command_center.ui.actions import show_flash
from plugins.recruiting.actions.settings import save_recruiting_settings
from plugins.recruiting.logic.labels import reason_label
from plugins.recruiting.logic.scorecards import installed_templates
from plugins.recruiting.settings import RecruitingSettings, settings
from plugins.recruiting.ui.widgets import act


def render(ctx: PageContext) -> None:
    page_header(ctx, "recruiting.settings.title")
    show_flash()
    current = settings(ctx.engine)
    st.caption(
        t(
            "recruiting.settings.reasons_now",
            reasons="、".join(reason_label(r) for r in current.rejection_reasons),
        )
    )
    with st.form("recruiting_settings"):
        reasons = st.text_area(
            t("recruiting.settings.reasons"),
            "\n".join(current.rejection_reasons),
            help=t("recruiting.settings.reasons_help"),
            key="recruiting_set_reasons",
        )
        left, right = st.columns(2)
        culture = left.slider(
            t("recruiting.settings.culture_fit_pass"),
            1,
            5,
            current.culture_fit_pass,
            key="recruiting_set_culture",
        )
        days = right.number_input(
            t("recruiting.settings.bootcamp_days"),
            1,
            60,
            current.bootcamp_days,
            key="recruiting_set_days",
        )
        hours = left.number_input(
            t("recruiting.settings.bootcamp_hours"),
            1.0,
            12.0,
            current.bootcamp_hours_per_day,
            0.5,
            key="recruiting_set_hours",
        )
        mark = right.slider(
            t("recruiting.settings.pass_mark"),
            0.1,
            1.0,
            current.default_pass_mark,
            0.05,
            key="recruiting_set_mark",
        )
        months = left.number_input(
            t("recruiting.settings.quality_months"),
            1,
            24,
            current.quality_months,
            key="recruiting_set_months",
        )
        resume = right.number_input(
            t("recruiting.settings.max_resume_mb"),
            1,
            50,
            current.max_resume_mb,
            key="recruiting_set_resume",
        )
        templates = installed_templates()
        names = list(dict.fromkeys([*templates, current.scorecard_template]))
        template = left.selectbox(
            t("recruiting.settings.scorecard_template"),
            names,
            index=names.index(current.scorecard_template),
            format_func=labels_now(names, lambda n: t(templates[n].label) if n in templates else n),
            key="recruiting_set_template",
        )
        if st.form_submit_button(t("recruiting.settings.save")):
            try:
                values = RecruitingSettings(
                    rejection_reasons=reasons.splitlines(),
                    culture_fit_pass=int(culture),
                    bootcamp_days=int(days),
                    bootcamp_hours_per_day=float(hours),
                    default_pass_mark=float(mark),
                    quality_months=int(months),
                    max_resume_mb=int(resume),
                    scorecard_template=str(template),
                )
            except ValidationError as exc:
                st.error(t("recruiting.settings.invalid", detail=exc.errors()[0]["msg"]))
                return
            act(
                lambda: save_recruiting_settings(ctx.engine, ctx.viewer, values),
                lambda _: t("recruiting.settings.saved"),
            )
