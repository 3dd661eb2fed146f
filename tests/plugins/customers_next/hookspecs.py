"""customers' own hook, declared again by its replacement so that extensions keep working."""

from __future__ import annotations

from typing import Any

from command_center.hookspecs import hookspec


@hookspec
def customers_register_grading_rules(kit: Any) -> list[Any]:
    """Grading rules beside the replacement's own (the built-in's contract, kept)."""
