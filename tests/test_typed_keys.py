"""Keys typed into the hire form and the new-customer form (command_center.typed_keys):
checked as an import key is, unique, nothing written on a refusal; empty, the new id's
text. Actions on SQLite and PostgreSQL; the rules by hand."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from command_center import testing as apptest
from command_center.db.engine import read_session
from command_center.db.models import AuditEntry, Customer, Person
from command_center.i18n import language, t
from command_center.typed_keys import KeyRefused, checked_key
from plugins.customers.actions import customers as customer_acts
from plugins.customers.errors import ActionRefused
from plugins.recruiting.actions.hire import hire
from plugins.recruiting.actions.interviews import make_offer, respond_offer
from plugins.recruiting.errors import RecruitingError
from plugins.recruiting.models import Candidate, Offer, Opening
from tests.conftest import _drop_db, demo_copy, use_db
from tests.test_customers_actions import TODAY
from tests.test_customers_actions import viewer as customer_viewer
from tests.test_recruiting_actions import D, apply, new_opening, org, to_offer

__all__ = ["org"]  # the recruiting actions' fixture, used here as is


# -- the rules ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("  E-2031 ", "E-2031"),
        ("00417", "00417"),
        ("客户-甲", "客户-甲"),
        ("SO/2026/0042", "SO/2026/0042"),
        ("x" * 64, "x" * 64),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_a_typed_key_is_kept_exactly(typed: str | None, kept: str | None) -> None:
    assert checked_key(typed) == kept


@pytest.mark.parametrize(
    ("typed", "code", "params"),
    [
        ("x" * 65, "keys.form.too_long", {"max": 64, "length": 65}),
        ("E\x072031", "keys.form.hidden", {"char": "U+0007"}),
        ("E\u202e2031", "keys.form.hidden", {"char": "U+202E"}),
        ("E\t2031", "keys.form.hidden", {"char": "U+0009"}),
        ("=HYPERLINK(1)", "keys.form.formula", {"starts": "= + - @"}),
        ("-17", "keys.form.formula", {"starts": "= + - @"}),
        ("+17", "keys.form.formula", {"starts": "= + - @"}),
        ("@x", "keys.form.formula", {"starts": "= + - @"}),
    ],
)
def test_a_typed_key_breaking_an_import_rule_is_refused(typed: str, code: str, params) -> None:
    with pytest.raises(KeyRefused) as refused:
        checked_key(typed)
    assert (refused.value.code, refused.value.params) == (code, params)
    with language("en"):
        english = refused.value.message()
    with language("zh_CN"):
        chinese = refused.value.message()
    assert english != code and chinese != code and english != chinese


# -- the hire form's action ---------------------------------------------------------


def _accepted(org, name: str, phone: str) -> int:
    e, sup = org["engine"], org["sup"]
    cid = apply(org, new_opening(org), name, phone)
    to_offer(org, cid)
    make_offer(e, sup, cid, 9000.0, D(2026, 3, 16), D(2026, 2, 26))
    respond_offer(e, sup, cid, True, D(2026, 2, 28))
    return cid


def _people(engine) -> int:
    with read_session(engine) as s:
        return int(s.scalar(select(func.count()).select_from(Person)) or 0)


def test_hire_stores_the_typed_employee_number(org) -> None:
    e, sup = org["engine"], org["sup"]
    first = _accepted(org, "李雷", "13800000001")
    made = hire(e, sup, first, D(2026, 3, 1), key="  00417 ")
    assert (made.person_id, made.person_key, made.created) == (8, "00417", True)
    again = hire(e, sup, first, D(2026, 3, 1), key="ignored")  # a double submit
    assert (again.person_id, again.person_key, again.created) == (8, "00417", False)

    second = _accepted(org, "韩梅梅", "13800000002")
    before = _people(e)
    for typed, reason in (
        ("00417", t("keys.form.taken_person", key="00417")),
        ("=1+1", t("keys.form.formula", starts="= + - @")),
        ("E\x1b[31m", t("keys.form.hidden", char="U+001B")),
    ):
        with pytest.raises(RecruitingError) as refused:
            hire(e, sup, second, D(2026, 3, 1), key=typed)
        assert refused.value.key == "bad_key"
        assert refused.value.message() == f"Employee number: {reason}"
    assert _people(e) == before  # nothing written
    with read_session(e) as s:
        assert s.get(Candidate, second).stage == "offer"
    blank = hire(e, sup, second, D(2026, 3, 1), key="   ")
    assert (blank.person_id, blank.person_key) == (9, "9")  # the id's text, as before
    with read_session(e) as s:
        assert s.get(Person, 8).person_key == "00417" and s.get(Person, 9).person_key == "9"
        entry = s.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "candidate_hired", AuditEntry.entity_id == str(first)
            )
        ).one()
        assert entry.detail["person_key"] == "00417"


# -- the new-customer form's action ---------------------------------------------------


def _customers(engine) -> int:
    with read_session(engine) as s:
        return int(s.scalar(select(func.count()).select_from(Customer)) or 0)


def test_create_customer_stores_the_typed_key(empty_db) -> None:
    from tests.factories import load_small_org

    load_small_org(empty_db.engine)  # customer 1 甲公司 owned by rep 4; 4, 5 under 3
    e = empty_db.engine
    sup = customer_viewer(e, 3, "supervisor")
    data = customer_acts.CustomerInput(name="乙公司", size="smb", industry="制造")
    made = customer_acts.create_customer(e, sup, data, 4, TODAY, key=" CUST-000123 ")
    assert made == 2
    twin = customer_acts.CustomerInput(name="丙公司", size="smb", industry="制造")
    with pytest.raises(ActionRefused) as refused:
        customer_acts.create_customer(e, sup, twin, 4, TODAY, key="CUST-000123")
    assert refused.value.key == "customers.refused.bad_key"
    reason = t("keys.form.taken_customer", key="CUST-000123")
    assert refused.value.params == {"reason": reason}  # shown as "Customer key: {reason}"
    assert _customers(e) == 2  # nothing written
    # a key that is the next id's text: the next customer typed without a key is refused
    customer_acts.create_customer(e, sup, twin, 4, TODAY, key="4")
    third = customer_acts.CustomerInput(name="丁公司", size="smb", industry="制造")
    with pytest.raises(ActionRefused) as taken:
        customer_acts.create_customer(e, sup, third, 4, TODAY)
    assert taken.value.params["reason"] == t("keys.form.taken_customer", key="4")
    made = customer_acts.create_customer(e, sup, third, 4, TODAY, key="CUST-000124")
    with read_session(e) as s:
        keys = dict(s.execute(select(Customer.customer_id, Customer.customer_key)).all())
    assert keys == {1: "1", 2: "CUST-000123", 3: "4", 4: "CUST-000124"}


# -- the forms (AppTest, one backend: the actions above run on both) -----------------


@pytest.fixture
def fresh(tmp_path, monkeypatch, app_env):
    """A demo of its own (these tests write through the pages)."""
    db = demo_copy("sqlite", tmp_path, None)
    use_db(monkeypatch, db)
    yield db
    _drop_db(db, None)


def _click(at, label: str):
    return next(b for b in at.button if b.label == label).click().run()


@pytest.mark.one_backend
def test_the_forms_take_a_key_and_say_why_one_is_refused(fresh) -> None:
    e = fresh.engine
    at = apptest.open_page(apptest.start(e, "rep"), "customers-new")
    at.text_input(key="customers_create_name").input("成都键值测试有限公司")
    at.text_input(key="customers_create_key").input("CUST-900001")
    at = _click(at, "Check and create")
    assert not at.exception and not at.error, apptest.texts(at)
    assert any("(CUST-900001)" in s.value for s in at.success), apptest.texts(at)
    at.text_input(key="customers_create_name").input("重庆键值测试有限公司")
    at = _click(at, "Check and create")  # the same key again
    refused = t("keys.form.taken_customer", key="CUST-900001")
    assert [x.value for x in at.error] == [f"Customer key: {refused}"]
    with read_session(e) as s:
        names = s.scalars(select(Customer.name).where(Customer.name.like("%键值测试%"))).all()
    assert names == ["成都键值测试有限公司"]

    # the hire form: a candidate with an accepted offer in the supervisor's team
    sup = apptest.signed_in(e, "supervisor")
    with read_session(e) as s:
        cid = s.scalars(
            select(Candidate.candidate_id)
            .join(Offer, Offer.candidate_id == Candidate.candidate_id)
            .join(Opening, Opening.opening_id == Candidate.opening_id)
            .where(
                Candidate.stage == "offer",
                Offer.status == "accepted",
                Opening.hiring_manager_id == sup.person_id,
            )
            .order_by(Candidate.candidate_id)
            .limit(1)
        ).first()
    assert cid is not None
    at = apptest.open_page(apptest.start(e, "supervisor"), "recruiting-candidate")
    at.selectbox(key="recruiting_candidate_pick").set_value(cid).run()
    at.text_input(key=f"recruiting_hire_key_{cid}").input("=E-1")
    at = _click(at, "Hire")
    formula = t("keys.form.formula", starts="= + - @")
    assert [x.value for x in at.error] == [f"Employee number: {formula}"]
    at.text_input(key=f"recruiting_hire_key_{cid}").input("E-2031")
    at = _click(at, "Hire")
    assert not at.exception and not at.error, apptest.texts(at)
    assert "person E-2031" in apptest.texts(at)
    with read_session(e) as s:
        hired = s.get(Candidate, cid)
        assert hired.stage == "hired"
        assert s.get(Person, hired.person_id).person_key == "E-2031"
