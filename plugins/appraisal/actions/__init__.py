"""Writes: one ``write_session`` per user action, audited; illegal moves refused whole."""

from plugins.appraisal.actions.contracts import (
    acknowledge,
    issue_contracts,
    save_contract,
    save_template,
)
from plugins.appraisal.actions.cycles import create_cycle, move_cycle, publish_period
from plugins.appraisal.actions.follow_up import (
    carry_out_promotion,
    enrol_training,
    promotion_level,
)
from plugins.appraisal.actions.guards import TOPIC, can_manage, can_review, policy
from plugins.appraisal.actions.policy_store import save_policy
from plugins.appraisal.actions.reviews import (
    ACTION_STATUSES,
    add_action,
    apply_guideline,
    record_talk,
    set_action_status,
    set_rating,
    submit_manager_review,
    submit_self_review,
)

__all__ = [
    "ACTION_STATUSES",
    "TOPIC",
    "acknowledge",
    "add_action",
    "apply_guideline",
    "can_manage",
    "can_review",
    "carry_out_promotion",
    "create_cycle",
    "enrol_training",
    "issue_contracts",
    "move_cycle",
    "policy",
    "promotion_level",
    "publish_period",
    "record_talk",
    "save_contract",
    "save_policy",
    "save_template",
    "set_action_status",
    "set_rating",
    "submit_manager_review",
    "submit_self_review",
]
