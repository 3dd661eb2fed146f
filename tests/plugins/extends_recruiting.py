"""An outside interview scorecard template for recruiting, through its hook only (nothing
of recruiting imported: everything comes from the hook's ``kit``).

``field_sales``: the six dimensions plus a territory plan and objection handling, with
a guiding question for selling.
"""

from __future__ import annotations

from typing import Any

from command_center import hookimpl


@hookimpl(optionalhook=True)
def recruiting_register_scorecard_templates(kit: Any) -> list[Any]:
    return [
        kit.Template(
            "field_sales",
            "field.template",
            criteria=(
                kit.Criterion("territory_plan", "field.territory", "field.territory_q"),
                kit.Criterion("objections", "field.objections"),
            ),
            questions={"selling": "field.selling_q"},
        )
    ]
