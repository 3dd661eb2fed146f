"""Page: team-building budgets per team and year, spend per event with notes."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, money, t
from command_center.ui import chart, page_header, table_with_download
from command_center.ui.widgets import Kpi, kpi_row, money_column, percent_column, ratio
from plugins.team_events import actions, charts, queries
from plugins.team_events.actions.budget import BUDGET_ROLES
from plugins.team_events.errors import TeamEventsError
from plugins.team_events.logic import budget
from plugins.team_events.models import SPEND_CATEGORIES
from plugins.team_events.queries.teams import team_members
from plugins.team_events.settings import REPORT_LEVELS, TeamEventsSettings, load
from plugins.team_events.ui.controls import error_text, run_action, show_flash, team_options, today
from plugins.team_events.ui.labels import dates_as_text, event_label, kind_label, names, team_label

BUILDING_KINDS = ("outdoor", "dinner", "custom")


def render(ctx: PageContext) -> None:
    page_header(ctx, "team_events.building.title")
    show_flash()
    this_year = today().year
    years = [this_year + 1, this_year, this_year - 1, this_year - 2]
    year = st.selectbox(t("team_events.building.year"), years, index=1, key="team_events_bd_year")
    budgets = queries.budgets(ctx.engine, ctx.viewer).filter(pl.col("year") == year)
    spend = queries.spend(ctx.engine, ctx.viewer).filter(pl.col("event_date").dt.year() == year)
    use = budget.usage(
        budgets,
        spend.select(
            "event_id",
            "team_root",
            pl.col("event_date").dt.year().cast(pl.Int64).alias("year"),
            "amount",
        ),
    )
    planned = float(use["budget"].sum()) if use.height else 0.0
    spent = float(use["spent"].sum()) if use.height else 0.0
    kpi_row(
        [
            Kpi(t("team_events.building.kpi_budget"), planned, "currency"),
            Kpi(t("team_events.building.kpi_spent"), spent, "currency"),
            Kpi(t("team_events.building.kpi_left"), planned - spent, "currency"),
            Kpi(
                t("team_events.building.kpi_used"),
                ratio(spent, planned),
                "percent",
                higher_is_better=False,
            ),
        ]
    )
    if use.is_empty():
        st.info(t("team_events.building.none", year=year))
    else:
        _chart(ctx, use)
        _table(ctx, use)
    _lines(ctx, spend)
    if ctx.viewer.role in BUDGET_ROLES:
        _budget_form(ctx, year)
    _spend_form(ctx, year)
    if ctx.viewer.role == "director" and ctx.viewer.sees_all:
        _rules_form(ctx)


def _team_names(ctx: PageContext, frame: pl.DataFrame) -> pl.DataFrame:
    label = team_label(ctx)
    ids = frame["team_root"].unique().to_list()
    mapping = {pid: label(pid) for pid in ids}
    return frame.with_columns(
        pl.col("team_root").replace_strict(mapping, return_dtype=pl.String).alias("team")
    )


def _chart(ctx: PageContext, use: pl.DataFrame) -> None:
    top = _team_names(ctx, use.sort("budget", descending=True).head(20))
    budget_label, spent_label = t("team_events.building.budget"), t("team_events.building.spent")
    long = pl.concat(
        [
            top.select(
                "team", pl.col("budget").alias("value"), pl.lit(budget_label).alias("series")
            ),
            top.select("team", pl.col("spent").alias("value"), pl.lit(spent_label).alias("series")),
        ]
    )
    chart(charts.budget_chart(long, budget_label, spent_label, top.height))


def _table(ctx: PageContext, use: pl.DataFrame) -> None:
    named = _team_names(ctx, use)
    cols = {
        "team": t("team_events.team"),
        "budget": t("team_events.building.budget"),
        "spent": t("team_events.building.spent"),
        "remaining": t("team_events.building.left"),
        "used": t("team_events.building.used"),
        "events": t("team_events.building.events"),
    }
    frame = named.select([pl.col(c).alias(label) for c, label in cols.items()])
    config = {
        cols["budget"]: money_column(cols["budget"]),
        cols["spent"]: money_column(cols["spent"]),
        cols["remaining"]: money_column(cols["remaining"]),
        cols["used"]: percent_column(cols["used"]),
    }
    table_with_download(
        frame, "team_building_budgets", "team_events_bd_budgets", column_config=config
    )


def _lines(ctx: PageContext, spend: pl.DataFrame) -> None:
    st.subheader(t("team_events.building.lines"))
    if spend.is_empty():
        st.caption(t("team_events.pack.nothing"))
        return
    named = _team_names(ctx, spend)
    frame = pl.DataFrame(
        [
            {
                t("team_events.date"): r["spent_on"],
                t("team_events.event"): r["title"],
                t("team_events.kind_field"): kind_label(r["kind"]),
                t("team_events.team"): r["team"],
                t("team_events.building.category"): t(f"team_events.category.{r['category']}"),
                t("team_events.building.amount"): money(r["amount"], 2),
                t("team_events.field.note"): r["note"],
            }
            for r in named.sort("spent_on", descending=True).iter_rows(named=True)
        ]
    )
    table_with_download(dates_as_text(frame), "team_building_spend", "team_events_bd_spend")


def _budget_form(ctx: PageContext, year: int) -> None:
    st.subheader(t("team_events.building.set_budget"))
    teams = [
        p for p in team_options(ctx) if ctx.viewer.role == "director" or p != ctx.viewer.person_id
    ]
    if not teams:
        return
    team = st.selectbox(
        t("team_events.team"),
        teams,
        format_func=labels_now(teams, team_label(ctx)),
        key="team_events_bd_team",
    )
    heads = len(team_members(ctx.engine, team))
    per_head = load(ctx.engine).budget_per_head
    current = queries.budgets(ctx.engine, ctx.viewer).filter(
        (pl.col("team_root") == team) & (pl.col("year") == year)
    )
    value = float(current["amount"].item()) if current.height else per_head * heads
    with st.form("team_events_budget"):
        st.caption(t("team_events.building.budget_hint", heads=heads, per_head=money(per_head)))
        amount = st.number_input(
            t("team_events.building.amount"), min_value=0.0, value=value, step=100.0
        )
        if not st.form_submit_button(t("team_events.save")):
            return
    run_action(
        lambda: actions.set_budget(ctx.engine, ctx.viewer, team, year, float(amount), ctx.actor),
        lambda _: t(
            "team_events.building.budget_saved",
            team=team_label(ctx)(team),
            year=year,
            amount=money(amount),
        ),
    )


def _spend_form(ctx: PageContext, year: int) -> None:
    st.subheader(t("team_events.building.record_spend"))
    events = queries.events(ctx.engine, ctx.viewer).filter(
        (pl.col("event_date").dt.year() == year)
        & (pl.col("status") != "cancelled")
        & pl.col("team_root").is_in(list(names(ctx)))
    )
    events = events.sort(
        pl.col("kind").is_in(BUILDING_KINDS).not_(), pl.col("event_date"), descending=[False, True]
    )
    if events.is_empty():
        st.caption(t("team_events.building.no_events", year=year))
        return
    ids = events["event_id"].to_list()[:300]
    with st.form("team_events_spend"):
        event_id = st.selectbox(
            t("team_events.event"), ids, format_func=labels_now(ids, event_label(events, ctx))
        )
        amount = st.number_input(
            t("team_events.building.amount"), min_value=0.0, value=0.0, step=50.0
        )
        category = st.selectbox(
            t("team_events.building.category"),
            list(SPEND_CATEGORIES),
            format_func=labels_now(SPEND_CATEGORIES, lambda c: t(f"team_events.category.{c}")),
        )
        note = st.text_input(t("team_events.field.note"))
        if not st.form_submit_button(t("team_events.building.add_spend"), type="primary"):
            return
    run_action(
        lambda: actions.add_spend(
            ctx.engine, ctx.viewer, int(event_id), float(amount), category, note, ctx.actor
        ),
        lambda _: t("team_events.building.spend_saved", amount=money(amount, 2)),
    )


def _rules_form(ctx: PageContext) -> None:
    rules = load(ctx.engine)
    days = list(range(7))
    with st.expander(t("team_events.rules.title")), st.form("team_events_rules"):
        start = st.text_input(t("team_events.rules.start_time"), value=rules.default_start_time)
        minutes = st.number_input(
            t("team_events.rules.duration"), 15, 24 * 60, rules.default_duration, step=15
        )
        due = st.number_input(t("team_events.rules.due_days"), 1, 90, rules.action_due_days)
        movers = st.number_input(t("team_events.rules.movers"), 1, 10, rules.movers)
        per_head = st.number_input(
            t("team_events.rules.per_head"), 0.0, value=rules.budget_per_head, step=50.0
        )
        report_time = st.text_input(
            t("team_events.rules.report_due_time"), value=rules.report_due_time
        )
        weekly = st.selectbox(
            t("team_events.rules.weekly_report_weekday"),
            days,
            index=rules.weekly_report_weekday,
            format_func=labels_now(days, lambda d: t(f"team_events.weekday.{d}")),
        )
        workdays = st.multiselect(
            t("team_events.rules.workdays"),
            days,
            default=rules.workdays,
            format_func=labels_now(days, lambda d: t(f"team_events.weekday.{d}")),
        )
        levels = st.multiselect(
            t("team_events.rules.report_levels"),
            list(REPORT_LEVELS),
            default=rules.report_levels,
            format_func=labels_now(REPORT_LEVELS, lambda lv: t(f"level.{lv}")),
        )
        if not st.form_submit_button(t("team_events.save")):
            return
    try:
        values = rules.model_copy(
            update={
                "default_start_time": start,
                "default_duration": int(minutes),
                "action_due_days": int(due),
                "movers": int(movers),
                "budget_per_head": float(per_head),
                "report_due_time": report_time,
                "weekly_report_weekday": int(weekly),
                "workdays": list(workdays),
                "report_levels": list(levels),
            }
        )
        values = TeamEventsSettings.model_validate(values.model_dump())
    except ValueError:
        st.error(t("team_events.error.rules_invalid"))
        return
    try:
        actions.save_rules(ctx.engine, ctx.viewer, values, ctx.actor)
    except TeamEventsError as exc:
        st.error(error_text(exc))
        return
    st.success(t("team_events.rules.saved"))
