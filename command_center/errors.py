"""Errors users see: a short message and an error id; the trace stays on the server.

When a page, a card or the shell itself fails, :func:`show_failure` records the
exception under a fresh error id: the full trace goes to the server log
(Python logging, logger ``command_center.errors``) and to a bounded list of
recent errors that the Admin page shows (:func:`recent`). What the browser
shows depends on who is signed in: an admin sees the message, the id and the
traceback; everyone else sees the message and the id only — no traceback, no
exception text (it may quote rows or SQL the user must not see).

The list of recent errors lives in this server process (the Streamlit server
is one process); the log is the durable record — look an id up there.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import threading
import traceback
from collections import deque
from dataclasses import dataclass

from command_center.i18n import t

logger = logging.getLogger(__name__)

RECENT_LIMIT = 200


@dataclass(frozen=True)
class RecordedError:
    """One failure as the server keeps it."""

    error_id: str
    at: dt.datetime  # UTC, naive like the database's timestamps
    where: str  # what failed, e.g. "page:home" or "card:pipeline.follow_ups"
    login: str  # who was signed in ("" before sign-in)
    summary: str  # "ExceptionType: message" (first line only)
    trace: str  # the full formatted traceback


class Reported(Exception):
    """What a non-admin is shown in place of an exception: text only, no trace."""

    alternate_name = ""  # Streamlit shows this instead of the class name


_recent: deque[RecordedError] = deque(maxlen=RECENT_LIMIT)
_lock = threading.Lock()


def new_error_id() -> str:
    """A short id that users can read out: ``E-`` and eight hex digits."""
    return f"E-{secrets.token_hex(4).upper()}"


def record(exc: BaseException, where: str, login: str = "") -> RecordedError:
    """Log ``exc`` with its trace under a new error id and keep it for the Admin page."""
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    first = (traceback.format_exception_only(type(exc), exc) or [type(exc).__name__])[-1]
    entry = RecordedError(
        error_id=new_error_id(),
        at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        where=where,
        login=login,
        summary=first.strip().splitlines()[0] if first.strip() else type(exc).__name__,
        trace="".join(lines),
    )
    logger.error("error %s in %s (user %s)", entry.error_id, where, login or "-", exc_info=exc)
    with _lock:
        _recent.append(entry)
    return entry


def recent() -> list[RecordedError]:
    """The errors recorded in this process, newest first (at most ``RECENT_LIMIT``)."""
    with _lock:
        return list(reversed(_recent))


def show_failure(
    message: str, exc: BaseException, *, where: str, login: str, role: str | None
) -> RecordedError:
    """Record ``exc`` and tell the user: ``message`` and the error id.

    Only an admin (``role == "admin"``) sees the traceback. Everyone else gets
    an exception box holding just the id and where the details are, so a
    failure still shows up as an exception (to Streamlit and its AppTest)
    without revealing anything from inside it.
    """
    import streamlit as st

    entry = record(exc, where, login)
    st.error(message)
    if role == "admin":
        st.caption(t("errors.id_admin", id=entry.error_id))
        st.exception(exc)
    else:
        st.exception(Reported(t("errors.id_user", id=entry.error_id)))
    return entry
