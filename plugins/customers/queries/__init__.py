"""Reads of the customers plugin: SQL -> Polars frames, scoped by a Viewer.

Unscoped helpers (named ``all_*``) exist only to compute derived figures
(company grades, cadence, metrics); what a page, export or command shows
always goes through a function that takes the :class:`Viewer`.
"""

from __future__ import annotations

from sqlalchemy import Engine

from command_center.db import frames


def warm(engine: Engine) -> None:
    """At start-up: the company's customer-month totals, read once (every grade needs them)."""
    frames.all_customer_months(engine)
