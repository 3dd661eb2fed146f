"""Customers plugin, writes: duplicate check, ids, follow-ups, pool rules (cap, daily
limit, cooldown, release reasons, lock), audit; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from command_center.db.engine import read_session, write_session
from command_center.db.models import AuditEntry, Customer, OrderLine
from command_center.org.scope import Viewer, people_edges, scope_for
from command_center.plugin_settings import save_settings
from plugins.customers.actions import customers as acts
from plugins.customers.actions import pool as pool_acts
from plugins.customers.actions.followups import FollowUpInput, log_followup
from plugins.customers.errors import ActionRefused, DuplicateFound
from plugins.customers.models import CustomerProfile, FollowUp, PoolMove
from plugins.customers.settings import PLUGIN, CustomerSettings
from tests.factories import load_small_org

TODAY = dt.date(2026, 11, 27)


def viewer(engine, person_id: int, role: str) -> Viewer:
    return Viewer(
        f"p{person_id}", role, person_id, scope_for(role, person_id, people_edges(engine))
    )


@pytest.fixture
def org(empty_db):
    load_small_org(
        empty_db.engine
    )  # customer 1 甲公司 owned by rep 4; reps 4, 5 under 3; 7 under 6
    return empty_db.engine


def rules(engine, **values) -> None:
    with write_session(engine) as session:
        save_settings(session, PLUGIN, CustomerSettings(**values), "test")


def count(engine, model) -> int:
    with read_session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def owner(engine, customer_id: int) -> int | None:
    with read_session(engine) as session:
        return session.get(Customer, customer_id).owner_id


def new(engine, who: Viewer, name: str, phone: str = "", tax: str = "", owner_id=None) -> int:
    data = acts.CustomerInput(name=name, phone=phone, tax_id=tax, size="smb", industry="制造")
    return acts.create_customer(engine, who, data, owner_id if owner_id else who.person_id, TODAY)


def test_create_allocates_the_next_id_and_refuses_twins(org) -> None:
    rep = viewer(org, 4, "rep")
    cid = new(org, rep, "上海星辰（集团）有限公司", "+86 138-0013-8000", "91310000MA1FL00X1A")
    assert cid == 2 and owner(org, cid) == 4
    acts.save_contact(org, rep, cid, acts.ContactInput("王伟", "采购经理", "139 0000 1111"))
    before = count(org, Customer)
    cases = [
        ("上海星辰(集团) 有限公司", "", "", {"name"}),  # full-width brackets, spaces
        ("别的名字", "13800138000", "", {"phone"}),
        ("另一个名字", "", "91310000ma1fl00x1a", {"tax_id"}),
        ("第三个名字", "13900001111", "", {"phone"}),  # a contact's phone
        ("甲公司", "", "", {"name"}),  # created through the core, no profile yet
    ]
    for name, phone, tax, fields in cases:
        with pytest.raises(DuplicateFound) as found:
            new(org, rep, name, phone, tax)
        match = found.value.matches[0]
        assert set(match["matched_on"]) == fields
        assert match["customer_id"] in (1, 2)
    assert count(org, Customer) == before  # never a twin
    with read_session(org) as session:
        moves = session.scalars(select(PoolMove).where(PoolMove.customer_id == cid)).all()
        assert [(m.action, m.to_owner_id) for m in moves] == [("create", 4)]
        actions = set(session.scalars(select(AuditEntry.action)))
    assert {"customer_created", "customer_create", "contact_added"} <= actions


def test_update_refuses_a_twin_and_reports_changes(org) -> None:
    rep = viewer(org, 4, "rep")
    cid = new(org, rep, "乙公司")
    with pytest.raises(DuplicateFound):
        acts.update_customer(org, rep, cid, acts.CustomerInput(name="甲 公司", size="smb"))
    changed = acts.update_customer(
        org, rep, cid, acts.CustomerInput(name="乙公司", size="key_account", needs="扩产")
    )
    assert set(changed) == {"size", "needs", "industry"}
    with pytest.raises(ActionRefused) as other:
        acts.update_customer(org, viewer(org, 7, "rep"), cid, acts.CustomerInput(name="丙公司"))
    assert other.value.key == "customers.refused.not_yours"


def test_who_owns_a_new_customer_and_the_cap(org) -> None:
    rep, sup = viewer(org, 4, "rep"), viewer(org, 3, "supervisor")
    with pytest.raises(ActionRefused) as refused:
        new(org, rep, "乙公司", owner_id=5)
    assert refused.value.key.endswith("rep_owns_new")
    assert owner(org, new(org, sup, "丙公司", owner_id=5)) == 5
    public = acts.create_customer(org, sup, acts.CustomerInput(name="丁公司"), None, TODAY)
    assert owner(org, public) is None
    with pytest.raises(ActionRefused):
        new(org, sup, "戊公司", owner_id=7)  # not in the supervisor's team
    rules(org, pool_cap=2)
    new(org, rep, "己公司")  # rep 4 now owns 甲 and 己
    with pytest.raises(ActionRefused) as full:
        new(org, rep, "庚公司")
    assert full.value.key.endswith("cap_reached") and full.value.params["cap"] == 2


def test_followups_need_scope_and_sane_dates(org) -> None:
    day = dt.date(2026, 11, 20)
    visit = FollowUpInput(day, "visit", "拜访", "报价", day + dt.timedelta(3), "problem")
    assert log_followup(org, viewer(org, 4, "rep"), 1, visit, TODAY) == 1
    assert log_followup(org, viewer(org, 3, "supervisor"), 1, visit, TODAY) == 2
    for who, data, key in [
        (viewer(org, 5, "rep"), visit, "not_yours"),
        (viewer(org, 4, "rep"), FollowUpInput(TODAY + dt.timedelta(1), "phone"), "future_followup"),
        (viewer(org, 4, "rep"), FollowUpInput(day, "fax"), "bad_channel"),
        (viewer(org, 4, "rep"), FollowUpInput(day, "phone", next_date=day - dt.timedelta(1)),
         "next_before_followup"),
    ]:  # fmt: skip
        with pytest.raises(ActionRefused) as refused:
            log_followup(org, who, 1, data, TODAY)
        assert refused.value.key.endswith(key)
    pool_acts.release(org, viewer(org, 4, "rep"), 1, TODAY)
    with pytest.raises(ActionRefused) as public:
        log_followup(org, viewer(org, 3, "supervisor"), 1, visit, TODAY)
    assert public.value.key.endswith("not_yours")  # public: only a director works on it
    assert count(org, FollowUp) == 2


def test_claims_obey_cap_daily_limit_and_cooldown(org) -> None:
    sup, rep4, rep5 = viewer(org, 3, "supervisor"), viewer(org, 4, "rep"), viewer(org, 5, "rep")
    ids = [acts.create_customer(org, sup, acts.CustomerInput(name=f"公海{i}号公司"), None, TODAY)
           for i in range(4)]  # fmt: skip
    rules(org, daily_claims=2, pool_cap=3)
    with pytest.raises(ActionRefused) as leader:
        pool_acts.claim(org, sup, ids[0], TODAY)
    assert leader.value.key.endswith("reps_claim")
    pool_acts.claim(org, rep5, ids[0], TODAY)
    pool_acts.claim(org, rep5, ids[1], TODAY)
    with pytest.raises(ActionRefused) as daily:
        pool_acts.claim(org, rep5, ids[2], TODAY)
    assert daily.value.key.endswith("daily_limit") and daily.value.params["limit"] == 2
    pool_acts.claim(org, rep5, ids[2], TODAY + dt.timedelta(1))  # a new day
    with pytest.raises(ActionRefused) as cap:
        pool_acts.claim(org, rep5, ids[3], TODAY + dt.timedelta(2))
    assert cap.value.key.endswith("cap_reached")
    with pytest.raises(ActionRefused) as taken:
        pool_acts.claim(org, rep4, ids[0], TODAY)
    assert taken.value.key.endswith("not_public")
    # rep 4 releases 甲公司 and may not take it back within the cooldown; rep 5 is full
    pool_acts.release(org, rep4, 1, TODAY)
    with pytest.raises(ActionRefused) as cooldown:
        pool_acts.claim(org, rep4, 1, TODAY + dt.timedelta(3))
    assert cooldown.value.key.endswith("cooldown")
    pool_acts.claim(org, rep4, 1, TODAY + dt.timedelta(7))
    assert owner(org, 1) == 4
    assert pool_acts.claim_state(org, 5, TODAY).claims_today == 2


def test_locked_customers_are_never_released_and_leaders_lock(org) -> None:
    rep, sup = viewer(org, 4, "rep"), viewer(org, 3, "supervisor")
    with pytest.raises(ActionRefused):
        pool_acts.set_locked(org, rep, 1, True)
    pool_acts.set_locked(org, sup, 1, True)
    with pytest.raises(ActionRefused) as locked:
        pool_acts.release(org, rep, 1, TODAY)
    assert locked.value.key.endswith("locked")
    assert pool_acts.release_due(org, dt.date(2030, 1, 1)) == 0  # years without anything
    assert owner(org, 1) == 4
    pool_acts.set_locked(org, sup, 1, False)
    assert pool_acts.release_due(org, dt.date(2030, 1, 1)) == 1


def test_release_due_logs_reasons_and_is_idempotent(org) -> None:
    sup = viewer(org, 3, "supervisor")
    day = dt.date(2026, 6, 1)
    a = acts.create_customer(org, sup, acts.CustomerInput(name="跟进甲公司"), 4, day)
    b = acts.create_customer(org, sup, acts.CustomerInput(name="跟进乙公司"), 5, day)
    c = acts.create_customer(org, sup, acts.CustomerInput(name="跟进丙公司"), 5, day)
    for cid, who in ((a, 4), (b, 5), (c, 5)):
        log_followup(org, viewer(org, who, "rep"), cid, FollowUpInput(dt.date(2026, 10, 20),
                     "phone"), TODAY)  # fmt: skip
    log_followup(org, viewer(org, 5, "rep"), c, FollowUpInput(dt.date(2026, 11, 1), "visit"), TODAY)
    with write_session(org) as session:  # b won in September, c in November
        session.add(
            OrderLine(
                order_id=100,
                customer_id=b,
                person_id=5,
                order_date=dt.date(2026, 9, 20),
                revenue=10.0,
                cost=1.0,
            )
        )
        session.add(OrderLine(order_id=101, customer_id=c, person_id=5,
                              order_date=dt.date(2026, 11, 5), revenue=10.0, cost=1.0))  # fmt: skip
    # 2026-11-20: a and b followed 31 days ago; c on 11-01. Customer 1 (created 2020, no
    # profile, no follow-up) is idle for years.
    released = pool_acts.release_due(org, dt.date(2026, 11, 20))
    assert released == 3
    assert pool_acts.release_due(org, dt.date(2026, 11, 20)) == 0  # idempotent
    with read_session(org) as session:
        moves = {
            m.customer_id: (m.reason, m.from_owner_id, m.days_idle, m.actor)
            for m in session.scalars(select(PoolMove).where(PoolMove.action == "release"))
        }
        profile = session.get(CustomerProfile, a)
        audits = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "customer_release")
        ).all()
        details = {
            int(e.entity_id): (e.actor, e.detail["reason"], e.detail["days_idle"]) for e in audits
        }
    assert moves == {
        1: ("no_followup", 4, (dt.date(2026, 11, 20) - dt.date(2020, 1, 1)).days, "system"),
        a: ("no_followup", 4, 31, "system"),
        b: ("no_followup", 5, 31, "system"),
    }
    assert details == {
        cid: (actor, reason, days) for cid, (reason, _, days, actor) in moves.items()
    }
    assert profile.last_owner_id == 4 and profile.release_reason == "no_followup"
    assert owner(org, a) is None and owner(org, c) == 5
    # by 2027-01-01 c has had no follow-up since 11-01 either
    assert pool_acts.release_due(org, dt.date(2027, 1, 1)) == 1
    with read_session(org) as session:
        reason = session.scalar(
            select(PoolMove.reason).where(PoolMove.customer_id == c, PoolMove.action == "release")
        )
    assert reason == "no_followup"


def test_no_win_reason_counts_days_since_the_last_order(org) -> None:
    sup = viewer(org, 3, "supervisor")
    cid = acts.create_customer(org, sup, acts.CustomerInput(name="老客户公司"), 4,
                               dt.date(2026, 1, 1))  # fmt: skip
    with write_session(org) as session:
        session.add(OrderLine(order_id=100, customer_id=cid, person_id=4,
                              order_date=dt.date(2026, 3, 1), revenue=10.0, cost=1.0))  # fmt: skip
    for month in range(3, 12):
        log_followup(org, viewer(org, 4, "rep"), cid,
                     FollowUpInput(dt.date(2026, month, 15), "phone"), TODAY)  # fmt: skip
    pool_acts.set_locked(org, sup, 1, True)  # keep 甲公司 out of the way
    assert pool_acts.release_due(org, dt.date(2026, 11, 20)) == 1
    with read_session(org) as session:
        move = session.scalars(select(PoolMove).where(PoolMove.action == "release")).one()
    assert (move.reason, move.days_idle) == (
        "no_win",
        (dt.date(2026, 11, 20) - dt.date(2026, 3, 1)).days,
    )


def test_assign_within_scope(org) -> None:
    sup = viewer(org, 3, "supervisor")
    pool_acts.assign(org, sup, 1, 5, TODAY)
    assert owner(org, 1) == 5
    with pytest.raises(ActionRefused):
        pool_acts.assign(org, sup, 1, 7, TODAY)  # 7 is in another team
    with pytest.raises(ActionRefused):
        pool_acts.assign(org, viewer(org, 5, "rep"), 1, 4, TODAY)
    with read_session(org) as session:
        move = session.scalars(select(PoolMove).where(PoolMove.action == "assign")).one()
    assert (move.from_owner_id, move.to_owner_id) == (4, 5)


def test_backfill_profiles_is_idempotent(org) -> None:
    assert pool_acts.backfill_profiles(org) == 1
    assert pool_acts.backfill_profiles(org) == 0
    with read_session(org) as session:
        profile = session.get(CustomerProfile, 1)
    assert profile.first_owner_id == 4 and profile.owned_since == dt.date(2020, 1, 1)
