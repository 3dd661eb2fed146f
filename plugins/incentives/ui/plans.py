"""Plans: read every version, check and preview an edit, save it as a new version (directors)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from command_center.periods import add_months
from command_center.ui import chart, data_table, page_header
from command_center.ui.widgets import Kpi, change, kpi_row, ratio
from plugins.incentives import charts
from plugins.incentives.actions import plans as plan_actions
from plugins.incentives.errors import IncentivesError, PlanInvalid, month_label
from plugins.incentives.logic.earnings_curve import earnings_curve, typical_sample
from plugins.incentives.logic.plan_model import Checked, Plan, parse_plan
from plugins.incentives.logic.whatif import MAX_COST_OF_SALES
from plugins.incentives.logic.wording import describe_plan, version_history
from plugins.incentives.queries import figures as figure_reads
from plugins.incentives.queries import plans as plan_reads
from plugins.incentives.queries import simulation
from plugins.incentives.ui.widgets import metric_labeller, show_notes

NEW = -1
TEMPLATE = """name: New plan
period: month
components:
  - name: revenue_commission
    type: tiered
    base: revenue
    measure: attainment
    mode: marginal
    tiers:
      - {from: 0.0, rate: 0.05}
      - {from: 1.0, rate: 0.06}
"""


def render(ctx: PageContext) -> None:
    page_header(ctx, "incentives.plans.title")
    st.caption(t("incentives.plans.intro"))
    versions = plan_reads.plan_versions(ctx.engine)
    version_id = _pick(ctx, versions) if not versions.is_empty() else NEW
    if version_id != NEW:
        plan = plan_reads.plan(ctx.engine, version_id)
        _show(ctx, versions, version_id, plan)
        source = plan_reads.plan_source(ctx.engine, version_id)
    else:
        st.info(t("incentives.no_plans"))
        source = TEMPLATE
    if ctx.viewer.role in ("director", "manager"):
        _editor(ctx, version_id, source)


def _pick(ctx: PageContext, versions: pl.DataFrame) -> int:
    names = versions["name"].unique(maintain_order=True).to_list()
    left, right = st.columns(2)
    name = left.selectbox(t("incentives.plan"), names, key="incentives_plans_name")
    mine = versions.filter(pl.col("name") == name)
    ids = mine["version_id"].to_list()
    info = {
        v: t("incentives.plans.version_label", version=n, date=str(d))
        for v, n, d in mine.select("version_id", "version", "effective_from").iter_rows()
    }
    key = f"incentives_plans_version_{name}"
    return right.selectbox(
        t("incentives.version"), ids, format_func=labels_now(ids, info.__getitem__), key=key
    )


def _show(ctx: PageContext, versions: pl.DataFrame, version_id: int, plan: Plan) -> None:
    row = versions.filter(pl.col("version_id") == version_id).row(0, named=True)
    levels = ", ".join(t(f"level.{lv}") for lv in plan.levels())
    st.caption(
        t(
            "incentives.plans.meta",
            levels=levels,
            period=t(f"incentives.grain.{plan.period}"),
            date=str(row["effective_from"]),
            who=row["created_by"],
            note=row["note"] or "—",
        )
    )
    if plan.description:
        st.write(plan.description)
    level = ctx.people().filter(pl.col("person_id") == ctx.viewer.person_id)["level"].to_list()
    if level and level[0] in plan.levels():
        st.success(t("incentives.plans.applies_to_you"))
    data_table(describe_plan(plan, metric_labeller(ctx)))
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('incentives.sim.curve')}**")
        figures = figure_reads.figures_for(ctx.engine, ctx.registry, plan)
        sample = typical_sample(figures, plan, ctx.viewer.person_ids)
        chart(charts.single_curve(earnings_curve(plan, sample, figures.kinds)))
    with right:
        st.markdown(f"**{t('incentives.plans.source')}**")
        source = plan_reads.plan_source(ctx.engine, version_id)
        st.code(source, language="yaml")
        st.download_button(
            t("incentives.plans.download"),
            source.encode("utf-8"),
            file_name=plan_reads.plan_file_name(ctx.engine, version_id),
            mime="application/x-yaml",
            key="incentives_plans_download",
            on_click="ignore",
        )
    with st.expander(t("incentives.plans.history")):
        data_table(version_history(versions, plan.name))


def _months_ahead(ctx: PageContext) -> list[dt.date]:
    first = ctx.period.start.replace(day=1)
    return [add_months(first, i) for i in range(-12, 13)]


def _editor(ctx: PageContext, version_id: int, source: str) -> None:
    st.subheader(t("incentives.plans.edit"))
    director = ctx.viewer.role == "director"
    st.caption(t("incentives.plans.edit_help" if director else "incentives.plans.edit_help_view"))
    key = f"incentives_plans_text_{version_id}"
    text = st.text_area(
        t("incentives.plans.yaml"),
        height=420,
        key=key,
        **({"value": source} if key not in st.session_state else {}),
    )
    months = _months_ahead(ctx)
    labels = [month_label(m) for m in months]
    cols = st.columns([1, 2])
    effective = cols[0].selectbox(
        t("incentives.plans.effective"), labels, index=13, key="incentives_plans_effective"
    )
    note = cols[1].text_input(t("incentives.plans.note"), key="incentives_plans_note")
    buttons = st.columns(2)
    check = buttons[0].button(t("incentives.plans.check"), key="incentives_plans_check")
    save = buttons[1].button(
        t("incentives.plans.save"),
        key="incentives_plans_save",
        disabled=not director,
        type="primary",
    )
    if not (check or save):
        return
    available = frozenset(ctx.registry.keys())
    try:
        checked = parse_plan(text, available)
    except PlanInvalid as exc:
        st.error(t("incentives.plans.invalid", count=len(exc.issues)))
        st.code("\n".join(str(i) for i in exc.issues), language="text")
        return
    for warning in checked.warnings:
        st.warning(str(warning))
    if save and director:
        try:
            saved = plan_actions.save_plan(
                ctx.engine,
                ctx.signed_in_viewer,
                text,
                ctx.actor,
                months[labels.index(effective)],
                note,
                available,
            )
        except IncentivesError as exc:
            st.warning(exc.message)
            return
        st.success(
            t(
                "incentives.plans.saved",
                name=checked.plan.name,
                version=saved.version,
                date=effective,
            )
        )
        return
    st.success(t("incentives.plans.valid"))
    _preview(ctx, checked, version_id)


def _preview(ctx: PageContext, checked: Checked, version_id: int) -> None:
    """The edited plan beside the stored version, over the sidebar's period."""
    plan = checked.plan
    start, end = ctx.period.start, ctx.period.end
    new = simulation.simulate(ctx.engine, ctx.registry, ctx.viewer, plan, start, end)
    show_notes(new.notes)
    cards = [Kpi(t("incentives.plans.preview_total"), float(new.frame["payout"].sum()), "currency")]
    if version_id != NEW:
        old_plan = plan_reads.plan(ctx.engine, version_id)
        old = simulation.simulate(ctx.engine, ctx.registry, ctx.viewer, old_plan, start, end)
        before = float(old.frame["payout"].sum())
        after = float(new.frame["payout"].sum())
        cards[0] = Kpi(
            t("incentives.plans.preview_total"),
            after,
            "currency",
            None if (moved := change(after, before)) is None else f"{moved:+.1%}",
            False,
        )
        cards.append(Kpi(t("incentives.plans.preview_stored"), before, "currency"))
    payout, revenue = float(new.frame["payout"].sum()), float(new.frame["revenue"].sum())
    cost_of_sales = ratio(payout, revenue, limit=MAX_COST_OF_SALES)
    cards.append(Kpi(t("incentives.sim.cost_of_sales"), cost_of_sales, "percent"))
    kpi_row(cards)
    data_table(describe_plan(plan, metric_labeller(ctx)))
