"""The pipeline's pages (Streamlit only here), one module per page."""

from __future__ import annotations

from command_center import BUSINESS_ROLES, LEADER_ROLES, PageSpec
from plugins.pipeline.settings import SETTINGS_ROLES


def pages() -> list[PageSpec]:
    from plugins.pipeline.ui import (
        analytics,
        board,
        deal,
        execution,
        listing,
        quote_approvals,
        reviews,
        service,
        settings,
    )

    return [
        PageSpec(
            "pipeline-board",
            "pipeline.page.board",
            board.render,
            BUSINESS_ROLES,
            ":material/view_kanban:",
            10,
        ),
        PageSpec(
            "pipeline-list",
            "pipeline.page.list",
            listing.render,
            BUSINESS_ROLES,
            ":material/list:",
            20,
        ),
        PageSpec(
            "pipeline-deal",
            "pipeline.page.deal",
            deal.render,
            BUSINESS_ROLES,
            ":material/handshake:",
            30,
        ),
        PageSpec(
            "pipeline-reviews",
            "pipeline.page.reviews",
            reviews.render,
            LEADER_ROLES,
            ":material/fact_check:",
            40,
        ),
        PageSpec(
            "pipeline-quote-approvals",
            "pipeline.page.quote_approvals",
            quote_approvals.render,
            LEADER_ROLES,
            ":material/request_quote:",
            45,
        ),
        PageSpec(
            "pipeline-orders",
            "pipeline.page.orders",
            execution.render,
            BUSINESS_ROLES,
            ":material/local_shipping:",
            50,
        ),
        PageSpec(
            "pipeline-service",
            "pipeline.page.service",
            service.render,
            BUSINESS_ROLES,
            ":material/support_agent:",
            60,
        ),
        PageSpec(
            "pipeline-analytics",
            "pipeline.page.analytics",
            analytics.render,
            BUSINESS_ROLES,
            ":material/insights:",
            70,
        ),
        PageSpec(
            "pipeline-settings",
            "pipeline.page.settings",
            settings.render,
            SETTINGS_ROLES,
            ":material/tune:",
            80,
        ),
    ]
