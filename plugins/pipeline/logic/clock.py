"""The pipeline's clock: the server's local time, to the second (what users see and type)."""

from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    """The server's local time, to the second."""
    return dt.datetime.now().replace(microsecond=0)
