"""Session keys: plain keys hold filter values so they survive page switches."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import streamlit as st

from command_center import i18n
from command_center.settings import get_settings

SIGNED_IN = "signed_in"
LANG = "lang"
GRAIN = "flt_grain"
PERIOD = "flt_period"
TEAM = "flt_team"

T = TypeVar("T")


def widget(key: str) -> str:
    """The widget key that mirrors the plain session key ``key``.

    Filter widgets carry the language in their key, so switching language
    builds them afresh with translated labels (the plain key keeps the value).
    """
    if key == LANG:
        return f"_w_{key}"
    return f"_w_{key}_{language()}"


def copy_widget(key: str) -> None:
    st.session_state[key] = st.session_state[widget(key)]


def language() -> str:
    lang = st.session_state.get(LANG) or get_settings().language
    return lang if lang in i18n.LANGUAGES else "en"


def select(
    container: Any,
    label: str,
    options: Sequence[T],
    key: str,
    default: T,
    format_func: Callable[[T], str] = str,
) -> T:
    """A selectbox whose value lives in the plain session key ``key``."""
    current = st.session_state.get(key, default)
    if current not in options:
        current = default if default in options else options[0]
    wkey = widget(key)
    if wkey in st.session_state and st.session_state[wkey] not in options:
        del st.session_state[wkey]
    # The index applies only when the widget is new; afterwards its own state rules.
    extra = {} if wkey in st.session_state else {"index": list(options).index(current)}
    labels = i18n.labels_now(options, format_func)
    value = container.selectbox(label, options, format_func=labels, key=wkey, **extra)
    st.session_state[key] = value
    return value


def set_filter(key: str, value: Any) -> None:
    """Change a filter from a callback (drill-down): plain key and widget together."""
    st.session_state[key] = value
    st.session_state[widget(key)] = value


def sign_out() -> None:
    for key in list(st.session_state):
        if key != LANG and key != widget(LANG):
            del st.session_state[key]
