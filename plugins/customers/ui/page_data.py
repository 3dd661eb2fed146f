"""What the pages read for the signed-in viewer: the rules, grades, cadence and names."""

from __future__ import annotations

import datetime as dt

import polars as pl

from command_center.context import PageContext
from command_center.keys import keys_for
from plugins.customers import settings as settings_mod
from plugins.customers.queries import figures
from plugins.customers.settings import CustomerSettings

MAX_ROWS = 1_000  # rows shown in a table or picker; the search narrows the rest
OPEN_KEY = "customers_open"  # the customer opened on the archive page


def today() -> dt.date:
    return dt.date.today()


def rules(ctx: PageContext) -> CustomerSettings:
    return settings_mod.get(ctx.engine)


def company_grades(ctx: PageContext) -> pl.DataFrame:
    """``customer_id, grade`` as of today (the grade that sets the cadence)."""
    return figures.company_grades(ctx.engine, today(), rules(ctx))


def names(ctx: PageContext) -> dict[int, str]:
    """Names of the people in the viewer's scope."""
    return dict(ctx.people().select("person_id", "name").iter_rows())


def customer_keys(ctx: PageContext, ids: list[int]) -> dict[int, str]:
    """The external keys of the customers ``ids`` (the rows a page shows)."""
    return keys_for(ctx.engine, "customer", ids)


def due_list(ctx: PageContext) -> pl.DataFrame:
    """The viewer's book with its follow-up cadence (``status``: overdue / due / ok)."""
    return figures.due_list(ctx.engine, ctx.viewer, today(), rules(ctx))
