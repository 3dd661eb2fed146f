"""Customers plugin: import kinds ``contacts`` and ``followups`` (all or nothing), and the
schema its migration makes equals its models."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select

from command_center.db.base import Base
from command_center.db.engine import read_session
from command_center.io import ImportFailed, run_import
from plugins.customers.models import TABLES, Contact, FollowUp
from tests.conftest import make_host
from tests.factories import load_small_org


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def test_contacts_and_followups_import_all_or_nothing(empty_db, tmp_path) -> None:
    engine, host = empty_db.engine, make_host()
    load_small_org(engine)
    contacts = write(
        tmp_path / "contacts.csv",
        "contact_id,customer_id,name,title,phone,email\n"
        "1,1,王伟,采购经理,+86 139 0000 1111,wang@163.com\n"
        "2,1,李娜,,,\n",
    )
    report = run_import(engine, host, "contacts", contacts)
    assert (report.rows, report.inserted) == (2, 2)
    with read_session(engine) as session:
        first = session.get(Contact, 1)
    assert (first.name, first.phone_key) == ("王伟", "13900001111")
    bad = write(
        tmp_path / "bad.csv",
        "contact_id,customer_id,name,title,phone,email\n3,99,张三,,,not-a-mail\n4,1,,,,\n",
    )
    with pytest.raises(ImportFailed) as failed:
        run_import(engine, host, "contacts", bad)
    text = "\n".join(failed.value.errors)
    assert "unknown customer '99'" in text and "not an e-mail" in text and "name" in text
    followups = write(
        tmp_path / "followups.csv",
        "followup_id,customer_id,person_id,followup_date,channel,notes,next_step,next_date,spin_stage\n"
        "1,1,4,2026-11-02,visit,上门拜访,发送报价,2026-11-09,problem\n"
        "2,1,4,2026-11-05,phone,,,,\n",
    )
    assert run_import(engine, host, "followups", followups).inserted == 2
    with read_session(engine) as session:
        rows = session.scalars(select(FollowUp).order_by(FollowUp.followup_id)).all()
    assert [(r.channel, r.spin_stage, r.next_date) for r in rows] == [
        ("visit", "problem", dt.date(2026, 11, 9)),
        ("phone", "", None),
    ]
    wrong = write(
        tmp_path / "wrong.csv",
        "followup_id,customer_id,person_id,followup_date,channel,notes,next_step,next_date,spin_stage\n"
        "3,1,77,2026-11-02,fax,,,2026-11-01,maybe\n",
    )
    with pytest.raises(ImportFailed) as failed:
        run_import(engine, host, "followups", wrong)
    text = "\n".join(failed.value.errors)
    assert "unknown person '77'" in text and "fax" in text and "maybe" in text
    with read_session(engine) as session:
        assert len(session.scalars(select(FollowUp.followup_id)).all()) == 2  # nothing written


def test_migration_matches_the_models(empty_db) -> None:
    names = {table.__tablename__ for table in TABLES}
    with empty_db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    ours = [d for d in diff if names & set(str(d).split("'"))]
    assert ours == []
