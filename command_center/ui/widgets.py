"""Page anatomy pieces: header with scope caption, KPI row, charts, tables."""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.errors import show_failure
from command_center.i18n import fmt_value, t
from command_center.io import csv_text

# One palette for grades, stages and statuses across every plugin.
COLORS: dict[str, str] = {
    "primary": "#ff6a00",  # Alibaba orange
    "secondary": "#1f77b4",
    "target": "#7f7f7f",
    "good": "#2ca02c",
    "bad": "#d62728",
    "A": "#ff6a00",
    "B": "#1f77b4",
    "C": "#9e9e9e",
}


def scope_caption(ctx: PageContext) -> str:
    """Whose data this is: "Team 华东 (14 people) · 2026-10"."""
    people = ctx.people()
    roots = ctx.roots()
    if ctx.viewer.sees_all and ctx.team_root is None:
        who = t("scope.whole_force")
    elif len(roots) == 1:
        name = people.filter(pl.col("person_id") == roots[0])["name"].item()
        who = t("scope.team_of", name=name)
    else:
        who = t("scope.selection")
    return t("scope.caption", who=who, count=people.height, period=ctx.period.label)


def page_header(ctx: PageContext, title_key: str) -> None:
    st.title(t(title_key))
    st.caption(scope_caption(ctx))


# -- ratios on KPI cards ---------------------------------------------------------
# Units whose value is a ratio (shown as a percentage).
RATIO_UNITS = frozenset({"percent", "ratio"})
# A ratio beyond ±1,000 % says only that its denominator is (near) zero next to
# its numerator (cost of sales on two days of revenue read "112,490.5%"): the
# card shows "—" instead. A call site may set a tighter bound (cost of sales: 100 %).
RATIO_LIMIT = 10.0


def _number(value: float | None) -> float | None:
    """``value`` as a float, ``None`` when missing or not a finite number."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def shown_ratio(value: float | None, *, limit: float = RATIO_LIMIT) -> float | None:
    """A ratio as a KPI card shows it: ``None`` (read "—") when missing, not a
    finite number, or beyond ``±limit`` (its denominator was near zero)."""
    number = _number(value)
    return number if number is not None and abs(number) <= limit else None


def ratio(num: float | None, den: float | None, *, limit: float = RATIO_LIMIT) -> float | None:
    """``num / den`` for a ratio KPI card (margin, attainment, cost of sales, a rate, a share).

    ``None`` — the card reads "—" — when either side is missing or not a
    number, the denominator is zero, or it is so small next to the numerator
    that the ratio passes ``limit`` (see :data:`RATIO_LIMIT`). The one rule for
    every ratio card; :func:`kpi_row` applies :func:`shown_ratio` to ratios
    computed elsewhere.
    """
    top, bottom = _number(num), _number(den)
    if top is None or bottom is None or bottom == 0:
        return None
    return shown_ratio(top / bottom, limit=limit)


def change(new: float | None, old: float | None, *, limit: float = RATIO_LIMIT) -> float | None:
    """The relative change ``(new - old) / |old|`` (a KPI delta: ``+7.1%``), under
    the rule of :func:`ratio`: ``None`` when ``old`` is missing, zero or near zero."""
    top, base = _number(new), _number(old)
    if top is None or base is None or base == 0:
        return None
    return shown_ratio((top - base) / abs(base), limit=limit)


@dataclass(frozen=True)
class Kpi:
    """One KPI card; ``delta`` is already worded ("+7.1% vs target").

    A ratio (unit ``percent`` or ``ratio``) beyond ``±limit`` shows "—", as
    does any value that is missing or not a finite number (see :func:`ratio`).
    """

    label: str
    value: float | None
    unit: str
    delta: str | None = None
    higher_is_better: bool = True
    limit: float = RATIO_LIMIT

    def shown(self) -> float | None:
        """The value the card shows (``None``: "—")."""
        if self.unit in RATIO_UNITS:
            return shown_ratio(self.value, limit=self.limit)
        return _number(self.value)


def kpi_delta(
    value: float | None, unit: str, target: float | None, previous: float | None
) -> str | None:
    """Against target when there is one, else against the previous period.

    Ratios compare in percentage points, amounts relatively.
    """
    if value is None:
        return None
    ratio_unit = unit in RATIO_UNITS
    if target:
        against, label = target, t("ui.vs_target")
    elif previous:
        against, label = previous, t("ui.vs_previous")
    else:
        return None
    if ratio_unit:
        if shown_ratio(value) is None or shown_ratio(against) is None:
            return None
        return f"{t('ui.points', value=f'{(value - against) * 100:+.1f}')} {label}"
    moved = change(value, against)
    return None if moved is None else f"{moved:+.1%} {label}"


def kpi_row(kpis: Sequence[Kpi]) -> None:
    """A row of ``st.metric`` cards; a value the card cannot show reads "—" and
    drops its delta (:meth:`Kpi.shown`)."""
    columns = st.columns(max(1, len(kpis)))
    for column, kpi in zip(columns, kpis, strict=False):
        value = kpi.shown()
        column.metric(
            kpi.label,
            fmt_value(value, kpi.unit, compact=True),
            delta=kpi.delta if value is not None else None,
            delta_color="normal" if kpi.higher_is_better else "inverse",
        )


def registry_kpis(ctx: PageContext, keys: Sequence[str], roots: list[int]) -> list[Kpi]:
    """A KPI card per published registry metric in ``keys``: the page's period and
    scope, against the roots' target (or the previous period)."""
    from command_center.metrics import total

    cards = []
    for key in keys:
        if key not in ctx.registry:
            continue
        spec = ctx.registry.spec(key)
        tot = total(ctx.registry, ctx.engine, ctx.viewer, key, ctx.period, roots)
        delta = kpi_delta(tot.value, spec.unit, tot.target, tot.previous)
        cards.append(Kpi(t(spec.label), tot.value, spec.unit, delta, spec.higher_is_better))
    return cards


def money_column(label: str) -> Any:
    """A numeric table column shown as whole yuan, still sortable."""
    return st.column_config.NumberColumn(f"{label} (¥)", format="localized", step=1)


def percent_column(label: str) -> Any:
    """A ratio column shown as a percentage (the frame holds 0.873 for 87.3 %)."""
    return st.column_config.NumberColumn(label, format="percent")


def chart(spec: alt.TopLevelMixin) -> None:
    """Draw an Altair chart at full width."""
    st.altair_chart(spec, width="stretch")


def _xlsx_bytes(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_excel(buffer)
    return buffer.getvalue()


# What a table cell shows for a missing value (null, or NaN in a float column).
MISSING = "—"


def shown_frame(data: Any) -> Any:
    """``data`` ready for a table: NaN in float columns becomes null (shown as
    :data:`MISSING`), numbers stay numbers so columns still sort."""
    frame = pl.DataFrame(data) if isinstance(data, list | dict) else data
    if not isinstance(frame, pl.DataFrame):
        return frame
    floats = [name for name, dtype in frame.schema.items() if dtype.is_float()]
    if not floats:
        return frame
    return frame.with_columns(pl.col(floats).fill_nan(None))


def data_table(
    data: Any,
    column_config: dict[str, Any] | None = None,
    *,
    width: Any = "stretch",
    **options: Any,
) -> Any:
    """A table (``st.dataframe``) whose missing values read :data:`MISSING` in
    every language instead of "None"/"NaN". Every page draws tables through
    this or :func:`table_with_download`; ``options`` pass on to ``st.dataframe``
    (``key``, ``on_select``, ``height`` ...)."""
    return st.dataframe(
        shown_frame(data),
        width=width,
        hide_index=True,
        column_config=column_config,
        placeholder=MISSING,
        **options,
    )


def table_with_download(
    frame: pl.DataFrame,
    name: str,
    key: str,
    column_config: dict[str, Any] | None = None,
    rows: pl.DataFrame | None = None,
) -> None:
    """The frame as a table, with CSV and XLSX downloads of exactly what is shown.

    ``rows``: draw only these rows of ``frame`` (a page of a long table); the
    downloads still hold all of ``frame``.
    """
    data_table(frame if rows is None else rows, column_config)
    if frame.is_empty():
        return
    left, right = st.columns(2)
    left.download_button(
        t("ui.download_csv"),
        lambda: csv_text(frame).encode("utf-8-sig"),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
    )
    right.download_button(
        t("ui.download_xlsx"),
        lambda: _xlsx_bytes(frame),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        on_click="ignore",
    )


def render_panels(ctx: PageContext, entity: str, entity_id: int) -> None:
    """Every plugin's panels for ``entity`` (e.g. a customer), each isolated."""
    panels = [
        panel
        for _, panel in ctx.host.contributions("register_panels")
        if panel.entity == entity and ctx.viewer.role in panel.roles
    ]
    for panel in sorted(panels, key=lambda p: p.order):
        with st.expander(t(panel.title), expanded=True):
            isolated(
                ctx,
                panel.title,
                f"panel:{panel.key}",
                lambda panel=panel: panel.render(ctx, entity_id),
            )


def isolated(ctx: PageContext, title: str, where: str, render: Callable[[], None]) -> None:
    """Draw one plugin's card or panel; if it fails, say so (with an error id) and go on."""
    try:
        render()
    except Exception as exc:
        message = t("errors.card_failed", card=t(title))
        show_failure(message, exc, where=where, login=ctx.viewer.login, role=ctx.viewer.role)
