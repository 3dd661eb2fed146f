"""What the recruiting pages share: a selectbox with fixed labels, running an action
with its confirmation, and today's date for date inputs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import streamlit as st

from command_center.i18n import labels_now
from plugins.recruiting.errors import RecruitingError

T = TypeVar("T")
FLASH = "recruiting_flash"


def today() -> dt.date:
    return dt.date.today()


def select(
    label: str,
    options: Sequence[T],
    key: str,
    format_func: Callable[[T], str] = str,
    container: Any = st,
    **kwargs: Any,
) -> T | None:
    """A selectbox whose labels are fixed in the active language."""
    return container.selectbox(
        label, list(options), format_func=labels_now(options, format_func), key=key, **kwargs
    )


def show_flash() -> None:
    """The confirmation of the last action (kept across the rerun that follows it)."""
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message)


def act(run: Callable[[], T], confirm: Callable[[T], str]) -> None:
    """Run an action: on success keep its confirmation and rerun (fresh data); on a
    refusal show why, in the user's language, and write nothing."""
    try:
        result = run()
    except RecruitingError as exc:
        st.error(exc.message())
        return
    st.session_state[FLASH] = confirm(result)
    st.rerun()
