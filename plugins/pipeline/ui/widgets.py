"""The pipeline's own widgets: fixed-label selects, the deal picker, the owner filter,
running an action and flashing what it did."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from command_center.ui import widgets
from plugins.pipeline import queries
from plugins.pipeline.errors import PipelineError
from plugins.pipeline.logic import labels
from plugins.pipeline.ui import page_data

FLASH = "pipeline_flash"
DEAL = "pipeline_deal"
MANY_DEALS = 400  # above this, leaders pick an owner first


def select(
    where: Any,
    text: str,
    options: Sequence[Any],
    key: str,
    names: Callable[[Any], str],
    index: int | None = 0,
) -> Any:
    """A selectbox whose labels are fixed now, in the active language."""
    return where.selectbox(
        text, list(options), index=index, format_func=labels_now(options, names), key=key
    )


def flash() -> None:
    """Show what the last action did (kept across the rerun that refreshes the page)."""
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message)


def run(action: Callable[[], object], done: str) -> None:
    """Do ``action``; on success rerun the page with ``done`` shown, else show why not."""
    try:
        action()
    except PipelineError as exc:
        st.error(exc.message())
        return
    st.session_state[FLASH] = done
    st.rerun()


def owner_filter(
    ctx: PageContext, opps: pl.DataFrame, key: str, allow_all: bool = True
) -> pl.DataFrame:
    """Leaders narrow a frame to one owner (everyone in scope by default)."""
    if ctx.viewer.role == "rep":
        return opps
    names = queries.names(ctx.engine)
    owners = sorted(set(opps["owner_id"].to_list()), key=lambda p: names.get(p, ""))
    options: list[int | None] = ([None] if allow_all else []) + owners
    if not options:
        return opps
    chosen = select(
        st,
        t("pipeline.ui.owner"),
        options,
        key,
        lambda p: t("pipeline.ui.everyone") if p is None else names.get(p, str(p)),
    )
    return opps if chosen is None else opps.filter(pl.col("owner_id") == chosen)


def pick_deal(ctx: PageContext, opps: pl.DataFrame, key: str) -> dict[str, Any] | None:
    """A selectbox of deals (open ones first); remembers the choice across pages."""
    if opps.is_empty():
        st.info(t("pipeline.ui.no_deals"))
        return None
    conf = page_data.settings(ctx)
    order = {s: i for i, s in enumerate(conf.open_stages)}
    ranked = opps.with_columns(
        pl.col("stage").replace_strict(order, default=99, return_dtype=pl.Int32).alias("_rank")
    ).sort(["_rank", "stage_since"], descending=[False, True])
    rows = {r["opp_id"]: r for r in ranked.iter_rows(named=True)}
    ids = list(rows)
    customers = queries.customer_names(ctx.engine, ranked["customer_id"].unique().to_list())
    stages = labels.stage_labels(conf)
    if key in st.session_state and st.session_state[key] not in rows:
        del st.session_state[key]
    remembered = st.session_state.get(DEAL)
    index = ids.index(remembered) if remembered in rows else 0
    chosen = select(
        st,
        t("pipeline.ui.deal"),
        ids,
        key,
        lambda i: labels.deal_label(rows[i], customers, stages),
        index,
    )
    st.session_state[DEAL] = chosen
    return rows.get(chosen)


def empty_or(frame: pl.DataFrame, message_key: str) -> bool:
    if frame.is_empty():
        st.caption(t(message_key))
        return True
    return False


def money_column(label: str) -> Any:
    """The shared money column, its header without our own currency suffix (no "(¥) (¥)")."""
    for suffix in (" (¥)", "（元）"):
        label = label.removesuffix(suffix)
    return widgets.money_column(label)


def decision_form(
    prefix: str,
    item: int,
    note: tuple[str, str, str],
    decide: Callable[[bool, str], object],
    done: Callable[[bool], str],
) -> None:
    """Approve or reject ``item`` with a note (a contract review, a quote's approval).

    ``prefix`` names the form and its widgets; ``note`` is the note box's key
    name, label and help; ``decide(approve, note)`` writes through the plugin's
    action; ``done(approve)`` says what was done.
    """
    with st.form(f"{prefix}_form", clear_on_submit=True):
        decision = select(
            st,
            t("pipeline.col.decision"),
            ["approve", "reject"],
            f"{prefix}_decision_{item}",
            lambda d: t(f"pipeline.decision.{d}"),
        )
        name, label, help_text = note
        text = st.text_area(label, help=help_text, key=f"{prefix}_{name}_{item}")
        if st.form_submit_button(t("pipeline.reviews.submit"), key=f"{prefix}_submit"):
            approve = decision == "approve"
            run(lambda: decide(approve, text), done(approve))
