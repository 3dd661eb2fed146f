"""The recruiting pages in the real app (AppTest): every page for every role in both
languages, who sees which page, and the forms driven like a user would."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
import pytest
from sqlalchemy import select

from command_center import testing as apptest
from command_center.db import frames
from command_center.db.engine import read_session
from command_center.i18n import language, t
from command_center.org.scope import OPERATOR
from plugins.recruiting import queries
from plugins.recruiting.models import Candidate, ExamAttempt, Scorecard
from plugins.recruiting.ui import pages
from tests.conftest import BACKENDS, _drop_db, demo_copy, use_db
from tests.fixtures_recruiting import recruiting_host

ROLES = ["director", "manager", "supervisor", "rep", "admin"]
LEADER_PAGES = {
    "recruiting-openings",
    "recruiting-candidates",
    "recruiting-candidate",
    "recruiting-funnel",
    "recruiting-training",
    "recruiting-learning",
    "recruiting-courses",
}
PAGES = {
    "director": LEADER_PAGES | {"recruiting-settings"},
    "manager": LEADER_PAGES,
    "supervisor": LEADER_PAGES,
    "rep": {"recruiting-learning"},
    "admin": set(),
}


@pytest.fixture
def app(rdemo, monkeypatch, app_env):
    use_db(monkeypatch, rdemo, recruiting_host())
    return rdemo


@pytest.fixture(params=BACKENDS)
def fresh(request, tmp_path, pg_databases, monkeypatch, app_env) -> Iterator:
    """A demo of its own for tests that write through the pages."""
    host = recruiting_host()
    db = demo_copy(request.param, tmp_path, pg_databases, "recruiting", recruiting_host)
    use_db(monkeypatch, db, host)
    yield db
    _drop_db(db, pg_databases)


def clean(at, path: str) -> None:
    assert not at.exception, (path, [e.value for e in at.exception])
    assert not at.error, (path, [e.value for e in at.error])


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


@pytest.mark.parametrize("login", ROLES)
@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_every_recruiting_page_renders_for_every_role(app, login: str, lang: str) -> None:
    at = apptest.start(app.engine, login, lang)
    paths = {p for p in apptest.page_paths(at) if p.startswith("recruiting")}
    assert paths == PAGES[login]
    titles = {spec.key: spec.title for spec in pages()}
    for path in sorted(paths):
        at = apptest.open_page(at, path)
        clean(at, path)
        with language(lang):
            assert at.title[0].value == t(titles[path])  # in the user's language


def test_supervisor_pages_show_their_own_candidates_only(app) -> None:
    at = apptest.open_page(apptest.start(app.engine, "supervisor"), "recruiting-candidates")
    clean(at, "candidates")
    sup = apptest.signed_in(app.engine, "supervisor").person_id
    everyone = queries.candidates(app.engine, OPERATOR)
    mine = set(everyone.filter(pl.col("hiring_manager_id") == sup)["candidate_id"].to_list())
    table = next(df.value for df in at.dataframe if "Opening" in df.value.columns)
    shown = set(table["Id"].tolist())
    assert shown and shown == mine
    assert len(mine) < everyone.height


def test_director_sees_the_funnel_and_quality_of_hire_by_source(app) -> None:
    at = apptest.open_page(apptest.start(app.engine, "director"), "recruiting-funnel")
    at.selectbox(key="recruiting_funnel_basis").set_value("all").run()
    clean(at, "funnel")
    shown = apptest.texts(at)
    for text in (
        "Funnel: candidates reaching each stage",
        "Source effectiveness",
        "Quality of hire by source",
        "Referral",
        "Job board",
        "Revenue attainment",
        "Offer acceptance rate",
    ):
        assert text in shown, text
    at.selectbox(key="_w_lang").set_value("zh_CN").run()
    at = apptest.open_page(at, "recruiting-funnel")
    assert "按来源的招聘质量" in apptest.texts(at) and "内部推荐" in apptest.texts(at)


def test_supervisor_works_a_candidate_through_the_pages(fresh) -> None:
    e = fresh.engine
    at = apptest.open_page(apptest.start(e, "supervisor"), "recruiting-candidates")
    at.text_input(key="recruiting_new_cand_name").input("沈一鸣")
    at.text_input(key="recruiting_new_cand_phone").input("13912345678")
    at.selectbox(key="recruiting_new_cand_source").set_value("company_site")
    button(at, "Add candidate").click().run()
    clean(at, "candidates")
    assert "沈一鸣 added" in apptest.texts(at)
    with read_session(e) as s:
        cand = s.scalars(select(Candidate).where(Candidate.name == "沈一鸣")).one()
        cid, stage = cand.candidate_id, cand.stage
    assert stage == "applied"

    at = apptest.open_page(at, "recruiting-candidate")
    at.selectbox(key="recruiting_candidate_pick").set_value(cid).run()
    button(at, "Move").click().run()
    clean(at, "file")
    assert "Moved to Screened." in apptest.texts(at)
    at.selectbox(key=f"recruiting_move_to_{cid}").set_value("interview_2")
    button(at, "Move").click().run()
    assert "This move skips Interview 1: give a reason." in [e.value for e in at.error]
    at.selectbox(key=f"recruiting_move_to_{cid}").set_value("interview_1")
    button(at, "Move").click().run()
    clean(at, "file")
    assert "Moved to Interview 1." in apptest.texts(at)
    at.slider(key=f"recruiting_card_culture_fit_{cid}_1").set_value(5)
    button(at, "Submit scorecard").click().run()
    clean(at, "file")
    assert "Scorecard for round 1 of 沈一鸣 saved." in apptest.texts(at)
    with read_session(e) as s:
        card = s.scalars(select(Scorecard).where(Scorecard.candidate_id == cid)).one()
        assert (card.round, card.culture_fit, card.passed) == (1, 5, True)


def test_rep_takes_an_exam_in_the_app(fresh) -> None:
    e = fresh.engine
    rep = apptest.signed_in(e, "rep").person_id
    at = apptest.open_page(apptest.start(e, "rep"), "recruiting-learning")
    clean(at, "learning")
    passed = set(
        queries.attempts(e, OPERATOR)
        .filter((pl.col("person_id") == rep) & pl.col("passed"))["exam_id"]
        .to_list()
    )
    exam_id = next(x for x in queries.exams(e)["exam_id"].to_list() if x not in passed)
    at.selectbox(key="recruiting_exam_pick").set_value(exam_id).run()
    for radio in at.radio:
        if radio.key and radio.key.startswith(f"recruiting_q_{exam_id}_"):
            radio.set_value(0)
    for multi in at.multiselect:
        if multi.key and multi.key.startswith(f"recruiting_q_{exam_id}_"):
            multi.set_value([0])
    before = len(queries.attempts(e, OPERATOR).filter(pl.col("person_id") == rep))
    button(at, "Submit answers").click().run()
    clean(at, "learning")
    frames.clear_cache()
    shown = apptest.texts(at)
    assert "Passed with" in shown or "below the pass mark" in shown
    with read_session(e) as s:
        rows = s.scalars(select(ExamAttempt).where(ExamAttempt.person_id == rep)).all()
    assert len(rows) == before + 1
