"""The metric the contests plugin publishes: podium finishes per person and month."""

from __future__ import annotations

from cc_sales_contests.queries import podium_facts
from command_center import MetricSpec


def metric_specs() -> list[MetricSpec]:
    return [MetricSpec("contest_podiums", "contests.podiums", "count", podium_facts)]
