"""Results applied: ratings, bonus multipliers (as published for incentives), raises,
promotion and training recommendations, for the closed cycles of the sidebar's period."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from command_center.metrics import total
from command_center.published import read_published
from command_center.ui import chart, page_header, table_with_download
from command_center.ui.widgets import Kpi, kpi_row, percent_column, ratio
from plugins.appraisal import actions, charts, queries
from plugins.appraisal.actions import TOPIC
from plugins.appraisal.errors import AppraisalError
from plugins.appraisal.logic import rating_mix
from plugins.appraisal.settings import RATINGS
from plugins.appraisal.ui.controls import FLASH_KEY, flash, run_action, show_error
from plugins.appraisal.ui.labels import grid_label, rating_label, training_text


def _in_period(ctx: PageContext, frame: pl.DataFrame) -> pl.DataFrame:
    months = [m.strftime("%Y-%m") for m in ctx.period.months]
    labels = months + ([ctx.period.label] if ctx.period.grain == "year" else [])
    return frame.filter(pl.col("period").is_in(labels))


def render(ctx: PageContext) -> None:
    page_header(ctx, "appraisal.results.title")
    flash()
    monthly = queries.history(ctx.engine, ctx.viewer, "monthly")
    annual = queries.history(ctx.engine, ctx.viewer, "annual")
    rows = _in_period(ctx, pl.concat([monthly, annual], how="vertical_relaxed"))
    roots = ctx.roots()
    cards = []
    for key in ("appraisal_score", "values_score"):
        if key in ctx.registry and roots:
            tot = total(ctx.registry, ctx.engine, ctx.viewer, key, ctx.period, roots)
            cards.append(Kpi(t(ctx.registry.spec(key).label), tot.value, "score"))
    rated = rows.filter(pl.col("rating").is_not_null())
    top = ratio((rated["rating"] == "exceeds").sum(), rated.height)
    cards += [
        Kpi(t("appraisal.results.exceeds_share"), top, "ratio"),
        Kpi(
            t("appraisal.results.promotions"),
            float(rows["promotion"].fill_null(False).sum()),
            "count",
        ),
    ]
    kpi_row(cards)
    _mix_chart(monthly)
    if rows.is_empty():
        st.info(t("appraisal.results.none", period=ctx.period.label))
        return
    _published(ctx)
    _table(ctx, rows)
    _follow_up(ctx, rows)


def _mix_chart(monthly: pl.DataFrame) -> None:
    spec = charts.rating_mix_chart(rating_mix(monthly), {r: rating_label(r) for r in RATINGS})
    if spec is not None:
        chart(spec)


def _published(ctx: PageContext) -> None:
    labels = [m.strftime("%Y-%m") for m in ctx.period.months]
    if ctx.period.grain == "year":
        labels.append(ctx.period.label)
    count = sum(read_published(ctx.engine, ctx.viewer, TOPIC, label).height for label in labels)
    st.caption(t("appraisal.results.published", count=count, topic=TOPIC))


def _table(ctx: PageContext, rows: pl.DataFrame) -> None:
    names = queries.names(ctx.engine)
    yes, no = t("appraisal.yes"), t("appraisal.no")
    frame = rows.sort(["period", "final_score"], descending=[True, True], nulls_last=True)
    shown = frame.select(
        pl.col("period").alias(t("appraisal.period")),
        pl.col("person_id")
        .replace_strict(names, default="?", return_dtype=pl.String)
        .alias(t("appraisal.name")),
        pl.col("level")
        .map_elements(lambda v: t(f"level.{v}"), return_dtype=pl.String)
        .alias(t("appraisal.level")),
        pl.col("final_score").round(1).alias(t("appraisal.final_score")),
        pl.col("rating")
        .map_elements(rating_label, return_dtype=pl.String)
        .alias(t("appraisal.rating_label")),
        pl.col("grid")
        .map_elements(grid_label, return_dtype=pl.String)
        .alias(t("appraisal.grid_label")),
        pl.col("bonus_multiplier").alias(t("appraisal.bonus_multiplier")),
        pl.col("raise_pct").alias(t("appraisal.raise")),
        pl.when(pl.col("promotion").fill_null(False))
        .then(pl.lit(yes))
        .otherwise(pl.lit(no))
        .alias(t("appraisal.promotion")),
        pl.Series(
            [training_text(ctx, list(n or [])) for n in frame["training"].to_list()],
            dtype=pl.String,
        ).alias(t("appraisal.training")),
    )
    table_with_download(
        shown,
        f"appraisal_results_{ctx.period.label}",
        "appraisal_results_table",
        column_config={t("appraisal.raise"): percent_column(t("appraisal.raise"))},
    )


def _follow_up(ctx: PageContext, rows: pl.DataFrame) -> None:
    """Promotion and training recommendations of the people below the signed-in leader,
    each carried out with one button (the actions check who may, again)."""
    viewer = ctx.signed_in_viewer
    if viewer.role not in ("director", "manager", "supervisor"):
        return
    below = [p for p in rows["person_id"].unique().to_list() if actions.can_review(viewer, p)]
    open_rows = rows.filter(
        (pl.col("promotion").fill_null(False) | (pl.col("training").list.len() > 0))
        & pl.col("person_id").is_in(below)
    )
    st.subheader(t("appraisal.results.follow_up"))
    if open_rows.is_empty():
        st.caption(t("appraisal.results.follow_up_none"))
        return
    names = queries.names(ctx.engine)
    found = {(r["cycle_id"], r["person_id"]): r for r in open_rows.iter_rows(named=True)}
    options = sorted(found, key=lambda k: (found[k]["period"], names.get(k[1], "")))
    chosen = st.selectbox(
        t("appraisal.results.follow_up_person"),
        options,
        format_func=labels_now(
            options, lambda k: f"{names.get(k[1], k[1])} · {found[k]['period']}"
        ),
        key="appraisal_follow_up",
    )
    if chosen is None:
        return
    cycle_id, person_id = chosen
    row = found[chosen]
    if row["promotion"]:
        _promote(ctx, cycle_id, person_id)
    needs = list(row["training"] or [])
    if needs and st.button(
        t("appraisal.results.follow_up_enrol", needs=training_text(ctx, needs)),
        key=f"appraisal_enrol:{cycle_id}:{person_id}",
    ):
        try:
            count = actions.enrol_training(
                ctx.engine, ctx.host, viewer, ctx.actor, cycle_id, person_id, dt.date.today()
            )
        except AppraisalError as refused:
            show_error(ctx, refused)
            return
        st.session_state[FLASH_KEY] = t("appraisal.results.follow_up_enrolled", count=count)
        st.rerun()


def _promote(ctx: PageContext, cycle_id: int, person_id: int) -> None:
    try:
        level = actions.promotion_level(ctx.engine, cycle_id, person_id)
    except AppraisalError as done:
        st.caption(done.message())
        return
    today = dt.date.today()
    day = st.date_input(
        t("appraisal.results.follow_up_effective"),
        value=today,
        max_value=today,
        key=f"appraisal_promote_day:{cycle_id}:{person_id}",
    )
    effective = day if isinstance(day, dt.date) else today
    if st.button(
        t("appraisal.results.follow_up_promote", level=t(f"level.{level}")),
        key=f"appraisal_promote:{cycle_id}:{person_id}",
    ):
        run_action(
            ctx,
            lambda: actions.carry_out_promotion(
                ctx.engine, ctx.signed_in_viewer, cycle_id, person_id, effective
            ),
            t("appraisal.results.follow_up_promoted", level=t(f"level.{level}")),
        )
