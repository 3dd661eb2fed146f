"""Customers pages under AppTest: a rep sees and logs overdue follow-ups and claims from
the public pool; a director sees the Pareto chart and the migration; the duplicate check."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from sqlalchemy import select

from command_center import runtime
from command_center import testing as apptest
from command_center.db.engine import read_session
from command_center.db.models import Customer
from plugins.customers.models import FollowUp
from tests.conftest import _demo, _drop_db, use_db


@pytest.fixture(scope="module")
def own_demo(tmp_path_factory, pg_databases):
    """A demo database of this module's own: these tests write."""
    db = _demo("sqlite", tmp_path_factory.mktemp("customers-pages"), None)
    yield db
    _drop_db(db, None)


@pytest.fixture
def app(own_demo, monkeypatch):
    use_db(monkeypatch, own_demo)
    yield own_demo
    runtime.reset(None)


def picked_id(label: str) -> int:
    """The customer id of a picker's label "name (#id)"."""
    return int(label.rsplit("#", 1)[-1].rstrip(")"))


def submit(at, label: str):
    buttons = [b for b in at.button if b.label == label]
    assert buttons, [b.label for b in at.button]
    return buttons[0].click().run()


def test_rep_sees_overdue_follow_ups_and_logs_a_visit(app) -> None:
    at = apptest.open_page(apptest.start(app.engine, "rep"), "customers-followups")
    shown = apptest.texts(at)
    assert "My overdue follow-ups today" in shown and not at.exception
    assert "Overdue follow-ups" in shown
    picker = at.selectbox(key="customers_fu_page_customer")
    customer = picker.options[0]
    picker.select_index(0)
    at.radio(key="customers_fu_page_channel").set_value("visit")
    at.selectbox(key="customers_fu_page_spin").set_value("problem")
    at.text_area(key="customers_fu_page_notes").input("上门拜访采购经理，确认下季度预算")
    at.text_input(key="customers_fu_page_next").input("发送正式报价")
    at = submit(at, "Log follow-up")
    assert not at.exception and not at.error
    assert any("Logged a Visit" in s.value for s in at.success), [s.value for s in at.success]
    me = apptest.signed_in(app.engine, "rep").person_id
    with read_session(app.engine) as session:
        logged = session.scalars(
            select(FollowUp).where(
                FollowUp.person_id == me, FollowUp.followup_date == dt.date.today()
            )
        ).all()
    assert [(f.channel, f.spin_stage, f.next_step) for f in logged] == [
        ("visit", "problem", "发送正式报价")
    ]
    assert picked_id(customer) == logged[0].customer_id


def test_rep_claims_a_public_pool_customer(app) -> None:
    at = apptest.open_page(apptest.start(app.engine, "rep"), "customers-pool")
    assert "Public pool" in apptest.texts(at) and not at.error
    picker = at.selectbox(key="customers_claim_pick")
    picker.select_index(0)
    chosen = picked_id(str(picker.value))
    at = submit(at, "Claim")
    assert any("is now in your private pool" in s.value for s in at.success)
    me = apptest.signed_in(app.engine, "rep").person_id
    with read_session(app.engine) as session:
        assert session.get(Customer, chosen).owner_id == me
    at = apptest.open_page(at, "customers-pool")
    assert "Claimed today: 1 of 10" in apptest.texts(at)


def test_director_sees_pareto_and_migration(app) -> None:
    at = apptest.open_page(apptest.start(app.engine, "director"), "customers-abc")
    shown = apptest.texts(at)
    assert "Pareto curve" in shown and "Grade migration" in shown
    assert "Graded across the whole company." in shown
    charts = at.get("vega_lite_chart")
    assert len(charts) >= 3
    matrix = next(d.value for d in at.dataframe if "Before \\ after" in d.value.columns)
    assert list(matrix["Before \\ after"]) == ["A", "B", "C", "new"]
    assert matrix[["A", "B", "C"]].to_numpy().sum() > 0


def test_create_shows_the_existing_record_instead_of_a_twin(app) -> None:
    from plugins.customers.queries import book as book_q

    me = apptest.signed_in(app.engine, "rep")
    rep_book = book_q.book(app.engine, runtime_viewer(app, "rep"))
    existing = rep_book.row(0, named=True)
    at = apptest.open_page(apptest.start(app.engine, "rep"), "customers-new")
    at.text_input(key="customers_create_name").input(existing["name"] + " ")
    at = submit(at, "Check and create")
    assert any("Not saved" in w.value for w in at.warning), apptest.texts(at)
    assert f"#{existing['customer_id']}" in apptest.texts(at)
    with read_session(app.engine) as session:
        before = len(session.scalars(select(Customer.customer_id)).all())
    at.text_input(key="customers_create_name").input("成都全新智造科技有限公司")
    at.text_input(key="customers_create_phone").input("028-8765 4321")
    at = submit(at, "Check and create")
    assert any("Created 成都全新智造科技有限公司" in s.value for s in at.success)
    with read_session(app.engine) as session:
        made = session.scalars(
            select(Customer).where(Customer.name == "成都全新智造科技有限公司")
        ).one()
        assert len(session.scalars(select(Customer.customer_id)).all()) == before + 1
    assert (
        made.owner_id == me.person_id and made.customer_id == before + 0 + made.customer_id - before
    )
    # and the archive opens it, with other plugins' panels below
    at = apptest.open_page(at, "customers")
    assert "成都全新智造科技有限公司" in apptest.texts(at)


def test_chinese_pages_and_settings(app) -> None:
    at = apptest.open_page(apptest.start(app.engine, "manager", "zh_CN"), "customers-followups")
    assert "团队逾期跟进" in apptest.texts(at)
    at = apptest.open_page(apptest.start(app.engine, "admin"), "customers-settings")
    at.number_input[0].set_value(6)
    at = submit(at, "Save settings")
    assert any("Settings saved" in s.value for s in at.success)
    from plugins.customers import settings

    assert settings.get(app.engine).abc_months == 6
    at.number_input[1].set_value(0.99)  # cut-off A above cut-off B: the model refuses
    at.number_input[2].set_value(0.5)
    at = submit(at, "Save settings")
    assert any("not valid" in e.value for e in at.error)
    assert settings.get(app.engine).cutoff_a != 0.99


def runtime_viewer(app, login: str):
    from command_center.org.auth import viewer_for

    return viewer_for(app.engine, apptest.signed_in(app.engine, login))


def test_public_pool_table_has_no_revenue(app) -> None:
    at = apptest.open_page(apptest.start(app.engine, "rep2"), "customers-pool")
    table = at.dataframe[0].value
    assert not {"Revenue", "Phone", "Owner"} & set(table.columns)
    assert isinstance(pl.from_pandas(table), pl.DataFrame)
