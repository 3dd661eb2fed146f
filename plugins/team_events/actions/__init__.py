"""Writes: one ``write_session`` per user action, audited; refusals raise TeamEventsError."""

from plugins.team_events.actions.budget import add_spend, set_budget
from plugins.team_events.actions.comms import allowed_regions, mark_read, post
from plugins.team_events.actions.events import (
    NewEvent,
    cancel,
    plan,
    record_attendance,
    save_minutes,
    schedule,
)
from plugins.team_events.actions.items import add_action, update_action
from plugins.team_events.actions.rules import save_rules
from plugins.team_events.errors import TeamEventsError

__all__ = [
    "NewEvent",
    "TeamEventsError",
    "add_action",
    "add_spend",
    "allowed_regions",
    "cancel",
    "mark_read",
    "plan",
    "post",
    "record_attendance",
    "save_minutes",
    "save_rules",
    "schedule",
    "set_budget",
    "update_action",
]
