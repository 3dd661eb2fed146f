"""Running a user's action from a page: refusals explained, confirmations kept across the rerun.

>>> if st.button(claim_label):
...     run_action(lambda: claim(ctx.engine, ctx.viewer, customer_id),
...                lambda _: claimed_message, CustomersError, explain)
>>> show_flash()   # at the top of the page: what the last action did

The action writes (through the plugin's ``actions``, which check roles); on
success the page reruns on fresh data and shows the confirmation once; on a
refusal it shows why, and nothing was written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

FLASH_KEY = "cc_flash"
T = TypeVar("T")


def run_action(
    action: Callable[[], T],
    confirm: Callable[[T], str],
    refusal: type[Exception] | tuple[type[Exception], ...],
    explain: Callable[[Any], str],
) -> bool:
    """Run ``action``: on success keep ``confirm(result)`` and rerun; on ``refusal`` show
    ``explain(error)`` and return False."""
    try:
        result = action()
    except refusal as refused:
        st.error(explain(refused))
        return False
    st.session_state[FLASH_KEY] = confirm(result)
    st.rerun()
    return True  # pragma: no cover - st.rerun() does not return


def show_flash() -> None:
    """The confirmation of the action that caused this rerun, shown once."""
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(message)
