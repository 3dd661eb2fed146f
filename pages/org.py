"""Org changes: move someone to another manager, change their level, let them leave.

Directors and managers, for the people below them. Each change has an
effective day (today or before) and a reason, and is kept as history
(``command_center.org.changes``, which checks every rule again); the person's
recorded places are listed under the forms. Widgets and layout only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.db import frames
from command_center.i18n import date, labels_now, t
from command_center.org import changes
from command_center.org.tree import children_map, subtree
from command_center.ui.actions import run_action, show_flash
from command_center.ui.widgets import data_table

PERSON_KEY = "org_person"
LEVELS = ("rep", "supervisor", "manager", "director")


def render(ctx: PageContext) -> None:
    st.title(t("org.title"))
    show_flash()
    viewer = ctx.signed_in_viewer
    people = frames.people(ctx.engine, viewer).filter(pl.col("status") != "left")
    everyone = frames.all_people(ctx.engine)
    edges = dict(everyone.select("person_id", "manager_id").iter_rows())
    below = (
        subtree(viewer.person_id, children_map(edges.items())) - {viewer.person_id}
        if viewer.person_id is not None
        else set(edges)
    )
    people = people.filter(pl.col("person_id").is_in(sorted(below)))
    if people.is_empty():
        st.info(t("org.nobody"))
        return
    names = dict(everyone.select("person_id", "name").iter_rows())
    levels = dict(people.select("person_id", "level").iter_rows())
    options = people.sort("name", "person_id")["person_id"].to_list()
    person = st.selectbox(
        t("org.person"),
        options,
        format_func=labels_now(options, lambda p: f"{names[p]} · {t(f'level.{levels[p]}')}"),
        key=PERSON_KEY,
    )
    if person is None:
        return
    row = people.filter(pl.col("person_id") == person).row(0, named=True)
    manager = names.get(row["manager_id"], "—") if row["manager_id"] is not None else "—"
    st.caption(t("org.now", level=t(f"level.{row['level']}"), manager=manager))
    move_tab, promote_tab, leave_tab = st.tabs([t("org.move"), t("org.promote"), t("org.leave")])
    team = subtree(person, children_map(edges.items()))
    with move_tab:
        _move(ctx, person, people.filter(~pl.col("person_id").is_in(sorted(team))), names)
    with promote_tab:
        _promote(ctx, person, row["level"])
    with leave_tab:
        _leave(ctx, person, people.filter(pl.col("person_id") != person), names)
    _history(ctx, person, names)


def _effective(key: str) -> dt.date:
    today = dt.date.today()
    day = st.date_input(t("org.effective"), value=today, max_value=today, key=key)
    return day if isinstance(day, dt.date) else today


def _submit(action: Any, done: str) -> None:
    run_action(
        action,
        lambda _: done,
        changes.OrgChangeError,
        lambda refused: t(refused.code, **refused.params),
    )


def _move(ctx: PageContext, person: int, others: pl.DataFrame, names: dict[int, str]) -> None:
    leaders = others.filter(pl.col("level") != "rep").sort("name")["person_id"].to_list()
    if ctx.signed_in_viewer.person_id is not None:
        leaders = [ctx.signed_in_viewer.person_id, *leaders]
    with st.form(f"org_move:{person}"):
        to = st.selectbox(
            t("org.to"), leaders, format_func=labels_now(leaders, lambda p: names.get(p, str(p)))
        )
        day = _effective(f"org_move_day:{person}")
        reason = st.text_input(t("org.reason"), max_chars=200)
        if st.form_submit_button(t("org.move_save")) and to is not None:
            _submit(
                lambda: changes.move(ctx.engine, ctx.signed_in_viewer, person, to, day, reason),
                t("org.moved", person=names[person], manager=names.get(to, str(to))),
            )


def _promote(ctx: PageContext, person: int, level: str) -> None:
    with st.form(f"org_promote:{person}"):
        new = st.selectbox(
            t("org.level"),
            LEVELS,
            index=LEVELS.index(level),
            format_func=labels_now(LEVELS, lambda lv: t(f"level.{lv}")),
        )
        day = _effective(f"org_promote_day:{person}")
        reason = st.text_input(t("org.reason"), max_chars=200)
        if st.form_submit_button(t("org.promote_save")):
            _submit(
                lambda: changes.promote(ctx.engine, ctx.signed_in_viewer, person, new, day, reason),
                t("org.promoted", level=t(f"level.{new}")),
            )


def _leave(ctx: PageContext, person: int, others: pl.DataFrame, names: dict[int, str]) -> None:
    heirs: list[int | None] = [None, *others.sort("name")["person_id"].to_list()]
    with st.form(f"org_leave:{person}"):
        heir = st.selectbox(
            t("org.handover"),
            heirs,
            format_func=labels_now(
                heirs, lambda p: t("org.handover_none") if p is None else names.get(p, str(p))
            ),
        )
        day = _effective(f"org_leave_day:{person}")
        reason = st.text_input(t("org.reason"), max_chars=200)
        st.caption(t("org.leave_note"))
        if st.form_submit_button(t("org.leave_save"), type="primary"):
            _submit(
                lambda: changes.leave(
                    ctx.engine, ctx.host, ctx.signed_in_viewer, person, day, heir, reason
                ),
                t("org.left", person=names[person]),
            )


def _history(ctx: PageContext, person: int, names: dict[int, str]) -> None:
    st.subheader(t("org.history"))
    rows = changes.person_history(ctx.engine, ctx.signed_in_viewer, person)
    if not rows:
        st.caption(t("org.no_history"))
        return
    shown = [
        {
            t("org.col_from"): t("org.since_ever")
            if r["effective_from"] <= changes.SINCE_EVER
            else date(r["effective_from"]),
            t("org.col_manager"): names.get(r["manager_id"], "—") if r["manager_id"] else "—",
            t("org.col_level"): t(f"level.{r['level']}"),
            t("org.col_status"): t(f"org.status_{r['status']}"),
            t("org.reason"): r["reason"],
            t("org.col_by"): r["changed_by"],
        }
        for r in rows
    ]
    data_table(pl.DataFrame(shown), key=f"org_history:{person}")
