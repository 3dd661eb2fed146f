"""The appraisal pages: ``pages()`` lists them; each page's ``render`` lives in its module."""

from __future__ import annotations

from typing import Any

from command_center.types import BUSINESS_ROLES, LEADER_ROLES, PageSpec

APPRAISED = frozenset({"manager", "supervisor", "rep"})


def _page(module: str) -> Any:
    """The ``render`` of ``ui/<module>.py``, imported when the page runs."""

    def render(ctx: Any) -> None:
        from importlib import import_module

        import_module(f"plugins.appraisal.ui.{module}").render(ctx)

    return render


def pages() -> list[PageSpec]:
    return [
        PageSpec(
            "appraisal-mine",
            "appraisal.mine.title",
            _page("mine"),
            APPRAISED,
            ":material/person_check:",
            10,
        ),
        PageSpec(
            "appraisal-cycles",
            "appraisal.cycles.title",
            _page("cycles"),
            LEADER_ROLES,
            ":material/event_repeat:",
            20,
        ),
        PageSpec(
            "appraisal-contracts",
            "appraisal.contracts.title",
            _page("contracts"),
            LEADER_ROLES,
            ":material/contract:",
            30,
        ),
        PageSpec(
            "appraisal-progress",
            "appraisal.progress.title",
            _page("progress"),
            LEADER_ROLES,
            ":material/monitoring:",
            40,
        ),
        PageSpec(
            "appraisal-reviews",
            "appraisal.reviews.title",
            _page("reviews"),
            LEADER_ROLES,
            ":material/rate_review:",
            50,
        ),
        PageSpec(
            "appraisal-calibration",
            "appraisal.calibration.title",
            _page("calibration"),
            LEADER_ROLES,
            ":material/balance:",
            60,
        ),
        PageSpec(
            "appraisal-results",
            "appraisal.results.title",
            _page("results"),
            BUSINESS_ROLES,
            ":material/workspace_premium:",
            70,
        ),
        PageSpec(
            "appraisal-policy",
            "appraisal.policy.title",
            _page("policy"),
            frozenset({"director"}),
            ":material/tune:",
            80,
        ),
    ]
