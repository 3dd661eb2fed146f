"""Admin: users (add, reset password, role, activate), plugins, recent errors."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
import streamlit as st

from command_center import errors
from command_center.context import PageContext
from command_center.db.models import ROLES
from command_center.i18n import labels_now, t
from command_center.keys import UnknownKey, id_of, with_keys
from command_center.org.auth import UserError
from command_center.org.users import change_user, create_user, user_table
from command_center.ui import data_table


def render(ctx: PageContext) -> None:
    st.title(t("admin.title"))
    users_tab, plugins_tab, errors_tab = st.tabs(
        [t("admin.users"), t("admin.plugins"), t("errors.recent")]
    )
    with users_tab:
        _users(ctx)
    with plugins_tab:
        _plugins(ctx)
    with errors_tab:
        _recent_errors()


def _person_id(ctx: PageContext, typed: str) -> int | None:
    """The id behind the person key typed (empty: no person); :class:`UnknownKey` if none."""
    return id_of(ctx.engine, "person", typed) if typed.strip() else None


def _users(ctx: PageContext) -> None:
    found = with_keys(ctx.engine, user_table(ctx.engine), {"person_id": "person"})  # keys shown
    users = {row["login"]: row for row in found.iter_rows(named=True)}
    data_table(
        found.select(
            pl.col("login").alias(t("admin.login")),
            pl.col("role").replace({r: t(f"role.{r}") for r in ROLES}).alias(t("admin.role")),
            pl.col("person_id").alias(t("admin.person")),
            pl.col("active").alias(t("admin.active")),
            pl.col("locked_until").alias(t("admin.locked_until")),
            pl.col("last_login").alias(t("admin.last_login")),
        )
    )

    with st.form("add_user", clear_on_submit=True):
        st.markdown(f"**{t('admin.add_user')}**")
        login = st.text_input(t("admin.login"), help=t("login_rules.login_help"))
        role = st.selectbox(
            t("admin.role"), ROLES, format_func=labels_now(ROLES, lambda r: t(f"role.{r}"))
        )
        person = st.text_input(t("admin.person"), help=t("admin.person_help"))
        password = st.text_input(
            t("login.password"), type="password", help=t("login_rules.password_help")
        )
        if st.form_submit_button(t("admin.add")):
            _apply(
                lambda: create_user(
                    ctx.engine, ctx.signed_in_viewer, login, password, role, _person_id(ctx, person)
                ),
                t("admin.user_added", login=login),
            )

    if not users:
        return
    st.markdown(f"**{t('admin.edit_user')}**")
    who = st.selectbox(t("admin.login"), list(users), key="admin_edit_who")
    was_role, was_person, was_active = (users[who][k] for k in ("role", "person_id", "active"))
    with st.form("edit_user"):
        new_role = st.selectbox(
            t("admin.role"),
            ROLES,
            index=ROLES.index(was_role),
            format_func=labels_now(ROLES, lambda r: t(f"role.{r}")),
            key=f"admin_edit_role_{who}",
        )
        new_person = st.text_input(
            t("admin.person"),
            value=was_person or "",
            help=t("admin.person_help"),
            key=f"admin_edit_person_{who}",
        )
        new_password = st.text_input(
            t("admin.new_password"),
            type="password",
            help=t("login_rules.password_help"),
            key=f"admin_edit_password_{who}",
        )
        active = st.checkbox(t("admin.active"), value=was_active, key=f"admin_edit_active_{who}")
        if st.form_submit_button(t("admin.save")):
            _apply(
                lambda: change_user(
                    ctx.engine,
                    ctx.signed_in_viewer,
                    who,
                    role=new_role,
                    person_id=_person_id(ctx, new_person),
                    active=active,
                    password=new_password,
                ),
                t("admin.user_saved", login=who),
            )


def _apply(action: Callable[[], object], message: str) -> None:
    try:
        action()
    except UserError as exc:
        st.error(str(exc))
        return
    except UnknownKey as exc:  # people are typed by their keys (E-2031), as in files
        st.error(t("keys.unknown_person", key=exc.key))
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


def _recent_errors() -> None:
    """Failures recorded by this server, newest first, each with its trace."""
    recent = errors.recent()
    if not recent:
        st.info(t("errors.none_yet"))
        return
    st.caption(t("errors.recent_caption"))
    data_table(
        pl.DataFrame(
            {
                t("errors.error_id"): [e.error_id for e in recent],
                t("errors.at"): [e.at for e in recent],
                t("errors.where"): [e.where for e in recent],
                t("errors.login"): [e.login for e in recent],
                t("errors.summary"): [e.summary for e in recent],
            },
            schema={
                t("errors.error_id"): pl.String,
                t("errors.at"): pl.Datetime("us"),
                t("errors.where"): pl.String,
                t("errors.login"): pl.String,
                t("errors.summary"): pl.String,
            },
        )
    )
    for entry in recent[:20]:
        with st.expander(t("errors.trace", id=entry.error_id)):
            st.code(entry.trace, language="text")
