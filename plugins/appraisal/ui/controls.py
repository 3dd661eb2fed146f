"""Controls every appraisal page shares: the cycle picker and running a write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import t
from command_center.ui import state
from plugins.appraisal import queries
from plugins.appraisal.errors import AppraisalError
from plugins.appraisal.queries import CycleInfo
from plugins.appraisal.ui.labels import cycle_title, metric_label

CYCLE_KEY = "appraisal_cycle"


def show_error(ctx: PageContext, exc: AppraisalError) -> None:
    st.error(exc.message(metric_label(ctx)))


FLASH_KEY = "appraisal_flash"


def run_action(ctx: PageContext, action: Callable[[], Any], success: str) -> bool:
    """Run a write; on success rerun and say what changed, else show why it was refused."""
    try:
        action()
    except AppraisalError as exc:
        show_error(ctx, exc)
        return False
    st.session_state[FLASH_KEY] = success
    st.rerun()
    return True  # pragma: no cover - st.rerun does not return


def flash() -> None:
    """The confirmation of the write that caused this rerun, shown once."""
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(message)


def pick_cycle(
    ctx: PageContext,
    kinds: tuple[str, ...] = ("monthly", "annual"),
    mine: bool = False,
    states: tuple[str, ...] | None = None,
) -> CycleInfo | None:
    """The cycle the page shows; the choice survives page switches.

    ``mine``: only cycles the signed-in person is appraised in. By default the
    open cycle (not closed) comes first, then the newest.
    """
    visible = queries.cycles(ctx.engine, ctx.signed_in_viewer if mine else ctx.viewer)
    visible = visible.filter(pl.col("kind").is_in(list(kinds)))
    if states is not None:
        visible = visible.filter(pl.col("state").is_in(list(states)))
    if mine:
        person = ctx.signed_in_viewer.person_id
        own = queries.records(ctx.engine, ctx.signed_in_viewer, visible["cycle_id"].to_list())
        ids = own.filter(pl.col("person_id") == person)["cycle_id"].to_list()
        visible = visible.filter(pl.col("cycle_id").is_in(ids))
    if visible.is_empty():
        return None
    ordered = visible.with_columns((pl.col("state") == "closed").alias("_closed")).sort(
        ["_closed", "period", "cycle_id"], descending=[False, True, False]
    )
    rows = {int(r["cycle_id"]): r for r in ordered.iter_rows(named=True)}
    names = queries.names(ctx.engine)
    options = list(rows)
    chosen = state.select(
        st,
        t("appraisal.cycle"),
        options,
        CYCLE_KEY,
        default=options[0],
        format_func=lambda cid: cycle_title(rows[cid], names),
    )
    return queries.cycle_info(rows[chosen])
