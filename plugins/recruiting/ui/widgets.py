"""What the recruiting pages share: a selectbox with fixed labels, running an action
(the core's ``run_action`` with recruiting's refusals), and today's date for inputs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import streamlit as st

from command_center.i18n import labels_now
from command_center.ui.actions import run_action
from plugins.recruiting.errors import RecruitingError

T = TypeVar("T")


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


def act(run: Callable[[], T], confirm: Callable[[T], str]) -> None:
    """Run a recruiting action (:func:`command_center.ui.actions.run_action`): on success
    keep its confirmation and rerun; on a refusal show why and write nothing."""
    run_action(run, confirm, RecruitingError, RecruitingError.message)
