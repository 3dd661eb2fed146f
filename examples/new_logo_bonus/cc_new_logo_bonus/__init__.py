"""New-logo bonus: a plugin from outside the core that extends the incentives module.

It adds the plan component ``{name: NAME, type: new_logo, amount: NUMBER}``:
that amount for every customer whose first-ever order falls in the plan's
period, credited to the person who booked that order. The count comes from
the metric ``new_logos`` it publishes to the registry; the component type is
given to incentives through incentives' own hook, never by importing it.

Hook implementations only, each forwarding to its room; translations come
from the layout. ``optionalhook``: with incentives off (or absent) the metric
still works and the component type waits.
"""

from __future__ import annotations

from typing import Any

from command_center import MetricSpec, hookimpl


@hookimpl
def register_metrics() -> list[MetricSpec]:
    from cc_new_logo_bonus.metrics import metric_specs

    return metric_specs()


@hookimpl(optionalhook=True)
def incentives_register_components(kit: Any) -> list[Any]:
    from cc_new_logo_bonus.logic import component_types

    return component_types(kit)
