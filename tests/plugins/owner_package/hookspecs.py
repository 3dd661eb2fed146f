"""The hooks the test package ``owner_package`` declares, found by convention."""

from __future__ import annotations

from command_center.hookspecs import hookspec


@hookspec
def owner_package_greetings() -> list[str]:
    """Greetings other plugins add."""
