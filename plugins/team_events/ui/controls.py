"""Controls the pages share: running a write, pickers of team and month, downloads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import polars as pl
import streamlit as st

from command_center.context import PageContext
from command_center.i18n import labels_now, language, money, t
from command_center.periods import add_months
from command_center.types import LEADER_ROLES
from command_center.ui.actions import FLASH_KEY
from plugins.team_events.errors import TeamEventsError
from plugins.team_events.queries.teams import team_members
from plugins.team_events.ui.labels import team_label

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


FLASH = FLASH_KEY
"""The core's flash: a form the Today page draws (the report row's) confirms there too."""


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


def small_teams(ctx: PageContext, most: int) -> set[int]:
    """Leaders in scope whose team (subtree, people who left aside) holds at most ``most``
    people: the teams a page that reads every member's rows offers (never the force)."""
    return {root for root in team_options(ctx) if len(team_members(ctx.engine, root)) <= most}


def pick_team(ctx: PageContext, key: str, only: set[int] | None = None) -> int | None:
    """A selectbox of the teams in scope; ``None`` when the viewer leads no team."""
    options = team_options(ctx, only)
    if not options:
        st.info(t("team_events.no_teams"))
        return None
    return st.selectbox(
        t("team_events.team"), options, format_func=labels_now(options, team_label(ctx)), key=key
    )


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


def in_language(lang: str, make: Callable[[], str | bytes]) -> Callable[[], bytes]:
    """A download callable that renders in ``lang`` whenever Streamlit calls it."""

    def run() -> bytes:
        with language(lang):
            out = make()
        return out.encode("utf-8") if isinstance(out, str) else out

    return run
