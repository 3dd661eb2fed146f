"""Order execution: the milestone plan of a signed order, overdue alerts and the
customer-facing status summary; the orders page across the viewer's scope."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import t
from command_center.ui import chart, kpi_row, page_header, table_with_download
from command_center.ui.widgets import Kpi
from plugins.pipeline import actions, charts, queries
from plugins.pipeline import settings as cfg
from plugins.pipeline.logic import labels, with_overdue
from plugins.pipeline.logic.clock import now
from plugins.pipeline.logic.labels import milestone_name
from plugins.pipeline.logic.service import MILESTONE_STATES, milestone_states, status_summary
from plugins.pipeline.ui import widgets


def milestones_table(ctx: PageContext, frame: pl.DataFrame, key: str, with_deal: bool) -> None:
    names = queries.names(ctx.engine)
    customers = queries.customer_names(ctx.engine, frame["customer_id"].unique().to_list())
    table_with_download(
        labels.milestone_table(frame, customers, names, with_deal), "milestones", key
    )


def _signed_contract(ctx: PageContext, opp_id: int) -> dict[str, Any] | None:
    found = queries.contracts(ctx.engine, ctx.viewer).filter(
        (pl.col("opp_id") == opp_id) & (pl.col("status") == "signed")
    )
    return found.row(0, named=True) if found.height else None


def deal_plan(ctx: PageContext, deal: dict[str, Any]) -> None:
    """The execution tab of a deal."""
    contract = _signed_contract(ctx, deal["opp_id"])
    if contract is None:
        st.info(t("pipeline.execution.not_signed"))
        return
    today = now().date()
    plan = with_overdue(
        queries.milestones(ctx.engine, ctx.viewer).filter(
            pl.col("contract_id") == contract["contract_id"]
        ),
        today,
    )
    late = plan.filter(pl.col("overdue"))
    if late.height:
        st.warning(t("pipeline.execution.overdue_alert", count=late.height))
    milestones_table(ctx, plan, "pipeline_plan", with_deal=False)
    _add_form(ctx, contract, deal)
    if plan.height:
        update_form(ctx, plan, f"pipeline_plan_edit_{contract['contract_id']}")
    st.subheader(t("pipeline.execution.summary"))
    customer = queries.customer_names(ctx.engine, [deal["customer_id"]]).get(
        deal["customer_id"], ""
    )
    owner = queries.names(ctx.engine).get(deal["owner_id"], "")
    summary = status_summary(deal, contract, plan, today, customer, owner)
    st.code(summary, language=None)
    st.download_button(
        t("pipeline.execution.download_summary"),
        summary.encode("utf-8"),
        file_name=f"order_{contract['contract_id']}_status.txt",
        mime="text/plain",
        key="pipeline_summary_dl",
        on_click="ignore",
    )


def _add_form(ctx: PageContext, contract: dict[str, Any], deal: dict[str, Any]) -> None:
    people = ctx.people().filter(pl.col("status") != "left")
    owners = sorted(set(people["person_id"].to_list()) | {deal["owner_id"]})
    names = queries.names(ctx.engine)
    suffix = contract["contract_id"]
    with st.form("pipeline_milestone_add_form", clear_on_submit=True):
        st.markdown(f"**{t('pipeline.execution.add')}**")
        kind = widgets.select(
            st,
            t("pipeline.field.kind"),
            cfg.MILESTONE_KINDS,
            f"pipeline_ms_kind_{suffix}",
            lambda k: labels.label("kind", k),
            len(cfg.MILESTONE_KINDS) - 1,
        )
        title = st.text_input(
            t("pipeline.field.milestone_title"), key=f"pipeline_ms_title_{suffix}"
        )
        owner = widgets.select(
            st,
            t("pipeline.ui.owner"),
            owners,
            f"pipeline_ms_owner_{suffix}",
            lambda p: names.get(p, str(p)),
            owners.index(deal["owner_id"]),
        )
        due = st.date_input(
            t("pipeline.field.due_date"),
            value=contract["delivery_date"],
            key=f"pipeline_ms_due_{suffix}",
        )
        if st.form_submit_button(t("pipeline.execution.add_submit"), key="pipeline_ms_add"):
            widgets.run(
                lambda: actions.add_milestone(
                    ctx.engine,
                    ctx.viewer,
                    contract["contract_id"],
                    kind=kind,
                    owner_id=owner,
                    due_date=due,
                    title=title,
                ),
                t("pipeline.execution.added"),
            )


def update_form(ctx: PageContext, plan: pl.DataFrame, key: str) -> None:
    """Change one milestone's status, due date, owner or note."""
    rows = {
        r["milestone_id"]: r for r in plan.sort("due_date", "milestone_id").iter_rows(named=True)
    }
    names = queries.names(ctx.engine)
    people = ctx.people().filter(pl.col("status") != "left")
    owners = sorted(set(people["person_id"].to_list()) | {r["owner_id"] for r in rows.values()})
    ids = list(rows)
    chosen = widgets.select(
        st,
        t("pipeline.execution.pick"),
        ids,
        f"{key}_pick",
        lambda i: (
            f"{milestone_name(rows[i])} · {rows[i]['due_date']} · #{rows[i].get('opp_id', '')}"
        ),
    )
    row = rows[chosen]
    statuses = cfg.MILESTONE_STATUSES
    with st.form(f"{key}_form"):
        status = widgets.select(
            st,
            t("pipeline.field.status"),
            statuses,
            f"{key}_status_{chosen}",
            lambda s: labels.label("milestone_status", s),
            statuses.index(row["status"]),
        )
        due = st.date_input(
            t("pipeline.field.due_date"), value=row["due_date"], key=f"{key}_due_{chosen}"
        )
        owner = widgets.select(
            st,
            t("pipeline.ui.owner"),
            owners,
            f"{key}_owner_{chosen}",
            lambda p: names.get(p, str(p)),
            owners.index(row["owner_id"]),
        )
        note = st.text_input(
            t("pipeline.field.note"), value=row["note"], key=f"{key}_note_{chosen}"
        )
        if st.form_submit_button(t("pipeline.ui.save"), key=f"{key}_submit"):
            widgets.run(
                lambda: actions.update_milestone(
                    ctx.engine,
                    ctx.viewer,
                    chosen,
                    status=status,
                    due_date=due,
                    owner_id=owner,
                    note=note,
                ),
                t("pipeline.execution.updated"),
            )


# -- the orders page -----------------------------------------------------------------
def render(ctx: PageContext) -> None:
    page_header(ctx, "pipeline.page.orders")
    widgets.flash()
    today = now().date()
    plan = with_overdue(queries.milestones(ctx.engine, ctx.viewer), today)
    open_steps = plan.filter(pl.col("status") != "done")
    late = plan.filter(pl.col("overdue"))
    done = plan.filter(pl.col("done_on").is_between(ctx.period.start, ctx.period.last_day))
    orders = plan.filter(pl.col("status") != "done")["contract_id"].n_unique()
    kpi_row(
        [
            Kpi(t("pipeline.orders.in_execution"), float(orders), "count"),
            Kpi(t("pipeline.orders.open_steps"), float(open_steps.height), "count"),
            Kpi(t("pipeline.orders.overdue"), float(late.height), "count", higher_is_better=False),
            Kpi(t("pipeline.orders.done_period"), float(done.height), "count"),
        ]
    )
    if plan.is_empty():
        st.info(t("pipeline.orders.none"))
        return
    _status_chart(plan)
    st.subheader(t("pipeline.orders.overdue_title"))
    if late.height:
        milestones_table(ctx, late, "pipeline_orders_late", with_deal=True)
    else:
        st.caption(t("pipeline.orders.no_overdue"))
    st.subheader(t("pipeline.orders.open_title"))
    milestones_table(ctx, open_steps, "pipeline_orders_open", with_deal=True)
    if open_steps.height:
        st.subheader(t("pipeline.orders.update"))
        first = open_steps.sort(["overdue", "due_date"], descending=[True, False]).head(300)
        update_form(ctx, first, "pipeline_orders_edit")


def _status_chart(plan: pl.DataFrame) -> None:
    states = {s: labels.label("milestone_status", s) for s in MILESTONE_STATES}
    kinds = {k: labels.label("kind", k) for k in cfg.MILESTONE_KINDS}
    data = milestone_states(plan).with_columns(
        pl.col("state").replace_strict(states, default=pl.col("state")).alias("state_label"),
        pl.col("kind").replace_strict(kinds, default=pl.col("kind")).alias("kind_label"),
    )
    chart(charts.milestone_states(data, list(kinds.values()), list(states.values())))
