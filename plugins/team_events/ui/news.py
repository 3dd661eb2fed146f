"""Page: announcements — inbox with read marks, read tracking and posting for leaders."""

from __future__ import annotations

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.db import frames
from command_center.i18n import labels_now, percent, t
from command_center.ui import chart, page_header, table_with_download
from command_center.ui.widgets import Kpi, kpi_row, ratio
from plugins.team_events import actions, charts, queries
from plugins.team_events.logic import comms
from plugins.team_events.ui.controls import leads, run_action, show_flash, team_options, today
from plugins.team_events.ui.labels import dates_as_text, names, team_label

INBOX_SIZE = 30


def audience_text(row: dict[str, object], leaders: dict[int, str]) -> str:
    if row["audience"] == "force":
        return t("team_events.audience.force")
    if row["audience"] == "region":
        return t("team_events.audience.region_of", region=row["region"])
    return t("team_events.audience.team_of", name=leaders.get(row["team_root"], "?"))  # type: ignore[call-overload]


def _leaders(ctx: PageContext) -> dict[int, str]:
    """Names of team leaders, to say who an announcement was for."""
    people = frames.all_people(ctx.engine).filter(pl.col("level") != "rep")
    return dict(people.select("person_id", "name").iter_rows())


def render(ctx: PageContext) -> None:
    page_header(ctx, "team_events.news.title")
    show_flash()
    rows, members = queries.announcements(ctx.engine, ctx.viewer)
    reads = queries.reads(ctx.engine, ctx.viewer)
    me = ctx.viewer.person_id
    unread = comms.unread(members, reads, me).to_list() if me is not None else []
    stats = comms.read_stats(members, reads)
    total = int(stats["audience_size"].sum()) if stats.height else 0
    kpi_row(
        [
            Kpi(
                t("team_events.news.kpi_unread"),
                float(len(unread)),
                "count",
                higher_is_better=False,
            ),
            Kpi(t("team_events.news.kpi_count"), float(rows.height), "count"),
            Kpi(t("team_events.news.kpi_read_rate"), ratio(stats["read"].sum(), total), "percent"),
        ]
    )
    if leads(ctx):
        inbox, tracking, posting = st.tabs(
            [
                t("team_events.news.inbox"),
                t("team_events.news.tracking"),
                t("team_events.news.post"),
            ]
        )
    else:
        inbox, tracking, posting = st.container(), None, None
    leaders = _leaders(ctx)
    with inbox:
        _inbox(ctx, rows, members, unread, leaders)
    if tracking is not None:
        with tracking:
            _tracking(ctx, rows, members, reads, stats, leaders)
    if posting is not None:
        with posting:
            _post_form(ctx)


def _inbox(
    ctx: PageContext,
    rows: pl.DataFrame,
    members: pl.DataFrame,
    unread: list[int],
    leaders: dict[int, str],
) -> None:
    me = ctx.viewer.person_id
    mine = members.filter(pl.col("person_id") == me)["announcement_id"] if me else pl.Series([])
    addressed = rows.filter(pl.col("announcement_id").is_in(mine.implode()))
    if addressed.is_empty():
        st.info(t("team_events.news.empty"))
        return
    for row in addressed.head(INBOX_SIZE).iter_rows(named=True):
        new = row["announcement_id"] in unread
        flag = f":red[**{t('team_events.news.new')}**] · " if new else ""
        with st.expander(f"{flag}{row['published_on']} · {row['title']}", expanded=new):
            st.caption(
                t(
                    "team_events.news.meta",
                    author=row["author"],
                    audience=audience_text(row, leaders),
                )
            )
            st.markdown(str(row["body"]))
    if not unread:
        st.caption(t("team_events.news.all_read"))
        return
    titles = dict(rows.select("announcement_id", "title").iter_rows())
    with st.form("team_events_mark_read"):
        chosen = st.multiselect(
            t("team_events.news.mark_which"),
            unread,
            default=unread,
            format_func=labels_now(unread, lambda a: titles.get(a, str(a))),
        )
        if not st.form_submit_button(t("team_events.news.mark_read"), type="primary"):
            return
    run_action(
        lambda: actions.mark_read(ctx.engine, ctx.viewer, list(chosen), ctx.actor, today()),
        lambda count: t("team_events.news.marked", count=count),
    )


def _tracking(
    ctx: PageContext,
    rows: pl.DataFrame,
    members: pl.DataFrame,
    reads: pl.DataFrame,
    stats: pl.DataFrame,
    leaders: dict[int, str],
) -> None:
    st.caption(t("team_events.news.tracking_help"))
    joined = rows.join(stats, on="announcement_id", how="inner")
    if joined.is_empty():
        st.info(t("team_events.news.empty"))
        return
    table = pl.DataFrame(
        [
            {
                t("team_events.date"): r["published_on"],
                t("team_events.title_field"): r["title"],
                t("team_events.news.audience"): audience_text(r, leaders),
                t("team_events.news.audience_size"): r["audience_size"],
                t("team_events.news.read"): r["read"],
                t("team_events.news.unread"): r["unread"],
                t("team_events.news.read_rate"): percent(r["read_rate"]),
            }
            for r in joined.iter_rows(named=True)
        ]
    )
    data = joined.head(15).select("title", "read_rate")
    chart(charts.read_rate_chart(data))
    table_with_download(dates_as_text(table), "announcement_reads", "team_events_news_reads")
    ids = joined["announcement_id"].to_list()
    titles = dict(joined.select("announcement_id", "title").iter_rows())
    chosen = st.selectbox(
        t("team_events.news.who_unread"),
        ids,
        format_func=labels_now(ids, lambda a: titles.get(a, str(a))),
        key="team_events_news_pick",
    )
    missing = comms.not_read(members, reads, chosen)
    who = names(ctx)
    people = sorted(who.get(p, str(p)) for p in missing.to_list())
    if people:
        st.markdown(", ".join(people))
    else:
        st.caption(t("team_events.news.everyone_read"))


def _post_form(ctx: PageContext) -> None:
    regions = actions.allowed_regions(ctx.engine, ctx.viewer)
    teams = team_options(ctx)
    audiences = [
        a
        for a, ok in (
            ("team", bool(teams)),
            ("region", bool(regions)),
            ("force", ctx.viewer.role == "director" and ctx.viewer.sees_all),
        )
        if ok
    ]
    if not audiences:
        return
    with st.form("team_events_post"):
        title = st.text_input(t("team_events.title_field"))
        body = st.text_area(t("team_events.news.body"), height=160)
        audience = st.radio(
            t("team_events.news.audience"),
            audiences,
            format_func=labels_now(audiences, lambda a: t(f"team_events.audience.{a}")),
            horizontal=True,
        )
        team = (
            st.selectbox(
                t("team_events.team"), teams, format_func=labels_now(teams, team_label(ctx))
            )
            if teams
            else None
        )
        region = st.selectbox(t("team_events.news.region"), regions) if regions else ""
        if not st.form_submit_button(t("team_events.news.publish"), type="primary"):
            return
    run_action(
        lambda: actions.post(
            ctx.engine,
            ctx.viewer,
            title,
            body,
            audience,
            ctx.actor,
            region=region or "",
            team_root=team,
            today=today(),
        ),
        lambda aid: t("team_events.news.posted", id=aid),
    )
