"""Pay a person can follow: the running month's estimate, line by line, and "if these
open deals close" (drawn on the statements page, above the settled months).

The estimate is the engine on the month so far (pools left out), marked as an
estimate; the open deals come from the pipeline plugin through its hook
``pipeline_open_deals`` (never an import), and ticking some reruns the estimate as
if they closed this month. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, money, t
from command_center.ui import data_table
from command_center.ui.widgets import Kpi, kpi_row
from plugins.incentives.logic.estimate import Breakdown
from plugins.incentives.logic.wording import component_labels, line_label
from plugins.incentives.queries import estimate as estimate_reads
from plugins.incentives.queries import plans as plan_reads
from plugins.incentives.ui.widgets import ICONS, metric_labeller, money_config

DEALS_KEY = "incentives_est_deals"


def render(ctx: PageContext, person_id: int, today: dt.date | None = None) -> None:
    """The estimate of ``person_id`` for the month holding ``today`` (default: today)."""
    day = today or dt.date.today()
    st.subheader(t("incentives.est.title", month=f"{day:%Y-%m}"))
    st.caption(f"{ICONS['info']} {t('incentives.est.note')}")
    base = estimate_reads.running_breakdown(ctx.engine, ctx.registry, person_id, day)
    if base is None:
        st.info(t("incentives.today.no_plan"))
        return
    _cards(base)
    _lines(ctx, base, day)
    _deals(ctx, person_id, day, base)


def _next_tier(found: Breakdown) -> str:
    if found.estimate.next_tier is not None:
        return t("incentives.today.next_tier", amount=money(found.estimate.next_tier))
    return t("incentives.today.top_tier" if found.estimate.tiered else "incentives.today.no_tiers")


def _cards(found: Breakdown) -> None:
    periods = found.periods
    revenue = float(periods["revenue"][0]) if periods.height == 1 else None
    attainment = periods["attainment"][0] if periods.height == 1 else None
    kpi_row(
        [
            Kpi(t("incentives.est.payout"), found.estimate.payout, "currency"),
            Kpi(t("incentives.est.revenue"), revenue, "currency"),
            Kpi(t("incentives.st.attainment"), attainment, "percent"),
        ]
    )
    st.caption(_next_tier(found))


def _lines(ctx: PageContext, found: Breakdown, day: dt.date) -> None:
    labels: dict[str, str] = {}
    for _, plan in plan_reads.effective_plans(ctx.engine, day.replace(day=1)):
        labels.update(component_labels(plan))
    label_of = metric_labeller(ctx)
    shown = found.lines.filter((pl.col("amount") != 0) | (pl.col("kind") == "component"))
    rows = [
        {
            t("incentives.plan"): row["plan"],
            t("incentives.est.period"): row["period"],
            t("incentives.est.line"): line_label(row["kind"], row["name"], labels, label_of),
            t("incentives.st.amount"): row["amount"],
        }
        for row in shown.iter_rows(named=True)
    ]
    if not rows:
        return
    table = pl.DataFrame(rows)
    data_table(table, column_config=money_config(table, [t("incentives.st.amount")], [], fen=True))
    st.markdown(f"**{t('incentives.est.total', amount=money(found.estimate.payout, 2))}**")


def _deals(ctx: PageContext, person_id: int, day: dt.date, base: Breakdown) -> None:
    deals = estimate_reads.open_deals(ctx.host, ctx.engine, ctx.viewer, person_id)
    if deals is None:
        return
    st.markdown(f"**{t('incentives.est.whatif')}**")
    if deals.is_empty():
        st.caption(t("incentives.est.no_deals"))
        return
    ids = deals["opp_id"].to_list()
    by_id = {row["opp_id"]: row for row in deals.iter_rows(named=True)}

    def label(opp: int) -> str:
        row = by_id[opp]
        close = row["expected_close"].isoformat() if row["expected_close"] else "—"
        return t(
            "incentives.est.deal",
            title=row["title"],
            stage=row["stage_label"],
            amount=money(row["amount"]),
            close=close,
        )

    if any(v not in ids for v in st.session_state.get(DEALS_KEY, [])):
        st.session_state.pop(DEALS_KEY, None)
    chosen = st.multiselect(
        t("incentives.est.tick"), ids, format_func=labels_now(ids, label), key=DEALS_KEY
    )
    if not chosen:
        st.caption(t("incentives.est.tick_help"))
        return
    amount = float(sum(by_id[o]["amount"] for o in chosen))
    found = estimate_reads.running_breakdown(ctx.engine, ctx.registry, person_id, day, amount)
    if found is None:
        return
    more = found.estimate.payout - base.estimate.payout
    kpi_row(
        [
            Kpi(t("incentives.est.with_deals"), found.estimate.payout, "currency",
                f"+{money(more)}" if more >= 0.005 else None),
            Kpi(t("incentives.est.deals_amount"), amount, "currency"),
        ]
    )  # fmt: skip
    exact = t("incentives.est.total_with", amount=money(found.estimate.payout, 2))
    st.markdown(f"**{exact}** · {_next_tier(found)}")
    st.caption(t("incentives.est.deals_note"))
