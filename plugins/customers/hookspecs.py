"""The hooks the customers plugin declares for other plugins (found by the host's convention).

Implement them with ``@hookimpl(optionalhook=True)`` (customers may be off);
``docs/plugin-hooks.md`` lists them under customers, and
``docs/plugin-guide.md`` (section "Extending a module") walks through one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from command_center.hookspecs import hookspec

if TYPE_CHECKING:
    from plugins.customers.logic.grading import GradingKit, GradingRule


@hookspec
def customers_register_grading_rules(kit: type[GradingKit]) -> list[GradingRule]:
    """Grading rules beside ABC: how a customer gets grade A, B or C.

    A company picks one rule on the customer settings page (setting
    ``grading``, default ``abc``); the grading page, the customer's record,
    the follow-up cadence (intervals per grade) and the grade metrics then
    use it. Build each rule with ``kit`` (no import of customers needed):
    ``kit.Rule(name, label, describe, grade, reads=…)``:

    - ``name``: the setting's value (lower-case letters, digits and ``_``);
      ``label``: the message key naming the rule (settings select, page);
    - ``grade(facts, ctx)``: the grades, a Polars frame ``customer_id, grade``
      (``grade`` one of ``kit.GRADES``: ``A``, ``B``, ``C``) and optionally
      ``score`` (higher first when customers are ranked within a grade).
      ``facts`` (a LazyFrame) holds every customer to grade once, with
      ``revenue`` in the window (null: none); with ``reads="orders"`` also
      ``lines`` (order lines), ``orders`` (days with an order) and
      ``last_order`` (date, null: none) in the window. ``ctx`` holds
      ``as_of``, ``months`` (the window, a setting) and ``cutoffs`` (the
      company's A/B revenue cut-offs);
    - ``describe(ctx)``: the rule in words, shown on the grading page.

    Rows are ranked A, B, C, then by ``score`` and revenue; the revenue
    shares follow that order. The built-in ``abc`` is defined the same way
    and comes first; a name already taken is refused and recorded against
    the plugin (shown by ``command-center plugins``). A company whose chosen
    rule is not installed is graded by ``abc``, and the grading page says so.
    """
