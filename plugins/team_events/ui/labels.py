"""Words on the pages: people's and teams' names, kinds and statuses, events, dates."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from command_center.context import PageContext
from command_center.db import frames
from command_center.i18n import t


def names(ctx: PageContext) -> dict[int, str]:
    people = ctx.people()
    return dict(people.select("person_id", "name").iter_rows())


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


def dates_as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Date columns as ``YYYY-MM-DD`` text, so tables never show a midnight time."""
    dates = [name for name, dtype in frame.schema.items() if dtype == pl.Date]
    return frame.with_columns(pl.col(dates).dt.strftime("%Y-%m-%d")) if dates else frame
