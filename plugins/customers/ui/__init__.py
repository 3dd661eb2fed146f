"""The customers plugin's pages (Streamlit only here): widgets and layout; the figures
come from ``queries``, the display frames from ``logic``, the writes go through ``actions``."""

from __future__ import annotations

from command_center import BUSINESS_ROLES, PageSpec
from plugins.customers.settings import SETTINGS_ROLES


def pages() -> list[PageSpec]:
    from plugins.customers.ui import abc, archive, create, followups, pool, settings

    return [
        PageSpec("customers", "customers.archive.title", archive.render, BUSINESS_ROLES,
                 ":material/contacts:", 10),
        PageSpec("customers-followups", "customers.followups.title", followups.render,
                 BUSINESS_ROLES, ":material/event_upcoming:", 11),
        PageSpec("customers-pool", "customers.pool.title", pool.render, BUSINESS_ROLES,
                 ":material/waves:", 12),
        PageSpec("customers-abc", "customers.abc.title", abc.render, BUSINESS_ROLES,
                 ":material/stacked_bar_chart:", 13),
        PageSpec("customers-new", "customers.create.title", create.render, BUSINESS_ROLES,
                 ":material/person_add:", 14),
        PageSpec("customers-settings", "customers.settings.title", settings.render,
                 SETTINGS_ROLES, ":material/tune:", 15),
    ]  # fmt: skip
