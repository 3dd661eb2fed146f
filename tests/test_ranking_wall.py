"""Issue 15, item 6: the ranking wall (龙虎榜), public by design through published facts.

The tiny shop of tests/fixtures_incentives.py: supervisor 3 (under manager 2) over
Anna 4 and Bo 5, supervisor 6 (under manager 8) over Cy 7, everyone in region 华东;
quotas 100,000 / 100,000 / 50,000 a month. February 2026, by hand:

- revenue: Anna 100,000, Bo 90,000, Cy 60,000;
- attainment: Anna 100 %, Bo 90 %, Cy 60,000 / 50,000 = 120 %;
- supervisors on their team's figures: 3 = 190,000 / 200,000 = 95 %, 6 = 120 %.

So on attainment the force reads Cy 1, Anna 2, Bo 3; Anna's team (supervisor 3's)
Anna 1, Bo 2; Cy's team Cy 1; the region is the force.
"""

from __future__ import annotations

import datetime as dt
import threading

import polars as pl
import pytest
from sqlalchemy import func, select

from command_center import runtime
from command_center import testing as apptest
from command_center.db import frames
from command_center.db.engine import write_session
from command_center.db.models import AuditEntry, OrderLine, PublishedFact
from command_center.metrics import MetricRegistry
from command_center.org.scope import OPERATOR, Viewer
from command_center.periods import parse_period
from command_center.published import read_published
from plugins.incentives.actions import wall as wall_actions
from plugins.incentives.errors import IncentivesError
from plugins.incentives.logic.wall import (
    Marker,
    needs_publication,
    ranked,
    topic,
    wall_facts,
    wall_period_label,
)
from plugins.incentives.queries import wall as wall_reads
from plugins.incentives.settings import WallSettings
from tests.conftest import Db, use_db
from tests.fixtures_incentives import build_shop, viewer_for
from tests.sql_log import record_reads

FEB = parse_period("2026-02")
ANNA = Viewer("rep", "rep", 4, frozenset({4}))
BO = Viewer("rep2", "rep", 5, frozenset({5}))
ADMIN = Viewer("admin", "admin", None, frozenset())
NOW = dt.datetime(2026, 2, 20, 9, 0)


def _people(rows: list[tuple[int, str, str, int | None, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={
            "person_id": pl.Int64,
            "name": pl.String,
            "level": pl.String,
            "manager_id": pl.Int64,
            "region": pl.String,
            "status": pl.String,
        },
        orient="row",
    )


# -- pure logic --------------------------------------------------------------------------


def test_ranks_per_force_region_and_team_with_ties_sharing_the_better_place() -> None:
    people = _people(
        [
            (1, "总监", "director", None, "", "active"),
            (2, "主管东", "supervisor", 1, "华东", "active"),
            (3, "甲", "rep", 2, "华东", "active"),
            (4, "乙", "rep", 2, "华东", "active"),
            (5, "丙", "rep", 2, "华东", "active"),
            (6, "主管西", "supervisor", 1, "华西", "active"),
            (7, "丁", "rep", 6, "华西", "active"),
            (8, "戊", "rep", 6, "", "active"),  # no region: force and team only
            (9, "己", "rep", 6, "华西", "left"),  # left the company: not ranked
            (10, "庚", "rep", 6, "华西", "active"),  # no figure: not ranked
        ]
    )
    values = pl.DataFrame(
        {"person_id": [2, 3, 4, 5, 6, 7, 8, 9, 10], "value": [0.9, 1.2, 0.8, 1.2, 1.0, 1.5,
                                                              0.8, 9.0, None]},
    )  # fmt: skip
    out = ranked(values, people, ["rep"], True, values)
    got = {r["person_id"]: (r["force"], r["region_rank"], r["team_rank"]) for r in out.to_dicts()}
    # Force: 丁 1.5; 甲 and 丙 1.2 share 2; 乙 and 戊 0.8 share 4.
    assert got == {
        7: (1, 1, 1),
        3: (2, 1, 1),
        5: (2, 1, 1),
        4: (4, 3, 3),
        8: (4, None, 2),
    }
    # Lower is better: the order turns round.
    low = ranked(values, people, ["rep"], False)
    assert dict(low.select("person_id", "force").iter_rows()) == {4: 1, 8: 1, 3: 3, 5: 3, 7: 5}
    # Supervisors compete with supervisors only.
    both = ranked(values, people, ["rep", "supervisor"], True)
    sups = both.filter(pl.col("level") == "supervisor")
    assert dict(sups.select("person_id", "force").iter_rows()) == {6: 1, 2: 2}


def test_facts_hide_amounts_but_never_names_ranks_or_attainment() -> None:
    people = _people([(3, "甲", "rep", 2, "华东", "active"), (4, "乙", "rep", 2, "华东", "active")])
    values = pl.DataFrame({"person_id": [3, 4], "value": [120_000.0, 80_000.0]})
    share = pl.DataFrame({"person_id": [3, 4], "value": [1.2, 0.8]})
    rows = ranked(values, people, ["rep"], True, share)
    hidden = wall_facts(rows, show_value=False)
    assert set(hidden["key"]) == {"r/force", "r/region:华东", "r/team:2"}
    assert hidden.height == 6
    assert hidden.filter(pl.col("key") == "r/force")["text"].to_list() == [
        '{"n":"甲","v":null,"a":1.2}',
        '{"n":"乙","v":null,"a":0.8}',
    ]
    shown = wall_facts(rows, show_value=True).filter(pl.col("key") == "r/team:2")
    assert shown["text"].to_list()[0] == '{"n":"甲","v":120000.0,"a":1.2}'
    assert shown["value"].to_list() == [1.0, 2.0]


def test_when_a_wall_is_published_again() -> None:
    base = Marker("abc", NOW, False, ("rep",))
    assert needs_publication(None, base, 5)
    assert not needs_publication(base, base, 5)
    moved = Marker("def", NOW + dt.timedelta(minutes=4), False, ("rep",))
    assert not needs_publication(base, moved, 5)  # data changed, too soon
    later = Marker("def", NOW + dt.timedelta(minutes=5), False, ("rep",))
    assert needs_publication(base, later, 5)
    assert not needs_publication(
        base, Marker("abc", NOW + dt.timedelta(days=1), False, ("rep",)), 5
    )
    # What is shown changed: at once, however fresh.
    assert needs_publication(base, Marker("abc", NOW, True, ("rep",)), 5)
    assert needs_publication(base, Marker("abc", NOW, False, ("rep", "supervisor")), 5)
    assert Marker.parse(base.text()) == base
    assert Marker.parse("not json") is None


def test_days_and_weeks_are_ranked_in_their_month() -> None:
    assert wall_period_label("month", "2026-02", dt.date(2026, 2, 28)) == "2026-02"
    assert wall_period_label("quarter", "2026-Q1", dt.date(2026, 3, 31)) == "2026-Q1"
    assert wall_period_label("day", "2026-02-14", dt.date(2026, 2, 14)) == "2026-02"
    assert wall_period_label("week", "2026-W09", dt.date(2026, 3, 1)) == "2026-03"


# -- publication and reading on the shop (SQLite and PostgreSQL) -----------------------


@pytest.fixture
def shop(empty_db: Db, monkeypatch: pytest.MonkeyPatch, app_env: None) -> Db:
    use_db(monkeypatch, empty_db)
    build_shop(empty_db.engine)
    return empty_db


@pytest.fixture
def registry(shop: Db) -> MetricRegistry:
    return runtime.registry()


def _settings(engine: object, **changes: object) -> None:
    wall_actions.save_wall_settings(
        engine,  # type: ignore[arg-type]
        OPERATOR,
        WallSettings(**changes),  # type: ignore[arg-type]
        "test",
    )


def _board(engine: object, metric: str, key: str, top: int | None = None,
           me: int | None = None) -> list[tuple[int, str, float | None, float | None]]:  # fmt: skip
    found = wall_reads.group_rows(engine, metric, "2026-02", key, top, me)  # type: ignore[arg-type]
    return [(r["rank"], r["name"], r["value"], r["attainment"]) for r in found.to_dicts()]


def test_a_rep_publishes_and_reads_the_forces_wall(shop: Db, registry: MetricRegistry) -> None:
    engine = shop.engine
    assert wall_actions.publish_wall(engine, registry, ANNA, "attainment", FEB, "rep", now=NOW) == 3
    assert _board(engine, "attainment", "r/force") == [
        (1, "崔毅", 1.2, 1.2),
        (2, "安娜", 1.0, 1.0),
        (3, "博文", 0.9, 0.9),
    ]
    assert _board(engine, "attainment", "r/team:3") == [
        (1, "安娜", 1.0, 1.0),
        (2, "博文", 0.9, 0.9),
    ]
    assert _board(engine, "attainment", "r/team:6") == [(1, "崔毅", 1.2, 1.2)]
    assert _board(engine, "attainment", "r/region:华东") == _board(engine, "attainment", "r/force")
    # The top one and Bo's own row, whatever his place.
    assert [r[1] for r in _board(engine, "attainment", "r/force", top=1, me=5)] == ["崔毅", "博文"]
    # Nothing widened: the rep's scope still reads their own rows only.
    scoped = read_published(engine, ANNA, topic("attainment"), "2026-02")
    assert scoped["person_id"].drop_nulls().unique().to_list() == [4]
    assert ANNA.person_ids == frozenset({4})
    assert wall_reads.groups(engine, "attainment", "2026-02") == [
        "r/force", "r/region:华东", "r/team:3", "r/team:6"
    ]  # fmt: skip


def test_amounts_only_where_the_company_shows_them(shop: Db, registry: MetricRegistry) -> None:
    engine = shop.engine
    wall_actions.publish_wall(engine, registry, BO, "revenue", FEB, "rep2", now=NOW)
    assert _board(engine, "revenue", "r/force") == [
        (1, "安娜", None, 1.0),
        (2, "博文", None, 0.9),
        (3, "崔毅", None, 1.2),
    ]
    _settings(engine, show_amounts=True)
    # What is shown changed: the next visit publishes at once.
    assert wall_actions.publish_wall(engine, registry, BO, "revenue", FEB, "rep2", now=NOW) == 3
    assert [r[2] for r in _board(engine, "revenue", "r/force")] == [100_000.0, 90_000.0, 60_000.0]
    with pytest.raises(IncentivesError):
        wall_actions.save_wall_settings(engine, BO, WallSettings(show_amounts=False), "rep2")


def test_leaders_are_ranked_on_their_teams_figures(shop: Db, registry: MetricRegistry) -> None:
    engine = shop.engine
    _settings(engine, levels=["rep", "supervisor"])
    assert wall_actions.publish_wall(engine, registry, ANNA, "attainment", FEB, "rep", now=NOW) == 5
    assert _board(engine, "attainment", "s/force") == [
        (1, "主管乙", 1.2, 1.2),
        (2, "主管甲", 0.95, 0.95),
    ]
    assert _board(engine, "attainment", "s/team:2") == [(1, "主管甲", 0.95, 0.95)]
    # A supervisor looks at their own people's team; a rep at theirs.
    sup = wall_reads.own_place(engine, viewer_for(engine, "supervisor"))
    assert wall_reads.own_keys(sup, "rep")["team"] == "r/team:3"
    assert wall_reads.own_keys(sup, "supervisor")["team"] == "s/team:2"


def test_published_once_per_change_and_at_most_every_few_minutes(
    shop: Db, registry: MetricRegistry
) -> None:
    engine = shop.engine
    publish = wall_actions.publish_wall
    assert publish(engine, registry, ANNA, "attainment", FEB, "rep", now=NOW) == 3
    assert publish(engine, registry, BO, "attainment", FEB, "rep2", now=NOW) is None  # current
    with write_session(engine) as session:  # Bo books 30,000 more: 120 %, level with Cy
        day = dt.date(2026, 2, 25)
        line = OrderLine(order_id=99, customer_id=12, person_id=5, order_date=day,
                         revenue=30_000.0, cost=20_000.0)  # fmt: skip
        session.add(line)
    soon = NOW + dt.timedelta(minutes=2)
    assert publish(engine, registry, BO, "attainment", FEB, "rep2", now=soon) is None
    assert _board(engine, "attainment", "r/force")[2][1] == "博文"  # still the old wall
    later = NOW + dt.timedelta(minutes=6)
    assert publish(engine, registry, BO, "attainment", FEB, "rep2", now=later) == 3
    assert _board(engine, "attainment", "r/force") == [
        (1, "博文", 1.2, 1.2),
        (1, "崔毅", 1.2, 1.2),
        (3, "安娜", 1.0, 1.0),
    ]
    marker, count = wall_reads.marker(engine, "attainment", "2026-02")
    assert marker is not None and marker.at == later and count == 3
    assert publish(engine, registry, ANNA, "attainment", FEB, "rep", now=later, force=True) == 3
    with write_session(engine) as session:
        audits = session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "wall_published")
        )
    assert audits == 3


def test_a_readers_visit_leaves_the_refresh_to_a_background_thread(
    shop: Db, registry: MetricRegistry
) -> None:
    """A reader waits for a publication only when there is nothing to show or what is
    shown changed; new data is published by a background thread, not in their run."""
    engine = shop.engine
    visit = wall_actions.visit_wall
    assert visit(engine, registry, ANNA, "attainment", FEB, "rep", now=NOW) == "published"
    assert visit(engine, registry, BO, "attainment", FEB, "rep2", now=NOW) == "current"
    with write_session(engine) as session:  # Bo books 30,000 more: 120 %, level with Cy
        day = dt.date(2026, 2, 25)
        session.add(
            OrderLine(order_id=99, customer_id=12, person_id=5, order_date=day, revenue=30_000.0)
        )
    soon = NOW + dt.timedelta(minutes=2)
    assert visit(engine, registry, BO, "attainment", FEB, "rep2", now=soon) == "current"
    later = NOW + dt.timedelta(minutes=6)
    assert visit(engine, registry, BO, "attainment", FEB, "rep2", now=later) == "refreshing"
    wall_actions.wait_for_refreshes()
    assert _board(engine, "attainment", "r/force")[0][1] == "博文"
    marker, _ = wall_reads.marker(engine, "attainment", "2026-02")
    assert marker is not None and marker.at == later
    assert visit(engine, registry, BO, "attainment", FEB, "rep2", now=later) == "current"
    _settings(engine, show_amounts=True)  # what is shown changed: published in the visit
    assert visit(engine, registry, BO, "attainment", FEB, "rep2", now=later) == "published"
    with pytest.raises(IncentivesError):
        visit(engine, registry, ADMIN, "attainment", FEB, "admin", now=later)


def test_many_readers_at_once_publish_once(shop: Db, registry: MetricRegistry) -> None:
    engine = shop.engine
    results: list[int | None] = []

    def visit() -> None:
        results.append(
            wall_actions.publish_wall(engine, registry, ANNA, "attainment", FEB, "rep", now=NOW)
        )

    threads = [threading.Thread(target=visit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=lambda r: r is None) == [3, None, None, None]
    with write_session(engine) as session:
        rows = session.scalar(
            select(func.count())
            .select_from(PublishedFact)
            .where(PublishedFact.topic == topic("attainment"))
        )
    assert rows == 3 * 3 + 1  # force, region and team rows of three reps, one marker


def test_reading_the_wall_reads_facts_only(
    shop: Db, registry: MetricRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = shop.engine
    wall_actions.publish_wall(engine, registry, ANNA, "attainment", FEB, "rep", now=NOW)
    seen = record_reads(monkeypatch)
    wall_reads.marker(engine, "attainment", "2026-02")
    wall_reads.group_rows(engine, "attainment", "2026-02", "r/force", 20, 4)
    wall_reads.groups(engine, "attainment", "2026-02")
    assert seen and all("published_facts" in sql for sql in seen)
    assert not any("orders" in sql or "sales_person_month" in sql for sql in seen)


def test_only_signed_in_business_users_publish(shop: Db, registry: MetricRegistry) -> None:
    with pytest.raises(IncentivesError):
        wall_actions.publish_wall(shop.engine, registry, ADMIN, "attainment", FEB, "admin")
    with pytest.raises(IncentivesError):
        wall_actions.publish_wall(shop.engine, registry, ANNA, "no_such_metric", FEB, "rep")


# -- the page ----------------------------------------------------------------------------


@pytest.fixture
def app(demo_db: Db, monkeypatch: pytest.MonkeyPatch, app_env: None) -> Db:
    use_db(monkeypatch, demo_db)
    return demo_db


@pytest.mark.one_backend
def test_a_rep_sees_the_forces_wall_on_the_page(app: Db) -> None:
    at = apptest.start(app.engine, "rep")
    assert "incentives-wall" in apptest.page_paths(at)
    at = apptest.open_page(at, "incentives-wall")
    at.selectbox(key="_w_flt_period_en").set_value("2026-10").run()
    assert not at.exception and not at.error
    # The force's reps by October attainment, straight from the registry (the director's view).
    me = apptest.signed_in(app.engine, "rep").person_id
    people = frames.all_people(app.engine).filter(
        (pl.col("level") == "rep") & (pl.col("status") != "left")
    )
    values = runtime.registry().person_values(
        app.engine, OPERATOR, "attainment", parse_period("2026-10")
    )
    order = (
        people.join(values, on="person_id")
        .filter(pl.col("value").is_not_null())
        .sort(["value", "person_id"], descending=[True, False])
    )
    mine = order.with_row_index("i").filter(pl.col("person_id") == me)
    place = int(mine["i"][0]) + 1
    assert place > 20  # the demo's rep is outside the top 20: their row comes after it
    force = at.dataframe[0].value
    assert force["Name"].tolist() == [*order["name"].head(20).to_list(), f"{mine['name'][0]} · you"]
    assert force["Rank"].tolist()[-1] == place
    assert force["Attainment"].round(4).tolist()[:3] == [
        round(v, 4) for v in order["value"].head(3).to_list()
    ]
    assert not any(c.startswith("Revenue") for c in force.columns)  # no amounts by default
    assert any(
        m.label == "Your place in the force" and str(m.value) == str(place) for m in at.metric
    )
    at.toggle(key="incentives_wall_all").set_value(True).run()
    assert not at.exception
    assert len(at.dataframe[0].value) == order.height


@pytest.mark.one_backend
def test_published_honours_are_everyones_with_amounts_hidden(
    shop: Db, registry: MetricRegistry
) -> None:
    from plugins.incentives.actions import honours as honour_actions
    from plugins.incentives.queries import honours as honour_reads

    engine = shop.engine
    director = viewer_for(engine, "director")
    found = honour_reads.honour_winners(engine, registry, director, [FEB])[FEB]
    honour_actions.publish_honours(engine, director, {"2026-02": found}, "director")
    # Bo's scope is Bo; the titles published for the force are everyone's.
    titles = honour_reads.public_titles(engine, "2026-02")
    won = dict(zip(titles["key"].to_list(), titles["name"].to_list(), strict=True))
    assert won["sales_champion"] == "安娜" and won["target_star"] == "崔毅"
    at = apptest.start(engine, "rep2")
    at = apptest.open_page(at, "incentives-honours")
    at.selectbox(key="_w_flt_period_en").set_value("2026-02").run()
    assert not at.exception and not at.error
    shown = apptest.texts(at)
    assert "Announced company-wide for 2026-02" in shown
    assert "Sales champion** · 安娜" in shown and "100,000" not in shown  # no amounts
    assert "Target star** · 崔毅 · 120" in shown  # percentages are
    _settings(engine, show_amounts=True)
    at.run()
    assert "Sales champion** · 安娜 · ¥100,000" in apptest.texts(at)


def test_a_publication_reads_summaries_never_order_lines(
    shop: Db, registry: MetricRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bounded at scale: the registry's figures per person and month (the ledger
    summaries), the people and the targets; not one order line."""
    seen = record_reads(monkeypatch)
    for metric in ("attainment", "revenue", "profit"):
        assert wall_actions.publish_wall(shop.engine, registry, ANNA, metric, FEB, "rep", now=NOW)
    assert any("sales_person_month" in sql for sql in seen)
    assert not [sql for sql in seen if " from orders" in sql or "join orders" in sql]


@pytest.mark.one_backend
def test_a_director_shows_amounts_on_the_wall(app: Db) -> None:
    from plugins.incentives.settings import load_honour_settings

    at = apptest.start(app.engine, "director")
    at = apptest.open_page(at, "incentives-wall")
    at.selectbox(key="_w_flt_period_en").set_value("2026-10").run()
    at.selectbox(key="incentives_wall_metric").set_value("revenue").run()
    assert not at.exception and not at.error
    assert not any(c.startswith("Revenue") for c in at.dataframe[0].value.columns)
    before = load_honour_settings(app.engine)
    try:
        at.checkbox(key="incentives_wall_amounts").check()
        next(b for b in at.button if b.label == "Save the wall's settings").click().run()
        assert not at.exception
        assert load_honour_settings(app.engine).wall.show_amounts
        at.run()
        shown = at.dataframe[0].value
        assert shown["Revenue"].tolist() == sorted(shown["Revenue"].tolist(), reverse=True)
        assert shown["Revenue"].tolist()[0] > 0
    finally:  # the demo database is the session's: leave it as it was
        wall_actions.save_wall_settings(app.engine, OPERATOR, before.wall, "test")
