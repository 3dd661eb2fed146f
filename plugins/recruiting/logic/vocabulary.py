"""The recruiting vocabulary: stages, exits, sources, channels, training kinds.

Codes are stored in the database and in import files; labels come from the
catalogs (``recruiting.stage.<code>`` and so on).
"""

from __future__ import annotations

PLUGIN = "recruiting"

STAGES: tuple[str, ...] = (
    "applied",
    "screened",
    "interview_1",
    "interview_2",
    "interview_3",
    "background_check",
    "offer",
    "hired",
)
EXITS: tuple[str, ...] = ("rejected", "withdrew")
ALL_STAGES: tuple[str, ...] = STAGES + EXITS
TERMINAL: frozenset[str] = frozenset({"hired", *EXITS})
INTERVIEW_ROUND: dict[str, int] = {"interview_1": 1, "interview_2": 2, "interview_3": 3}
ROUNDS: tuple[int, ...] = (1, 2, 3)

SOURCES: tuple[str, ...] = (
    "company_site",
    "job_board",
    "social_media",
    "referral",
    "campus",
    "agency",
)
CHANNELS: tuple[str, ...] = (
    "company_site",
    "job_board",
    "social_media",
    "campus",
    "agency",
    "internal",
)
OPENING_LEVELS: tuple[str, ...] = ("rep", "supervisor", "manager")
# The level a hiring manager must hold for an opening of each level (one up).
MANAGER_LEVEL: dict[str, str] = {
    "rep": "supervisor",
    "supervisor": "manager",
    "manager": "director",
}

SCORES: tuple[str, ...] = (
    "knowledge",
    "selling",
    "communication",
    "teamwork",
    "professionalism",
    "culture_fit",
)
OFFER_STATUSES: tuple[str, ...] = ("pending", "accepted", "declined")

PROGRAM_KINDS: tuple[str, ...] = ("bootcamp", "course", "mentoring")
TRAINER_KINDS: tuple[str, ...] = ("internal_expert", "top_seller", "outside_lecturer")
ENROLMENT_STATUSES: tuple[str, ...] = ("enrolled", "completed", "dropped")
COURSE_TOPICS: tuple[str, ...] = ("culture", "product", "selling", "communication", "service")
NEED_TOPICS: dict[str, str] = {
    "values": "culture",
    "attitude": "culture",
    "satisfaction": "service",
    "complaints_in_time": "service",
}
"""The course topic an appraisal's training need calls for; any other need (a KPI): selling."""


def topic_for(need: str) -> str:
    """The course topic that trains ``need`` (an appraisal training recommendation)."""
    return NEED_TOPICS.get(need, "selling")


MATERIAL_KINDS: tuple[str, ...] = ("video", "document", "link", "text")

DEFAULT_REJECTION_REASONS: tuple[str, ...] = (
    "experience",
    "selling_skill",
    "communication",
    "culture_fit",
    "salary",
    "background",
    "no_show",
    "position_filled",
    "opening_closed",
)

# Roles that may override a culture-fit fail.
OVERRIDE_ROLES: frozenset[str] = frozenset({"manager", "director"})
# Roles that run recruiting (openings, candidates, funnel).
RECRUITER_ROLES: frozenset[str] = frozenset({"supervisor", "manager", "director"})
# Roles that change the company's recruiting settings.
SETTINGS_ROLES: frozenset[str] = frozenset({"director"})


def stage_index(stage: str) -> int:
    """Position of ``stage`` in :data:`STAGES` (exits are not on the ladder)."""
    return STAGES.index(stage)


def sql_in(values: tuple[str, ...]) -> str:
    """``'a','b'`` for a CHECK constraint over ``values``."""
    return ",".join(f"'{v}'" for v in values)
