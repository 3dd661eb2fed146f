"""Pure pipeline rules over Polars frames: no Streamlit, no SQL, no I/O.

- :mod:`.stages`: stage model, legal moves, contract states, probabilities, stalled deals;
- :mod:`.analytics`: funnel, conversion, velocity, win rate, lost reasons, forecast;
- :mod:`.service`: milestones (overdue, customer status), the complaint SLA;
- :mod:`.facts`: the metrics' per person and month numerators and denominators.
"""

from plugins.pipeline.logic.analytics import forecast, funnel, lost_reasons, velocity, win_rate
from plugins.pipeline.logic.service import order_progress, sla_rate, with_overdue, with_sla
from plugins.pipeline.logic.stages import (
    Refusal,
    StageModel,
    check_contract,
    check_move,
    contract_after,
    with_probability,
    with_stalled,
)

__all__ = [
    "Refusal",
    "StageModel",
    "check_contract",
    "check_move",
    "contract_after",
    "forecast",
    "funnel",
    "lost_reasons",
    "order_progress",
    "sla_rate",
    "velocity",
    "win_rate",
    "with_overdue",
    "with_probability",
    "with_sla",
    "with_stalled",
]
