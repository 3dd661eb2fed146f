"""The KPI lines editor: a form of fixed slots (metric, weight, target, rule, ceiling, steps)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from plugins.appraisal.logic import Line, is_override
from plugins.appraisal.logic.scoring_rules import installed_rules, rules_for
from plugins.appraisal.settings import AppraisalSettings
from plugins.appraisal.ui.labels import kpi_choices, metric_label

SLOTS = 6


def frame_lines(frame: pl.DataFrame) -> list[Line]:
    """Contract or template rows as :class:`Line` objects, in order."""
    return [
        Line(r["metric"], r["weight"], r["target"], r["rule"], r["ceiling"], r["floor"], r["steps"])
        for r in frame.sort("position").iter_rows(named=True)
    ]


def lines_form(
    ctx: PageContext,
    key: str,
    lines: list[Line],
    rules: AppraisalSettings,
    template: bool,
) -> list[Line] | None:
    """Edit up to ``SLOTS`` KPI lines; the lines typed when submitted, else ``None``.

    In a template an empty target means "each person's target from the targets table".
    """
    choices = ["", *kpi_choices(ctx, [line.metric for line in lines])]
    label = metric_label(ctx)
    metric_names = labels_now(choices, lambda k: label(k) if k else t("appraisal.no_kpi"))
    installed = installed_rules()
    names = list(dict.fromkeys([*installed, *(line.rule for line in lines)]))
    rule_names = labels_now(names, lambda r: t(installed[r].label) if r in installed else r)
    typed: list[Line] = []
    with st.form(key):
        st.caption(t("appraisal.editor_help_template" if template else "appraisal.editor_help"))
        for i in range(SLOTS):
            line = lines[i] if i < len(lines) else None
            cols = st.columns([3, 1.2, 1.6, 1.4, 1.1, 2.2])
            shown = "visible" if i == 0 else "collapsed"
            metric = cols[0].selectbox(
                t("appraisal.kpi"),
                choices,
                index=choices.index(line.metric) if line else 0,
                format_func=metric_names,
                key=f"{key}_metric_{i}",
                label_visibility=shown,
            )
            weight = cols[1].number_input(
                t("appraisal.weight_pct"),
                min_value=0.0,
                max_value=100.0,
                value=float(line.weight) if line else 0.0,
                step=5.0,
                format="%g",
                key=f"{key}_weight_{i}",
                label_visibility=shown,
            )
            target = cols[2].number_input(
                t("appraisal.target"),
                min_value=0.0,
                value=None if line is None or line.target is None else float(line.target),
                format="%g",
                key=f"{key}_target_{i}",
                label_visibility=shown,
            )
            rule = cols[3].selectbox(
                t("appraisal.rule_label"),
                names,
                index=names.index(line.rule) if line else 0,
                format_func=rule_names,
                key=f"{key}_rule_{i}",
                label_visibility=shown,
            )
            ceiling = cols[4].number_input(
                t("appraisal.ceiling"),
                min_value=1.0,
                max_value=5.0,
                value=float(line.ceiling) if line else rules.default_ceiling,
                step=0.1,
                format="%g",
                key=f"{key}_ceiling_{i}",
                label_visibility=shown,
            )
            steps = cols[5].text_input(
                t("appraisal.steps"),
                value=(line.steps if line and line.steps else rules.default_steps),
                key=f"{key}_steps_{i}",
                label_visibility=shown,
            )
            if metric:
                typed.append(
                    Line(
                        metric,
                        float(weight),
                        None if target is None else float(target),
                        rule,
                        float(ceiling),
                        float(line.floor) if line else 0.0,
                        steps if rule in installed and "steps" in installed[rule].uses else "",
                    )
                )
        submitted = st.form_submit_button(t("appraisal.save_lines"), type="primary")
    return typed if submitted else None


def lines_table(
    ctx: PageContext,
    lines: list[Line],
    targets_from_table: bool = False,
    core: Mapping[str, float] | None = None,
) -> pl.DataFrame:
    """Lines as a translated table (what a contract says); with ``core`` (the person's core
    targets) each line also shows the core target, and a line departing from it is marked
    an override."""
    label = metric_label(ctx)
    empty_target = t("appraisal.target_from_table") if targets_from_table else "—"
    rules = rules_for(line.rule for line in lines)
    table = pl.DataFrame(
        {
            t("appraisal.kpi"): [label(line.metric) for line in lines],
            t("appraisal.available"): [
                t("appraisal.yes") if line.metric in ctx.registry else t("appraisal.unavailable")
                for line in lines
            ],
            t("appraisal.weight_pct"): [line.weight for line in lines],
            t("appraisal.target"): [
                empty_target if line.target is None else f"{line.target:g}" for line in lines
            ],
            t("appraisal.rule_label"): [
                rules[line.rule].words(line) if line.rule in rules else line.rule for line in lines
            ],
        }
    )
    if core is None:
        return table
    return table.with_columns(
        pl.Series(
            t("appraisal.core_target"),
            [f"{core[line.metric]:g}" if line.metric in core else "—" for line in lines],
            dtype=pl.String,
        ),
        pl.Series(
            t("appraisal.override"),
            [
                t("appraisal.override_mark")
                if is_override(line.target, core.get(line.metric))
                else "—"
                for line in lines
            ],
            dtype=pl.String,
        ),
    )
