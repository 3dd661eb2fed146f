"""Page: the events calendar and list, an event's details, attendance and scheduling."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, percent, t
from command_center.periods import month_end
from command_center.ui import chart, data_table, page_header, table_with_download
from command_center.ui.widgets import Kpi, kpi_row
from plugins.team_events import actions, charts, queries
from plugins.team_events.logic import attendance, calendar, recurrence
from plugins.team_events.models import ATTENDANCE, EVENT_KINDS
from plugins.team_events.ui import schedule
from plugins.team_events.ui.controls import leads, pick_month, run_action, show_flash, today
from plugins.team_events.ui.labels import (
    dates_as_text,
    event_label,
    kind_label,
    names,
    status_label,
    team_label,
)


def render(ctx: PageContext) -> None:
    page_header(ctx, "team_events.calendar.title")
    show_flash()
    left, right = st.columns([1, 3])
    with left:
        month = pick_month("team_events_cal_month", today())
    with right:
        kinds = st.multiselect(
            t("team_events.kinds"),
            list(EVENT_KINDS),
            default=list(EVENT_KINDS),
            format_func=labels_now(EVENT_KINDS, kind_label),
            key="team_events_cal_kinds",
        )
    visible = queries.events(ctx.engine, ctx.viewer)
    shown = visible.filter(
        pl.col("event_date").is_between(month, month_end(month)) & pl.col("kind").is_in(kinds)
    )
    invites = queries.invitations(ctx.engine, ctx.viewer, shown["event_id"].to_list())
    _kpis(visible, shown, invites)
    tab_calendar, tab_list = st.tabs(
        [t("team_events.calendar.grid"), t("team_events.calendar.list")]
    )
    with tab_calendar:
        _grid(shown, month)
    with tab_list:
        _list(ctx, shown, invites)
    _detail(ctx, shown)
    if leads(ctx):
        schedule.render(ctx)


def _kpis(visible: pl.DataFrame, shown: pl.DataFrame, invites: pl.DataFrame) -> None:
    live = shown.filter(pl.col("status") != "cancelled")
    meetings = invites.filter(pl.col("kind").is_in(attendance.MEETING_KINDS))
    coming = calendar.upcoming(visible, today(), 14)
    kpi_row(
        [
            Kpi(t("team_events.calendar.kpi_events"), float(live.height), "count"),
            Kpi(
                t("team_events.calendar.kpi_held"),
                float(live.filter(pl.col("status") == "held").height),
                "count",
            ),
            Kpi(t("team_events.calendar.kpi_attendance"), attendance.rate(meetings), "percent"),
            Kpi(t("team_events.calendar.kpi_upcoming"), float(coming.height), "count"),
        ]
    )


def _grid(shown: pl.DataFrame, month: dt.date) -> None:
    live = shown.filter(pl.col("status") != "cancelled")
    grid = calendar.month_grid(live, month)
    weekdays = [t(f"team_events.weekday.{i}") for i in range(7)]
    data = grid.with_columns(
        pl.col("weekday")
        .replace_strict(dict(enumerate(weekdays)), return_dtype=pl.String)
        .alias("wd"),
        pl.when(pl.col("events") > 0)
        .then(pl.format("{} ({})", pl.col("day"), pl.col("events")))
        .otherwise(pl.col("day").cast(pl.String))
        .alias("text"),
        pl.col("date").dt.strftime("%Y-%m-%d").alias("iso"),
    ).drop("kinds")
    chart(charts.month_chart(data, weekdays))
    st.caption(t("team_events.calendar.hint"))


def _list(ctx: PageContext, shown: pl.DataFrame, invites: pl.DataFrame) -> None:
    stats = attendance.per_event(invites) if invites.height else None
    team = team_label(ctx)
    frame = shown
    if stats is not None:
        frame = frame.join(stats.select("event_id", "invited", "rate"), on="event_id", how="left")
    else:
        frame = frame.with_columns(
            pl.lit(None, dtype=pl.UInt32).alias("invited"),
            pl.lit(None, dtype=pl.Float64).alias("rate"),
        )
    rows = [
        {
            t("team_events.date"): r["event_date"],
            t("team_events.time"): r["start_time"],
            t("team_events.kind_field"): kind_label(r["kind"]),
            t("team_events.title_field"): r["title"],
            t("team_events.team"): team(r["team_root"]),
            t("team_events.location"): r["location"],
            t("team_events.status_field"): status_label(r["status"]),
            t("team_events.invited"): r["invited"],
            t("team_events.attendance_rate"): percent(r["rate"]),
        }
        for r in frame.iter_rows(named=True)
    ]
    if not rows:
        st.info(t("team_events.calendar.none"))
        return
    table_with_download(dates_as_text(pl.DataFrame(rows)), "team_events", "team_events_cal_table")


def _detail(ctx: PageContext, shown: pl.DataFrame) -> None:
    if shown.is_empty():
        return
    st.subheader(t("team_events.calendar.detail"))
    ids = shown["event_id"].to_list()
    upcoming = calendar.upcoming(shown, today(), 366)
    default = int(upcoming["event_id"][0]) if upcoming.height else ids[-1]
    chosen = st.selectbox(
        t("team_events.event"),
        ids,
        index=ids.index(default),
        format_func=labels_now(ids, event_label(shown, ctx)),
        key="team_events_cal_event",
    )
    row = shown.filter(pl.col("event_id") == chosen).row(0, named=True)
    _facts(ctx, row)
    invites = queries.invitations(ctx.engine, ctx.viewer, [chosen])
    who = names(ctx)
    table = pl.DataFrame(
        [
            {
                t("team_events.person"): who.get(pid, str(pid)),
                t("team_events.attendance"): t(f"team_events.attendance_status.{status}"),
            }
            for pid, status in invites.select("person_id", "attendance")
            .sort("person_id")
            .iter_rows()
        ]
    )
    if table.height:
        data_table(table)
    manages = leads(ctx) and ctx.viewer.can_see(row["team_root"])
    if manages and row["status"] != "cancelled" and row["event_date"] <= today() and invites.height:
        _attendance_form(ctx, row, invites)
    if manages and row["status"] == "scheduled" and row["event_date"] >= today():
        _cancel_form(ctx, row)


def _facts(ctx: PageContext, row: dict[str, object]) -> None:
    rule = ""
    found = queries.series_of(ctx.engine, ctx.viewer, int(row["event_id"]))  # type: ignore[call-overload]
    if found is not None:
        key, params = recurrence.describe(
            found["recurrence"],
            found["every"],
            found["first_date"],
            recurrence.parse_weekdays(str(found["weekdays"] or "")),
        )
        if "weekday" in params:
            params["weekday"] = t(f"team_events.weekday.{int(params['weekday']) - 1}")
        if "days" in params:
            days: list[int] = params["days"]  # type: ignore[assignment]
            params["days"] = ", ".join(t(f"team_events.weekday.{d}") for d in days)
        rule = t(key, **params)
    st.markdown(
        t(
            "team_events.calendar.facts",
            kind=kind_label(str(row["kind"])),
            date=str(row["event_date"]),
            time=row["start_time"],
            minutes=row["duration_minutes"],
            location=row["location"] or "—",
            status=status_label(str(row["status"])),
        )
    )
    if rule:
        st.caption(rule)
    if row["agenda"]:
        st.markdown(f"**{t('team_events.field.agenda')}**")
        st.text(str(row["agenda"]))


def _attendance_form(ctx: PageContext, row: dict[str, object], invites: pl.DataFrame) -> None:
    who = names(ctx)
    people = invites["person_id"].sort().to_list()
    current = dict(invites.select("person_id", "attendance").iter_rows())
    recorded = any(s != "invited" for s in current.values())
    label = labels_now(people, lambda p: who.get(p, str(p)))
    with st.form(f"team_events_att_{row['event_id']}"):
        st.markdown(f"**{t('team_events.calendar.record_attendance')}**")
        present = st.multiselect(
            t("team_events.attendance_status.present"),
            people,
            default=[p for p in people if current[p] == "present" or not recorded],
            format_func=label,
        )
        late = st.multiselect(
            t("team_events.attendance_status.late"),
            people,
            default=[p for p in people if current[p] == "late"],
            format_func=label,
        )
        excused = st.multiselect(
            t("team_events.attendance_status.excused"),
            people,
            default=[p for p in people if current[p] == "excused"],
            format_func=label,
        )
        st.caption(t("team_events.calendar.absent_rest"))
        if not st.form_submit_button(t("team_events.save")):
            return
    statuses = {p: "absent" for p in people}
    statuses.update({p: "present" for p in present})
    statuses.update({p: "late" for p in late})
    statuses.update({p: "excused" for p in excused})
    assert set(statuses.values()) <= set(ATTENDANCE)
    run_action(
        lambda: actions.record_attendance(
            ctx.engine,
            ctx.viewer,
            int(row["event_id"]),
            statuses,
            ctx.actor,
            today(),  # type: ignore[call-overload]
        ),
        lambda changed: t("team_events.calendar.attendance_saved", count=changed),
    )


def _cancel_form(ctx: PageContext, row: dict[str, object]) -> None:
    with st.form(f"team_events_cancel_{row['event_id']}"):
        rest = st.checkbox(t("team_events.calendar.cancel_rest"), disabled=row["series_id"] is None)
        if not st.form_submit_button(t("team_events.calendar.cancel")):
            return
    run_action(
        lambda: actions.cancel(
            ctx.engine,
            ctx.viewer,
            int(row["event_id"]),
            ctx.actor,
            rest,
            today(),  # type: ignore[call-overload]
        ),
        lambda ids: t("team_events.calendar.cancelled", count=len(ids)),
    )
