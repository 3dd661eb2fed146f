"""Today: a person's agenda for the day, in time order, one tap to act on a row.

Reps and supervisors land here; directors and managers open it for anyone in
their scope (the person picker). Above the agenda, the strip: today's activity
against daily targets, the month's attainment, the rank in the team and the
estimated commission (``command_center.agenda.strip``: the core's cards and the
plugins' ``today_cards``). The rows come from the plugins through
``command_center.agenda.gather``; a row's button opens the form its plugin
provides (``AgendaItem.render_action``), which writes through that plugin's
own action. Widgets and layout only.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from command_center import agenda
from command_center.context import PageContext
from command_center.db import frames
from command_center.i18n import date, labels_now, t
from command_center.org.tree import children_map, subtree
from command_center.types import LEADER_ROLES, AgendaItem
from command_center.ui.actions import show_flash

MAX_SHOWN = 200
"""Rows drawn on the page; the caption says how many more the day holds."""
STRIP_COLUMNS = 3
"""Cards per row of the strip above the agenda."""
TEAM_AT_ONCE = 40
"""A leader's day shows their team's rows too when the team has at most this many
people (a supervisor's group); a bigger team's rows are one switch away, so a
director's or a manager's day opens on their own rows, not the force's."""
PERSON_KEY = "today_person"
TEAM_KEY = "today_team"
DAY_KEY = "today_day"
KINDS_KEY = "today_kinds"
OPEN_KEY = "today_open"
ICONS: dict[str, str] = {
    "followup": ":material/call:",
    "visit": ":material/directions_walk:",
    "pool_release": ":material/warning:",
    "milestone": ":material/flag:",
    "action_item": ":material/task_alt:",
    "meeting": ":material/groups:",
    "appraisal": ":material/assignment_ind:",
    "report": ":material/edit_note:",
    "receivable": ":material/payments:",
}


def render(ctx: PageContext) -> None:
    st.title(t("today.title"))
    show_flash()
    viewer = ctx.signed_in_viewer
    people = frames.people(ctx.engine, viewer)
    names: dict[int, str] = dict(people.select("person_id", "name").iter_rows())
    if viewer.person_id is None or viewer.person_id not in names:
        st.info(t("today.no_person"))
        return
    person = _person_picker(ctx, names)
    day = st.date_input(t("today.date"), value=dt.date.today(), key=DAY_KEY)
    day = day if isinstance(day, dt.date) else dt.date.today()
    edges = dict(frames.all_people(ctx.engine).select("person_id", "manager_id").iter_rows())
    scope = agenda.person_viewer(viewer, person, edges, _with_team(person, edges))
    st.caption(t("today.whose", name=names.get(person, str(person)), day=date(day)))
    _strip(agenda.strip(ctx.host, ctx.engine, ctx.registry, scope, day))
    items = agenda.gather(ctx.host, ctx.engine, scope, day)
    if not items:
        st.success(t("today.nothing"))
        return
    _summary(items, day)
    shown = _kind_filter(items)
    for item in shown[:MAX_SHOWN]:
        _row(ctx, item, day, names, person)
    if len(shown) > MAX_SHOWN:
        st.caption(t("today.more", count=len(shown) - MAX_SHOWN))


def _strip(cards: list[agenda.TodayCard]) -> None:
    """The cards in rows of :data:`STRIP_COLUMNS` (a phone stacks them)."""
    for start in range(0, len(cards), STRIP_COLUMNS):
        row = cards[start : start + STRIP_COLUMNS]
        for column, card in zip(st.columns(STRIP_COLUMNS), row, strict=False):
            with column.container(border=True):
                st.metric(card.label, card.value)
                if card.detail:
                    st.caption(card.detail)


def _person_picker(ctx: PageContext, names: dict[int, str]) -> int:
    """Whose day: a leader picks anyone in scope (themselves first); others see their own."""
    me = ctx.signed_in_viewer.person_id
    assert me is not None
    if ctx.signed_in_viewer.role not in LEADER_ROLES or len(names) == 1:
        return me
    others = sorted((pid for pid in names if pid != me), key=lambda pid: (names[pid], pid))
    options = [me, *others]
    chosen = st.selectbox(
        t("today.person"),
        options,
        format_func=labels_now(options, lambda pid: names.get(pid, str(pid))),
        key=PERSON_KEY,
    )
    return int(chosen) if chosen is not None else me


def _with_team(person: int, edges: dict[int, int | None]) -> bool:
    """Whether the day shows the team's rows beside the person's own: a switch for a
    leader, on at first for a team of up to :data:`TEAM_AT_ONCE` people."""
    team = len(subtree(person, children_map(edges.items())))
    if team <= 1:
        return False
    return st.toggle(
        t("today.with_team", count=team - 1),
        value=team <= TEAM_AT_ONCE,
        key=f"{TEAM_KEY}:{person}",
    )


def _summary(items: list[AgendaItem], day: dt.date) -> None:
    parts = [f"{t(f'today.kind.{kind}')} {count}" for kind, count in agenda.counts(items).items()]
    late = agenda.overdue(items, day)
    line = " · ".join(parts)
    if late:
        line += " · " + t("today.overdue_count", count=late)
    st.markdown(line)


def _kind_filter(items: list[AgendaItem]) -> list[AgendaItem]:
    kinds = list(agenda.counts(items))
    if len(kinds) < 2:
        return items
    chosen = st.pills(
        t("today.show"),
        kinds,
        selection_mode="multi",
        format_func=labels_now(kinds, lambda k: t(f"today.kind.{k}")),
        key=KINDS_KEY,
    )
    return [item for item in items if item.kind in chosen] if chosen else items


def _when(item: AgendaItem, day: dt.date) -> str:
    """``09:30`` for a time on the day; otherwise the day it is (was) due."""
    at_time = isinstance(item.due, dt.datetime)
    due_day = item.due.date() if isinstance(item.due, dt.datetime) else item.due
    if due_day == day:
        return item.due.strftime("%H:%M") if at_time else t("today.due_today")
    if due_day < day:
        return t("today.overdue_since", day=date(due_day))
    return t("today.due_on", day=date(due_day))


def _row(
    ctx: PageContext, item: AgendaItem, day: dt.date, names: dict[int, str], person: int
) -> None:
    with st.container(border=True):
        text, button = st.columns([5, 1], vertical_alignment="center")
        who = (
            f" · {names.get(item.person_id, str(item.person_id))}"
            if item.person_id is not None and item.person_id != person
            else ""
        )
        text.markdown(f"{ICONS.get(item.kind, '')} **{_when(item, day)}** · {item.title}")
        text.caption(f"{t(f'today.kind.{item.kind}')}{who}")
        if item.render_action is None:
            return
        opened = st.session_state.get(OPEN_KEY) == item.key
        label = t("today.close") if opened else (item.action_label or t("today.log"))
        if button.button(label, key=f"today_btn_{item.key}", width="stretch"):
            st.session_state[OPEN_KEY] = None if opened else item.key
            st.rerun()
        if opened:
            item.render_action(ctx, f"today_{item.key}")
