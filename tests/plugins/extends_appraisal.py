"""An outside KPI scoring rule for appraisal, through its hook only (nothing of appraisal
imported: everything comes from the hook's ``kit``).

``binary``: all or nothing, ``ceiling`` x 100 points when the target is reached
(attainment >= 100 %), else 0; the ceiling must be at least 1.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from command_center import hookimpl


def points(lines: pl.DataFrame) -> pl.DataFrame:
    reached = pl.col("attainment") >= 1.0 - 1e-9
    return lines.select(
        "line_id", pl.when(reached).then(pl.col("ceiling") * 100).otherwise(0.0).alias("points")
    )


@hookimpl(optionalhook=True)
def appraisal_register_scoring_rules(kit: Any) -> list[Any]:
    def check(line: Any) -> Any:
        if line.ceiling < 1:
            return kit.Refusal("binary.bad_ceiling", {"metric": line.metric})
        return None

    return [
        kit.Rule(
            "binary",
            "binary.label",
            points,
            uses=frozenset({"ceiling"}),
            check=check,
            describe=lambda line: f"= {line.ceiling:.0%}",
        )
    ]
