"""Plans: read every version, check and preview an edit, save it as a new version (directors)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, money, number, percent, t
from command_center.periods import add_months
from command_center.ui import chart, data_table, page_header
from command_center.ui.widgets import Kpi, kpi_row
from plugins.incentives import actions, queries, service
from plugins.incentives.curve import earnings_curve
from plugins.incentives.knobs import RATIO_METRICS
from plugins.incentives.plan import (
    Bonus,
    Checked,
    Override,
    Plan,
    PlanInvalid,
    Pool,
    Rate,
    Tiered,
    parse_plan,
)
from plugins.incentives.ui import charts
from plugins.incentives.ui.common import metric_name, month_label, show_notes

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
    versions = queries.plan_versions(ctx.engine)
    version_id = _pick(ctx, versions) if not versions.is_empty() else NEW
    if version_id != NEW:
        plan = queries.plan(ctx.engine, version_id)
        _show(ctx, versions, version_id, plan)
        source = queries.plan_source(ctx.engine, version_id)
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


def _threshold(metric: str, value: float | None) -> str:
    if value is None:
        return "—"
    return (
        percent(value)
        if metric in RATIO_METRICS
        else number(value, 0 if value == int(value) else 2)
    )


def describe(ctx: PageContext, plan: Plan) -> pl.DataFrame:
    """One row per component: what it pays, in words."""
    rows = []
    for comp in plan.components:
        if isinstance(comp, Tiered):
            unit = percent if comp.measure == "attainment" else money
            tiers = ", ".join(f"≥{unit(tier.lo)}: {percent(tier.rate, 2)}" for tier in comp.tiers)
            how = t(
                f"incentives.plans.tiered_{comp.mode}",
                base=metric_name(ctx, comp.base),
                tiers=tiers,
            )
            if comp.upto is not None:
                how += " · " + t("incentives.plans.upto", upto=unit(comp.upto))
            for band in comp.accelerators + comp.decelerators:
                how += " · " + t("incentives.plans.band", lo=unit(band.lo), mult=band.multiplier)
        elif isinstance(comp, Rate):
            how = t(
                "incentives.plans.rate",
                base=metric_name(ctx, comp.base),
                rate=percent(comp.rate, 2),
            )
        elif isinstance(comp, Override):
            how = t(
                "incentives.plans.override",
                base=metric_name(ctx, comp.base),
                rate=percent(comp.rate, 2),
            )
        elif isinstance(comp, Bonus):
            conds = ", ".join(
                f"{metric_name(ctx, c.metric)} ≥ {_threshold(c.metric, c.min)}"
                if c.min is not None
                else f"{metric_name(ctx, c.metric)} ≤ {_threshold(c.metric, c.max)}"
                for c in comp.when
            )
            how = t(
                "incentives.plans.bonus",
                amount=money(comp.amount),
                every=t(f"incentives.grain.{comp.every or plan.period}"),
                when=conds,
            )
        else:
            assert isinstance(comp, Pool)
            size = (
                money(comp.amount)
                if comp.amount is not None
                else t("incentives.plans.pool_share", share=percent(comp.share_of_profit, 2))
            )
            how = t("incentives.plans.pool", size=size, split=t(f"incentives.split.{comp.split}"))
        rows.append(
            {
                t("incentives.plans.component"): comp.label or comp.name,
                t("incentives.plans.key"): comp.name,
                t("incentives.plans.type"): t(f"incentives.type.{comp.type}"),
                t("incentives.plans.pays"): how,
                t("incentives.plans.on"): "✓" if comp.enabled else "—",
            }
        )
    return pl.DataFrame(rows)


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
    data_table(describe(ctx, plan))
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('incentives.sim.curve')}**")
        figures = service.figures_for(ctx.engine, ctx.registry, plan)
        sample = ctx.viewer.filter(figures.grain(plan.period)).filter(
            pl.col("level").is_in(list(plan.levels()))
        )
        chart(charts.single_curve(earnings_curve(plan, sample, figures.kinds)))
    with right:
        st.markdown(f"**{t('incentives.plans.source')}**")
        st.code(queries.plan_source(ctx.engine, version_id), language="yaml")
        name = plan.name.replace("/", "-")
        st.download_button(
            t("incentives.plans.download"),
            plan_bytes(ctx, version_id),
            file_name=f"{name}-v{row['version']}.yaml",
            mime="application/x-yaml",
            key="incentives_plans_download",
            on_click="ignore",
        )
    history = versions.filter(pl.col("name") == plan.name).select(
        pl.col("version").alias(t("incentives.version")),
        pl.col("effective_from").alias(t("incentives.plans.effective")),
        pl.col("created_by").alias(t("incentives.plans.by")),
        pl.col("created_at").alias(t("incentives.plans.at")),
        pl.col("note").alias(t("incentives.plans.note")),
    )
    with st.expander(t("incentives.plans.history")):
        data_table(history)


def plan_bytes(ctx: PageContext, version_id: int) -> bytes:
    return queries.plan_source(ctx.engine, version_id).encode("utf-8")


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
        saved = actions.save_plan(
            ctx.engine, text, ctx.actor, months[labels.index(effective)], note, available
        )
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
    new = service.simulate(ctx.engine, ctx.registry, ctx.viewer, plan, start, end)
    show_notes(new.notes)
    cards = [Kpi(t("incentives.plans.preview_total"), float(new.frame["payout"].sum()), "currency")]
    if version_id != NEW:
        old_plan = queries.plan(ctx.engine, version_id)
        old = service.simulate(ctx.engine, ctx.registry, ctx.viewer, old_plan, start, end)
        before = float(old.frame["payout"].sum())
        after = float(new.frame["payout"].sum())
        cards[0] = Kpi(
            t("incentives.plans.preview_total"),
            after,
            "currency",
            f"{after / before - 1:+.1%}" if before else None,
            False,
        )
        cards.append(Kpi(t("incentives.plans.preview_stored"), before, "currency"))
    revenue = float(new.frame["revenue"].sum())
    cards.append(
        Kpi(
            t("incentives.sim.cost_of_sales"),
            float(new.frame["payout"].sum()) / revenue if revenue else None,
            "percent",
        )
    )
    kpi_row(cards)
    data_table(describe(ctx, plan))
