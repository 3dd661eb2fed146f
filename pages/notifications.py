"""Notifications: what is due by today, the inbox, and the daily digest's settings.

Everyone linked to a person has this page; each sees only their own rows
(:mod:`command_center.notifications` reads the signed-in person, never a
person the page names). Widgets and layout only.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from command_center import notifications as notes
from command_center.context import PageContext
from command_center.i18n import t
from command_center.ui.actions import run_action, show_flash
from command_center.ui.widgets import data_table

DUE_SHOWN = 10
"""Due items listed here; Today has them all."""
UNREAD_KEY = "notify_unread_only"
TABLE_KEY = "notify_inbox"


def render(ctx: PageContext) -> None:
    st.title(t("notify.title"))
    show_flash()
    viewer = ctx.signed_in_viewer
    if viewer.person_id is None:
        st.info(t("notify.no_person"))
        return
    _due(ctx, dt.date.today())
    _inbox(ctx)
    _digest(ctx)


def _due(ctx: PageContext, day: dt.date) -> None:
    items = notes.due_items(ctx.host, ctx.engine, ctx.signed_in_viewer, day)
    if not items:
        st.caption(t("notify.nothing_due"))
        return
    st.subheader(t("notify.due_heading", count=len(items)))
    for item in items[:DUE_SHOWN]:
        st.markdown(f"- {item.due:%Y-%m-%d} · {t(f'today.kind.{item.kind}')} · {item.title}")
    if len(items) > DUE_SHOWN:
        st.caption(t("today.more", count=len(items) - DUE_SHOWN))


def _inbox(ctx: PageContext) -> None:
    st.subheader(t("notify.inbox"))
    viewer = ctx.signed_in_viewer
    unread_only = st.toggle(t("notify.unread_only"), key=UNREAD_KEY)
    frame = notes.inbox(ctx.engine, viewer, unread_only=unread_only)
    if frame.is_empty():
        st.caption(t("notify.empty"))
        return
    shown = frame.select(
        (frame["read_at"].is_null()).replace_strict({True: "●", False: ""}).alias(t("notify.new")),
        frame["created_at"].dt.strftime("%Y-%m-%d %H:%M").alias(t("notify.when")),
        frame["text"].alias(t("notify.what")),
    )
    picked = data_table(shown, key=TABLE_KEY, on_select="rerun", selection_mode="multi-row")
    rows = list(picked.selection.rows) if picked is not None else []
    one, every = st.columns(2)
    if rows and one.button(t("notify.mark_one"), key="notify_mark_one"):
        ids = [int(frame["notification_id"][row]) for row in rows]
        run_action(
            lambda: notes.mark_read(ctx.engine, viewer, ids),
            lambda count: t("notify.marked", count=count),
            notes.NotificationError,
            lambda refused: t(refused.code, **refused.params),
        )
    if frame["read_at"].null_count() and every.button(t("notify.mark_all"), key="notify_mark_all"):
        run_action(
            lambda: notes.mark_read(ctx.engine, viewer),
            lambda count: t("notify.marked", count=count),
            notes.NotificationError,
            lambda refused: t(refused.code, **refused.params),
        )


def _digest(ctx: PageContext) -> None:
    st.subheader(t("notify.digest_heading"))
    viewer = ctx.signed_in_viewer
    email, wanted = notes.digest_choice(ctx.engine, viewer)
    if not notes.digest_configured():
        st.caption(t("notify.digest_off_server"))
    with st.form("notify_digest"):
        address = st.text_input(t("notify.digest_email"), value=email, max_chars=254)
        on = st.checkbox(t("notify.digest_wanted"), value=wanted)
        if st.form_submit_button(t("notify.digest_save")):
            run_action(
                lambda: notes.set_digest(ctx.engine, viewer, address, on),
                lambda _: t("notify.digest_saved"),
                notes.NotificationError,
                lambda refused: t(refused.code, **refused.params),
            )
