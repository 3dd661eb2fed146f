"""The plugin's pages (Streamlit only in this package); home cards in :mod:`.cards`."""

from __future__ import annotations

from command_center.types import BUSINESS_ROLES, LEADER_ROLES, PageSpec


def pages() -> list[PageSpec]:
    from plugins.team_events.ui import (
        action_items,
        board,
        building,
        calendar,
        digest,
        meetings,
        news,
        report,
        reports,
        review,
    )

    return [
        PageSpec(
            "team-report",
            "team_events.report.title",
            report.render,
            BUSINESS_ROLES,
            ":material/edit_note:",
            4,
        ),
        PageSpec(
            "team-reports",
            "team_events.reports.title",
            reports.render,
            LEADER_ROLES,
            ":material/inbox:",
            6,
        ),
        PageSpec(
            "team-board",
            "team_events.board.title",
            board.render,
            LEADER_ROLES,
            ":material/dashboard:",
            8,
        ),
        PageSpec(
            "team-events",
            "team_events.calendar.title",
            calendar.render,
            BUSINESS_ROLES,
            ":material/calendar_month:",
            10,
        ),
        PageSpec(
            "team-meetings",
            "team_events.meetings.title",
            meetings.render,
            BUSINESS_ROLES,
            ":material/groups:",
            20,
        ),
        PageSpec(
            "team-actions",
            "team_events.actions.title",
            action_items.render,
            BUSINESS_ROLES,
            ":material/task_alt:",
            30,
        ),
        PageSpec(
            "team-review",
            "team_events.review.title",
            review.render,
            LEADER_ROLES,
            ":material/summarize:",
            40,
        ),
        PageSpec(
            "team-news",
            "team_events.news.title",
            news.render,
            BUSINESS_ROLES,
            ":material/campaign:",
            50,
        ),
        PageSpec(
            "team-digest",
            "team_events.digest.title",
            digest.render,
            LEADER_ROLES,
            ":material/newspaper:",
            60,
        ),
        PageSpec(
            "team-building",
            "team_events.building.title",
            building.render,
            LEADER_ROLES,
            ":material/celebration:",
            70,
        ),
    ]
