"""Team selling (issue 16, item 3): a line credited to several people is one ledger row
per person, so every reader of the person-month summaries sees the credited shares.

Figures by hand. The small org: 3 supervises reps 4 and 5, 6 supervises rep 7, 2
manages both teams. The contract of :func:`approved_contract` has two lines:
3 x 1,000 (cost 1,500) and 1 x 500 (cost 300). Split 70/30 between rep 4 and their
supervisor 3, that is four rows: 2,100 / 900 (cost 1,050 / 450) and 350 / 150
(cost 210 / 90); rep 4 is credited 2,450, supervisor 3 is credited 1,050.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from sqlalchemy import Engine, func, select

from command_center import runtime
from command_center import testing as apptest
from command_center.db import frames, summaries
from command_center.db.engine import get_engine, read_session, write_session
from command_center.db.models import AuditEntry, OrderLine, OrderRefund, PersonMonthSales
from command_center.ledger import LedgerError, NewLine, book_lines, refund, split_cents
from command_center.metrics import MetricRegistry
from command_center.org.auth import viewer_for
from command_center.org.scope import OPERATOR, Viewer
from command_center.periods import containing
from plugins.pipeline import actions, queries
from plugins.pipeline.errors import PipelineError
from plugins.pipeline.logic import credits as rules
from plugins.pipeline.models import ContractCredit, DealCredit
from tests.conftest import make_host
from tests.factories import load_small_org
from tests.fixtures_pipeline import (
    AT,
    MGR2,
    REP4,
    REP5,
    SUP3,
    SUP6,
    approved_contract,
    new_deal,
    org,
    page_fixtures,
    refused,
)

NOV = dt.date(2026, 11, 1)
DAY = dt.date(2026, 11, 2)


@pytest.fixture
def db(empty_db) -> Engine:
    org(empty_db.engine)
    return empty_db.engine


def rows(engine: Engine) -> list[tuple[int, int, float, float, float, int | None, str]]:
    """The ledger rows booked after the factories' six, in id order."""
    with read_session(engine) as session:
        query = (
            select(
                OrderLine.order_id,
                OrderLine.person_id,
                OrderLine.revenue,
                OrderLine.cost,
                OrderLine.credit_share,
                OrderLine.credit_group,
                OrderLine.order_key,
            )
            .where(OrderLine.order_id > 6)
            .order_by(OrderLine.order_id)
        )
        return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]


def person_month(engine: Engine, month: dt.date) -> dict[int, tuple[float, float]]:
    with read_session(engine) as session:
        query = select(
            PersonMonthSales.person_id, PersonMonthSales.revenue, PersonMonthSales.refunds
        ).where(PersonMonthSales.month == month, PersonMonthSales.lines != 0)
        return {p: (r, f) for p, r, f in session.execute(query)}


def no_differences(engine: Engine) -> None:
    for table, bad in summaries.differences(engine).items():
        assert bad.is_empty(), f"{table} differs from the detail:\n{bad}"


# -- the ledger -------------------------------------------------------------------------


def test_split_cents_sums_exactly_by_largest_remainder() -> None:
    assert split_cents(1000.0, [0.7, 0.3]) == [700.0, 300.0]
    assert split_cents(100.0, [1 / 3, 1 / 3, 1 / 3]) == [33.34, 33.33, 33.33]
    assert split_cents(0.05, [0.7, 0.3]) == [0.04, 0.01]  # 3.5 / 1.5 cents: the tie to the first
    assert split_cents(10.01, [0.5, 0.25, 0.25]) == [5.01, 2.5, 2.5]  # 500.5 wins the cent


def test_a_split_line_books_one_row_per_person(empty_db) -> None:
    engine = empty_db.engine
    load_small_org(engine)
    with write_session(engine) as session:
        ids = book_lines(
            session,
            [
                NewLine(1, 4, DAY, 1000.0, 600.0, credits=((4, 0.7), (3, 0.3))),
                NewLine(1, 4, DAY, 100.0, 0.0, credits=((4, 1 / 3), (3, 1 / 3), (5, 1 / 3))),
                NewLine(1, 4, DAY, 50.0),
            ],
            "rep4",
            "test",
        )
    assert ids == [7, 9, 12]  # one per line: its first row
    assert rows(engine) == [
        (7, 4, 700.0, 420.0, 0.7, 7, "7"),
        (8, 3, 300.0, 180.0, 0.3, 7, "7/2"),
        (9, 4, 33.34, 0.0, 1 / 3, 9, "9"),
        (10, 3, 33.33, 0.0, 1 / 3, 9, "9/2"),
        (11, 5, 33.33, 0.0, 1 / 3, 9, "9/3"),
        (12, 4, 50.0, 0.0, 1.0, None, "12"),
    ]
    assert person_month(engine, NOV) == {4: (783.34, 0.0), 3: (333.33, 0.0), 5: (33.33, 0.0)}
    no_differences(engine)
    with read_session(engine) as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "orders_booked")
        ).one()
    assert entry.detail["splits"]["7"] == [[4, 0.7], [3, 0.3]]
    assert entry.detail["order_ids"] == [7, 8, 9, 10, 11, 12]


BAD_LEDGER_SPLITS = [
    (((4, 0.6), (3, 0.3)), "sum to 90 %, not 100 %"),
    (((4, 0.7), (4, 0.3)), "person 4 is credited twice"),
    (((4, 1.2), (3, -0.2)), "credit share of person 3 must be positive"),
    (((4, 0.7), (99, 0.3)), "unknown person 99"),
]


def test_bad_splits_are_refused_and_nothing_is_written(empty_db) -> None:
    engine = empty_db.engine
    load_small_org(engine)
    for credits, message in BAD_LEDGER_SPLITS:
        with pytest.raises(LedgerError, match=message), write_session(engine) as session:
            good = NewLine(1, 4, DAY, 10.0)
            book_lines(session, [good, NewLine(1, 4, DAY, 10.0, 0.0, credits)], "x", "t")
    assert rows(engine) == []


def test_a_refund_of_one_row_refunds_the_group_in_its_shares(empty_db) -> None:
    engine = empty_db.engine
    load_small_org(engine)
    with write_session(engine) as session:
        (first,) = book_lines(
            session, [NewLine(1, 4, DAY, 3000.0, 0.0, credits=((4, 0.7), (3, 0.3)))], "t", "t"
        )
    with write_session(engine) as session:
        refund(session, first + 1, DAY, 1000.0, "damaged", "sup3")  # the supervisor's row
    with write_session(engine) as session:
        refund(session, first, DAY, 1999.99, "returned", "sup3")
    with pytest.raises(LedgerError, match="exceeds"), write_session(engine) as session:
        refund(session, first, DAY, 0.02, "too much", "sup3")
    with read_session(engine) as session:
        query = select(OrderRefund.order_id, OrderRefund.amount).order_by(OrderRefund.refund_id)
        got = [tuple(row) for row in session.execute(query)]
    # 1,000 as 700 / 300; then the group's 2,999.99 cut 70/30 is 2,099.99 / 900.00
    assert got == [(first, 700.0), (first + 1, 300.0), (first, 1399.99), (first + 1, 600.0)]
    assert person_month(engine, NOV) == {4: (2100.0, 2099.99), 3: (900.0, 900.0)}
    no_differences(engine)


# -- the pipeline -----------------------------------------------------------------------


def signed_70_30(engine: Engine) -> list[int]:
    opp = new_deal(engine)
    actions.save_deal_credits(engine, REP4, opp, [(4, 70.0), (3, 30.0)])
    cid = approved_contract(engine, opp)
    assert queries.contract_credits(engine, REP4, cid).rows() == [(4, 70.0), (3, 30.0)]
    return actions.sign_contract(engine, REP4, cid, at=AT)


def test_a_70_30_contract_credits_the_rep_and_the_supervisor(db: Engine) -> None:
    assert signed_70_30(db) == [7, 9]
    assert rows(db) == [
        (7, 4, 2100.0, 1050.0, 0.7, 7, "7"),
        (8, 3, 900.0, 450.0, 0.3, 7, "7/2"),
        (9, 4, 350.0, 210.0, 0.7, 9, "9"),
        (10, 3, 150.0, 90.0, 0.3, 9, "9/2"),
    ]
    assert person_month(db, NOV) == {4: (2450.0, 0.0), 3: (1050.0, 0.0)}
    no_differences(db)

    registry = MetricRegistry(make_host())
    period = containing(DAY, "month")
    values = registry.person_values(db, OPERATOR, "revenue", period)
    assert dict(values.select("person_id", "value").iter_rows()) == {4: 2450.0, 3: 1050.0}
    # the leaderboard (scorecard by node): the supervisor's team is the whole 3,500
    board = registry.scorecard(db, OPERATOR, "revenue", period).filter(
        pl.col("value").is_not_null()
    )
    assert dict(board.select("node_id", "value").iter_rows()) == {
        1: 3500.0,
        2: 3500.0,
        3: 3500.0,
        4: 2450.0,
    }
    # ABC grades customers: the customer's revenue is the whole contract, unchanged
    from plugins.customers.queries.grades import company_grades

    grades = company_grades(db, dt.date(2026, 11, 30), 12, (0.7, 0.9))
    mine = grades.filter(pl.col("customer_id") == 1)
    assert mine["revenue"].item() == pytest.approx(200.0 + 300.0 + 500.0 + 50.0 + 3500.0)


def test_a_manager_credits_a_rep_of_another_team(db: Engine) -> None:
    opp = new_deal(db)
    with refused("pipeline.error.credits_stranger"):
        actions.save_deal_credits(db, REP4, opp, [(4, 70.0), (7, 30.0)])
    actions.save_deal_credits(db, MGR2, opp, [(4, 70.0), (7, 30.0)])
    cid = approved_contract(db, opp)
    actions.sign_contract(db, REP4, cid, at=AT)
    board = MetricRegistry(make_host()).scorecard(db, OPERATOR, "revenue", containing(DAY, "month"))
    got = dict(board.filter(pl.col("value").is_not_null()).select("node_id", "value").iter_rows())
    assert got == {1: 3500.0, 2: 3500.0, 3: 2450.0, 4: 2450.0, 6: 1050.0, 7: 1050.0}


BAD_DEAL_SPLITS = [
    ([(4, 60.0), (3, 30.0)], "pipeline.error.credits_sum"),
    ([(4, 70.0), (7, 30.0)], "pipeline.error.credits_stranger"),
    ([(4, 70.0), (4, 30.0)], "pipeline.error.credits_duplicate"),
    ([(4, 100.0), (3, 0.0)], "pipeline.error.credits_share"),
    ([], "pipeline.error.credits_empty"),
]


def test_bad_splits_are_refused_with_a_reason(db: Engine) -> None:
    opp = new_deal(db)
    for split, key in BAD_DEAL_SPLITS:
        with refused(key):
            actions.save_deal_credits(db, REP4, opp, split)
    assert queries.deal_credits(db, REP4, opp).is_empty()


def test_messages_name_the_person_and_the_sum(db: Engine) -> None:
    from command_center import i18n
    from command_center.i18n import language

    i18n.install(make_host().translations())
    opp = new_deal(db)
    with pytest.raises(PipelineError) as sum_error:
        actions.save_deal_credits(db, REP4, opp, [(4, 60.0), (3, 30.0)])
    with pytest.raises(PipelineError) as stranger:
        actions.save_deal_credits(db, REP4, opp, [(4, 70.0), (7, 30.0)])
    with language("en"):
        assert str(sum_error.value) == "The shares sum to 90 %, not 100 %."
        assert str(stranger.value).startswith("7 cannot be credited: only the owner")
    with language("zh_CN"):
        assert str(sum_error.value) == "各人比例合计 90%，不是 100%。"


def test_only_the_owner_or_their_leaders_edit_the_split(db: Engine) -> None:
    opp = new_deal(db)
    for viewer in (REP5, SUP6):
        with refused("pipeline.error.not_in_scope"):
            actions.save_deal_credits(db, viewer, opp, [(4, 50.0), (5, 50.0)])
    wide_rep = Viewer("odd", "rep", 5, frozenset({4, 5}))  # a rep who sees the deal, not its owner
    with refused("pipeline.error.credits_role"):
        actions.save_deal_credits(db, wide_rep, opp, [(4, 50.0), (5, 50.0)])
    actions.save_deal_credits(db, SUP3, opp, [(4, 50.0), (5, 50.0)])  # a colleague of the owner
    assert queries.deal_credits(db, REP4, opp).rows() == [(4, 50.0), (5, 50.0)]
    actions.save_deal_credits(db, REP4, opp, [(4, 100.0)])  # back to the default: no rows
    assert queries.deal_credits(db, REP4, opp).is_empty()


def test_the_contract_split_changes_until_signing(db: Engine) -> None:
    opp = new_deal(db)
    cid = approved_contract(db, opp)  # drafted before any split: the owner's whole
    assert queries.contract_credits(db, REP4, cid).is_empty()
    with refused("pipeline.error.contract_action"):
        actions.save_contract_credits(db, REP4, cid, [(4, 70.0), (3, 30.0)])  # approved
    actions.withdraw_contract(db, REP4, cid)
    actions.save_contract_credits(db, REP4, cid, [(4, 70.0), (3, 30.0)])
    actions.submit_contract(db, REP4, cid, at=AT)
    actions.review_contract(db, SUP3, cid, approve=True, comment="同意", at=AT)
    actions.sign_contract(db, REP4, cid, at=AT)
    assert person_month(db, NOV) == {4: (2450.0, 0.0), 3: (1050.0, 0.0)}
    with refused("pipeline.error.contract_signed"):
        actions.save_contract_credits(db, REP4, cid, [(4, 100.0)])


def test_creditable_people_are_the_owners_team_and_leaders() -> None:
    edges = {1: None, 2: 1, 3: 2, 4: 3, 5: 3, 6: 2, 7: 6}
    active = set(edges)
    assert rules.creditable(edges, active, 4) == {1, 2, 3, 4, 5}
    assert rules.creditable(edges, active, 4, 2, editor_leads=True) == {1, 2, 3, 4, 5, 6, 7}
    assert rules.creditable(edges, active - {5}, 4) == {1, 2, 3, 4}
    assert rules.editor_rows([4, None, None], [70.0, None, 30.0]) == ([(4, 70.0)], True)
    assert rules.ledger_credits(((3, 100.0),)) == ((3, 1.0),)


def test_a_leavers_shares_go_to_the_heir(db: Engine) -> None:
    from plugins.pipeline.actions.handover import hand_over

    mine = new_deal(db)
    actions.save_deal_credits(db, REP4, mine, [(4, 70.0), (3, 30.0)])
    theirs = new_deal(db, REP5, customer=2, owner=5)
    actions.save_deal_credits(db, REP5, theirs, [(5, 50.0), (4, 50.0)])
    with write_session(db) as session:
        assert hand_over(session, 4, 5, DAY, "hr") == 1
    assert queries.deal_credits(db, OPERATOR, mine).rows() == [(5, 70.0), (3, 30.0)]
    assert queries.deal_credits(db, OPERATOR, theirs).rows() == [(5, 100.0)]


# -- the page (one backend: the page runs no SQL of its own) ------------------------------


pipeline_db, app = page_fixtures("credits")  # its own small demo: the test writes


def test_the_deal_page_edits_the_split(app: str) -> None:
    engine = runtime.engine()
    at = apptest.open_page(apptest.start(engine, "rep"), "pipeline-deal")
    assert not at.exception, at.exception
    opp_id = at.selectbox(key="pipeline_deal_pick").value
    text = apptest.texts(at)
    assert "Credit split (team selling)" in text and "Total: 100 %" in text
    rep = apptest.signed_in(engine, "rep")
    viewer = viewer_for(engine, rep)
    boss = frames.all_people(engine).filter(pl.col("person_id") == rep.person_id)
    supervisor = boss["manager_id"].item()
    actions.save_deal_credits(engine, viewer, opp_id, [(rep.person_id, 70.0), (supervisor, 30.0)])
    at.run()
    assert "Total: 100 %" in apptest.texts(at)
    at.button(key=f"pipeline_deal_credits_{opp_id}_save").click().run()
    assert not at.exception, at.exception
    assert "Credit split saved." in apptest.texts(at)
    assert queries.deal_credits(engine, viewer, opp_id).rows() == [
        (rep.person_id, 70.0),
        (supervisor, 30.0),
    ]
    # a won deal: both splits are shown, neither can change
    won = queries.opportunities(engine, viewer).filter(pl.col("stage") == "won")
    at.selectbox(key="pipeline_deal_pick").set_value(won["opp_id"].min()).run()
    assert not at.exception, at.exception
    text = apptest.texts(at)
    assert "its split can no longer change (the signed contract's split" in text
    assert "The contract is Signed: its split can no longer change." in text


def test_the_demo_splits_late_deals_with_the_supervisor(pipeline_db) -> None:
    url, _ = pipeline_db
    engine = get_engine(url)
    with read_session(engine) as session:
        query = select(DealCredit.opp_id, DealCredit.person_id, DealCredit.share_pct)
        credits = pl.DataFrame(
            [tuple(row) for row in session.execute(query)],
            schema=["opp_id", "person_id", "share_pct"],
            orient="row",
        )
        contract_rows = session.scalar(select(func.count()).select_from(ContractCredit))
    assert credits.height > 0 and contract_rows
    sums = credits.group_by("opp_id").agg(pl.col("share_pct").sum())
    assert (sums["share_pct"] == 100.0).all()
    opps = queries.all_opportunities(engine).select("opp_id", "owner_id")
    people = frames.all_people(engine).select("person_id", "manager_id")
    second = credits.filter(pl.col("share_pct") == 30.0).join(opps, on="opp_id")
    led = second.join(people, left_on="owner_id", right_on="person_id")
    assert (led["person_id"] == led["manager_id"]).all()
