"""Team events: scope in the data layer. A rep sees only the events they are invited to,
the announcements addressed to them and their own rows; supervisors their team's;
directors everything; admins no business rows."""

from __future__ import annotations

import polars as pl
import pytest
from sqlalchemy import text

from command_center.db import frames
from command_center.org.tree import children_map, subtree
from plugins.team_events import queries
from plugins.team_events.logic import comms
from tests.fixtures_team_events import viewer


def _subtree(engine, root: int) -> set[int]:
    people = frames.all_people(engine)
    return subtree(root, children_map(people.select("person_id", "manager_id").iter_rows()))


def _rows(engine, query: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(query)).all()]


def _addressed(engine, person_id: int) -> set[int]:
    """Announcements addressed to ``person_id``, from the tables and the tree directly."""
    people = frames.all_people(engine)
    me = people.filter(pl.col("person_id") == person_id).row(0, named=True)
    above = {person_id}
    boss = me["manager_id"]
    bosses = dict(people.select("person_id", "manager_id").iter_rows())
    while boss is not None:
        above.add(boss)
        boss = bosses[boss]
    out = set()
    for aid, audience, region, root in _rows(
        engine, "SELECT announcement_id, audience, region, team_root FROM team_events_announcements"
    ):
        if (
            audience == "force"
            or (audience == "region" and region == me["region"])
            or (audience == "team" and root in above)
        ):
            out.add(aid)
    return out


@pytest.mark.parametrize("login", ["rep", "rep2"])
def test_rep_sees_invited_events_and_addressed_announcements_only(demo_db, login: str) -> None:
    engine = demo_db.engine
    rep = viewer(engine, login)
    invited = {
        e
        for (e,) in _rows(
            engine, f"SELECT event_id FROM team_events_invitees WHERE person_id = {rep.person_id}"
        )
    }
    events = queries.events(engine, rep)
    assert set(events["event_id"]) == invited and invited
    assert set(queries.invitations(engine, rep)["person_id"]) == {rep.person_id}
    assert set(queries.actions(engine, rep)["owner_id"]) <= {rep.person_id}
    rows, members = queries.announcements(engine, rep)
    assert set(rows["announcement_id"]) == _addressed(engine, rep.person_id)
    assert set(members["person_id"]) == {rep.person_id}
    assert set(queries.reads(engine, rep)["person_id"]) <= {rep.person_id}
    assert queries.budgets(engine, rep).is_empty() and queries.spend(engine, rep).is_empty()
    assert queries.series(engine, rep).is_empty()


def test_the_two_reps_do_not_share_team_meetings(demo_db) -> None:
    engine = demo_db.engine
    rep, rep2 = viewer(engine, "rep"), viewer(engine, "rep2")
    mine = queries.events(engine, rep).filter(pl.col("kind") == "weekly_meeting")
    theirs = queries.events(engine, rep2).filter(pl.col("kind") == "weekly_meeting")
    assert mine.height and theirs.height
    assert not set(mine["event_id"]) & set(theirs["event_id"])


def test_supervisor_sees_their_teams_events_and_rows(demo_db) -> None:
    engine = demo_db.engine
    sup, rep2 = viewer(engine, "supervisor"), viewer(engine, "rep2")
    team = _subtree(engine, sup.person_id)
    invited = {
        e
        for (e,) in _rows(
            engine, f"SELECT event_id FROM team_events_invitees WHERE person_id = {sup.person_id}"
        )
    }
    own = {
        e
        for e, root in _rows(engine, "SELECT event_id, team_root FROM team_events_events")
        if root in team
    }
    events = queries.events(engine, sup)
    assert set(events["event_id"]) == invited | own
    other_team = frames.all_people(engine).filter(pl.col("person_id") == rep2.person_id)
    assert other_team["manager_id"].item() not in set(events["team_root"])
    assert set(queries.invitations(engine, sup)["person_id"]) <= team
    acts = queries.actions(engine, sup)
    assert set(acts["owner_id"]) <= team and acts.height
    assert set(queries.budgets(engine, sup)["team_root"]) <= team
    assert set(queries.spend(engine, sup)["team_root"]) <= team
    rows, members = queries.announcements(engine, sup)
    assert set(members["person_id"]) <= team
    # Every announcement shown is addressed to someone in the team (or was written by them).
    reach = set(members["announcement_id"]) | set(
        rows.filter(pl.col("author_id") == sup.person_id)["announcement_id"]
    )
    assert set(rows["announcement_id"]) <= reach
    assert set(queries.reads(engine, sup)["person_id"]) <= team
    stats = comms.read_stats(members, queries.reads(engine, sup))
    assert (stats["audience_size"] <= len(team)).all()


def test_director_sees_all_and_admin_nothing(demo_db) -> None:
    engine = demo_db.engine
    director, admin = viewer(engine, "director"), viewer(engine, "admin")
    [(events,)] = _rows(engine, "SELECT COUNT(*) FROM team_events_events")
    [(news,)] = _rows(engine, "SELECT COUNT(*) FROM team_events_announcements")
    assert queries.events(engine, director).height == events
    assert queries.announcements(engine, director)[0].height == news
    assert queries.events(engine, admin).is_empty()
    assert queries.actions(engine, admin).is_empty()
    assert queries.invitations(engine, admin).is_empty()
    assert queries.announcements(engine, admin)[0].is_empty()
    assert queries.reads(engine, admin).is_empty()
    assert queries.budgets(engine, admin).is_empty()


def test_team_filter_narrows_a_directors_view(demo_db) -> None:
    engine = demo_db.engine
    director, sup = viewer(engine, "director"), viewer(engine, "supervisor")
    narrowed = director.narrow(frozenset(_subtree(engine, sup.person_id)))
    assert set(queries.actions(engine, narrowed)["action_id"]) == set(
        queries.actions(engine, sup)["action_id"]
    )
