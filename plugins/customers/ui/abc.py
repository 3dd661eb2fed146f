"""ABC grading: Pareto chart with cut-offs, grades per team, history and migration."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from command_center.ui import chart, page_header, table_with_download
from command_center.ui.widgets import Kpi, kpi_row, money_column, percent_column
from plugins.customers import charts
from plugins.customers.logic import abc, display, grading, teams
from plugins.customers.logic.dates import month_ends
from plugins.customers.queries import book as book_q
from plugins.customers.queries.grades import (
    scoped_grades,
    scoped_history,
    scoped_history_counts,
    team_grades,
)
from plugins.customers.ui import page_data

HISTORY_MONTHS = 12


def render(ctx: PageContext) -> None:
    page_header(ctx, "customers.abc.title")
    if ctx.viewer.role == "admin":
        st.info(t("customers.no_business_rows"))
        return
    rules = page_data.rules(ctx)
    left, right = st.columns(2)
    default = min(ctx.period.last_day, page_data.today())
    as_of = left.date_input(t("customers.abc.as_of"), value=default, key="customers_abc_asof")
    as_of = as_of if isinstance(as_of, dt.date) else default
    months = int(
        right.number_input(
            t("customers.abc.months"), 1, 120, rules.abc_months, key="customers_abc_months"
        )
    )
    cutoffs = rules.cutoffs
    rule = grading.chosen_rule(rules.grading)
    if rule.name != rules.grading:
        st.warning(t("customers.grading.missing", rule=rules.grading))
    graded = scoped_grades(ctx.engine, ctx.viewer, as_of, months, cutoffs, rule.name)
    if grading.installed_rules().problem(rule):
        st.warning(t("customers.grading.failed", rule=rule.name))
    st.caption(
        rule.describe(grading.GradingContext(as_of, months, cutoffs))
        + " "
        + (t("customers.abc.scope_all") if ctx.viewer.sees_all else t("customers.abc.scope_own"))
    )
    summary = abc.summary(graded)
    _kpis(summary)
    if graded.is_empty():
        st.info(t("customers.abc.empty"))
        return
    if rule.name == grading.DEFAULT:
        _pareto(graded, cutoffs)
    _teams(ctx, (as_of, months, cutoffs, rule.name))
    _history_and_migration(ctx, as_of, months, cutoffs, rule.name)
    _ranked(ctx, graded)


def _kpis(summary: pl.DataFrame) -> None:
    rows = {g: r for g, *r in summary.iter_rows()}
    total = float(summary["revenue"].sum())
    kpi_row(
        [
            Kpi(t("customers.abc.customers_of", grade=g), float(rows[g][0]), "count")
            for g in abc.GRADES
        ]
        + [
            Kpi(t("customers.abc.revenue"), total, "currency"),
            Kpi(t("customers.abc.a_share"), float(rows["A"][2]) if total else None, "percent"),
        ]
    )


def _pareto(graded: pl.DataFrame, cutoffs: tuple[float, float]) -> None:
    st.subheader(t("customers.abc.pareto"))
    chart(charts.pareto(abc.pareto_points(graded), cutoffs))


def _teams(ctx: PageContext, choice: tuple[dt.date, int, tuple[float, float], str]) -> None:
    st.subheader(t("customers.abc.by_team"))
    people = ctx.people()
    nodes = teams.team_nodes(people, ctx.roots())
    table = team_grades(ctx.engine, ctx.viewer, people, nodes, *choice)
    chart(charts.grades_by_team(table, len(nodes)))
    config = {
        t("customers.abc.revenue_of", grade=g): money_column(t("customers.abc.revenue_of", grade=g))
        for g in abc.GRADES
    }
    table_with_download(
        display.team_table(table), "abc_by_team", "customers_abc_team", column_config=config
    )


def _history_and_migration(
    ctx: PageContext, as_of: dt.date, months: int, cutoffs: tuple[float, float], rule: str
) -> None:
    st.subheader(t("customers.abc.history"))
    points = month_ends(as_of, HISTORY_MONTHS)
    history = scoped_history(ctx.engine, ctx.viewer, points, months, cutoffs, rule)
    counts = scoped_history_counts(ctx.engine, ctx.viewer, points, months, cutoffs, rule)
    chart(charts.grade_history(counts))
    st.subheader(t("customers.abc.migration"))
    labels = {p: p.strftime("%Y-%m") for p in points}
    left, right = st.columns(2)
    first = left.selectbox(
        t("customers.abc.from"), points, index=0,
        format_func=labels_now(points, labels.__getitem__), key="customers_abc_from",
    )  # fmt: skip
    second = right.selectbox(
        t("customers.abc.to"), points, index=len(points) - 1,
        format_func=labels_now(points, labels.__getitem__), key="customers_abc_to",
    )  # fmt: skip
    before = history.filter(pl.col("as_of") == first)
    after = history.filter(pl.col("as_of") == second)
    shown = display.migration_table(abc.migration(before, after))
    st.caption(t("customers.abc.migration_help", first=labels[first], second=labels[second]))
    table_with_download(shown, "abc_migration", "customers_abc_migration")


def _ranked(ctx: PageContext, graded: pl.DataFrame) -> None:
    st.subheader(t("customers.abc.ranked"))
    owners = book_q.cadence_book(ctx.engine, ctx.viewer).select("customer_id", "name", "owner_id")
    rows = graded.head(page_data.MAX_ROWS).join(owners, on="customer_id", how="left").sort("rank")
    cols = display.ranked_headers()
    table_with_download(
        display.ranked_table(rows, page_data.names(ctx)),
        "abc",
        "customers_abc_ranked",
        column_config={
            cols["revenue"]: money_column(cols["revenue"]),
            cols["share"]: percent_column(cols["share"]),
            cols["cumulative_share"]: percent_column(cols["cumulative_share"]),
        },
    )
