"""A package that declares a hook in its ``hookspecs`` module and implements it itself."""

from __future__ import annotations

from command_center import hookimpl


@hookimpl
def owner_package_greetings() -> list[str]:
    return ["hello"]
