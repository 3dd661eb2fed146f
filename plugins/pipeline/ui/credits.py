"""The credit split editor (team selling) on the deal's overview and its contract: a
small table of people and percentages, the sum checked before saving."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import t
from command_center.ui.widgets import data_table
from plugins.pipeline import queries
from plugins.pipeline.actions.credits import may_edit
from plugins.pipeline.logic import credits as rules
from plugins.pipeline.ui import widgets


def split_editor(
    ctx: PageContext,
    *,
    key: str,
    owner_id: int,
    current: pl.DataFrame,
    help_key: str,
    frozen: str | None,
    save: Callable[[Sequence[tuple[int, float]]], object],
) -> None:
    """Show the split in ``current`` (none: the owner's 100 %); the owner and their
    leaders edit it unless ``frozen`` (a message) says it can no longer change."""
    st.subheader(t("pipeline.credits.title"))
    st.caption(t(help_key))
    start = (
        current
        if current.height
        else pl.DataFrame(
            {"person_id": [owner_id], "share_pct": [100.0]}, schema=queries.CREDIT_SCHEMA
        )
    )
    names = queries.names(ctx.engine)
    person, share = t("pipeline.credits.person"), t("pipeline.credits.share")
    if frozen is not None or not may_edit(ctx.viewer, owner_id):
        shown = start.select(
            pl.col("person_id").replace_strict(names, default="").alias(person),
            pl.col("share_pct").alias(share),
        )
        data_table(shown, width="content")
        st.caption(frozen or t("pipeline.credits.read_only"))
        return
    people = [
        person_id for person_id, _ in queries.creditable_people(ctx.engine, ctx.viewer, owner_id)
    ]
    options = people + [p for p in start["person_id"].to_list() if p not in people]
    edited = st.data_editor(
        start,
        key=f"{key}_{hash(tuple(start.iter_rows()))}",
        num_rows="dynamic",
        hide_index=True,
        column_config={
            "person_id": st.column_config.SelectboxColumn(
                person,
                options=options,
                format_func=lambda p: names.get(p, str(p)),
                required=True,
            ),
            "share_pct": st.column_config.NumberColumn(
                share, min_value=0.0, max_value=100.0, step=0.01, format="%.2f", required=True
            ),
        },
    )
    frame = edited if isinstance(edited, pl.DataFrame) else pl.from_pandas(edited)
    split, missing = rules.editor_rows(frame["person_id"].to_list(), frame["share_pct"].to_list())
    total = rules.total_pct(split)
    st.caption(t("pipeline.credits.total", total=f"{total:g}"))
    if missing:
        st.warning(t("pipeline.credits.pick_person"))
    elif abs(total - 100.0) > rules.SUM_TOLERANCE:
        st.warning(t("pipeline.credits.not_100", total=f"{total:g}"))
    if st.button(t("pipeline.credits.save"), key=f"{key}_save", disabled=missing):
        widgets.run(lambda: save(split), t("pipeline.credits.saved"))
