"""RFM grading: a plugin from outside the core that extends the customers module.

It adds the grading rule ``rfm`` beside ABC: each customer who ordered in the
window scores 1-5 on recency (last order), frequency (days with an order) and
monetary value (revenue) against the others; the sum (3-15) sets the grade:
A from 12, B from 8, else C; a customer without an order in the window is C.
A director picks it on the customer settings page; the grading page, the
customer records and the follow-up cadence then use it.

The rule is given to customers through customers' own hook, never by
importing it (``optionalhook``: with customers off the plugin simply waits).
Hook implementations only; translations come from the layout.
"""

from __future__ import annotations

from typing import Any

from command_center import hookimpl


@hookimpl(optionalhook=True)
def customers_register_grading_rules(kit: Any) -> list[Any]:
    from cc_rfm_grading.logic import grading_rules

    return grading_rules(kit)
