"""Saving the company's customer rules (directors and admins only), audited."""

from __future__ import annotations

from sqlalchemy import Engine

from command_center.db.engine import write_session
from command_center.org.scope import Viewer
from command_center.plugin_settings import save_settings
from plugins.customers.errors import ActionRefused
from plugins.customers.logic.grading import installed_rules
from plugins.customers.settings import PLUGIN, SETTINGS_ROLES, CustomerSettings, get


def save_rules(engine: Engine, viewer: Viewer, values: CustomerSettings, actor: str) -> None:
    """Store ``values`` as the plugin's settings (the audit names ``actor``).

    The grading rule must be installed, unless it is the one already stored
    (a company whose rule's plugin is off may still change other settings).
    """
    if viewer.role not in SETTINGS_ROLES:
        raise ActionRefused("settings_forbidden")
    if values.grading not in installed_rules() and values.grading != get(engine).grading:
        raise ActionRefused("grading_unknown", rule=values.grading)
    with write_session(engine) as session:
        save_settings(session, PLUGIN, values, actor)
