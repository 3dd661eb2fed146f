"""The hooks the recruiting plugin declares for other plugins (found by the host's convention).

Implement them with ``@hookimpl(optionalhook=True)`` (recruiting may be
off); ``docs/plugin-hooks.md`` lists them under recruiting, and
``docs/plugin-guide.md`` (section "Extending a module") walks through one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from command_center.hookspecs import hookspec

if TYPE_CHECKING:
    from plugins.recruiting.logic.scorecards import ScorecardKit, ScorecardTemplate


@hookspec
def recruiting_register_scorecard_templates(kit: type[ScorecardKit]) -> list[ScorecardTemplate]:
    """Interview scorecard templates: what an interviewer rates beside the six dimensions.

    Build each with ``kit`` (no import of recruiting needed):
    ``kit.Template(name, label, criteria=(…), questions={…})``:

    - ``name``: stored on each scorecard and the company's setting
      ``scorecard_template`` (lower-case letters, digits and ``_``);
      ``label``: the message key naming it on the settings page;
    - ``criteria``: ``kit.Criterion(key, label, question="")`` rated 1-5 on
      the card after the six dimensions of ``kit.SCORES`` (which every card
      rates: the funnel and quality figures compare them, and
      ``culture_fit`` gates the next round); ``label`` and ``question`` are
      message keys (the criterion's name, and what to look for);
    - ``questions``: ``{criterion: message key}`` guiding questions for any
      criterion, the six included.

    A director picks the template on the recruiting settings page; the
    scorecard form asks every criterion, the action refuses a card missing
    one (naming it), and the candidate's page shows the template's own
    criteria beside the six. The built-in ``standard`` template is defined
    the same way; a name already taken, or a criterion that is one of the
    six, is refused and recorded against the plugin. A company whose chosen
    template is not installed rates on ``standard``.
    """
