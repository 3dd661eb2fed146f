"""Sign-in: local users, argon2 hashes, lock-out after repeated failures."""

from __future__ import annotations

import streamlit as st

from command_center import runtime
from command_center.i18n import t
from command_center.org.auth import AuthError, authenticate
from command_center.ui import state

# Session key of a translation key to show above the form (e.g. why a sign-in ended).
NOTE = "login_note"


def render() -> None:
    st.title(t("login.heading"))
    st.caption(t("login.subtitle"))
    note = st.session_state.get(NOTE)
    if isinstance(note, str):
        st.warning(t(note))
    with st.form("login", clear_on_submit=False):
        login = st.text_input(t("login.login"), key="login_name")
        password = st.text_input(t("login.password"), type="password", key="login_password")
        submitted = st.form_submit_button(t("login.submit"), type="primary")
    if not submitted:
        return
    if not login or not password:
        st.error(t("login.missing"))
        return
    try:
        signed = authenticate(runtime.engine(), login, password)
    except AuthError as exc:
        st.error(t(exc.code, **exc.params))
        return
    st.session_state.pop(NOTE, None)
    st.session_state[state.SIGNED_IN] = signed
    st.rerun()
