"""Saving the company's customer rules (directors and admins only), audited."""

from __future__ import annotations

from sqlalchemy import Engine

from command_center.db.engine import write_session
from command_center.org.scope import Viewer
from command_center.plugin_settings import save_settings
from plugins.customers.errors import ActionRefused
from plugins.customers.settings import PLUGIN, SETTINGS_ROLES, CustomerSettings


def save_rules(engine: Engine, viewer: Viewer, values: CustomerSettings, actor: str) -> None:
    """Store ``values`` as the plugin's settings (the audit names ``actor``)."""
    if viewer.role not in SETTINGS_ROLES:
        raise ActionRefused("settings_forbidden")
    with write_session(engine) as session:
        save_settings(session, PLUGIN, values, actor)
