"""Scope: a rep sees only their own pipeline rows, leaders their subtree, the director
all, the admin none — in reads, exports, the CLI and the customer panel; writes
outside scope are refused."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from command_center import cli
from command_center.io import run_export
from command_center.keys import key_of
from command_center.org.scope import Viewer
from plugins.pipeline import actions, queries
from plugins.pipeline.cli import overdue_frame, stalled_frame
from tests.conftest import make_host, use_db
from tests.fixtures_pipeline import (
    ADMIN,
    AT,
    DIRECTOR,
    MGR2,
    REP4,
    REP5,
    REP7,
    SUP3,
    SUP6,
    approved_contract,
    new_deal,
    org,
    refused,
)

VIEWERS = {
    "rep4": REP4,
    "rep5": REP5,
    "rep7": REP7,
    "sup3": SUP3,
    "sup6": SUP6,
    "mgr2": MGR2,
    "director": DIRECTOR,
    "admin": ADMIN,
}
OWNERS = {
    "rep4": {4},
    "rep5": {5},
    "rep7": {7},
    "sup3": {4, 5},
    "sup6": {7},
    "mgr2": {4, 5, 7},
    "director": {4, 5, 7},
    "admin": set(),
}


@pytest.fixture
def world(empty_db):
    """A signed deal with a plan, survey and complaint for reps 4 and 7; an open one for 5."""
    engine = empty_db.engine
    org(engine)
    for viewer, customer, owner in ((REP4, 1, 4), (REP7, 3, 7)):
        opp = new_deal(engine, viewer, customer=customer, owner=owner)
        actions.save_spin(
            engine, viewer, opp, situation="s", problem="p", implication="i", need_payoff="n"
        )
        actions.save_negotiation(
            engine,
            viewer,
            opp,
            competitors="c",
            strengths="s",
            strategy="",
            bottom_line=None,
            concessions="",
        )
        cid = actions.save_contract(
            engine,
            viewer,
            opp,
            payment_terms="net30",
            delivery_date=dt.date(2026, 11, 10),
            terms="",
        )
        actions.add_line(engine, viewer, cid, description="系统", quantity=1, unit_price=100.0)
        actions.submit_contract(engine, viewer, cid)
        actions.review_contract(engine, MGR2, cid, approve=True, comment="")
        actions.sign_contract(engine, viewer, cid, at=AT)
        actions.record_survey(engine, viewer, opp, score=4, comment="")
        actions.open_complaint(
            engine, viewer, customer_id=customer, opp_id=opp, description="慢", opened_at=AT
        )
    new_deal(engine, REP5, customer=2, owner=5, at=dt.datetime(2026, 1, 5, 9))  # long stalled
    return empty_db


READERS = {
    "opportunities": (queries.opportunities, "owner_id"),
    "contracts": (queries.contracts, "owner_id"),
    "surveys": (queries.surveys, "person_id"),
    "complaints": (queries.complaints, "person_id"),
    "milestones": (queries.milestones, "deal_owner_id"),
}


@pytest.mark.parametrize("who", list(VIEWERS))
def test_reads_are_scoped(world, who: str) -> None:
    viewer, engine = VIEWERS[who], world.engine
    for name, (read, column) in READERS.items():
        owners = set(read(engine, viewer)[column].to_list())
        # rep 5 has an open deal only: no contract, plan, survey or complaint
        expected = OWNERS[who] if name == "opportunities" else OWNERS[who] - {5}
        assert owners == expected, (who, name)
    opp_ids = set(queries.opportunities(engine, viewer)["opp_id"].to_list())
    for read in (queries.history, queries.spin, queries.negotiation):
        assert set(read(engine, viewer)["opp_id"].to_list()) <= opp_ids
    contracts = set(queries.contracts(engine, viewer)["contract_id"].to_list())
    for read in (queries.contract_lines, queries.reviews):
        assert set(read(engine, viewer)["contract_id"].to_list()) <= contracts


@pytest.mark.parametrize("who", ["rep4", "sup6", "mgr2", "admin"])
def test_exports_are_scoped(world, who: str, tmp_path: Path) -> None:
    host = make_host()
    for kind, column in (
        ("opportunities", "owner_id"),
        ("complaints", "person_id"),
        ("surveys", "opp_id"),
    ):
        path = tmp_path / f"{kind}.csv"
        run_export(world.engine, host, kind, path, VIEWERS[who])
        frame = pl.read_csv(path)
        if column == "opp_id":
            mine = set(queries.opportunities(world.engine, VIEWERS[who])["opp_id"].to_list())
            assert set(frame["opp_id"].to_list()) <= mine
        else:
            assert set(frame[column].to_list()) <= OWNERS[who]
    assert (pl.read_csv(tmp_path / "opportunities.csv").height == 0) == (who == "admin")


def test_stalled_and_overdue_lists_are_scoped(world) -> None:
    engine = world.engine
    assert stalled_frame(engine, SUP3)["owner_id"].to_list() == [5]
    assert stalled_frame(engine, REP4).is_empty() and stalled_frame(engine, SUP6).is_empty()
    overdue = set(overdue_frame(engine, MGR2)["opp_id"].to_list())
    assert overdue and set(overdue_frame(engine, REP4)["opp_id"].to_list()) < overdue


def test_writes_outside_scope_are_refused(world) -> None:
    engine = world.engine
    rep4_deal = queries.opportunities(engine, REP4)["opp_id"][0]
    with refused("pipeline.error.not_in_scope"):
        actions.move_stage(engine, REP7, rep4_deal, "lost", lost_reason="price")
    with refused("pipeline.error.not_in_scope"):
        actions.save_spin(
            engine, REP5, rep4_deal, situation="x", problem="", implication="", need_payoff=""
        )
    with refused("pipeline.error.not_in_scope"):
        new_deal(engine, REP4, customer=1, owner=5)  # a deal for someone else
    with refused("pipeline.error.not_in_scope"):
        new_deal(engine, REP4, customer=3, owner=4)  # another rep's customer
    with refused("pipeline.error.not_in_scope"):
        actions.open_complaint(engine, REP4, customer_id=3, description="x")
    with refused("pipeline.error.not_in_scope"):
        actions.record_survey(engine, ADMIN, rep4_deal, score=3, comment="")
    complaint = queries.complaints(engine, REP7)["complaint_id"][0]
    with refused("pipeline.error.not_in_scope"):
        actions.resolve_complaint(engine, REP4, complaint, resolution="x")
    opp = new_deal(engine, REP4)
    cid = approved_contract(engine, opp)
    with refused("pipeline.error.not_in_scope"):
        actions.sign_contract(engine, SUP6, cid)


def _csv(output: str) -> pl.DataFrame:
    """The CSV under a command's first (count) line."""
    body = "\n".join(line for line in output.splitlines()[1:] if line.strip())
    return pl.read_csv(body.encode()) if body else pl.DataFrame({"owner_id": []})


def test_cli_lists_only_the_users_scope(demo_db, monkeypatch, app_env) -> None:
    use_db(monkeypatch, demo_db)
    app = cli.build_app()
    env = {"COMMAND_CENTER_PASSWORD": "demo-pass-2026"}
    runner = CliRunner()
    everyone = runner.invoke(app, ["pipeline-stalled"])
    mine = runner.invoke(app, ["--user", "rep", "pipeline-stalled"], env=env)
    assert everyone.exit_code == 0 and mine.exit_code == 0, mine.output
    me = _demo_viewer(demo_db, "rep")
    my_key = key_of(demo_db.engine, "person", me.person_id)
    assert set(_csv(mine.output)["owner_id"].cast(pl.String).to_list()) <= {my_key}  # keys
    assert _csv(everyone.output)["owner_id"].n_unique() > 1
    assert _csv(mine.output).height == stalled_frame(demo_db.engine, me).height
    overdue = runner.invoke(app, ["--user", "rep", "pipeline-overdue"], env=env)
    assert overdue.exit_code == 0, overdue.output
    assert overdue.output.startswith(f"{overdue_frame(demo_db.engine, me).height} ")


def _demo_viewer(db, login: str) -> Viewer:
    from command_center import testing
    from command_center.org.auth import viewer_for

    return viewer_for(db.engine, testing.signed_in(db.engine, login))


PANEL_SCRIPT = textwrap.dedent(
    """
    import os
    from command_center import runtime
    from command_center.context import PageContext
    from command_center.db.engine import get_engine
    from command_center.org.scope import Viewer
    from command_center.periods import parse_period
    from plugins.pipeline.ui.cards import customer_panel

    ids = os.environ["PANEL_SCOPE"]
    scope = None if ids == "all" else frozenset(int(i) for i in ids.split(",") if i)
    viewer = Viewer("t", os.environ["PANEL_ROLE"], None, scope)
    engine = get_engine(os.environ["COMMAND_CENTER_DB_URL"])
    ctx = PageContext(engine, runtime.host(), runtime.registry(), viewer, viewer,
                      parse_period("2026-11"), None, 0)
    customer_panel(ctx, int(os.environ["PANEL_CUSTOMER"]))
    """
)


@pytest.mark.one_backend
@pytest.mark.parametrize(("who", "shows"), [("rep4", False), ("sup6", True), ("director", True)])
def test_customer_panel_is_scoped(
    world, monkeypatch, app_env, tmp_path: Path, who: str, shows: bool
) -> None:
    use_db(monkeypatch, world)
    viewer = VIEWERS[who]
    script = tmp_path / "panel.py"
    script.write_text(PANEL_SCRIPT)
    scope = "all" if viewer.person_ids is None else ",".join(map(str, sorted(viewer.person_ids)))
    monkeypatch.setenv("PANEL_SCOPE", scope)
    monkeypatch.setenv("PANEL_ROLE", viewer.role)
    monkeypatch.setenv("PANEL_CUSTOMER", "3")  # rep 7's customer
    at = AppTest.from_file(str(script), default_timeout=60).run()
    assert not at.exception, at.exception
    frames = [el.value for el in at.dataframe]
    assert bool(frames) == shows
    if shows:
        assert frames[0].shape[0] == 1 and frames[1].shape[0] == 1  # one deal, one complaint
