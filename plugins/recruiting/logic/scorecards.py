"""Interview scorecard templates: what an interviewer rates, the built-in and the plugins'.

Every scorecard rates the six dimensions of :data:`SCORES` (1-5): the funnel's
and quality's figures compare them across candidates, and ``culture_fit``
gates the next round. A :class:`ScorecardTemplate` adds criteria of its own
(also 1-5, kept on the card with the template's name) and may give each
criterion a guiding question. The built-in ``standard`` template adds none;
other plugins add templates through the hook
``recruiting_register_scorecard_templates`` (``plugins/recruiting/hookspecs.py``),
collected once per plugin host by :func:`installed_templates`; the company
picks one (setting ``scorecard_template``).

Pure: no I/O.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from command_center import extensions
from plugins.recruiting.logic.vocabulary import SCORES

HOOK = "recruiting_register_scorecard_templates"
STANDARD = "standard"
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
LOW, HIGH = 1, 5


@dataclass(frozen=True)
class Criterion:
    """One criterion a template adds: ``key`` (stored), ``label`` and ``question``
    (message keys: its name, and what the interviewer looks for)."""

    key: str
    label: str
    question: str = ""


@dataclass(frozen=True)
class ScorecardTemplate:
    """A scorecard template: the six dimensions plus ``criteria`` of its own.

    ``name`` is stored on each card (and is the company's setting);
    ``label`` the message key naming it; ``questions`` maps criteria (the
    six included) to the message key of a guiding question shown with it.
    """

    name: str
    label: str
    criteria: tuple[Criterion, ...] = ()
    questions: Mapping[str, str] = field(default_factory=dict)
    plugin: str = "recruiting"

    @property
    def keys(self) -> tuple[str, ...]:
        """Every criterion the card rates: the six dimensions, then the template's."""
        return (*SCORES, *(c.key for c in self.criteria))

    def label_of(self, key: str) -> str:
        """The message key naming criterion ``key``."""
        own = {c.key: c.label for c in self.criteria}
        return own.get(key, f"recruiting.score.{key}")

    def question_of(self, key: str) -> str:
        """The message key of ``key``'s guiding question ('' without one)."""
        own = {c.key: c.question for c in self.criteria}
        return self.questions.get(key) or own.get(key, "")

    def split(self, scores: Mapping[str, int]) -> tuple[dict[str, int], dict[str, int]] | str:
        """``(the six, the template's own)`` from a card's ``scores``, or the reason they
        cannot be a card of this template: ``missing:<keys>``, ``unknown:<keys>``, ``range``."""
        missing = [k for k in self.keys if k not in scores]
        if missing:
            return "missing:" + ", ".join(missing)
        unknown = [k for k in scores if k not in self.keys]
        if unknown:
            return "unknown:" + ", ".join(unknown)
        if any(not LOW <= int(scores[k]) <= HIGH for k in self.keys):
            return "range"
        core = {k: int(scores[k]) for k in SCORES}
        own = {c.key: int(scores[c.key]) for c in self.criteria}
        return core, own


class ScorecardKit:
    """What implementations of ``recruiting_register_scorecard_templates`` build with (no
    import of recruiting): ``kit.Template``, ``kit.Criterion`` and ``kit.SCORES``."""

    Template = ScorecardTemplate
    Criterion = Criterion
    SCORES = SCORES


@functools.cache
def builtin_templates() -> dict[str, ScorecardTemplate]:
    """The built-in ``standard`` template: the six dimensions only."""
    return {STANDARD: ScorecardTemplate(STANDARD, "recruiting.template.standard")}


def refusal(found: Any) -> str | None:
    """Why ``found`` (one answer of the hook) cannot be a template, or ``None``."""
    if not isinstance(found, ScorecardTemplate):
        return f"{found!r} is not a kit.Template"
    if not KEY_PATTERN.match(found.name):
        return f"template {found.name!r}: lower-case letters, digits and _ only"
    keys = [c.key for c in found.criteria]
    bad = [k for k in keys if not KEY_PATTERN.match(k)]
    if bad:
        return f"template {found.name!r}: criterion {bad[0]!r}: lower-case letters, digits and _"
    taken = [k for k in keys if k in SCORES] + [k for i, k in enumerate(keys) if k in keys[:i]]
    if taken:
        return f"template {found.name!r}: criterion {taken[0]!r} is rated already"
    return None


installed_templates = extensions.registry(
    HOOK,
    lambda: builtin_templates().values(),
    name=lambda tpl: tpl.name,
    refuse=refusal,
    kit=ScorecardKit,
)
"""``{name: ScorecardTemplate}`` for a host (default: the process's), built-in first."""


def chosen_template(name: str) -> ScorecardTemplate:
    """The template ``name``, or ``standard`` when it is not installed."""
    found = installed_templates()
    return found.get(name, found[STANDARD])


def _scores(stored: object) -> dict[str, int]:
    if isinstance(stored, dict):
        return stored
    return json.loads(stored) if isinstance(stored, str) and stored else {}


def own_labels() -> dict[str, str]:
    """Message keys naming the installed templates' own criteria."""
    return {c.key: c.label for tpl in installed_templates().values() for c in tpl.criteria}


def own_scores(cards: pl.DataFrame) -> pl.DataFrame:
    """``scorecard_id, criterion, score`` of the template's own criteria on ``cards``
    (``extra_scores`` as stored: JSON text, or null)."""
    rows = [
        {"scorecard_id": card_id, "criterion": key, "score": int(score)}
        for card_id, stored in cards.select("scorecard_id", "extra_scores").iter_rows()
        for key, score in _scores(stored).items()
    ]
    schema = {"scorecard_id": pl.Int64, "criterion": pl.String, "score": pl.Int64}
    return pl.DataFrame(rows, schema=schema)
