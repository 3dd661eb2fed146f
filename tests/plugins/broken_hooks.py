"""A plugin whose hooks raise, and whose page raises while rendering."""

from __future__ import annotations

from command_center import MetricSpec, PageSpec, hookimpl


def _explode(ctx: object) -> None:
    raise RuntimeError("this page is broken on purpose")


@hookimpl
def register_pages() -> list[PageSpec]:
    return [PageSpec("broken-page", "broken.page", _explode)]


@hookimpl
def register_metrics() -> list[MetricSpec]:
    raise RuntimeError("register_metrics is broken on purpose")


@hookimpl
def register_home_cards() -> list[object]:
    raise RuntimeError("register_home_cards is broken on purpose")
