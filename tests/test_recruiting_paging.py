"""Scope in SQL and the paged candidate list give exactly what the old reads gave.

The old path read every table whole and narrowed it to the viewer in Polars; the
new one pushes the viewer's scope (and the list's filters, search and page) into
SQL. Both are compared here on the small demo, on SQLite and PostgreSQL, for every
role, and the candidates page is driven through its pages and its search.
"""

from __future__ import annotations

import polars as pl
import pytest
from sqlalchemy import select

from command_center import testing as apptest
from command_center.db import frames
from command_center.org.scope import OPERATOR, Viewer
from plugins.recruiting import queries
from plugins.recruiting.logic.paging import PAGE_SIZE
from plugins.recruiting.logic.vocabulary import RECRUITER_ROLES
from plugins.recruiting.models import (
    Attendance,
    BackgroundCheck,
    Candidate,
    Certificate,
    Enrolment,
    ExamAttempt,
    Mentor,
    Offer,
    Opening,
    Scorecard,
    StageEvent,
    TrainingSession,
)
from tests.fixtures_recruiting import recruiting_host, viewer

pytestmark = pytest.mark.one_backend  # old vs new path in Polars: SQLite suffices

LOGINS = ["director", "manager", "supervisor", "rep"]


def whole(engine: object, model: type, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    table = model.__table__  # type: ignore[attr-defined]
    return frames.read_frame(engine, select(*(table.c[c] for c in schema)), schema)  # type: ignore[arg-type]


def old_candidates(engine: object, who: Viewer) -> pl.DataFrame:
    """The old read: both tables whole, joined, then narrowed in Polars."""
    opening = whole(engine, Opening, queries.OPENING_SCHEMA).select(
        "opening_id",
        pl.col("title").alias("opening_title"),
        "level",
        "region",
        "opened_on",
        "closed_on",
        "hiring_manager_id",
    )
    cands = whole(engine, Candidate, queries.CANDIDATE_SCHEMA)
    joined = cands.join(opening, on="opening_id", how="inner").sort("candidate_id")
    if who.role not in RECRUITER_ROLES:
        return joined.clear()
    return who.filter(joined, "hiring_manager_id")


def same(old: pl.DataFrame, new: pl.DataFrame, keys: list[str]) -> None:
    assert old.schema == new.schema
    assert old.sort(keys).equals(new.sort(keys)), (old.height, new.height)


def signed(engine: object, login: str) -> Viewer:
    user = apptest.signed_in(engine, login)  # type: ignore[arg-type]
    return viewer(engine, user.role, user.person_id, login)


@pytest.mark.parametrize("login", LOGINS)
def test_scoped_reads_equal_the_whole_table_narrowed(rdemo, login: str) -> None:
    e = rdemo.engine
    frames.clear_cache()
    who = signed(e, login)
    cands = old_candidates(e, who)
    same(cands, queries.candidates(e, who), ["candidate_id"])
    old_openings = whole(e, Opening, queries.OPENING_SCHEMA)
    old_openings = (
        who.filter(old_openings, "hiring_manager_id")
        if who.role in RECRUITER_ROLES
        else old_openings.clear()
    )
    same(old_openings, queries.openings(e, who), ["opening_id"])
    ids = cands["candidate_id"].implode()
    for model, schema, read, keys in (
        (StageEvent, queries.EVENT_SCHEMA, queries.events, ["event_id"]),
        (Scorecard, queries.SCORECARD_SCHEMA, queries.scorecards, ["scorecard_id"]),
        (BackgroundCheck, queries.CHECK_SCHEMA, queries.background_checks, ["candidate_id"]),
        (Offer, queries.OFFER_SCHEMA, queries.offers, ["candidate_id"]),
    ):
        old = whole(e, model, schema).filter(pl.col("candidate_id").is_in(ids))
        same(old, read(e, who), keys)
    for model, schema, read, keys in (
        (Enrolment, queries.ENROLMENT_SCHEMA, queries.enrolments, ["enrolment_id"]),
        (ExamAttempt, queries.ATTEMPT_SCHEMA, queries.attempts, ["attempt_id"]),
        (Certificate, queries.CERTIFICATE_SCHEMA, queries.certificates, ["certificate_id"]),
    ):
        same(who.filter(whole(e, model, schema)), read(e, who), keys)
    sessions = whole(e, TrainingSession, queries.SESSION_SCHEMA).select(
        "session_id", "program_id", "title", "held_on", "hours"
    )
    attended = who.filter(whole(e, Attendance, queries.ATTENDANCE_SCHEMA)).join(
        sessions, on="session_id", how="inner"
    )
    same(attended, queries.attendance(e, who), ["session_id", "person_id"])
    mentors = whole(e, Mentor, queries.MENTOR_SCHEMA)
    if who.person_ids is not None:
        keep = pl.col("mentee_id").is_in(sorted(who.person_ids))
        if who.person_id is not None:
            keep = keep | (pl.col("mentor_id") == who.person_id)
        mentors = mentors.filter(keep)
    same(mentors, queries.mentors(e, who), ["mentee_id"])
    if login == "supervisor":  # the scope really narrows, and something is left
        assert 0 < cands.height < old_candidates(e, OPERATOR).height


def all_pages(engine: object, who: Viewer, rows: queries.CandidateFilter) -> pl.DataFrame:
    parts, offset = [], 0
    while True:
        page, total = queries.candidate_page(engine, who, rows, offset, PAGE_SIZE)  # type: ignore[arg-type]
        assert page.height <= PAGE_SIZE
        parts.append(page)
        offset += PAGE_SIZE
        if offset >= total:
            break
    joined = pl.concat(parts)
    assert joined.height == total
    return joined


def old_list(cands: pl.DataFrame, rows: queries.CandidateFilter) -> pl.DataFrame:
    """The old list: every candidate in scope filtered in Polars (newest first)."""
    shown = cands
    if rows.opening_id:
        shown = shown.filter(pl.col("opening_id") == rows.opening_id)
    if rows.stages:
        shown = shown.filter(pl.col("stage").is_in(list(rows.stages)))
    if rows.source:
        shown = shown.filter(pl.col("source") == rows.source)
    shown = shown.filter(queries.search_mask(shown, rows.search))
    return shown.sort(["applied_on", "candidate_id"], descending=[True, False])


@pytest.mark.parametrize("login", ["director", "supervisor", "rep"])
def test_candidate_pages_are_the_old_filtered_list(rdemo, login: str) -> None:
    e = rdemo.engine
    frames.clear_cache()
    who = signed(e, login)
    cands = old_candidates(e, who)
    everyone = old_candidates(e, OPERATOR)
    sample = everyone.row(7, named=True)
    opening = int(cands["opening_id"][0]) if cands.height else 1
    filters = [
        queries.CandidateFilter(),
        queries.CandidateFilter(opening_id=opening),
        queries.CandidateFilter(stages=("applied", "screened", "hired")),
        queries.CandidateFilter(source="referral"),
        queries.CandidateFilter(stages=("rejected",), source="job_board"),
        queries.CandidateFilter(search=str(sample["name"])[:1]),
        queries.CandidateFilter(search=str(sample["phone"])[-4:]),
        queries.CandidateFilter(search=str(sample["email"]).upper()[:5]),
        queries.CandidateFilter(search="%"),
        queries.CandidateFilter(search="no such candidate"),
    ]
    for rows in filters:
        old = old_list(cands, rows)
        new = all_pages(e, who, rows)
        assert old.equals(new), (rows, old.height, new.height)
    if login == "director":
        assert cands.height > PAGE_SIZE  # the demo has more than one page
        searched = old_list(cands, queries.CandidateFilter(search=str(sample["phone"])[-4:]))
        assert sample["candidate_id"] in searched["candidate_id"].to_list()


def test_candidates_page_pages_and_searches(rdemo, monkeypatch, app_env) -> None:
    from tests.conftest import use_db

    use_db(monkeypatch, rdemo, recruiting_host())
    e = rdemo.engine
    everyone = old_list(old_candidates(e, OPERATOR), queries.CandidateFilter())
    at = apptest.open_page(apptest.start(e, "director"), "recruiting-candidates")
    assert not at.exception and not at.error

    def table() -> list[int]:
        frame = next(df.value for df in at.dataframe if "Opening" in df.value.columns)
        return frame["Id"].tolist()

    total = everyone.height
    ids = everyone["candidate_id"].to_list()
    assert table() == ids[:PAGE_SIZE]
    assert f"1–{PAGE_SIZE} of {total}" in apptest.texts(at)
    next(b for b in at.button if b.label == "Next").click().run()
    assert table() == ids[PAGE_SIZE : 2 * PAGE_SIZE]
    assert f"{PAGE_SIZE + 1}–{min(2 * PAGE_SIZE, total)} of {total}" in apptest.texts(at)
    next(b for b in at.button if b.label == "Previous").click().run()
    assert table() == ids[:PAGE_SIZE]
    name = str(everyone["name"][3])
    at.text_input(key="recruiting_cand_search").input(name).run()
    found = everyone.filter(queries.search_mask(everyone, name))["candidate_id"].to_list()
    assert table() == found[:PAGE_SIZE] and everyone["candidate_id"][3] in table()
    assert f"1–{min(PAGE_SIZE, len(found))} of {len(found)}" in apptest.texts(at)


@pytest.mark.parametrize("login", LOGINS)
def test_one_candidates_rows_are_the_scoped_rows_filtered(rdemo, login: str) -> None:
    e = rdemo.engine
    frames.clear_cache()
    who = signed(e, login)
    everyone = old_candidates(e, OPERATOR)["candidate_id"].to_list()
    mine = set(old_candidates(e, who)["candidate_id"].to_list())
    outside = [c for c in everyone if c not in mine][:3]
    inside = sorted(mine)[:3] + sorted(mine)[-3:]
    seen = 0
    for cid in [*inside, *outside]:
        for whole_read, one_read in (
            (queries.events, queries.candidate_events),
            (queries.scorecards, queries.candidate_scorecards),
            (queries.background_checks, queries.candidate_checks),
            (queries.offers, queries.candidate_offers),
        ):
            old = whole_read(e, who).filter(pl.col("candidate_id") == cid)
            new = one_read(e, who, cid)
            assert old.equals(new), (one_read.__name__, cid)
            seen += new.height
            if cid not in mine:
                assert new.is_empty()
    assert seen > 0 or not mine
