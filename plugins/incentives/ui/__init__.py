"""The incentives pages (Streamlit only under ``ui/``); the home card and panel: :mod:`.cards`."""

from __future__ import annotations

from command_center import BUSINESS_ROLES, LEADER_ROLES, PageSpec
from plugins.incentives.actions.scenarios import SIMULATOR_PAGE_ROLES


def _simulator(ctx: object) -> None:
    from plugins.incentives.ui import simulator

    simulator.render(ctx)  # type: ignore[arg-type]


def _statements(ctx: object) -> None:
    from plugins.incentives.ui import statements

    statements.render(ctx)  # type: ignore[arg-type]


def _settlement(ctx: object) -> None:
    from plugins.incentives.ui import settlement

    settlement.render(ctx)  # type: ignore[arg-type]


def _plans(ctx: object) -> None:
    from plugins.incentives.ui import plans

    plans.render(ctx)  # type: ignore[arg-type]


def _honours(ctx: object) -> None:
    from plugins.incentives.ui import honours

    honours.render(ctx)  # type: ignore[arg-type]


def _wall(ctx: object) -> None:
    from plugins.incentives.ui import wall

    wall.render(ctx)  # type: ignore[arg-type]


def pages() -> list[PageSpec]:
    return [
        PageSpec(
            "incentives-simulator",
            "incentives.sim.title",
            _simulator,
            SIMULATOR_PAGE_ROLES,
            ":material/tune:",
            10,
        ),
        PageSpec(
            "incentives-statements",
            "incentives.st.title",
            _statements,
            BUSINESS_ROLES,
            ":material/receipt_long:",
            20,
        ),
        PageSpec(
            "incentives-settlement",
            "incentives.settle.title",
            _settlement,
            LEADER_ROLES,
            ":material/fact_check:",
            30,
        ),
        PageSpec(
            "incentives-plans",
            "incentives.plans.title",
            _plans,
            BUSINESS_ROLES,
            ":material/description:",
            40,
        ),
        PageSpec(
            "incentives-wall",
            "incentives.wall.title",
            _wall,
            BUSINESS_ROLES,
            ":material/leaderboard:",
            45,
        ),
        PageSpec(
            "incentives-honours",
            "incentives.honours.title",
            _honours,
            BUSINESS_ROLES,
            ":material/military_tech:",
            50,
        ),
    ]
