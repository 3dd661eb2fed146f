"""Plugin settings, published facts and entity panels: the core services plugins share."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import select

from command_center.db.engine import write_session
from command_center.db.models import AuditEntry
from command_center.org.scope import OPERATOR, Viewer
from command_center.plugin_settings import load_settings, save_settings
from command_center.published import Fact, publish, read_published
from tests.factories import load_small_org


class Cutoffs(BaseModel):
    a: float = Field(0.8, gt=0, lt=1)
    b: float = Field(0.95, gt=0, lt=1)


def test_settings_default_then_saved_and_audited(empty_db) -> None:
    engine = empty_db.engine
    assert load_settings(engine, "customers", Cutoffs) == Cutoffs()
    with write_session(engine) as session:
        save_settings(session, "customers", Cutoffs(a=0.7), "director")
    assert load_settings(engine, "customers", Cutoffs).a == 0.7
    with write_session(engine) as session:
        actions = session.scalars(select(AuditEntry.entity_id)).all()
    assert "customers.a" in actions
    with pytest.raises(ValidationError):
        Cutoffs(a=1.5)


def test_published_facts_replace_and_scope(empty_db) -> None:
    engine = empty_db.engine
    load_small_org(engine)
    with write_session(engine) as session:
        publish(
            session,
            "honours",
            "2026-10",
            [Fact(4, "champion", 200.0, "Sales champion"), Fact(7, "star", 1.0)],
            "incentives",
        )
    assert read_published(engine, OPERATOR, "honours", "2026-10").height == 2
    rep = Viewer("rep", "rep", 4, frozenset({4}))
    mine = read_published(engine, rep, "honours", "2026-10")
    assert mine["person_id"].to_list() == [4]
    with write_session(engine) as session:
        publish(session, "honours", "2026-10", [Fact(5, "champion")], "incentives")
    assert read_published(engine, OPERATOR, "honours")["person_id"].to_list() == [5]
