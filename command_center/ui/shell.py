"""The app shell: sign-in, navigation from core and plugin pages, sidebar filters.

``command_center/app.py`` calls :func:`main` on every rerun. The shell builds
``st.navigation`` once per run from the core's pages and every plugin's
pages (a section per plugin), filtered by the signed-in user's role.

Every run re-reads the signed-in user (:func:`command_center.org.auth.recheck`):
a deactivated user is signed out and a changed role or person applies at once.
A failure anywhere — the shell, a page — is shown as a short message and an
error id (:func:`command_center.errors.show_failure`); only an admin sees the
traceback.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import polars as pl
import streamlit as st

from command_center import i18n, runtime
from command_center.agenda import landing_page
from command_center.context import PageContext
from command_center.db import frames
from command_center.errors import show_failure
from command_center.i18n import t
from command_center.notifications import unread_count
from command_center.org.auth import SignedIn, recheck
from command_center.org.scope import Viewer, scope_for, team_viewer
from command_center.periods import DAY_GRAINS, Grain, Period, containing
from command_center.types import ALL_ROLES, BUSINESS_ROLES, LEADER_ROLES, PageSpec
from command_center.ui import state
from pages import admin, data, home, login, notifications, org, receivables, targets, today


def core_pages() -> list[PageSpec]:
    return [
        PageSpec(
            "home", "home.title", home.render, ALL_ROLES - {"admin"}, ":material/dashboard:", 0
        ),
        PageSpec("today", "today.title", today.render, BUSINESS_ROLES, ":material/today:", 1),
        PageSpec(
            "notifications",
            "notify.title",
            notifications.render,
            BUSINESS_ROLES,
            ":material/notifications:",
            2,
        ),
        PageSpec(
            "org",
            "org.title",
            org.render,
            frozenset({"director", "manager"}),
            ":material/account_tree:",
            80,
        ),
        PageSpec("targets", "targets.title", targets.render, LEADER_ROLES, ":material/flag:", 70),
        PageSpec(
            "receivables",
            "cash.title",
            receivables.render,
            BUSINESS_ROLES,
            ":material/payments:",
            60,
        ),
        PageSpec("data", "data.title", data.render, ALL_ROLES, ":material/swap_vert:", 90),
        PageSpec(
            "admin",
            "admin.title",
            admin.render,
            frozenset({"admin"}),
            ":material/admin_panel_settings:",
            99,
        ),
    ]


def guarded(spec: PageSpec, ctx: PageContext) -> Callable[[], None]:
    """The page's render wrapped so that an exception stays inside this page.

    The user sees a short message and an error id; the trace goes to the
    server log and the Admin page (an admin sees it on the page too).
    """

    def run() -> None:
        try:
            spec.render(ctx)
        except Exception as exc:
            show_failure(
                t("errors.page_failed", page=t(spec.title)),
                exc,
                where=f"page:{spec.key}",
                login=ctx.viewer.login,
                role=ctx.viewer.role,
            )

    run.__name__ = f"page_{spec.key}"
    return run


def viewer_of(signed: SignedIn) -> Viewer:
    people = frames.all_people(runtime.engine())
    edges = dict(people.select("person_id", "manager_id").iter_rows())
    return Viewer(
        signed.login, signed.role, signed.person_id, scope_for(signed.role, signed.person_id, edges)
    )


def _sidebar_language() -> None:
    options = list(i18n.LANGUAGES)
    extra = (
        {}
        if state.widget(state.LANG) in st.session_state
        else {"index": options.index(state.language())}
    )
    st.sidebar.selectbox(
        t("app.language"),
        options,
        format_func=i18n.LANGUAGES.__getitem__,
        key=state.widget(state.LANG),
        on_change=state.copy_widget,
        args=(state.LANG,),
        **extra,
    )


PERIODS_OFFERED: dict[Grain, int] = {"day": 31, "week": 13, "month": 24, "quarter": 8, "year": 3}
"""How many periods of each grain the period filter lists, the latest first."""


def period_choices(grain: Grain, latest: dt.date, today: dt.date) -> list[Period]:
    """The periods the filter lists for ``grain``, newest first: days and weeks up to
    ``today``, months, quarters and years up to the ``latest`` month with sales."""
    last = containing(today if grain in DAY_GRAINS else latest, grain)
    return [last.shift(-i) for i in range(PERIODS_OFFERED[grain])]


def _period_filter(latest: dt.date) -> Period:
    grains: list[Grain] = ["month", "quarter", "year", "week", "day"]
    grain = state.select(
        st.sidebar,
        t("filter.grain"),
        grains,
        state.GRAIN,
        format_func=lambda g: t(f"filter.grain_{g}"),
        default="month",
    )
    periods = period_choices(grain, latest, dt.date.today())
    labels = [p.label for p in periods]
    chosen = state.select(st.sidebar, t("filter.period"), labels, state.PERIOD, default=labels[0])
    return periods[labels.index(chosen)]


def _team_filter(viewer: Viewer) -> int | None:
    if viewer.role not in LEADER_ROLES:
        return None
    people = viewer.filter(frames.all_people(runtime.engine()))
    leaders = people.filter(pl.col("level") != "rep").sort(["level", "name"])
    options: list[int | None] = [None, *leaders["person_id"].to_list()]
    names = dict(leaders.select("person_id", "name").iter_rows())
    levels = dict(leaders.select("person_id", "level").iter_rows())

    def label(pid: int | None) -> str:
        if pid is None:
            return t("filter.team_all")
        return f"{names[pid]} · {t(f'level.{levels[pid]}')}"

    return state.select(
        st.sidebar, t("filter.team"), options, state.TEAM, format_func=label, default=None
    )


def _sidebar_bell(viewer: Viewer) -> None:
    """The signed-in person's unread notifications, counted (one indexed query per run)."""
    if viewer.person_id is None:
        return
    unread = unread_count(runtime.engine(), viewer)
    st.sidebar.caption(t("notify.bell", count=unread) if unread else t("notify.none_unread"))


def _latest_month() -> dt.date:
    sales = frames.all_monthly_sales(runtime.engine())
    latest = sales["month"].max() if not sales.is_empty() else None
    return latest if isinstance(latest, dt.date) else dt.date.today().replace(day=1)


def main() -> None:
    """One run of the app; a failure outside the pages still shows no traceback."""
    i18n.set_language(state.language())
    try:
        _main()
    except Exception as exc:
        signed: SignedIn | None = st.session_state.get(state.SIGNED_IN)
        show_failure(
            t("errors.app_failed"),
            exc,
            where="shell",
            login=signed.login if signed else "",
            role=signed.role if signed else None,
        )


def _current_user() -> SignedIn | None:
    """The signed-in user as the database has it now (signed out if deactivated)."""
    signed: SignedIn | None = st.session_state.get(state.SIGNED_IN)
    if signed is None:
        return None
    current = recheck(runtime.engine(), signed)
    if current is None:
        state.sign_out()
        st.session_state[login.NOTE] = "login_rules.session_ended"
        return None
    if current != signed:
        st.session_state[state.SIGNED_IN] = current
    return current


def _main() -> None:
    engine, host = runtime.engine(), runtime.host()
    behind = runtime.schema_behind()
    if behind:
        st.error(t("app.needs_init", owners=", ".join(behind)))
        st.code("command-center init", language="bash")
        return
    runtime.housekeeping()
    _sidebar_language()
    signed = _current_user()
    if signed is None:
        st.navigation(
            [
                st.Page(
                    login.render, title=t("login.title"), url_path="login", icon=":material/login:"
                )
            ],
            position="hidden",
        ).run()
        return
    viewer = viewer_of(signed)
    st.sidebar.caption(t("app.signed_in_as", login=signed.login, role=t(f"role.{signed.role}")))
    _sidebar_bell(viewer)
    period = _period_filter(_latest_month())
    team = _team_filter(viewer)
    edges = dict(frames.all_people(engine).select("person_id", "manager_id").iter_rows())
    ctx = PageContext(
        engine,
        host,
        runtime.registry(),
        team_viewer(viewer, team, edges),
        viewer,
        period,
        team,
        signed.user_id,
    )
    if st.sidebar.button(t("app.sign_out"), key="sign_out"):
        state.sign_out()
        st.rerun()
    st.navigation(_sections(ctx, signed.role)).run()


def _sections(ctx: PageContext, role: str) -> dict[str, list[Any]]:
    sections: dict[str, list[Any]] = {}
    core = [s for s in core_pages() if role in s.roles]
    first = landing_page(role)  # the page a role lands on leads its section
    core.sort(key=lambda s: (s.key != first, s.order))
    sections[t("app.section_core")] = [_page(s, ctx) for s in core]
    for plugin, spec in ctx.host.collect("register_pages"):
        if role not in spec.roles:
            continue
        title = t(f"{plugin}.section") if i18n.has(f"{plugin}.section") else plugin
        sections.setdefault(title, []).append((spec.order, _page(spec, ctx)))
    for title, entries in sections.items():
        if entries and isinstance(entries[0], tuple):
            sections[title] = [page for _, page in sorted(entries, key=lambda e: e[0])]
    return sections


def _page(spec: PageSpec, ctx: PageContext) -> Any:
    return st.Page(
        guarded(spec, ctx),
        title=t(spec.title),
        url_path=spec.key,
        icon=spec.icon,
        default=spec.key == landing_page(ctx.viewer.role),
    )
