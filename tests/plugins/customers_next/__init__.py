"""customers_next: a replacement of the built-in customers plugin that keeps its data.

``REPLACES = "customers"``: with ``customers`` disabled
(``COMMAND_CENTER_DISABLED_PLUGINS=customers``) the host registers this
package under its own name and gives it customers' data: its migrations
continue customers' track (``customers_0004`` adds a table after the built-in's
``customers_0003``), it reads the follow-ups the built-in wrote, publishes the
same metric key (``followups``) and declares customers' own hook
(``customers_register_grading_rules``), so packages extending customers keep
working. With customers still enabled, the host refuses it and says why.
"""

from __future__ import annotations

from command_center import MetricSpec, hookimpl

REPLACES = "customers"


@hookimpl
def register_metrics() -> list[MetricSpec]:
    from tests.plugins.customers_next.metrics import metric_specs

    return metric_specs()
