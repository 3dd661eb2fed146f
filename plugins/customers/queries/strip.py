"""The customers plugin's cards above a person's agenda: today's visits, calls and new
customers against the day's targets (the ``today_cards`` hook)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from command_center.agenda import TodayCard
from command_center.i18n import number, t
from command_center.org.scope import Viewer
from command_center.periods import containing
from plugins.customers.logic.daily_targets import STRIP_METRICS, DayCount, day_counts
from plugins.customers.metrics import activity_values
from plugins.customers.queries import daily

ORDER = 10
"""Activity comes first on the strip."""


def day_activity(engine: Engine, viewer: Viewer, day: dt.date) -> list[DayCount]:
    """The person's (``viewer.person_id``) :data:`STRIP_METRICS` on ``day`` and the
    day's targets, reading their own rows only."""
    assert viewer.person_id is not None
    person = viewer.person_id
    own = Viewer(viewer.login, viewer.role, person, frozenset({person}))
    period = containing(day, "day")
    done = activity_values(engine, own, period)
    goals = daily.person_targets_of(engine, person, period.label, STRIP_METRICS)
    return day_counts(done, goals, person, STRIP_METRICS)


def today_cards(engine: Engine, viewer: Viewer, day: dt.date) -> list[TodayCard]:
    cards = []
    for i, count in enumerate(day_activity(engine, viewer, day)):
        if count.target is None:
            value, detail = number(count.done), t("customers.today.no_target")
        else:
            value = t(
                "customers.today.done_of", done=number(count.done), target=number(count.target)
            )
            detail = t("customers.today.daily_target")
        cards.append(
            TodayCard(f"activity_{count.metric}", t(f"customers.metric.{count.metric}"), value,
                      detail, order=ORDER + i)
        )  # fmt: skip
    return cards
