"""Page: the monthly review pack of a team — on screen and as HTML, XLSX or Markdown."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import get_language, labels_now, t
from command_center.periods import add_months
from command_center.ui import chart, data_table, page_header
from command_center.ui.widgets import Kpi, kpi_delta, kpi_row
from plugins.team_events import charts
from plugins.team_events.errors import TeamEventsError
from plugins.team_events.io import documents
from plugins.team_events.queries import pack
from plugins.team_events.settings import load
from plugins.team_events.ui.controls import error_text, in_language, pick_team, today

KPI_KEYS = ("revenue", "profit", "attainment", "growth", "new_customers", "win_rate")


def default_month(ctx: PageContext) -> dt.date:
    """The sidebar's month, else the last full month."""
    if ctx.period.grain == "month":
        return ctx.period.start
    return add_months(today().replace(day=1), -1)


def render(ctx: PageContext) -> None:
    page_header(ctx, "team_events.review.title")
    left, right = st.columns(2)
    with left:
        team = pick_team(ctx, "team_events_rv_team")
    if team is None:
        return
    first = today().replace(day=1)
    months = [add_months(first, -i) for i in range(0, 25)]
    wanted = default_month(ctx)
    with right:
        month = st.selectbox(
            t("team_events.month"),
            months,
            index=months.index(wanted) if wanted in months else 1,
            format_func=labels_now(months, lambda m: m.strftime("%Y-%m")),
            key="team_events_rv_month",
        )
    try:
        built = pack.build(
            ctx.engine,
            ctx.registry,
            ctx.viewer,
            team,
            month.strftime("%Y-%m"),
            movers=load(ctx.engine).movers,
            today=today(),
        )
    except TeamEventsError as exc:
        st.warning(error_text(exc))
        return
    show(built)


def show(built: pack.Pack) -> None:
    """The pack on screen, in the order of the meeting, with its downloads."""
    st.header(documents.title(built))
    st.caption(documents.subtitle(built))
    _downloads(built)
    _kpis(built)
    st.subheader(t("team_events.pack.results"))
    _table(documents.results_frame(built))
    st.subheader(t("team_events.pack.members"))
    _members_chart(built)
    _table(documents.members_frame(built))
    up, down = st.columns(2)
    with up:
        st.subheader(t("team_events.pack.top_movers"))
        _table(documents.movers_frame(built.top_movers))
    with down:
        st.subheader(t("team_events.pack.bottom_movers"))
        _table(documents.movers_frame(built.bottom_movers))
    st.subheader(t("team_events.pack.honours"))
    _honours(built)
    st.subheader(t("team_events.pack.next_targets", month=built.next_month))
    _table(documents.next_targets_frame(built))
    people = documents.person_targets_frame(built)
    if people.height:
        with st.expander(t("team_events.pack.person_targets")):
            config = {
                c: st.column_config.NumberColumn(c, format="localized") for c in people.columns[1:]
            }
            data_table(people, column_config=config)
    st.subheader(t("team_events.pack.meetings"))
    for line in documents.meetings_lines(built):
        st.markdown(f"- {line}")
    for _, heading, blocks in documents.section_blocks(built, builtins=False):
        st.subheader(heading)
        for block in blocks:
            if isinstance(block, str):
                st.markdown(documents.md(block))
            else:
                _table(block)


def _table(frame: pl.DataFrame) -> None:
    if frame.is_empty():
        st.caption(t("team_events.pack.nothing"))
    else:
        data_table(frame)


def _kpis(built: pack.Pack) -> None:
    cards = []
    for key in KPI_KEYS:
        row = built.result(key)
        if row is None or row["value"] is None:
            continue
        unit = str(row["unit"])
        delta = kpi_delta(row["value"], unit, row["target"], row["previous"])  # type: ignore[arg-type]
        cards.append(
            Kpi(t(str(row["label"])), row["value"], unit, delta, bool(row["higher_is_better"]))
        )  # type: ignore[arg-type]
    if cards:
        kpi_row(cards)


def _members_chart(built: pack.Pack) -> None:
    data = built.members.filter(pl.col("revenue").is_not_null() | pl.col("target").is_not_null())
    if data.is_empty():
        return
    revenue, target = t("metric.revenue"), t("team_events.pack.target")
    long = pl.concat(
        [
            data.select("name", pl.col("revenue").alias("value"), pl.lit(revenue).alias("series")),
            data.select("name", pl.col("target").alias("value"), pl.lit(target).alias("series")),
        ]
    ).drop_nulls("value")
    chart(charts.members_chart(long, revenue, target))


def _honours(built: pack.Pack) -> None:
    note = {
        "published": "team_events.pack.honours_published",
        "computed": "team_events.pack.honours_computed",
        "none": "team_events.pack.honours_none",
    }[built.honours_source]
    st.caption(t(note))
    frame = documents.honours_frame(built)
    if frame.is_empty():
        return
    columns = st.columns(min(4, frame.height))
    for index, (honour, name, figure) in enumerate(frame.iter_rows()):
        with columns[index % len(columns)].container(border=True):
            card = f"🏆 **{honour}**  \n{name} · {figure}"
            st.markdown(card)


def _downloads(built: pack.Pack) -> None:
    lang = get_language()
    stem = f"review_{built.team_root}_{built.month}"
    html, xlsx, md = st.columns(3)
    html.download_button(
        t("team_events.pack.download_html"),
        in_language(lang, lambda: documents.pack_html(built)),
        file_name=f"{stem}.html",
        mime="text/html",
        key="team_events_rv_html",
        on_click="ignore",
    )
    xlsx.download_button(
        t("team_events.pack.download_xlsx"),
        in_language(lang, lambda: documents.pack_xlsx(built)),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="team_events_rv_xlsx",
        on_click="ignore",
    )
    md.download_button(
        t("team_events.pack.download_md"),
        in_language(lang, lambda: documents.pack_markdown(built)),
        file_name=f"{stem}.md",
        mime="text/markdown",
        key="team_events_rv_md",
        on_click="ignore",
    )
