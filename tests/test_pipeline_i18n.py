"""The pipeline's catalogs: both languages complete, placeholders agree, every code
that pages translate (stages, sources, statuses, …) has its message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from command_center.i18n import load_catalogs
from plugins.pipeline import settings as cfg
from plugins.pipeline.logic.service import SLA_STATES
from plugins.pipeline.logic.stages import CONTRACT_RULES, CONTRACT_STATUSES

ROOT = Path(__file__).resolve().parent.parent / "plugins" / "pipeline"
CATALOGS = load_catalogs(ROOT / "i18n")
EN, ZH = CATALOGS["en"], CATALOGS["zh_CN"]
FIELDS = re.compile(r"\{(\w+)")
CODES = {
    "stage": [s.key for s in cfg.DEFAULT_STAGES],
    "outcome": ["open", "won", "lost"],
    "lost": cfg.DEFAULT_LOST_REASONS,
    "source": list(cfg.SOURCES),
    "channel": list(cfg.CHANNELS),
    "payment": list(cfg.PAYMENT_TERMS),
    "contract_status": list(CONTRACT_STATUSES),
    "action": list(CONTRACT_RULES),
    "decision": ["approve", "reject"],
    "kind": list(cfg.MILESTONE_KINDS),
    "milestone_status": [*cfg.MILESTONE_STATUSES, "overdue"],
    "sla": list(SLA_STATES),
    "score": ["1", "2", "3", "4", "5"],
    "summary": ["state_done", "state_late", "state_due_soon", "state_scheduled"],
}


def test_same_keys_and_placeholders() -> None:
    assert set(EN) == set(ZH), set(EN) ^ set(ZH)
    assert all(key.startswith("pipeline.") for key in EN)
    for key, text in EN.items():
        assert set(FIELDS.findall(text)) == set(FIELDS.findall(ZH[key])), key


def test_chinese_is_chinese() -> None:
    han = re.compile(r"[\u4e00-\u9fff]")
    assert [key for key, text in ZH.items() if not han.search(text)] == []


@pytest.mark.parametrize("prefix", list(CODES))
def test_every_code_has_a_message(prefix: str) -> None:
    missing = [code for code in CODES[prefix] if f"pipeline.{prefix}.{code}" not in EN]
    assert missing == []


def test_every_key_in_the_code_exists() -> None:
    used: set[str] = set()
    for path in ROOT.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""["'](pipeline\.[a-z0-9_.]+[a-z0-9_])["']""", text))
    plural = {key.rsplit(".", 1)[0] for key in EN if key.endswith(".one")}
    unknown = sorted(key for key in used - plural if key not in EN and not key.endswith("."))
    assert unknown == []
