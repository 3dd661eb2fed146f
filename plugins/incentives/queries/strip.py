"""The incentives plugin's card above a person's agenda: the running month's estimated
commission and the revenue that reaches the next tier (the ``today_cards`` hook)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from command_center.agenda import TodayCard
from command_center.i18n import money, t
from command_center.metrics import MetricRegistry
from command_center.org.scope import Viewer
from plugins.incentives.queries.estimate import running_estimate

ORDER = 40
"""After the activity, the attainment and the rank."""


def today_cards(
    engine: Engine, registry: MetricRegistry, viewer: Viewer, day: dt.date
) -> list[TodayCard]:
    assert viewer.person_id is not None
    found = running_estimate(engine, registry, viewer.person_id, day)
    label = t("incentives.today.estimate", month=f"{day:%Y-%m}")
    if found is None:
        return [TodayCard("estimate", label, "—", t("incentives.today.no_plan"), order=ORDER)]
    if found.next_tier is not None:
        detail = t("incentives.today.next_tier", amount=money(found.next_tier))
    else:
        detail = t("incentives.today.top_tier" if found.tiered else "incentives.today.no_tiers")
    return [TodayCard("estimate", label, money(found.payout), detail, order=ORDER)]
