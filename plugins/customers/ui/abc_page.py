"""ABC grading: Pareto chart with cut-offs, grades per team, history and migration."""

from __future__ import annotations

import datetime as dt

import altair as alt
import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from command_center.org.tree import closure
from command_center.ui import COLORS, chart, page_header, table_with_download
from command_center.ui.widgets import Kpi, kpi_row, money_column, percent_column
from plugins.customers.logic import abc
from plugins.customers.logic.dates import month_ends
from plugins.customers.logic.teams import by_team
from plugins.customers.queries import book as book_q
from plugins.customers.queries.grades import scoped_grades, scoped_history
from plugins.customers.ui import common

GRADE_SCALE = alt.Scale(domain=list(abc.GRADES), range=[COLORS[g] for g in abc.GRADES])
HISTORY_MONTHS = 12


def render(ctx: PageContext) -> None:
    page_header(ctx, "customers.abc.title")
    if ctx.viewer.role == "admin":
        st.info(t("customers.no_business_rows"))
        return
    rules = common.rules(ctx)
    left, right = st.columns(2)
    default = min(ctx.period.last_day, common.today())
    as_of = left.date_input(t("customers.abc.as_of"), value=default, key="customers_abc_asof")
    as_of = as_of if isinstance(as_of, dt.date) else default
    months = int(
        right.number_input(
            t("customers.abc.months"), 1, 120, rules.abc_months, key="customers_abc_months"
        )
    )
    cutoffs = rules.cutoffs
    graded = scoped_grades(ctx.engine, ctx.viewer, as_of, months, cutoffs)
    st.caption(
        t(
            "customers.abc.rule",
            a=f"{cutoffs[0]:.0%}",
            b=f"{cutoffs[1]:.0%}",
            months=months,
            as_of=as_of.isoformat(),
        )
        + " "
        + (t("customers.abc.scope_all") if ctx.viewer.sees_all else t("customers.abc.scope_own"))
    )
    summary = abc.summary(graded)
    _kpis(summary)
    if graded.is_empty():
        st.info(t("customers.abc.empty"))
        return
    _pareto(graded, cutoffs)
    _teams(ctx, graded)
    _history_and_migration(ctx, as_of, months, cutoffs)
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
    points = abc.pareto_points(graded)
    x_title, y_title = t("customers.abc.customer_share"), t("customers.abc.revenue_share")
    curve = (
        alt.Chart(points)
        .mark_area(line=True, opacity=0.35)
        .encode(
            x=alt.X("customer_share:Q", title=x_title, axis=alt.Axis(format="%")),
            y=alt.Y("cumulative_share:Q", title=y_title, axis=alt.Axis(format="%")),
            color=alt.Color("grade:N", scale=GRADE_SCALE, title=t("customers.grade")),
            tooltip=[
                alt.Tooltip("customer_share:Q", title=x_title, format=".1%"),
                alt.Tooltip("cumulative_share:Q", title=y_title, format=".1%"),
                alt.Tooltip("grade:N", title=t("customers.grade")),
            ],
        )
    )
    lines = pl.DataFrame(
        {
            "cutoff": list(cutoffs),
            "label": [t("customers.abc.cutoff", grade="A"), t("customers.abc.cutoff", grade="B")],
        }
    )
    rules = (
        alt.Chart(lines)
        .mark_rule(strokeDash=[6, 4], color=COLORS["target"])
        .encode(
            y="cutoff:Q", tooltip=[alt.Tooltip("label:N"), alt.Tooltip("cutoff:Q", format=".0%")]
        )
    )
    text = (
        alt.Chart(lines)
        .mark_text(align="left", dx=4, dy=-6, color=COLORS["target"])
        .encode(y="cutoff:Q", x=alt.value(4), text="label:N")
    )
    chart((curve + rules + text).properties(height=320))


def _teams(ctx: PageContext, graded: pl.DataFrame) -> None:
    st.subheader(t("customers.abc.by_team"))
    people = ctx.people()
    roots = ctx.roots()
    parent = roots[0] if len(roots) == 1 else None
    nodes = (
        people.filter(pl.col("manager_id") == parent)["person_id"].to_list()
        if parent is not None
        else roots
    )
    if not nodes:
        nodes = roots
    owners = book_q.book(ctx.engine, ctx.viewer).select("customer_id", "owner_id")
    table = by_team(graded.join(owners, on="customer_id"), closure(people), nodes)
    names = dict(people.select("person_id", "name").iter_rows())
    table = table.with_columns(
        pl.col("node_id").replace_strict(names, default="—", return_dtype=pl.String).alias("team")
    )
    spec = (
        alt.Chart(table)
        .mark_bar()
        .encode(
            x=alt.X("revenue:Q", title=t("customers.abc.revenue")),
            y=alt.Y("team:N", title=t("customers.abc.team")),
            color=alt.Color("grade:N", scale=GRADE_SCALE, title=t("customers.grade")),
            order=alt.Order("grade:N"),
            tooltip=[
                alt.Tooltip("team:N", title=t("customers.abc.team")),
                alt.Tooltip("grade:N", title=t("customers.grade")),
                alt.Tooltip("customers:Q", title=t("customers.col.customers")),
                alt.Tooltip("revenue:Q", title=t("customers.abc.revenue"), format=",.0f"),
            ],
        )
        .properties(height=max(140, 28 * len(nodes)))
    )
    chart(spec)
    wide = table.pivot(on="grade", index="team", values=["customers", "revenue"])
    rename = {}
    for g in abc.GRADES:
        rename[f"customers_{g}"] = t("customers.abc.customers_of", grade=g)
        rename[f"revenue_{g}"] = t("customers.abc.revenue_of", grade=g)
    wide = wide.rename({k: v for k, v in rename.items() if k in wide.columns}).rename(
        {"team": t("customers.abc.team")}
    )
    config = {
        t("customers.abc.revenue_of", grade=g): money_column(t("customers.abc.revenue_of", grade=g))
        for g in abc.GRADES
    }
    table_with_download(wide, "abc_by_team", "customers_abc_team", column_config=config)


def _history_and_migration(
    ctx: PageContext, as_of: dt.date, months: int, cutoffs: tuple[float, float]
) -> None:
    st.subheader(t("customers.abc.history"))
    points = month_ends(as_of, HISTORY_MONTHS)
    history = scoped_history(ctx.engine, ctx.viewer, points, months, cutoffs)
    counts = (
        history.group_by("as_of", "grade")
        .agg(pl.len().alias("customers"), pl.col("revenue").sum())
        .with_columns(pl.col("as_of").dt.strftime("%Y-%m").alias("month"))
        .sort("as_of", "grade")
    )
    spec = (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=alt.X("month:O", title=t("customers.col.month")),
            y=alt.Y("customers:Q", title=t("customers.col.customers")),
            color=alt.Color("grade:N", scale=GRADE_SCALE, title=t("customers.grade")),
            order=alt.Order("grade:N"),
            tooltip=[
                alt.Tooltip("month:O", title=t("customers.col.month")),
                alt.Tooltip("grade:N", title=t("customers.grade")),
                alt.Tooltip("customers:Q", title=t("customers.col.customers")),
                alt.Tooltip("revenue:Q", title=t("customers.abc.revenue"), format=",.0f"),
            ],
        )
        .properties(height=260)
    )
    chart(spec)
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
    matrix = abc.migration(before, after)
    shown = matrix.with_columns(
        pl.col("before").replace_strict(
            {"new": t("customers.abc.new"), **{g: g for g in abc.GRADES}}, return_dtype=pl.String
        )
    ).rename({"before": t("customers.abc.before_after")})
    st.caption(t("customers.abc.migration_help", first=labels[first], second=labels[second]))
    table_with_download(shown, "abc_migration", "customers_abc_migration")


def _ranked(ctx: PageContext, graded: pl.DataFrame) -> None:
    st.subheader(t("customers.abc.ranked"))
    owners = book_q.book(ctx.engine, ctx.viewer).select("customer_id", "name", "owner_id")
    people = common.names(ctx)
    rows = graded.head(common.MAX_ROWS).join(owners, on="customer_id", how="left").sort("rank")
    cols = {
        "rank": t("customers.abc.rank"),
        "customer_id": t("customers.col.id"),
        "name": t("customers.col.name"),
        "owner": t("customers.owner"),
        "revenue": t("customers.abc.revenue"),
        "share": t("customers.abc.share"),
        "cumulative_share": t("customers.abc.cumulative"),
        "grade": t("customers.grade"),
    }
    shown = rows.with_columns(common.owner_names(people).alias("owner")).select(
        [pl.col(k).alias(v) for k, v in cols.items()]
    )
    table_with_download(
        shown,
        "abc",
        "customers_abc_ranked",
        column_config={
            cols["revenue"]: money_column(cols["revenue"]),
            cols["share"]: percent_column(cols["share"]),
            cols["cumulative_share"]: percent_column(cols["cumulative_share"]),
        },
    )
