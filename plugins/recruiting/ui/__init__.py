"""The recruiting pages (Streamlit only here)."""

from __future__ import annotations

from command_center import BUSINESS_ROLES, PageSpec
from plugins.recruiting.logic.vocabulary import RECRUITER_ROLES, SETTINGS_ROLES
from plugins.recruiting.ui import (
    candidate,
    candidates,
    courses,
    funnel,
    learning,
    openings,
    settings_page,
    training,
)


def pages() -> list[PageSpec]:
    """The recruiting pages, in sidebar order."""
    return [
        PageSpec(
            "recruiting-openings",
            "recruiting.openings.title",
            openings.render,
            RECRUITER_ROLES,
            ":material/work:",
            10,
        ),
        PageSpec(
            "recruiting-candidates",
            "recruiting.candidates.title",
            candidates.render,
            RECRUITER_ROLES,
            ":material/group_add:",
            11,
        ),
        PageSpec(
            "recruiting-candidate",
            "recruiting.file.title",
            candidate.render,
            RECRUITER_ROLES,
            ":material/badge:",
            12,
        ),
        PageSpec(
            "recruiting-funnel",
            "recruiting.funnel.title",
            funnel.render,
            RECRUITER_ROLES,
            ":material/filter_alt:",
            13,
        ),
        PageSpec(
            "recruiting-training",
            "recruiting.training.title",
            training.render,
            RECRUITER_ROLES,
            ":material/school:",
            14,
        ),
        PageSpec(
            "recruiting-learning",
            "recruiting.learning.title",
            learning.render,
            BUSINESS_ROLES,
            ":material/menu_book:",
            15,
        ),
        PageSpec(
            "recruiting-courses",
            "recruiting.courses.title",
            courses.render,
            RECRUITER_ROLES,
            ":material/library_books:",
            16,
        ),
        PageSpec(
            "recruiting-settings",
            "recruiting.settings.title",
            settings_page.render,
            SETTINGS_ROLES,
            ":material/tune:",
            19,
        ),
    ]
