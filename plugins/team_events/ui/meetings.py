"""Page: a meeting's minutes and action items, with last meetings' open items carried over."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, t
from command_center.ui import page_header, table_with_download
from command_center.ui.widgets import Kpi, kpi_row
from plugins.team_events import actions, queries
from plugins.team_events.logic import attendance, items
from plugins.team_events.logic.calendar import meetings_only, nearest_meeting, teams_by_last_meeting
from plugins.team_events.models import ACTION_STATUSES
from plugins.team_events.queries.teams import team_members
from plugins.team_events.settings import load
from plugins.team_events.ui import daily
from plugins.team_events.ui.controls import leads, run_action, show_flash, today
from plugins.team_events.ui.labels import dates_as_text, event_label, names, team_label


def render(ctx: PageContext) -> None:
    page_header(ctx, "team_events.meetings.title")
    show_flash()
    meetings = meetings_only(queries.events(ctx.engine, ctx.viewer)).filter(
        pl.col("status") != "cancelled"
    )
    if meetings.is_empty():
        st.info(t("team_events.meetings.none"))
        return
    teams = teams_by_last_meeting(meetings)
    own = ctx.team_root if ctx.team_root in teams else ctx.viewer.person_id
    if own in teams:
        teams.remove(own)
        teams.insert(0, own)
    team = st.selectbox(
        t("team_events.team"),
        teams,
        format_func=labels_now(teams, team_label(ctx)),
        key="team_events_mt_team",
    )
    meetings = meetings.filter(pl.col("team_root") == team)
    ids = meetings.sort("event_date", "start_time", "event_id")["event_id"].to_list()
    default = nearest_meeting(meetings, today())
    chosen = st.selectbox(
        t("team_events.meetings.pick"),
        ids,
        index=ids.index(default) if default in ids else len(ids) - 1,
        format_func=labels_now(ids, event_label(meetings, ctx)),
        key="team_events_mt_pick",
    )
    row = meetings.filter(pl.col("event_id") == chosen).row(0, named=True)
    team_acts = queries.actions(ctx.engine, ctx.viewer).filter(
        pl.col("team_root") == row["team_root"]
    )
    carried = items.carried_over(team_acts, row["team_root"], row["event_date"], chosen)
    raised = items.raised_at(team_acts, chosen)
    counts = items.carry_counts(
        team_acts, meetings.filter(pl.col("team_root") == row["team_root"]), today()
    )
    invites = queries.invitations(ctx.engine, ctx.viewer, [chosen])
    kpi_row(
        [
            Kpi(
                t("team_events.meetings.kpi_carried"),
                float(carried.filter(pl.col("status").is_in(items.OPEN_STATUSES)).height),
                "count",
            ),
            Kpi(t("team_events.meetings.kpi_raised"), float(raised.height), "count"),
            Kpi(
                t("team_events.meetings.kpi_overdue"),
                float(items.overdue(team_acts, today()).height),
                "count",
                higher_is_better=False,
            ),
            Kpi(t("team_events.meetings.kpi_attendance"), attendance.rate(invites), "percent"),
        ]
    )
    manages = leads(ctx) and ctx.viewer.can_see(row["team_root"])
    if row["kind"] == "kickoff":
        daily.kickoff_panel(ctx, row, manages)
    elif row["kind"] == "evening_review":
        daily.review_panel(ctx, row)
    st.subheader(t("team_events.meetings.carried"))
    st.caption(t("team_events.meetings.carried_help"))
    _action_table(ctx, carried, counts, f"carried_{chosen}")
    st.subheader(t("team_events.meetings.raised"))
    _action_table(ctx, raised, counts, f"raised_{chosen}")
    editable = pl.concat([carried, raised]).filter(pl.col("status").is_in(items.OPEN_STATUSES))
    if not leads(ctx):
        editable = editable.filter(pl.col("owner_id") == ctx.viewer.person_id)
    left, right = st.columns(2)
    if editable.height:
        with left:
            update_form(ctx, editable, f"mt_{chosen}", event_id=chosen, can_move=manages)
    if manages:
        with right:
            _add_form(ctx, row)
    _minutes(ctx, row, manages)


def _minutes(ctx: PageContext, row: dict[str, object], manages: bool) -> None:
    st.subheader(t("team_events.meetings.minutes"))
    fields = ("agenda", "notes", "decisions")
    if not manages:
        for name in fields:
            st.markdown(f"**{t(f'team_events.field.{name}')}**")
            st.text(str(row[name]) or "—")
        return
    with st.form(f"team_events_minutes_{row['event_id']}"):
        values = {
            name: st.text_area(t(f"team_events.field.{name}"), value=str(row[name]), height=120)
            for name in fields
        }
        if not st.form_submit_button(t("team_events.meetings.save_minutes")):
            return
    run_action(
        lambda: actions.save_minutes(
            ctx.engine,
            ctx.viewer,
            int(row["event_id"]),  # type: ignore[call-overload]
            ctx.actor,
            values["agenda"],
            values["notes"],
            values["decisions"],
            today(),
        ),
        lambda _: t("team_events.meetings.minutes_saved"),
    )


def action_rows(ctx: PageContext, frame: pl.DataFrame, counts: pl.DataFrame | None) -> pl.DataFrame:
    """Action items with translated headers, owner names and days overdue."""
    who = names(ctx)
    if counts is not None:
        frame = frame.join(counts, on="action_id", how="left")
    else:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Int64).alias("carried"))
    late = dict(items.overdue(frame, today()).select("action_id", "days_overdue").iter_rows())
    rows = pl.DataFrame(
        [
            {
                "#": r["action_id"],
                t("team_events.action.title"): r["title"],
                t("team_events.action.owner"): who.get(r["owner_id"], str(r["owner_id"])),
                t("team_events.action.raised_on"): r["origin_date"],
                t("team_events.action.due"): r["due_date"],
                t("team_events.action.status"): t(f"team_events.action_status.{r['status']}"),
                t("team_events.action.closed_on"): r["closed_on"],
                t("team_events.action.carried"): r["carried"],
                t("team_events.action.days_overdue"): late.get(r["action_id"]),
            }
            for r in frame.iter_rows(named=True)
        ]
    )
    return dates_as_text(rows)


def _action_table(ctx: PageContext, frame: pl.DataFrame, counts: pl.DataFrame, key: str) -> None:
    if frame.is_empty():
        st.caption(t("team_events.meetings.no_actions"))
        return
    table_with_download(action_rows(ctx, frame, counts), "action_items", f"team_events_{key}")


def update_form(
    ctx: PageContext, editable: pl.DataFrame, key: str, event_id: int | None, can_move: bool
) -> None:
    """Change one item's status (and due date, for leaders), optionally at a meeting."""
    who = names(ctx)
    labels = {
        r["action_id"]: f"#{r['action_id']} {r['title']} · {who.get(r['owner_id'], '')}"
        for r in editable.iter_rows(named=True)
    }
    ids = list(labels)
    with st.form(f"team_events_update_{key}"):
        st.markdown(f"**{t('team_events.action.update')}**")
        action_id = st.selectbox(
            t("team_events.action.item"), ids, format_func=labels_now(ids, labels.__getitem__)
        )
        status = st.selectbox(
            t("team_events.action.status"),
            list(ACTION_STATUSES),
            index=2,
            format_func=labels_now(ACTION_STATUSES, lambda s: t(f"team_events.action_status.{s}")),
        )
        note = st.text_input(t("team_events.field.note"))
        due = st.date_input(t("team_events.action.new_due"), value=None) if can_move else None
        if not st.form_submit_button(t("team_events.save")):
            return
    run_action(
        lambda: actions.update_action(
            ctx.engine,
            ctx.viewer,
            int(action_id),
            status,
            ctx.actor,
            note=note,
            event_id=event_id,
            due_date=due,  # type: ignore[arg-type]
            today=today(),
        ),
        lambda _: t(
            "team_events.action.updated",
            item=labels[action_id],
            status=t(f"team_events.action_status.{status}"),
        ),
    )


def _add_form(ctx: PageContext, row: dict[str, object]) -> None:
    who = names(ctx)
    members = sorted(p for p in team_members(ctx.engine, int(row["team_root"])) if p in who)  # type: ignore[call-overload]
    days = load(ctx.engine).action_due_days
    meeting_day: dt.date = row["event_date"]  # type: ignore[assignment]
    with st.form(f"team_events_add_action_{row['event_id']}"):
        st.markdown(f"**{t('team_events.action.add')}**")
        title = st.text_input(t("team_events.action.title"))
        owner = st.selectbox(
            t("team_events.action.owner"),
            members,
            format_func=labels_now(members, lambda p: who.get(p, str(p))),
        )
        due = st.date_input(
            t("team_events.action.due"), value=meeting_day + dt.timedelta(days=days)
        )
        if not st.form_submit_button(t("team_events.action.add_submit"), type="primary"):
            return
    run_action(
        lambda: actions.add_action(
            ctx.engine,
            ctx.viewer,
            int(row["event_id"]),  # type: ignore[call-overload]
            int(owner),
            title,
            due,  # type: ignore[arg-type]
            ctx.actor,
            today(),
        ),
        lambda action_id: t("team_events.action.added", id=action_id, owner=who.get(owner, "")),
    )
