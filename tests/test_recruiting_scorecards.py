"""Interview scorecard templates as an extension point: the standard template through the
registry, an outside template (tests/plugins/extends_recruiting.py) chosen by the company,
asked on the card, stored and shown; failures recorded; SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import types
from typing import Any

import pytest
from sqlalchemy import select

from command_center import hookimpl
from command_center.db.engine import read_session
from command_center.plugins import PluginHost
from command_center.settings import get_settings
from plugins.recruiting import queries
from plugins.recruiting.actions.candidates import CandidateInput, add_candidate, advance
from plugins.recruiting.actions.interviews import ScorecardInput, add_scorecard
from plugins.recruiting.actions.openings import OpeningInput, create_opening
from plugins.recruiting.actions.settings import save_recruiting_settings
from plugins.recruiting.errors import RecruitingError
from plugins.recruiting.logic import candidates
from plugins.recruiting.logic import scorecards as sc
from plugins.recruiting.logic.vocabulary import SCORES
from plugins.recruiting.models import Scorecard
from plugins.recruiting.settings import RecruitingSettings, settings
from tests.conftest import use_db
from tests.fixtures_recruiting import viewer
from tests.plugins import broken_extensions, extends_recruiting

D = dt.date
GOOD = dict.fromkeys(SCORES, 4)


def host(*extra: tuple[str, object]) -> PluginHost:
    return PluginHost(
        get_settings(), builtins=["plugins.recruiting"], extra=extra, entry_points=False
    )


def test_the_standard_template_is_a_template_like_any_other() -> None:
    found = sc.installed_templates(host())
    assert list(found) == ["standard"] and found["standard"].keys == SCORES
    assert found["standard"].split(GOOD) == (GOOD, {})


def test_an_outside_template_adds_criteria_and_bad_ones_are_recorded() -> None:
    bad = types.ModuleType("bad")

    @hookimpl(optionalhook=True)
    def recruiting_register_scorecard_templates(kit: Any) -> list[Any]:
        return [kit.Template("again", "x", criteria=(kit.Criterion("selling", "x"),))]

    bad.recruiting_register_scorecard_templates = recruiting_register_scorecard_templates  # type: ignore[attr-defined]
    h = host(("ext", extends_recruiting), ("bad", bad), ("broken", broken_extensions))
    found = sc.installed_templates(h)
    assert list(found) == ["standard", "field_sales"] and found["field_sales"].plugin == "ext"
    assert "criterion 'selling' is rated already" in h.infos["bad"].hook_errors[sc.HOOK]
    assert "broken on purpose" in h.infos["broken"].hook_errors[sc.HOOK]
    field = found["field_sales"]
    assert field.keys == (*SCORES, "territory_plan", "objections")
    assert field.question_of("selling") == "field.selling_q"
    assert field.question_of("territory_plan") == "field.territory_q"
    assert field.split(GOOD) == "missing:territory_plan, objections"
    assert field.split({**GOOD, "territory_plan": 2, "objections": 9}) == "range"
    assert field.split({**GOOD, "territory_plan": 2, "objections": 3, "x": 1}) == "unknown:x"
    assert field.split({**GOOD, "territory_plan": 2, "objections": 3}) == (
        GOOD,
        {"territory_plan": 2, "objections": 3},
    )


def test_the_company_picks_the_template_and_cards_follow_it(
    rdb: Any, monkeypatch: pytest.MonkeyPatch, app_env: None
) -> None:
    engine = rdb.engine
    use_db(monkeypatch, rdb, host(("ext", extends_recruiting)))
    director, sup = viewer(engine, "director", 1), viewer(engine, "supervisor", 3, "sup")
    with pytest.raises(RecruitingError) as caught:
        save_recruiting_settings(engine, director, RecruitingSettings(scorecard_template="nope"))
    assert caught.value.key == "unknown_template"
    save_recruiting_settings(engine, director, RecruitingSettings(scorecard_template="field_sales"))
    assert settings(engine).scorecard_template == "field_sales"
    opening = create_opening(
        engine, sup, OpeningInput("华东区销售代表", "rep", 3, D(2026, 1, 5), 1, ["job_board"])
    )
    cid = add_candidate(
        engine, sup, CandidateInput(opening, "李雷", "job_board", D(2026, 2, 1), phone="1380000")
    )
    advance(engine, sup, cid, D(2026, 2, 5))
    advance(engine, sup, cid, D(2026, 2, 10))  # interview 1
    day = D(2026, 2, 12)
    with pytest.raises(RecruitingError) as caught:
        add_scorecard(engine, sup, cid, ScorecardInput(1, GOOD, True, day))
    assert (caught.value.key, caught.value.params) == (
        "score_missing",
        {"score": "territory_plan, objections"},
    )
    scores = {**GOOD, "territory_plan": 5, "objections": 2}
    card_id = add_scorecard(engine, sup, cid, ScorecardInput(1, scores, True, day, "好"))
    with read_session(engine) as session:
        card = session.scalars(select(Scorecard).where(Scorecard.scorecard_id == card_id)).one()
        assert card.template == "field_sales" and card.selling == 4
        assert json.loads(card.extra_scores or "") == {"territory_plan": 5, "objections": 2}
    cards = queries.candidate_scorecards(engine, sup, cid)
    table = candidates.scorecards_table(cards, {3: "主管甲"}, 3)
    assert table["field.territory"].to_list() == [5] and table["field.objections"].to_list() == [2]
    assert table.columns.index("field.territory") == table.columns.index("field.objections") - 1


@pytest.mark.one_backend
def test_the_settings_page_offers_the_outside_template(
    rdemo: Any, monkeypatch: pytest.MonkeyPatch, app_env: None
) -> None:
    from command_center import testing as apptest

    use_db(monkeypatch, rdemo, host(("ext", extends_recruiting)))
    at = apptest.open_page(apptest.start(rdemo.engine, "director"), "recruiting-settings")
    assert not at.exception, at.exception
    picker = at.selectbox(key="recruiting_set_template")
    assert picker.options == ["Standard (six dimensions)", "field.template"]
    assert picker.value == "standard"
