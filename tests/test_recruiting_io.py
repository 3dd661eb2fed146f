"""Import kinds ``openings`` and ``candidates``: whole-file checks, stage history for
new candidates, contact updates for existing ones, and the export round trip."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from command_center.db.engine import read_session
from command_center.io import ImportFailed, run_export, run_import
from command_center.org.scope import OPERATOR
from plugins.recruiting.models import Candidate, Opening, StageEvent
from tests.fixtures_recruiting import recruiting_host

OPENINGS = (
    "opening_id,title,level,region,headcount,opened_on,closed_on,hiring_manager_id,channels,"
    "description,pay_min,pay_max\n"
    "1,华东区销售代表,rep,,2,2026-01-05,,3,company_site;job_board,负责开发客户,6000,12000\n"
    "2,华东区销售主管,supervisor,华东,1,2026-01-10,2026-03-01,2,internal,,,\n"
)
CANDIDATES = (
    "candidate_id,opening_id,name,phone,email,source,referrer_id,applied_on,resume_url,stage\n"
    "1,1,李雷,13800000001,,job_board,,2026-01-20,,\n"
    "2,1,韩梅梅,,han@163.com,referral,4,2026-01-21,https://hr.example.com/r/2.pdf,interview_1\n"
    "3,2,王五,13800000003,,campus,,2026-02-01,,offer\n"
)


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def errors(engine, kind: str, path) -> list[str]:
    with pytest.raises(ImportFailed) as info:
        run_import(engine, recruiting_host(), kind, path)
    return [line.split(": ", 2)[2] for line in info.value.errors]


def count(engine, model) -> int:
    with read_session(engine) as s:
        return int(s.scalar(select(func.count()).select_from(model)))


def test_import_openings_and_candidates_with_history(rdb, tmp_path) -> None:
    e, host = rdb.engine, recruiting_host()
    report = run_import(e, host, "openings", write(tmp_path, "o.csv", OPENINGS))
    assert (report.rows, report.inserted) == (2, 2)
    run_import(e, host, "candidates", write(tmp_path, "c.csv", CANDIDATES))
    with read_session(e) as s:
        assert s.get(Opening, 1).region == "华东"  # the hiring manager's
        assert s.get(Candidate, 2).stage == "interview_1"
        events = s.execute(
            select(
                StageEvent.candidate_id, StageEvent.to_stage, StageEvent.reason, StageEvent.skipped
            ).order_by(StageEvent.event_id)
        ).all()
    assert [tuple(r) for r in events] == [
        (1, "applied", "", ""),
        (2, "applied", "", ""),
        (2, "interview_1", "imported", "screened"),
        (3, "applied", "", ""),
        (3, "offer", "imported", "screened;interview_1;interview_2;interview_3;background_check"),
    ]


def test_bad_files_are_refused_whole(rdb, tmp_path) -> None:
    e, host = rdb.engine, recruiting_host()
    bad = write(
        tmp_path,
        "bad.csv",
        OPENINGS.replace(",3,company_site;job_board", ",2,fax").replace("2026-03-01", "2025-12-01"),
    )
    found = errors(e, "openings", bad)
    assert "a rep opening needs a supervisor" in found
    channels = "company_site;job_board;social_media;campus;agency;internal"
    assert f"unknown channel 'fax' (use {channels})" in found
    assert "before opened_on" in found
    assert count(e, Opening) == 0
    run_import(e, host, "openings", write(tmp_path, "o.csv", OPENINGS))
    late = CANDIDATES + "4,2,赵六,13800000004,,agency,,2026-03-05,,\n"  # opening 2 closed 1 Mar
    no_ref = late.replace("referral,4,", "referral,,").replace("13800000001,,", ",,")
    found = errors(e, "candidates", write(tmp_path, "c.csv", no_ref))
    assert found == [
        "phone or email needed",
        "required for a referral",
        "the opening is closed: it takes no new candidates",
    ]
    assert count(e, Candidate) == 0 and count(e, StageEvent) == 0


def test_existing_candidates_update_contact_only(rdb, tmp_path) -> None:
    e, host = rdb.engine, recruiting_host()
    run_import(e, host, "openings", write(tmp_path, "o.csv", OPENINGS))
    run_import(e, host, "candidates", write(tmp_path, "c.csv", CANDIDATES))
    moved = CANDIDATES.replace(
        "han@163.com,referral,4,2026-01-21,https://hr.example.com/r/2.pdf,interview_1",
        "han@163.com,referral,4,2026-01-21,,interview_2",
    )
    assert errors(e, "candidates", write(tmp_path, "m.csv", moved)) == [
        "an existing candidate's stage changes only in the app"
    ]
    update = CANDIDATES.replace("13800000001", "13900000009")
    report = run_import(e, host, "candidates", write(tmp_path, "u.csv", update))
    assert (report.inserted, report.updated) == (0, 3)
    with read_session(e) as s:
        assert s.get(Candidate, 1).phone == "13900000009"
    assert count(e, StageEvent) == 5  # no history added by an update


def test_dry_run_writes_nothing_and_export_round_trips(rdb, tmp_path) -> None:
    e, host = rdb.engine, recruiting_host()
    run_import(e, host, "openings", write(tmp_path, "o.csv", OPENINGS))
    report = run_import(e, host, "candidates", write(tmp_path, "c.csv", CANDIDATES), dry_run=True)
    assert report.inserted == 3 and count(e, Candidate) == 0 and count(e, StageEvent) == 0
    run_import(e, host, "candidates", write(tmp_path, "c.csv", CANDIDATES))
    for kind in ("openings", "candidates"):
        out = tmp_path / f"{kind}.csv"
        assert run_export(e, host, kind, out, OPERATOR) >= 2
        again = run_import(e, host, kind, out)
        assert again.inserted == 0
    assert count(e, StageEvent) == 5
