"""CLI: ``command-center team-events pack|digest`` — documents within the user's scope."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from command_center.i18n import t


def commands() -> list[typer.Typer]:
    """The ``team-events`` group."""
    group = typer.Typer(
        name="team-events",
        help="Team events: review packs and weekly digests.",
        no_args_is_help=True,
    )

    @group.command("pack")
    def pack_command(
        team: Annotated[str, typer.Option(help="The key of the team's leader (E-2031).")],
        month: Annotated[str, typer.Option(help="YYYY-MM")],
        out: Annotated[Path, typer.Argument(help="File to write: .html, .xlsx or .md")],
    ) -> None:
        """Write a team's monthly review pack (HTML, XLSX or Markdown)."""
        from command_center import runtime
        from command_center.cli import current_viewer, fail, id_for_key
        from plugins.team_events.errors import TeamEventsError
        from plugins.team_events.io import documents
        from plugins.team_events.queries import pack

        suffix = out.suffix.lower()
        if suffix not in (".html", ".xlsx", ".md"):
            fail(t("team_events.cli.bad_suffix", suffix=suffix))
        leader = id_for_key("person", team)
        try:
            built = pack.build(
                runtime.engine(), runtime.registry(), current_viewer(), leader, month
            )
        except (TeamEventsError, ValueError) as exc:
            key = getattr(exc, "key", None)
            fail(t(key, **getattr(exc, "params", {})) if key else str(exc))
        if suffix == ".xlsx":
            out.write_bytes(documents.pack_xlsx(built))
        else:
            text = (
                documents.pack_html(built) if suffix == ".html" else documents.pack_markdown(built)
            )
            out.write_text(text, encoding="utf-8")
        typer.echo(t("team_events.cli.written", file=str(out)))

    @group.command("digest")
    def digest_command(
        team: Annotated[str, typer.Option(help="The key of the team's leader (E-2031).")],
        out: Annotated[Path, typer.Argument(help="Markdown file to write")],
        week: Annotated[str | None, typer.Option(help="A day of the week, YYYY-MM-DD")] = None,
    ) -> None:
        """Write a team's weekly digest as Markdown."""
        from command_center import runtime
        from command_center.cli import current_viewer, fail, id_for_key
        from command_center.db import frames
        from plugins.team_events.errors import TeamEventsError
        from plugins.team_events.io import documents
        from plugins.team_events.queries import digest

        leader = id_for_key("person", team)
        try:
            day = dt.date.fromisoformat(week) if week else dt.date.today()
            built = digest.build(runtime.engine(), current_viewer(), leader, day)
        except (TeamEventsError, ValueError) as exc:
            key = getattr(exc, "key", None)
            fail(t(key, **getattr(exc, "params", {})) if key else str(exc))
        people = frames.all_people(runtime.engine())
        name = dict(people.select("person_id", "name").iter_rows()).get(leader, team)
        out.write_text(documents.digest_markdown(built, name), encoding="utf-8")
        typer.echo(t("team_events.cli.written", file=str(out)))

    return [group]
