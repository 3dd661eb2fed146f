"""The hooks the team events plugin declares for other plugins (found by the host's convention).

Implement them with ``@hookimpl(optionalhook=True)`` (team events may be
off); ``docs/plugin-hooks.md`` lists them under team_events, and
``docs/plugin-guide.md`` (section "Extending a module") walks through one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from command_center.hookspecs import hookspec

if TYPE_CHECKING:
    from plugins.team_events.logic.sections import PackSection, SectionKit


@hookspec
def team_events_register_sections(kit: type[SectionKit]) -> list[PackSection]:
    """Sections of the monthly review pack, after the built-in ones.

    Build each with ``kit`` (no import of team_events needed):
    ``kit.Section(key, title, content, gather=…, sheet=…, sheet_title=…)``:

    - ``key``: its name (lower-case letters, digits and ``_``; not a built-in's);
      ``title``: the message key of its heading, formatted with ``month``,
      ``next_month`` and ``team``;
    - ``gather(inputs)``: the figures it needs, read while the pack is built:
      ``inputs.person_values(metric)`` (a registry metric per person of the
      team, ``person_id, num, den, value``), ``inputs.engine``,
      ``inputs.registry``, ``inputs.team`` (the viewer narrowed to the team:
      pass it to every read), ``inputs.people``, ``inputs.period`` (the
      month), ``inputs.today``;
    - ``content(pack, data)``: its blocks in the active language, each a
      table (a Polars frame with translated headers and formatted values) or
      a paragraph (a string); ``data`` is what ``gather`` returned, ``pack``
      the built pack (``pack.month``, ``pack.team_name``, ``pack.results``, …);
    - ``sheet(pack, data)``: its XLSX sheet with numbers as numbers (default:
      its first table), titled ``sheet_title`` (a message key).

    The section appears on the review page and in the HTML, Markdown and XLSX
    documents (the CLI's ``team-events pack`` and ``cc.team_events.pack``
    too). The built-in sections are defined the same way. A section whose
    ``gather``, ``content`` or ``sheet`` raises is left out of that pack and
    the error recorded against its plugin (``command-center plugins``).
    """
