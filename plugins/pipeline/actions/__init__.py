"""Every write of the pipeline: one ``write_session`` per user action, audited.

Illegal moves raise :class:`plugins.pipeline.errors.PipelineError` (translated
message) and leave the database untouched.
"""

from plugins.pipeline.actions.contracts import (
    add_line,
    remove_line,
    review_contract,
    save_contract,
    sign_contract,
    submit_contract,
    withdraw_contract,
)
from plugins.pipeline.actions.credits import save_contract_credits, save_deal_credits
from plugins.pipeline.actions.deals import (
    create_opportunity,
    move_stage,
    save_negotiation,
    save_spin,
    update_opportunity,
)
from plugins.pipeline.actions.quotes import (
    accept_quote,
    add_quote_line,
    create_quote,
    decide_quote,
    decline_quote,
    remove_quote_line,
    request_approval,
    save_quote,
    send_quote,
    update_quote_line,
)
from plugins.pipeline.actions.schedule import save_contract_schedule
from plugins.pipeline.actions.service import (
    add_milestone,
    open_complaint,
    record_survey,
    resolve_complaint,
    update_milestone,
)
from plugins.pipeline.actions.settings import apply_stage_model, save_pipeline_settings

__all__ = [
    "accept_quote",
    "add_line",
    "add_milestone",
    "add_quote_line",
    "apply_stage_model",
    "create_opportunity",
    "create_quote",
    "decide_quote",
    "decline_quote",
    "move_stage",
    "open_complaint",
    "record_survey",
    "remove_line",
    "remove_quote_line",
    "request_approval",
    "resolve_complaint",
    "review_contract",
    "save_contract",
    "save_contract_credits",
    "save_contract_schedule",
    "save_deal_credits",
    "save_negotiation",
    "save_pipeline_settings",
    "save_quote",
    "save_spin",
    "send_quote",
    "sign_contract",
    "submit_contract",
    "update_milestone",
    "update_opportunity",
    "update_quote_line",
    "withdraw_contract",
]
