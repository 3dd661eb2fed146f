"""The company's appraisal policy (directors): values, formula, 271, results applied."""

from __future__ import annotations

import polars as pl
import streamlit as st
from pydantic import ValidationError

from command_center.context import PageContext
from command_center.i18n import t
from command_center.ui import data_table, page_header
from command_center.ui.widgets import Kpi, kpi_row
from plugins.appraisal import actions
from plugins.appraisal.settings import AppraisalSettings
from plugins.appraisal.ui.controls import flash, run_action
from plugins.appraisal.ui.labels import value_label

# (field, step) for the number inputs, in the order shown
GROUPS: dict[str, tuple[tuple[str, float], ...]] = {
    "formula": (
        ("results_weight", 0.05),
        ("values_weight", 0.05),
        ("judgement_range", 1.0),
        ("max_points", 5.0),
        ("annual_results_weight", 0.05),
        ("ability_weight", 0.05),
        ("attitude_weight", 0.05),
    ),
    "ratings": (
        ("exceeds_from", 1.0),
        ("below_under", 1.0),
        ("share_exceeds", 0.05),
        ("share_meets", 0.05),
        ("share_below", 0.05),
        ("tolerance", 0.01),
    ),
    "grid": (
        ("results_high", 1.0),
        ("results_low", 1.0),
        ("values_high", 0.1),
        ("values_low", 0.1),
    ),
    "applied": (
        ("multiplier_exceeds", 0.1),
        ("multiplier_meets", 0.1),
        ("multiplier_below", 0.1),
        ("raise_exceeds", 0.01),
        ("raise_meets", 0.01),
        ("raise_below", 0.01),
        ("training_under", 1.0),
        ("default_ceiling", 0.1),
    ),
}


def render(ctx: PageContext) -> None:
    page_header(ctx, "appraisal.policy.title")
    flash()
    rules = actions.policy(ctx.engine)
    kpi_row(
        [
            Kpi(t("appraisal.policy.results_weight"), rules.results_weight, "ratio"),
            Kpi(t("appraisal.policy.values_weight"), rules.values_weight, "ratio"),
            Kpi(t("appraisal.policy.values_count"), float(len(rules.values)), "count"),
            Kpi(t("appraisal.policy.multiplier_exceeds"), rules.multiplier_exceeds, "score"),
        ]
    )
    st.markdown(
        t(
            "appraisal.policy.formula_text",
            rw=f"{rules.results_weight:g}",
            vw=f"{rules.values_weight:g}",
            range=f"{rules.judgement_range:g}",
            aw=f"{rules.annual_results_weight:g}",
            bw=f"{rules.ability_weight:g}",
            cw=f"{rules.attitude_weight:g}",
        )
    )
    data_table(
        pl.DataFrame({t("appraisal.value_label"): [value_label(v) for v in rules.values]}),
    )
    with st.form("appraisal_policy"):
        values = st.text_area(
            t("appraisal.policy.values"),
            value="\n".join(rules.values),
            help=t("appraisal.policy.values_help"),
            key="appraisal_policy_values",
        )
        typed: dict[str, object] = {}
        for group, fields in GROUPS.items():
            st.markdown(f"**{t(f'appraisal.policy.group.{group}')}**")
            cols = st.columns(4)
            for i, (field, step) in enumerate(fields):
                typed[field] = cols[i % 4].number_input(
                    t(f"appraisal.policy.{field}"),
                    value=float(getattr(rules, field)),
                    step=step,
                    format="%g",
                    key=f"appraisal_policy_{field}",
                )
        steps = st.text_input(
            t("appraisal.policy.default_steps"),
            value=rules.default_steps,
            key="appraisal_policy_steps",
        )
        if st.form_submit_button(t("appraisal.policy.save"), type="primary"):
            try:
                new = AppraisalSettings(
                    values=[v for v in values.splitlines() if v.strip()],
                    default_steps=steps,
                    **typed,  # type: ignore[arg-type]
                )
            except ValidationError as exc:
                st.error(t("appraisal.policy.invalid", reason=exc.errors()[0]["msg"]))
                return
            run_action(
                ctx,
                lambda: actions.save_policy(ctx.engine, ctx.signed_in_viewer, ctx.actor, new),
                t("appraisal.policy.saved"),
            )
