"""Pipeline settings: stages and win probabilities, lost reasons, stalled days, SLA."""

from __future__ import annotations

import polars as pl
import streamlit as st
from pydantic import ValidationError

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from command_center.ui import data_table, page_header
from plugins.pipeline import actions
from plugins.pipeline import settings as cfg
from plugins.pipeline.logic import labels
from plugins.pipeline.logic.stage_models import (
    estimator_problem,
    installed_estimators,
    installed_models,
)
from plugins.pipeline.ui import page_data, widgets


def render(ctx: PageContext) -> None:
    page_header(ctx, "pipeline.page.settings")
    widgets.flash()
    conf = page_data.settings(ctx)
    _stages_table(conf)
    _stage_model(ctx)
    _general(ctx, conf)
    left, right = st.columns(2)
    with left:
        _add_stage(ctx, conf)
    with right:
        _remove_stage(ctx, conf)


def _stages_table(conf: cfg.PipelineSettings) -> None:
    st.subheader(t("pipeline.settings.stages"))
    rows = pl.DataFrame(
        {
            t("pipeline.settings.order"): list(range(1, len(conf.stages) + 1)),
            t("pipeline.field.stage"): [labels.stage_label(conf, s.key) for s in conf.stages],
            t("pipeline.settings.key"): [s.key for s in conf.stages],
            t("pipeline.field.probability"): [s.probability for s in conf.stages],
            t("pipeline.settings.outcome"): [
                t(f"pipeline.outcome.{s.outcome}") for s in conf.stages
            ],
        }
    )
    data_table(rows)


def _general(ctx: PageContext, conf: cfg.PipelineSettings) -> None:
    st.subheader(t("pipeline.settings.general"))
    _estimator_state(conf)
    with st.form("pipeline_settings_form"):
        probabilities = {
            s.key: st.number_input(
                t("pipeline.settings.probability_of", stage=labels.stage_label(conf, s.key)),
                min_value=0.0,
                max_value=1.0,
                value=float(s.probability),
                step=0.05,
                key=f"pipeline_settings_p_{s.key}",
            )
            for s in conf.stages
            if s.outcome == "open"
        }
        stalled = st.number_input(
            t("pipeline.settings.stalled_days"),
            min_value=1,
            max_value=365,
            value=conf.stalled_days,
            step=1,
            key="pipeline_settings_stalled",
        )
        sla = st.number_input(
            t("pipeline.settings.sla_hours"),
            min_value=1.0,
            max_value=2160.0,
            value=float(conf.complaint_sla_hours),
            step=1.0,
            key="pipeline_settings_sla",
        )
        contract_stage = widgets.select(
            st,
            t("pipeline.settings.contract_stage"),
            conf.open_stages,
            "pipeline_settings_contract_stage",
            lambda s: labels.stage_label(conf, s),
            conf.open_stages.index(conf.contract_stage)
            if conf.contract_stage in conf.open_stages
            else 0,
        )
        auto = st.checkbox(
            t("pipeline.settings.auto_milestones"),
            value=conf.auto_milestones,
            key="pipeline_settings_auto",
        )
        estimators = installed_estimators()
        names = list(dict.fromkeys([*estimators, conf.win_probability]))
        estimator = widgets.select(
            st,
            t("pipeline.settings.win_probability"),
            names,
            "pipeline_settings_estimator",
            lambda n: t(estimators[n].label) if n in estimators else n,
            names.index(conf.win_probability),
        )
        st.markdown(f"**{t('pipeline.settings.quotes')}**")
        left, right = st.columns(2)
        limit = left.number_input(
            t("pipeline.settings.quote_discount_limit"),
            min_value=0.0,
            max_value=100.0,
            value=float(conf.quote_discount_limit),
            step=1.0,
            help=t("pipeline.settings.quote_discount_limit_help"),
            key="pipeline_settings_quote_limit",
        )
        valid_days = right.number_input(
            t("pipeline.settings.quote_valid_days"),
            min_value=1,
            max_value=365,
            value=conf.quote_valid_days,
            step=1,
            key="pipeline_settings_quote_days",
        )
        company = st.text_input(
            t("pipeline.settings.quote_company"),
            value=conf.quote_company,
            max_chars=200,
            key="pipeline_settings_quote_company",
        )
        details = st.text_area(
            t("pipeline.settings.quote_company_details"),
            value=conf.quote_company_details,
            max_chars=1_000,
            key="pipeline_settings_quote_details",
        )
        reasons = st.text_area(
            t("pipeline.settings.lost_reasons"),
            value="\n".join(conf.lost_reasons),
            help=t("pipeline.settings.lost_reasons_help"),
            key="pipeline_settings_reasons",
        )
        if st.form_submit_button(t("pipeline.ui.save"), key="pipeline_settings_submit"):
            stages = [
                {**s.model_dump(), "probability": probabilities.get(s.key, s.probability)}
                for s in conf.stages
            ]
            _save(
                ctx,
                conf,
                stages=stages,
                stalled_days=int(stalled),
                complaint_sla_hours=float(sla),
                contract_stage=contract_stage,
                auto_milestones=auto,
                win_probability=estimator,
                lost_reasons=[r.strip() for r in reasons.splitlines() if r.strip()],
                quote_discount_limit=float(limit),
                quote_valid_days=int(valid_days),
                quote_company=company.strip(),
                quote_company_details=details.strip(),
            )


def _estimator_state(conf: cfg.PipelineSettings) -> None:
    found = installed_estimators().get(conf.win_probability)
    if found is None:
        st.warning(t("pipeline.settings.estimator_missing", name=conf.win_probability))
    elif estimator_problem(conf.win_probability):
        st.warning(t("pipeline.settings.estimator_failed", name=conf.win_probability))


def _stage_model(ctx: PageContext) -> None:
    models = installed_models()
    with st.form("pipeline_stage_model_form"):
        st.caption(t("pipeline.settings.apply_model_help"))
        name = widgets.select(
            st,
            t("pipeline.settings.stage_model"),
            list(models),
            "pipeline_stage_model_pick",
            lambda n: t(models[n].label),
        )
        if st.form_submit_button(t("pipeline.settings.apply_model"), key="pipeline_model_apply"):
            widgets.run(
                lambda: actions.apply_stage_model(ctx.engine, ctx.viewer, name),
                t("pipeline.settings.model_applied"),
            )


def _save(ctx: PageContext, conf: cfg.PipelineSettings, **changes: object) -> None:
    """Validate the changed settings (a clear message if they do not hold), then store them."""
    try:
        values = cfg.PipelineSettings.model_validate({**conf.model_dump(), **changes})
    except ValidationError as exc:
        reason = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
        st.error(t("pipeline.settings.invalid", reason=reason))
        return
    widgets.run(
        lambda: actions.save_pipeline_settings(ctx.engine, ctx.viewer, values),
        t("pipeline.settings.saved"),
    )


def _add_stage(ctx: PageContext, conf: cfg.PipelineSettings) -> None:
    st.subheader(t("pipeline.settings.add_stage"))
    positions = [*conf.open_stages, ""]
    with st.form("pipeline_stage_add_form", clear_on_submit=True):
        key = st.text_input(
            t("pipeline.settings.key"),
            help=t("pipeline.settings.key_help"),
            key="pipeline_stage_key",
        )
        name = st.text_input(t("pipeline.settings.name"), key="pipeline_stage_name")
        probability = st.number_input(
            t("pipeline.field.probability"),
            min_value=0.0,
            max_value=1.0,
            value=0.5,
            step=0.05,
            key="pipeline_stage_probability",
        )
        before = st.selectbox(
            t("pipeline.settings.before"),
            positions,
            format_func=labels_now(
                positions,
                lambda s: t("pipeline.settings.at_end") if not s else labels.stage_label(conf, s),
            ),
            key="pipeline_stage_before",
        )
        if st.form_submit_button(t("pipeline.settings.add"), key="pipeline_stage_add"):
            stage = {"key": key.strip(), "name": name.strip(), "probability": probability}
            stages = [s.model_dump() for s in conf.stages]
            at = next(
                (i for i, s in enumerate(stages) if s["key"] == before),
                len(conf.open_stages),
            )
            stages.insert(at, stage)
            _save(ctx, conf, stages=stages)


def _remove_stage(ctx: PageContext, conf: cfg.PipelineSettings) -> None:
    st.subheader(t("pipeline.settings.remove_stage"))
    removable = [s for s in conf.open_stages if s != conf.contract_stage]
    with st.form("pipeline_stage_remove_form"):
        key = widgets.select(
            st,
            t("pipeline.field.stage"),
            removable,
            "pipeline_stage_remove_pick",
            lambda s: labels.stage_label(conf, s),
        )
        if st.form_submit_button(t("pipeline.settings.remove"), key="pipeline_stage_remove"):
            stages = [s.model_dump() for s in conf.stages if s.key != key]
            _save(ctx, conf, stages=stages)
