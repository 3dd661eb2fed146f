"""Page: my report (日报/周报) — one vertical column that works on a phone: the period,
the figures it is pre-filled with, four text boxes, save or submit; a submitted
report with its comments (and an answer box), and my latest reports. Also the
form the Today agenda's report row opens (:func:`agenda_form`), and the pieces the
team's page shows a report with (:func:`show_report`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import fmt_value, labels_now, percent, t
from command_center.org.scope import Viewer
from command_center.periods import Period, containing
from command_center.ui import data_table
from plugins.team_events.actions import reports as report_actions
from plugins.team_events.logic import reports as logic
from plugins.team_events.queries import reports as report_q
from plugins.team_events.settings import load
from plugins.team_events.ui.controls import run_action, show_flash, today

KEY = "team_events_report"
FIELDS: tuple[str, ...] = ("wins", "problems", "help_needed", "plan")
HISTORY = 30


def state_label(state: str | None) -> str:
    return "—" if state is None else t(f"team_events.report.state.{state}")


def render(ctx: PageContext) -> None:
    st.title(t("team_events.report.title"))
    show_flash()
    me = ctx.signed_in_viewer.person_id
    if me is None:
        st.info(t("team_events.error.no_person"))
        return
    grain = st.radio(
        t("team_events.report.grain"),
        list(logic.GRAINS),
        format_func=labels_now(logic.GRAINS, lambda g: t(f"team_events.report.grain_{g}")),
        horizontal=True,
        key=f"{KEY}_grain",
    )
    day = st.date_input(t("team_events.date"), value=today(), max_value=today(), key=f"{KEY}_day")
    period = logic.period_of(str(grain), day if isinstance(day, dt.date) else today())
    _report_of(ctx, me, period.label)
    _history(ctx, me, period)


def _own(ctx: PageContext, me: int, label: str) -> dict[str, Any] | None:
    period = logic.report_period(label)
    mine = report_q.reports(ctx.engine, report_q.own_viewer(ctx.signed_in_viewer, me), period)
    return mine.row(0, named=True) if mine.height else None


def _report_of(ctx: PageContext, me: int, label: str) -> None:
    rules = load(ctx.engine)
    period = logic.report_period(label)
    due = logic.due_at(period, rules.report_due_time, rules.weekly_report_weekday)
    st.caption(t("team_events.report.due", period=period.label, due=due.strftime("%Y-%m-%d %H:%M")))
    row = _own(ctx, me, label)
    if row is not None and row["submitted_at"] is not None:
        show_report(ctx, row, answer=True)
        return
    live = report_q.prefill(
        ctx.engine, ctx.registry, ctx.host, ctx.signed_in_viewer, me, period, rules
    )
    show_figures(ctx, live)
    _form(ctx, label, row, f"{KEY}_form")


def _form(ctx: PageContext, label: str, row: dict[str, Any] | None, key: str) -> None:
    """The four boxes and the two buttons, one under the other."""
    with st.form(f"{key}:{label}"):
        values = {
            name: st.text_area(
                t(f"team_events.report.{name}"),
                value=str((row or {}).get(name) or ""),
                key=f"{key}_{name}:{label}",
                height=100,
            )
            for name in FIELDS
        }
        draft = st.form_submit_button(t("team_events.report.save_draft"), width="stretch")
        send = st.form_submit_button(
            t("team_events.report.submit"), type="primary", width="stretch"
        )
    if not (draft or send):
        return
    text = logic.ReportText(**values)
    run_action(
        lambda: report_actions.save(
            ctx.engine,
            ctx.registry,
            ctx.host,
            ctx.signed_in_viewer,
            label,
            text,
            ctx.actor,
            submit=bool(send),
        ),
        lambda _: t(
            "team_events.report.submitted" if send else "team_events.report.saved", period=label
        ),
    )


def agenda_form(label: str, ctx: PageContext, key: str) -> None:
    """The report form on the Today agenda's report row (the viewer's own report)."""
    me = ctx.signed_in_viewer.person_id
    if me is None:
        return
    rules = load(ctx.engine)
    period = logic.report_period(label)
    live = report_q.prefill(
        ctx.engine, ctx.registry, ctx.host, ctx.signed_in_viewer, me, period, rules
    )
    st.caption(figures_line(ctx, live.get("figures", {})))
    _form(ctx, label, _own(ctx, me, label), key)


def figures_line(ctx: PageContext, figures: dict[str, float]) -> str:
    """ "Visits 3 · Calls 5 · …" of the figures a report holds (unpublished ones: "—")."""
    parts = []
    for key in logic.FIGURES:
        known = key in ctx.registry
        label = t(ctx.registry.spec(key).label if known else f"team_events.report.figure.{key}")
        unit = ctx.registry.spec(key).unit if known else "count"
        value = figures.get(key)
        parts.append(f"{label} {'—' if value is None else fmt_value(value, unit)}")
    return " · ".join(parts)


def show_figures(ctx: PageContext, snapshot: dict[str, Any]) -> None:
    """The figures line and the next workday's agenda of a snapshot (or a live pre-fill)."""
    line = figures_line(ctx, snapshot.get("figures", {}))
    st.markdown(f"**{t('team_events.report.figures')}** · {line}")
    rows = snapshot.get("agenda") or []
    total = int(snapshot.get("agenda_total") or len(rows))
    day = snapshot.get("agenda_day", "")
    with st.expander(t("team_events.report.agenda", day=day, count=total)):
        if not rows:
            st.caption(t("team_events.report.agenda_empty"))
            return
        frame = pl.DataFrame(rows, schema={"kind": pl.String, "due": pl.String, "title": pl.String})
        shown = frame.with_columns(
            pl.col("kind").replace_strict(
                {k: t(f"today.kind.{k}") for k in frame["kind"].unique().to_list()},
                default=pl.col("kind"),
            )
        )
        data_table(
            shown,
            {
                "kind": t("team_events.report.kind"),
                "due": t("team_events.report.when"),
                "title": t("team_events.title_field"),
            },
        )
        if total > len(rows):
            st.caption(t("team_events.report.agenda_more", count=total - len(rows)))


def show_report(ctx: PageContext, row: dict[str, Any], answer: bool = False) -> None:
    """A submitted report: state, figures as submitted, the four texts, who read it and
    the comments; ``answer``: a box to comment (a leader) or reply (the author)."""
    viewer = ctx.signed_in_viewer
    state = logic.state(row["submitted_at"], row["late"], True)
    st.markdown(
        t(
            "team_events.report.sent_at",
            state=state_label(state),
            at=row["submitted_at"].strftime("%Y-%m-%d %H:%M"),
        )
    )
    snap = report_q.snapshots(ctx.engine, viewer, [row["report_id"]]).get(row["report_id"], {})
    show_figures(ctx, snap)
    for name in FIELDS:
        text = str(row.get(name) or "").strip()
        st.markdown(f"**{t(f'team_events.report.{name}')}**")
        st.text(text or "—")
    readers = report_q.reads(ctx.engine, viewer, [row["report_id"]])
    who = report_q.names(ctx.engine, readers["reader_id"].to_list())
    if readers.height:
        st.caption(
            t(
                "team_events.report.read_by",
                count=readers.height,
                names=", ".join(who.get(r, str(r)) for r in readers["reader_id"].to_list()),
            )
        )
    else:
        st.caption(t("team_events.report.unread"))
    notes = report_q.comments(ctx.engine, viewer, [row["report_id"]])
    authors = report_q.names(ctx.engine, [a for a in notes["author_id"].to_list() if a is not None])
    for note in notes.iter_rows(named=True):
        name = authors.get(note["author_id"], note["author"])
        at = note["at"].strftime("%Y-%m-%d %H:%M")
        with st.container(border=True):
            st.caption(t("team_events.report.comment_by", name=name, at=at))
            st.text(note["body"])
    if answer:
        _comment_form(ctx, row)


def _comment_form(ctx: PageContext, row: dict[str, Any]) -> None:
    rid = int(row["report_id"])
    own = row["person_id"] == ctx.signed_in_viewer.person_id
    with st.form(f"{KEY}_comment:{rid}", clear_on_submit=True):
        body = st.text_area(
            t("team_events.report.reply" if own else "team_events.report.comment"),
            key=f"{KEY}_comment_text:{rid}",
            height=80,
        )
        sent = st.form_submit_button(t("team_events.report.send"), width="stretch")
    if not sent:
        return
    run_action(
        lambda: report_actions.comment(ctx.engine, ctx.signed_in_viewer, rid, body, ctx.actor),
        lambda _: t("team_events.report.commented"),
    )


def week_rate_label(period: Period) -> str:
    """The ISO week whose ``report_rate`` the page shows (the period's own, or its day's)."""
    return containing(period.first_day, "week").label


def week_rate(ctx: PageContext, viewer: Viewer, period: Period) -> float | None:
    """``report_rate`` of the viewer's people over the ISO week of ``period`` (so far)."""
    week = containing(period.first_day, "week")
    if "report_rate" not in ctx.registry:
        return None
    facts = ctx.registry.person_values(ctx.engine, viewer, "report_rate", week)
    den = float(facts["den"].sum()) if facts.height else 0.0
    return float(facts["num"].sum()) / den if den else None


def _history(ctx: PageContext, me: int, period: Period) -> None:
    mine = report_q.person_reports(ctx.engine, ctx.signed_in_viewer, me, HISTORY)
    st.subheader(t("team_events.report.history"))
    own = report_q.own_viewer(ctx.signed_in_viewer, me)
    rate = week_rate(ctx, own, period)
    if rate is not None:
        st.caption(
            t("team_events.report.week_rate", week=week_rate_label(period), rate=percent(rate))
        )
    if mine.is_empty():
        st.caption(t("team_events.report.none_yet"))
        return
    notes = report_q.comments(ctx.engine, ctx.signed_in_viewer, mine["report_id"].to_list())
    counts = notes.group_by("report_id").agg(pl.len().alias("comments"))
    shown = (
        mine.join(counts, on="report_id", how="left")
        .with_columns(
            pl.struct("submitted_at", "late")
            .map_elements(
                lambda r: state_label(logic.state(r["submitted_at"], r["late"], True)),
                return_dtype=pl.String,
            )
            .alias("state"),
            pl.col("submitted_at").dt.strftime("%Y-%m-%d %H:%M"),
            pl.col("comments").fill_null(0),
        )
        .select("period", "state", "submitted_at", "comments")
    )
    data_table(
        shown,
        {
            "period": t("team_events.report.period"),
            "state": t("team_events.status_field"),
            "submitted_at": t("team_events.report.submitted_at"),
            "comments": t("team_events.report.comments"),
        },
    )
