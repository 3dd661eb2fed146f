"""``cc.team_events``: a team's monthly review pack in the notebook API.

The same builder as the review page and ``command-center team-events pack``
(:func:`plugins.team_events.queries.pack.build`), with the signed-in
``cc.viewer``: a leader gets the packs of the teams they lead or are above.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from command_center.i18n import t
from command_center.keys import UnknownKey, id_of
from plugins.team_events.errors import TeamEventsError
from plugins.team_events.io import documents
from plugins.team_events.queries import pack
from plugins.team_events.settings import load

if TYPE_CHECKING:
    from command_center.notebook import CommandCenter


class TeamEventsNotebook:
    """Review packs in the signed-in viewer's scope."""

    def __init__(self, cc: CommandCenter) -> None:
        self._cc = cc

    def pack(self, team: int | str, month: str) -> pack.Pack:
        """The review pack of ``team`` for ``month`` (``YYYY-MM``): the leader's key as
        files name them (``"E00003"``), or their person id.

        Its frames (``results``, ``members``, ``top_movers``, ``honours``,
        ``next_targets`` …) are the page's tables; the number of movers is
        the plugin's setting, as on the page. A team outside the scope,
        a rep or a month that is not ``YYYY-MM`` raises ``ValueError`` with
        the translated reason.
        """
        cc = self._cc
        if isinstance(team, str):
            try:
                team = id_of(cc.engine, "person", team)
            except UnknownKey as exc:
                raise ValueError(t("keys.unknown_person", key=exc.key)) from None
        try:
            return pack.build(
                cc.engine, cc.registry, cc.viewer, int(team), month, movers=load(cc.engine).movers
            )
        except TeamEventsError as exc:
            raise ValueError(t(exc.key, **exc.params)) from None
        except (ValueError, TypeError):
            raise ValueError(t("team_events.error.month_only", value=month)) from None

    def pack_markdown(self, team: int | str, month: str) -> str:
        """The pack as the Markdown ``command-center team-events pack … x.md`` writes."""
        return documents.pack_markdown(self.pack(team, month))


def helpers(cc: CommandCenter) -> dict[str, object]:
    return {"team_events": TeamEventsNotebook(cc)}
