"""Admin: users (add, reset password, activate) and plugins with status and errors."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
import streamlit as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from command_center.context import PageContext
from command_center.db.engine import read_session, write_session
from command_center.db.models import ROLES, User
from command_center.i18n import labels_now, t
from command_center.org.auth import UserError, add_user, set_active, set_password
from command_center.ui import data_table


def render(ctx: PageContext) -> None:
    st.title(t("admin.title"))
    users_tab, plugins_tab = st.tabs([t("admin.users"), t("admin.plugins")])
    with users_tab:
        _users(ctx)
    with plugins_tab:
        _plugins(ctx)


def _users(ctx: PageContext) -> None:
    with read_session(ctx.engine) as session:
        rows = [
            {
                t("admin.login"): u.login,
                t("admin.role"): t(f"role.{u.role}"),
                t("admin.person"): u.person_id,
                t("admin.active"): u.active,
                t("admin.locked_until"): u.locked_until,
                t("admin.last_login"): u.last_login,
            }
            for u in session.scalars(select(User).order_by(User.login))
        ]
    data_table(pl.DataFrame(rows))
    logins = [row[t("admin.login")] for row in rows]

    with st.form("add_user", clear_on_submit=True):
        st.markdown(f"**{t('admin.add_user')}**")
        login = st.text_input(t("admin.login"))
        role = st.selectbox(
            t("admin.role"), ROLES, format_func=labels_now(ROLES, lambda r: t(f"role.{r}"))
        )
        person = st.number_input(
            t("admin.person"), min_value=0, step=1, value=0, help=t("admin.person_help")
        )
        password = st.text_input(t("login.password"), type="password")
        if st.form_submit_button(t("admin.add")):
            _apply(
                ctx,
                lambda s: add_user(s, login, password, role, int(person) or None, actor=ctx.actor),
                t("admin.user_added", login=login),
            )

    if not logins:
        return
    with st.form("edit_user"):
        st.markdown(f"**{t('admin.edit_user')}**")
        who = st.selectbox(t("admin.login"), logins)
        new_password = st.text_input(t("admin.new_password"), type="password")
        active = st.checkbox(t("admin.active"), value=True)
        if st.form_submit_button(t("admin.save")):

            def change(session: Session) -> None:
                if new_password:
                    set_password(session, who, new_password, ctx.actor)
                set_active(session, who, active, ctx.actor)

            _apply(ctx, change, t("admin.user_saved", login=who))


def _apply(ctx: PageContext, action: Callable[[Session], object], message: str) -> None:
    try:
        with write_session(ctx.engine) as session:
            action(session)
    except UserError as exc:
        st.error(str(exc))
        return
    st.success(message)


def _plugins(ctx: PageContext) -> None:
    infos = [info.as_dict() for info in ctx.host.plugins()]
    table = pl.DataFrame(
        {
            t("admin.plugin"): [i["name"] for i in infos],
            t("admin.version"): [i["version"] for i in infos],
            t("admin.source"): [i["source"] for i in infos],
            t("admin.enabled"): [i["enabled"] for i in infos],
            t("admin.error"): [i["error"] or "" for i in infos],
        }
    )
    data_table(table)
    for info in infos:
        if info["error"]:
            st.error(f"{info['name']}: {info['error']}")
