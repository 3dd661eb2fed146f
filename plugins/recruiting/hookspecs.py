"""The hooks the recruiting plugin declares for other plugins (found by the host's convention).

Implement them with ``@hookimpl(optionalhook=True)`` (recruiting may be
off); ``docs/plugin-hooks.md`` lists them under recruiting, and
``docs/plugin-guide.md`` (section "Extending a module") walks through one.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from command_center.hookspecs import hookspec

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

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


@hookspec
def recruiting_enrol_for_training(
    session: Session, person_id: int, needs: list[str], on: dt.date, actor: str
) -> int:
    """Enrol ``person_id`` in training for ``needs``, in the caller's transaction.

    Called by the appraisal plugin when a leader carries out a training
    recommendation (its closing writes each person's ``needs``: KPI metric
    keys scored low, ``values``, ``ability``, ``attitude``); any plugin may
    call it (``host.call``) once it has checked who may, and any may answer
    (a company's own learning system, say). The recruiting plugin answers
    itself: each need becomes a course topic (``values`` and ``attitude``:
    culture; service KPIs: service; the rest: selling) and the person is
    enrolled in the active course or mentoring program of that topic that
    starts next (else the one that started last); a program they are already
    in is skipped. Return the number of new enrolments (0: nothing fitting or
    nothing new). ``session`` is the caller's open write transaction: write
    through it, audit as ``actor``, never commit; raising undoes the caller's
    whole write.
    """
