"""Helpers every page of the plugin shares (Streamlit only in ``ui/``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.db import frames
from command_center.i18n import labels_now, language, money, t
from command_center.periods import add_months
from command_center.types import LEADER_ROLES
from plugins.team_events.actions import TeamEventsError
from plugins.team_events.models import MEETING_KINDS

KEY = "team_events"


def today() -> dt.date:
    return dt.date.today()


def error_text(exc: TeamEventsError) -> str:
    """The refusal in the active language (keys in parameters translated, money formatted)."""
    params: dict[str, Any] = {}
    for name, value in exc.params.items():
        if isinstance(value, str) and value.startswith("team_events."):
            params[name] = t(value)
        elif isinstance(value, float):
            params[name] = money(value, 2)
        else:
            params[name] = value
    return t(exc.key, **params)


FLASH = "team_events_flash"


def run_action(action: Callable[[], Any], success: Callable[[Any], str]) -> bool:
    """Run a write; on success rerun the page and say what changed, else say why not."""
    try:
        result = action()
    except TeamEventsError as exc:
        st.error(error_text(exc))
        return False
    st.session_state[FLASH] = success(result)
    st.rerun()
    return True  # pragma: no cover - st.rerun() does not return


def show_flash() -> None:
    """The confirmation of the last write (kept across the rerun that follows it)."""
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message)


def leads(ctx: PageContext) -> bool:
    return ctx.viewer.role in LEADER_ROLES


def names(ctx: PageContext) -> dict[int, str]:
    people = ctx.people()
    return dict(people.select("person_id", "name").iter_rows())


def team_options(ctx: PageContext, only: set[int] | None = None) -> list[int]:
    """Leaders in scope (each one's subtree is a team), the viewer's own team first.

    ``only`` keeps just those leaders (say, the teams that hold meetings).
    """
    people = ctx.people().filter(pl.col("level") != "rep")
    if only is not None:
        people = people.filter(pl.col("person_id").is_in(sorted(only)))
    order = {"director": 0, "manager": 1, "supervisor": 2}
    ranked = people.with_columns(
        pl.col("level").replace_strict(order, default=3, return_dtype=pl.Int64).alias("_rank")
    ).sort("_rank", "name")
    ids = ranked["person_id"].to_list()
    preferred = ctx.team_root if ctx.team_root in ids else ctx.viewer.person_id
    if preferred in ids:
        ids.remove(preferred)
        ids.insert(0, preferred)
    return ids


def team_label(ctx: PageContext) -> Callable[[int], str]:
    """ "Team of 张伟 (Supervisor)"; leaders outside the scope are named too (a rep's
    supervisor, say): a team's name is its leader's, never a rep's row."""
    people = frames.all_people(ctx.engine).filter(pl.col("level") != "rep")
    info = {
        pid: (name, level)
        for pid, name, level in people.select("person_id", "name", "level").iter_rows()
    }

    def label(pid: int) -> str:
        name, level = info.get(pid, (str(pid), "rep"))
        return t("team_events.team_of", name=name, level=t(f"level.{level}"))

    return label


def pick_team(ctx: PageContext, key: str, only: set[int] | None = None) -> int | None:
    """A selectbox of the teams in scope; ``None`` when the viewer leads no team."""
    options = team_options(ctx, only)
    if not options:
        st.info(t("team_events.no_teams"))
        return None
    return st.selectbox(
        t("team_events.team"), options, format_func=labels_now(options, team_label(ctx)), key=key
    )


def kind_label(kind: str) -> str:
    return t(f"team_events.kind.{kind}")


def status_label(status: str) -> str:
    return t(f"team_events.status.{status}")


def event_label(events: pl.DataFrame, ctx: PageContext) -> Callable[[int], str]:
    """ "2026-11-09 09:00 · 张伟组周例会 · Team of 张伟 (Supervisor)" for an event id."""
    team = team_label(ctx)
    rows = {
        r["event_id"]: f"{r['event_date'].isoformat()} {r['start_time']} · {r['title']}"
        f" · {team(r['team_root'])}"
        for r in events.iter_rows(named=True)
    }
    return lambda event_id: rows.get(event_id, str(event_id))


def month_options(center: dt.date, back: int = 12, ahead: int = 6) -> list[dt.date]:
    first = center.replace(day=1)
    return [add_months(first, i) for i in range(-back, ahead + 1)]


def pick_month(key: str, default: dt.date, back: int = 12, ahead: int = 6) -> dt.date:
    options = month_options(today(), back, ahead)
    wanted = default.replace(day=1)
    index = options.index(wanted) if wanted in options else back
    return st.selectbox(
        t("team_events.month"),
        options,
        index=index,
        format_func=labels_now(options, lambda m: m.strftime("%Y-%m")),
        key=key,
    )


def nearest_meeting(meetings: pl.DataFrame, day: dt.date) -> int | None:
    """The meeting to open by default: the latest one up to ``day``, else the next one."""
    if meetings.is_empty():
        return None
    past = meetings.filter(pl.col("event_date") <= day)
    if past.height:
        return int(past.sort("event_date", "start_time", "event_id")["event_id"][-1])
    return int(meetings.sort("event_date", "start_time", "event_id")["event_id"][0])


def meetings_only(events: pl.DataFrame) -> pl.DataFrame:
    return events.filter(pl.col("kind").is_in(MEETING_KINDS))


def in_language(lang: str, make: Callable[[], str | bytes]) -> Callable[[], bytes]:
    """A download callable that renders in ``lang`` whenever Streamlit calls it."""

    def run() -> bytes:
        with language(lang):
            out = make()
        return out.encode("utf-8") if isinstance(out, str) else out

    return run


def dates_as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Date columns as ``YYYY-MM-DD`` text, so tables never show a midnight time."""
    dates = [name for name, dtype in frame.schema.items() if dtype == pl.Date]
    return frame.with_columns(pl.col(dates).dt.strftime("%Y-%m-%d")) if dates else frame
