"""The metric the plugin publishes: customers won per person and month."""

from __future__ import annotations

from cc_new_logo_bonus.queries import new_logo_facts
from command_center import MetricSpec

METRIC = "new_logos"


def metric_specs() -> list[MetricSpec]:
    return [
        MetricSpec(
            METRIC,
            "new_logo.metric",
            "count",
            new_logo_facts,
            description="new_logo.metric_help",
            tables=("orders",),
        )
    ]
