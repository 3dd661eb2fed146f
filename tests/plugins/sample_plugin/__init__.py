"""A test plugin that implements every hook the core offers.

It keeps a tiny table of "visits" (with its own Alembic branch), publishes a
``sample_visits`` metric, an import and an export kind, a page, a home card,
a CLI command, demo data and translations, and counts ``on_startup`` calls.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import streamlit as st
import typer
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from command_center import (
    AgendaItem,
    Column,
    DemoContext,
    ExportKind,
    HomeCard,
    ImportKind,
    MetricQuery,
    MetricSpec,
    PageSpec,
    PanelSpec,
    RowError,
    hookimpl,
)
from command_center.agenda import TodayCard
from command_center.db.frames import read_frame
from command_center.db.models import Person
from command_center.hookspecs import hookspec
from command_center.i18n import t
from command_center.org.scope import Viewer
from tests.plugins.sample_plugin.models import SampleVisit

STARTUPS: list[str] = []


def _visits(engine: Engine) -> pl.DataFrame:
    return read_frame(
        engine,
        select(SampleVisit.visit_id, SampleVisit.person_id, SampleVisit.visit_date),
        {"visit_id": pl.Int64(), "person_id": pl.Int64(), "visit_date": pl.Date()},
    )


def _metric(q: MetricQuery) -> pl.DataFrame:
    return (
        _visits(q.engine)
        .with_columns(pl.col("visit_date").dt.truncate("1mo").alias("month"))
        .group_by("person_id", "month")
        .agg(pl.len().cast(pl.Float64).alias("num"))
        .with_columns(pl.lit(1.0).alias("den"))
    )


def _page(ctx: object) -> None:
    st.header(t("sample.page_title"))
    st.write(t("sample.visits", count=_visits(ctx.engine).height))  # type: ignore[attr-defined]


def _card(ctx: object) -> None:
    st.write(t("sample.card_text"))


def _check(session: Session, frame: pl.DataFrame) -> list[RowError]:
    named = frame["person_id"].drop_nulls().unique().to_list()
    known = set(session.scalars(select(Person.person_id).where(Person.person_id.in_(named))))
    unknown = [
        RowError(row, "person_id", f"unknown person {person_id}")
        for row, person_id in frame.select("_row", "person_id").iter_rows()
        if person_id is not None and person_id not in known
    ]
    return unknown + [
        RowError(row, "note", "must not say 'bad'")
        for row, note in frame.select("_row", "note").iter_rows()
        if note == "bad"
    ]


def _apply(session: Session, frame: pl.DataFrame) -> int:
    for visit_id, person_id, visit_date, note in frame.select(
        "visit_id", "person_id", "visit_date", "note"
    ).iter_rows():
        session.merge(
            SampleVisit(
                visit_id=visit_id, person_id=person_id, visit_date=visit_date, note=note or ""
            )
        )
    return frame.height


def _export(engine: Engine, viewer: Viewer) -> pl.DataFrame:
    return viewer.filter(_visits(engine))


@hookimpl
def register_pages() -> list[PageSpec]:
    return [PageSpec("sample-visits", "sample.page_title", _page)]


@hookimpl
def register_metrics() -> list[MetricSpec]:
    return [MetricSpec("sample_visits", "sample.metric", "count", _metric)]


@hookimpl
def register_tables() -> list[type]:
    return [SampleVisit]


@hookimpl
def register_migrations() -> list[Path]:
    return [Path(__file__).parent / "migrations"]


@hookimpl
def register_importers() -> list[ImportKind]:
    columns = (
        Column("visit_id", "int"),
        Column("person_id", "int"),
        Column("visit_date", "date"),
        Column("note", "str", required=False, max_length=200),
    )
    return [ImportKind("sample_visits", columns, ("visit_id",), _apply, _check)]


@hookimpl
def register_exporters() -> list[ExportKind]:
    return [ExportKind("sample_visits", _export)]


@hookimpl
def register_translations() -> dict[str, dict[str, str]]:
    return {
        "en": {
            "sample.section": "Sample",
            "sample.page_title": "Sample visits",
            "sample.metric": "Sample visits",
            "sample.visits": "{count} visits",
            "sample.card": "Sample card",
            "sample.card_text": "Hello from the sample plugin",
        },
        "zh_CN": {
            "sample.section": "示例",
            "sample.page_title": "示例拜访",
            "sample.metric": "示例拜访",
            "sample.visits": "{count} 次拜访",
            "sample.card": "示例卡片",
            "sample.card_text": "来自示例插件的问候",
        },
        "zh_TW": {
            "sample.section": "範例",
            "sample.page_title": "範例拜訪",
            "sample.metric": "範例拜訪",
            "sample.visits": "{count} 次拜訪",
            "sample.card": "範例卡片",
            "sample.card_text": "來自範例外掛程式的問候",
        },
    }


class _Notebook:
    """``cc.sample`` in the notebook API."""

    def __init__(self, cc: object) -> None:
        self._cc = cc

    def visits(self) -> pl.DataFrame:
        return _export(self._cc.engine, self._cc.viewer)  # type: ignore[attr-defined]


@hookimpl
def register_notebook(cc: object) -> dict[str, object]:
    return {"sample": _Notebook(cc)}


@hookimpl
def register_home_cards() -> list[HomeCard]:
    return [HomeCard("sample-card", "sample.card", _card)]


@hookimpl
def register_panels() -> list[PanelSpec]:
    return [PanelSpec("customer", "sample-panel", "sample.card", _panel)]


def _panel(ctx: object, customer_id: int) -> None:
    st.write(t("sample.panel_text", customer=customer_id))


@hookimpl
def register_cli() -> list[typer.Typer]:
    commands = typer.Typer()

    @commands.command("sample-hello")
    def hello(name: str = "world") -> None:
        """Say hello (sample plugin)."""
        typer.echo(f"hello {name}")

    return [commands]


@hookimpl
def seed_demo(ctx: DemoContext) -> None:
    from command_center.db.engine import write_session

    reps = ctx.people.filter(pl.col("level") == "rep")["person_id"].to_list()
    with write_session(ctx.engine) as session:
        for visit_id, person_id in enumerate(reps[:20], start=1):
            session.add(
                SampleVisit(
                    visit_id=visit_id, person_id=person_id, visit_date=ctx.months[-1], note="demo"
                )
            )


@hookimpl
def today_agenda(engine: Engine, viewer: Viewer, day: dt.date) -> list[AgendaItem]:
    query = select(SampleVisit.visit_id, SampleVisit.person_id).where(SampleVisit.visit_date == day)
    if viewer.person_ids is not None:
        query = query.where(SampleVisit.person_id.in_(sorted(viewer.person_ids)))
    rows = read_frame(engine, query, {"visit_id": pl.Int64(), "person_id": pl.Int64()})
    return [
        AgendaItem("visit", day, pid, t("sample.card"), f"sample:{vid}")
        for vid, pid in rows.iter_rows()
    ]


@hookimpl
def today_cards(engine: Engine, viewer: Viewer, day: dt.date) -> list[TodayCard]:
    """The person's sample visits of the day (no card on a day without any)."""
    query = select(SampleVisit.visit_id).where(
        SampleVisit.visit_date == day, SampleVisit.person_id == viewer.person_id
    )
    count = read_frame(engine, query, {"visit_id": pl.Int64()}).height
    return [TodayCard("sample_visits", t("sample.card"), str(count))] if count else []


@hookimpl
def person_leaving(
    session: Session, person_id: int, handover_id: int | None, effective: dt.date, actor: str
) -> int:
    """The leaver's sample visits after the day they left go to the colleague (or away)."""
    later = list(
        session.scalars(
            select(SampleVisit).where(
                SampleVisit.person_id == person_id, SampleVisit.visit_date > effective
            )
        )
    )
    for visit in later:
        if handover_id is None:
            session.delete(visit)
        else:
            visit.person_id = handover_id
    return len(later)


@hookimpl
def on_startup(engine: Engine) -> None:
    STARTUPS.append(str(engine.url))


class SampleHooks:
    """The sample plugin's own hook, for other plugins to implement."""

    @hookspec
    def sample_visit_kinds(self) -> list[str]:
        """Kinds of visit other plugins add to the sample plugin."""


@hookimpl
def register_hookspecs() -> object:
    return SampleHooks
