"""Import kinds opportunities, complaints and surveys: all or nothing, history kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from command_center.io import ImportFailed, run_import
from command_center.org.scope import OPERATOR
from plugins.pipeline import actions, queries
from tests.conftest import make_host
from tests.fixtures_pipeline import REP4, approved_contract, new_deal, org

HEADER = (
    "opp_id,title,customer_id,owner_id,amount,expected_close,source,channel,stage,"
    "created_on,closed_on,lost_reason\n"
)


@pytest.fixture
def db(empty_db):
    org(empty_db.engine)
    return empty_db.engine


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_opportunities_import_checks_everything_and_writes_nothing_on_error(db, tmp_path) -> None:
    path = write(
        tmp_path,
        "opps.csv",
        HEADER
        + "1,甲项目,1,4,1000,2026-12-01,referral,visit,lead,2026-10-01,,\n"
        + "2,乙项目,99,4,1000,2026-12-01,referral,visit,lead,2026-10-01,,\n"
        + "3,丙项目,1,4,1000,2026-12-01,referral,visit,pitching,2026-10-01,,\n"
        + "4,丁项目,1,4,1000,2026-12-01,referral,visit,won,2026-10-01,,\n"
        + "5,戊项目,1,4,1000,2026-12-01,referral,visit,lost,2026-10-01,2026-10-05,\n"
        + "6,己项目,1,4,1000,2026-12-01,referral,visit,lost,2026-10-01,2026-10-05,weather\n"
        + "7,庚项目,1,4,1000,2026-12-01,fax,visit,lead,2026-10-01,2026-10-02,\n"
        + "8,辛项目,1,4,1000,2026-12-01,referral,visit,won,2026-10-01,2026-09-01,\n",
    )
    with pytest.raises(ImportFailed) as info:
        run_import(db, make_host(), "opportunities", path)
    text = "\n".join(info.value.errors)
    for expected in (
        ":3: customer_id: unknown customer '99'",
        ":4: stage: unknown stage",
        ":5: closed_on: required for won and lost deals",
        ":6: lost_reason: required for a lost deal",
        ":7: lost_reason: not a configured lost reason",
        ":8: source: 'fax' is not one of",
        ":8: closed_on: must be empty for an open deal",
        ":9: closed_on: before created_on",
    ):
        assert expected in text, text
    assert queries.opportunities(db, OPERATOR).is_empty()


def test_opportunities_import_upserts_and_keeps_history(db, tmp_path) -> None:
    first = write(
        tmp_path,
        "a.csv",
        HEADER
        + "10,甲项目,1,4,1000,2026-12-01,referral,visit,lead,2026-10-01,,\n"
        + "11,乙项目,2,5,2500.5,2026-12-15,partner,online,lost,2026-09-01,2026-10-05,price\n",
    )
    dry = run_import(db, make_host(), "opportunities", first, dry_run=True)
    assert (dry.rows, dry.inserted) == (2, 2) and queries.opportunities(db, OPERATOR).is_empty()
    report = run_import(db, make_host(), "opportunities", first)
    assert (report.inserted, report.updated) == (2, 0)
    opps = queries.opportunities(db, OPERATOR).sort("opp_id")
    assert opps.select("opp_id", "stage", "amount", "closed_on", "lost_reason").rows() == [
        (10, "lead", 1000.0, None, None),
        (11, "lost", 2500.5, dt.date(2026, 10, 5), "price"),
    ]
    assert opps["stage_since"].to_list() == [dt.datetime(2026, 10, 1), dt.datetime(2026, 10, 5)]
    second = write(
        tmp_path,
        "b.csv",
        HEADER
        + "10,甲项目,1,4,1200,2026-12-01,referral,visit,solution,2026-10-01,,\n"
        + "11,乙项目,2,5,2500.5,2026-12-15,partner,online,lost,2026-09-01,2026-10-05,price\n",
    )
    report = run_import(db, make_host(), "opportunities", second)
    assert (report.inserted, report.updated) == (0, 2)
    history = queries.history(db, OPERATOR).sort("change_id")
    assert history.select("opp_id", "from_stage", "to_stage").rows() == [
        (10, None, "lead"),
        (11, None, "lost"),
        (10, "lead", "solution"),
    ]
    lost = queries.opportunities(db, OPERATOR).filter(pl.col("opp_id") == 11)
    assert lost["stage_since"].item() == dt.datetime(2026, 10, 5)  # unchanged stage, same date
    # a new deal made in the app after the import gets the next id
    assert new_deal(db) == 12


def test_a_signed_deal_cannot_be_changed_by_import(db, tmp_path) -> None:
    opp = new_deal(db)
    actions.sign_contract(db, REP4, approved_contract(db, opp))
    path = write(
        tmp_path,
        "c.csv",
        HEADER + f"{opp},改名,1,4,1,2026-12-01,referral,visit,lead,2026-10-01,,\n",
    )
    with pytest.raises(ImportFailed, match="signed deal cannot be changed"):
        run_import(db, make_host(), "opportunities", path)


def test_complaints_import_reads_times_and_checks_them(db, tmp_path) -> None:
    opp = new_deal(db)
    header = (
        "complaint_id,customer_id,person_id,opened_at,resolved_at,opp_id,description,resolution\n"
    )
    bad = write(
        tmp_path,
        "bad.csv",
        header
        + "1,1,4,2026-11-01 09:00,2026-11-01 08:00,,晚了,已处理\n"
        + "2,1,4,yesterday,,,晚了,\n"
        + f"3,2,5,2026-11-01 09:00,,{opp},晚了,\n"
        + "4,1,4,2026-11-01 09:00,2026-11-02 09:00,,晚了,\n",
    )
    with pytest.raises(ImportFailed) as info:
        run_import(db, make_host(), "complaints", bad)
    text = "\n".join(info.value.errors)
    assert ":2: resolved_at: before opened_at" in text
    assert ":3: opened_at: not a time" in text
    assert ":4: opp_id: belongs to another customer" in text
    assert ":5: resolution: required when resolved_at is given" in text
    good = write(
        tmp_path,
        "good.csv",
        header
        + f"1,1,4,2026-11-01 09:00,2026-11-03 09:30:00,{opp},晚了,补发\n"
        + "2,2,5,2026-11-02T10:15,,,发票开错,\n",
    )
    assert run_import(db, make_host(), "complaints", good).inserted == 2
    rows = queries.complaints(db, OPERATOR).sort("complaint_id")
    assert rows.select("opened_at", "resolved_at").rows() == [
        (dt.datetime(2026, 11, 1, 9), dt.datetime(2026, 11, 3, 9, 30)),
        (dt.datetime(2026, 11, 2, 10, 15), None),
    ]


def test_surveys_import_needs_won_deals_once_each(db, tmp_path) -> None:
    won = new_deal(db)
    actions.sign_contract(db, REP4, approved_contract(db, won))
    open_deal = new_deal(db)
    header = "survey_id,opp_id,score,comment,surveyed_on\n"
    bad = write(
        tmp_path,
        "bad.csv",
        header
        + f"1,{won},6,,2026-11-20\n"
        + f"2,{open_deal},4,,2026-11-20\n"
        + f"3,{won},4,,2026-11-20\n"
        + "4,999,4,,2026-11-20\n",
    )
    with pytest.raises(ImportFailed) as info:
        run_import(db, make_host(), "surveys", bad)
    text = "\n".join(info.value.errors)
    assert ":2: score: must be at most 5" in text
    assert ":3: opp_id: the deal is not won" in text
    assert ":4: opp_id: one survey per deal" in text
    assert ":5: opp_id: unknown opportunity 999" in text
    good = write(tmp_path, "good.csv", header + f"7,{won},5,很满意,2026-11-20\n")
    assert run_import(db, make_host(), "surveys", good).inserted == 1
    survey = queries.surveys(db, OPERATOR)
    assert survey.select("survey_id", "person_id", "customer_id", "score").rows() == [(7, 4, 1, 5)]
    again = write(tmp_path, "again.csv", header + f"8,{won},3,,2026-11-21\n")
    with pytest.raises(ImportFailed, match="already has another survey"):
        run_import(db, make_host(), "surveys", again)
