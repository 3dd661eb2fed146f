"""The payment schedule editor on the contract tab: instalments in percent and days
after signing, the sum checked before saving (widgets only; the rules are in
:mod:`plugins.pipeline.logic.schedule`, the write in
:func:`plugins.pipeline.actions.save_contract_schedule`)."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from command_center.cash import payment_terms_days
from command_center.context import PageContext
from command_center.i18n import t
from command_center.ui.widgets import data_table
from plugins.pipeline import actions, queries
from plugins.pipeline.actions.credits import may_edit
from plugins.pipeline.logic import labels
from plugins.pipeline.logic.stages import check_contract
from plugins.pipeline.ui import widgets


def schedule_editor(ctx: PageContext, deal: dict[str, Any], contract: dict[str, Any]) -> None:
    """Show the contract's schedule; the owner and their leaders edit it until the
    contract leaves draft (or rejected)."""
    cid = contract["contract_id"]
    st.subheader(t("pipeline.schedule.title"))
    st.caption(t("pipeline.schedule.help", days=payment_terms_days()))
    current = queries.contract_schedule(ctx.engine, ctx.viewer, cid)
    percent, days = t("pipeline.schedule.percent"), t("pipeline.schedule.days")
    status = contract["status"]
    if check_contract("edit", status) is not None or not may_edit(ctx.viewer, deal["owner_id"]):
        if current.height:
            data_table(current.rename({"percent": percent, "days": days}), width="content")
        else:
            st.caption(t("pipeline.schedule.default", days=payment_terms_days()))
        shown = labels.label("contract_status", status)
        if check_contract("edit", status) is not None:
            st.caption(t("pipeline.schedule.frozen", status=shown))
        else:
            st.caption(t("pipeline.schedule.read_only"))
        return
    edited = st.data_editor(
        current,
        key=f"pipeline_schedule_{cid}_{hash(tuple(current.iter_rows()))}",
        num_rows="dynamic",
        hide_index=True,
        column_config={
            "percent": st.column_config.NumberColumn(
                percent, min_value=0.0, max_value=100.0, step=0.01, format="%.2f", required=True
            ),
            "days": st.column_config.NumberColumn(
                days, min_value=0, step=1, format="%d", required=True
            ),
        },
    )
    frame = edited if isinstance(edited, pl.DataFrame) else pl.from_pandas(edited)
    rows = [
        (p, d)
        for p, d in zip(frame["percent"].to_list(), frame["days"].to_list(), strict=True)
        if p is not None or d is not None
    ]
    total = sum(float(p or 0) for p, _ in rows)
    if rows:
        st.caption(t("pipeline.schedule.total", total=f"{total:g}"))
    else:
        st.caption(t("pipeline.schedule.default", days=payment_terms_days()))
    if st.button(t("pipeline.schedule.save"), key=f"pipeline_schedule_{cid}_save"):
        widgets.run(
            lambda: actions.save_contract_schedule(ctx.engine, ctx.viewer, cid, rows),
            t("pipeline.schedule.saved"),
        )
