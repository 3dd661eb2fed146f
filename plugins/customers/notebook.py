"""``cc.customers``: the customers plugin in the notebook API (``register_notebook``).

Each helper calls what the plugin's pages and ``command-center abc`` call,
with the signed-in ``cc.viewer``; ``cc.abc(...)`` forwards here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import polars as pl

from command_center.i18n import t
from plugins.customers import charts
from plugins.customers import settings as settings_mod
from plugins.customers.logic.abc import (
    CSV_COLUMNS,
    check_cutoffs,
    pareto_points,
    parse_cutoffs,
)
from plugins.customers.queries import book as book_q
from plugins.customers.queries.grades import scoped_grades

if TYPE_CHECKING:
    from command_center.notebook import CommandCenter


def _day(value: str | dt.date | None) -> dt.date:
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except (ValueError, TypeError):
        raise ValueError(t("customers.cli.bad_date", value=value)) from None


class CustomersNotebook:
    """Customers in the signed-in viewer's scope."""

    def __init__(self, cc: CommandCenter) -> None:
        self._cc = cc

    def abc(
        self,
        as_of: str | dt.date | None = None,
        months: int | None = None,
        cutoffs: str | Sequence[float] | None = None,
    ) -> pl.DataFrame:
        """``customer_id, customer_key, revenue, share, cumulative_share, grade`` in rank
        order (``customer_key`` the key files and ``command-center abc`` print).

        The same grades as ``command-center abc --as-of … --months … --cutoffs …``:
        ``as_of`` defaults to today, ``months`` and ``cutoffs`` (``"0.8,0.95"``
        or ``(0.8, 0.95)``) to the plugin's settings.
        """
        graded, _ = self._graded(as_of, months, cutoffs)
        return self._cc.keyed(graded.select(CSV_COLUMNS))

    def pareto_data(
        self,
        as_of: str | dt.date | None = None,
        months: int | None = None,
        cutoffs: str | Sequence[float] | None = None,
    ) -> pl.DataFrame:
        """The ABC page's Pareto points (``customer_share, cumulative_share, grade``)."""
        graded, _ = self._graded(as_of, months, cutoffs)
        return pareto_points(graded)

    def pareto_chart(
        self,
        as_of: str | dt.date | None = None,
        months: int | None = None,
        cutoffs: str | Sequence[float] | None = None,
    ) -> Any:
        """``cc.charts.pareto``: the ABC page's Pareto curve with the grade cut-offs."""
        graded, cuts = self._graded(as_of, months, cutoffs)
        return charts.pareto(pareto_points(graded), cuts)

    def _graded(
        self,
        as_of: str | dt.date | None,
        months: int | None,
        cutoffs: str | Sequence[float] | None,
    ) -> tuple[pl.DataFrame, tuple[float, float]]:
        engine = self._cc.engine
        rules = settings_mod.get(engine)
        window = rules.abc_months if months is None else int(months)
        if window < 1:
            raise ValueError(t("customers.cli.bad_months", value=window))
        try:
            if cutoffs is None:
                cuts = rules.cutoffs
            elif isinstance(cutoffs, str):
                cuts = parse_cutoffs(cutoffs)
            else:
                cuts = check_cutoffs(cutoffs)
        except (ValueError, TypeError):
            raise ValueError(t("customers.cli.bad_cutoffs", value=cutoffs)) from None
        graded = scoped_grades(engine, self._cc.viewer, _day(as_of), window, cuts)
        return graded, (float(cuts[0]), float(cuts[1]))

    def book(self) -> pl.DataFrame:
        """The customers the viewer may work with (the archive page's book); the keys
        beside the ids (``customer_key``, ``owner_key``)."""
        return self._cc.keyed(book_q.book(self._cc.engine, self._cc.viewer))


def helpers(cc: CommandCenter) -> dict[str, object]:
    helper = CustomersNotebook(cc)
    return {"customers": helper, "charts": {"pareto": helper.pareto_chart}}
