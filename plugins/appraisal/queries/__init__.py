"""Reads: SQLAlchemy selects -> Polars frames, every one scoped by a :class:`Viewer`.

- :mod:`.cycles`: the cycles a viewer sees;
- :mod:`.records`: records, KPI lines, templates, talks, improvement actions, history
  and the results export;
- :mod:`.live`: KPI lines against live figures from the metric registry.
"""

from plugins.appraisal.queries.cycles import (
    CycleInfo,
    all_cycles,
    cycle_info,
    cycles,
    find_cycle,
    names,
)
from plugins.appraisal.queries.records import (
    actions,
    history,
    kpi_lines,
    own_records,
    read_results,
    records,
    reviews_to_do,
    talks,
    templates,
)

__all__ = [
    "CycleInfo",
    "actions",
    "all_cycles",
    "cycle_info",
    "cycles",
    "find_cycle",
    "history",
    "kpi_lines",
    "names",
    "own_records",
    "read_results",
    "records",
    "reviews_to_do",
    "talks",
    "templates",
]
