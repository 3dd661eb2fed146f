"""Pure Polars logic of the appraisal plugin: no Streamlit, no SQL, no I/O.

- :mod:`.cycle`: the state machine;
- :mod:`.scoring`: contract checks, scoring rules, KPI / results / values / final scores;
- :mod:`.calibration`: the 271 guideline, outliers, the grid, results applied;
- :mod:`.progress`: live pace per person and per team;
- :mod:`.overrides`: contract lines whose target departs from the core target.
"""

from plugins.appraisal.logic.calibration import (
    GRIDS,
    apply_results,
    distribution,
    forced_ratings,
    grid_expr,
    guideline_counts,
    outliers,
    rating_mix,
    team_table,
    training_needs,
)
from plugins.appraisal.logic.cycle import (
    KINDS,
    STAGES,
    STATES,
    Refusal,
    check_move,
    next_state,
    previous_state,
    stage_counts,
    stage_share,
    stage_shares,
)
from plugins.appraisal.logic.overrides import is_override, overrides
from plugins.appraisal.logic.progress import (
    elapsed_share,
    per_person,
    person_progress,
    team_progress,
    team_scores,
)
from plugins.appraisal.logic.scoring import (
    LINE_SCHEMA,
    RULES,
    Line,
    attainment_expr,
    check_lines,
    finalize_annual,
    finalize_monthly,
    kpi_scores,
    rating_expr,
    score_lines,
    value_scores_from_json,
    values_mean,
    weight_mix,
    weight_totals,
)
from plugins.appraisal.logic.steps import parse_steps

__all__ = [
    "GRIDS",
    "KINDS",
    "LINE_SCHEMA",
    "RULES",
    "STAGES",
    "STATES",
    "Line",
    "Refusal",
    "apply_results",
    "attainment_expr",
    "check_lines",
    "check_move",
    "distribution",
    "elapsed_share",
    "finalize_annual",
    "finalize_monthly",
    "forced_ratings",
    "grid_expr",
    "guideline_counts",
    "is_override",
    "kpi_scores",
    "next_state",
    "outliers",
    "overrides",
    "parse_steps",
    "per_person",
    "person_progress",
    "previous_state",
    "rating_expr",
    "rating_mix",
    "score_lines",
    "stage_counts",
    "stage_share",
    "stage_shares",
    "team_progress",
    "team_scores",
    "team_table",
    "training_needs",
    "value_scores_from_json",
    "values_mean",
    "weight_mix",
    "weight_totals",
]
