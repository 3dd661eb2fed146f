"""Team events: the monthly review pack against figures computed independently from the
core orders and targets tables, its documents, the weekly digest, CLI and exports."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict

import polars as pl
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from command_center import cli, i18n
from command_center.db import frames
from command_center.db.engine import write_session
from command_center.i18n import language, money
from command_center.io import run_export
from command_center.keys import key_of
from command_center.metrics import MetricRegistry
from command_center.org.tree import children_map, subtree
from command_center.published import Fact, publish
from plugins.team_events.actions import TeamEventsError
from plugins.team_events.io import documents
from plugins.team_events.queries import digest, pack
from tests.conftest import AS_OF, make_host, use_db
from tests.fixtures_team_events import te_host, viewer

D = dt.date
MONTH = "2026-10"


@pytest.fixture(autouse=True)
def catalogs() -> None:
    """Every plugin's messages installed (documents are worded through them)."""
    i18n.install(make_host().translations())


def subtree_of(engine, root: int) -> list[int]:
    people = frames.all_people(engine)
    return sorted(subtree(root, children_map(people.select("person_id", "manager_id").iter_rows())))


def sql(engine, query: str, **params):
    with engine.connect() as conn:
        return conn.execute(text(query), params).all()


def ids_sql(ids: list[int]) -> str:
    return ",".join(map(str, ids))


def revenue_by_person(engine, ids: list[int], start: D, end: D) -> dict[int, float]:
    rows = sql(
        engine,
        f"SELECT person_id, SUM(revenue) FROM orders WHERE person_id IN ({ids_sql(ids)}) "
        "AND order_date BETWEEN :a AND :b GROUP BY person_id",
        a=start,
        b=end,
    )
    return {int(p): float(v) for p, v in rows}


@pytest.mark.parametrize("login", ["manager", "supervisor"])
def test_pack_figures_match_the_core_tables(demo_db, login: str) -> None:
    engine = demo_db.engine
    who = viewer(engine, login)
    built = pack.build(engine, MetricRegistry(make_host()), who, who.person_id, MONTH, today=AS_OF)
    team = subtree_of(engine, who.person_id)
    october = revenue_by_person(engine, team, D(2026, 10, 1), D(2026, 10, 31))
    september = revenue_by_person(engine, team, D(2026, 9, 1), D(2026, 9, 30))
    year_ago = revenue_by_person(engine, team, D(2025, 10, 1), D(2025, 10, 31))
    [(cost, lines)] = sql(
        engine,
        f"SELECT SUM(cost), COUNT(*) FROM orders WHERE person_id IN ({ids_sql(team)}) "
        "AND order_date BETWEEN :a AND :b",
        a=D(2026, 10, 1),
        b=D(2026, 10, 31),
    )
    targets = defaultdict(float)
    # The team's target is the sum of its reps' rows; a leader's own row (the demo's approved
    # plans give the manager and their supervisors one, command_center.demo_plans) is that sum.
    for metric, period, value in sql(
        engine,
        f"SELECT metric, period, SUM(target) FROM targets WHERE person_id IN ({ids_sql(team)}) "
        "AND person_id IN (SELECT person_id FROM people WHERE level = 'rep') "
        "AND period IN ('2026-10', '2026-11') GROUP BY metric, period",
    ):
        targets[(metric, period)] = float(value)
    [(explicit_leader,)] = sql(
        engine,
        "SELECT SUM(target) FROM targets WHERE person_id = :p AND period = :m "
        "AND metric = 'revenue'",
        p=who.person_id,
        m=MONTH,
    )
    assert explicit_leader is None or explicit_leader == targets[("revenue", MONTH)]

    revenue = sum(october.values())
    result = {r["key"]: r for r in built.results.iter_rows(named=True)}
    assert result["revenue"]["value"] == pytest.approx(revenue)
    assert result["revenue"]["previous"] == pytest.approx(sum(september.values()))
    assert result["revenue"]["target"] == pytest.approx(targets[("revenue", MONTH)])
    assert result["revenue"]["attainment"] == pytest.approx(revenue / targets[("revenue", MONTH)])
    assert result["revenue"]["change"] == pytest.approx(revenue / sum(september.values()) - 1)
    assert result["profit"]["value"] == pytest.approx(revenue - float(cost))
    assert result["margin"]["value"] == pytest.approx((revenue - float(cost)) / revenue)
    assert result["order_lines"]["value"] == lines
    base = sum(year_ago.values())
    assert result["growth"]["value"] == pytest.approx((revenue - base) / base)
    assert result["attainment"]["value"] == pytest.approx(revenue / targets[("revenue", MONTH)])

    # Members: each direct report's subtree.
    people = frames.all_people(engine)
    direct = people.filter(pl.col("manager_id") == who.person_id)["person_id"].to_list()
    by_member = {r["person_id"]: r for r in built.members.iter_rows(named=True)}
    assert set(by_member) == set(direct)
    for pid in direct:
        below = subtree_of(engine, pid)
        expected = sum(october.get(p, 0.0) for p in below)
        assert (by_member[pid]["revenue"] or 0.0) == pytest.approx(expected)

    # Movers: reps' revenue change against September, three each way.
    reps = set(people.filter(pl.col("level") == "rep")["person_id"].to_list()) & set(team)
    change = {
        p: october.get(p, 0.0) - september.get(p, 0.0)
        for p in reps
        if p in october or p in september
    }
    ups = sorted((p for p in change if change[p] > 0), key=lambda p: (-change[p], p))[:3]
    downs = sorted((p for p in change if change[p] < 0), key=lambda p: (change[p], p))[:3]
    assert built.top_movers["person_id"].to_list() == ups
    assert built.bottom_movers["person_id"].to_list() == downs
    assert built.top_movers["change"].to_list() == pytest.approx([change[p] for p in ups])

    # Honours: the ones published for the month (by the incentives module) if any, else computed.
    published = sql(
        engine,
        f"SELECT key, person_id FROM published_facts WHERE topic = 'honours' AND period = :m "
        f"AND person_id IN ({ids_sql(team)})",
        m=MONTH,
    )
    if published:
        assert built.honours_source == "published"
        assert set(built.honours.select("honour_id", "person_id").rows()) == {
            (k, int(p)) for k, p in published
        }
    else:
        champion = max((p for p in reps if p in october), key=lambda p: (october[p], -p))
        honours = dict(built.honours.select("honour_id", "person_id").iter_rows())
        assert built.honours_source == "computed" and honours["sales_champion"] == champion

    # Next month's targets: the core targets table, summed over the team.
    assert built.next_month == "2026-11"
    nxt = {r["metric"]: r["target"] for r in built.next_targets.iter_rows(named=True)}
    expected_next = {m: v for (m, p), v in targets.items() if p == "2026-11"}
    assert nxt.keys() == expected_next.keys() and "revenue" in nxt
    for metric, value in expected_next.items():
        assert nxt[metric] == pytest.approx(value)

    # Meetings held by the team's leaders in October.
    [(held,)] = sql(
        engine,
        f"SELECT COUNT(*) FROM team_events_events WHERE team_root IN ({ids_sql(team)}) "
        "AND kind IN ('weekly_meeting', 'monthly_review') AND status <> 'cancelled' "
        "AND event_date BETWEEN :a AND :b",
        a=D(2026, 10, 1),
        b=D(2026, 10, 31),
    )
    assert built.meetings["held"] == held > 0


def test_pack_scope_and_refusals(demo_db) -> None:
    engine = demo_db.engine
    registry = MetricRegistry(make_host())
    rep, rep2, sup = viewer(engine, "rep"), viewer(engine, "rep2"), viewer(engine, "supervisor")
    other_sup = (
        frames.all_people(engine).filter(pl.col("person_id") == rep2.person_id)["manager_id"].item()
    )
    cases = [
        (rep, sup.person_id, MONTH, "team_events.error.leaders_only"),
        (sup, other_sup, MONTH, "team_events.error.team_out_of_scope"),
        (sup, rep.person_id, MONTH, "team_events.error.team_is_rep"),
        (sup, sup.person_id, "2026-Q4", "team_events.error.month_only"),
    ]
    for who, team, month, key in cases:
        with pytest.raises(TeamEventsError) as caught:
            pack.build(engine, registry, who, team, month)
        assert caught.value.key == key
    built = pack.build(engine, registry, sup, sup.person_id, MONTH, today=AS_OF)
    shown = set(built.members["person_id"]) | set(built.next_person_targets["person_id"])
    assert shown <= set(subtree_of(engine, sup.person_id))


def test_published_honours_are_used_and_translated(te_db) -> None:
    engine = te_db.engine
    mgr = viewer(engine, "manager")
    team = subtree_of(engine, mgr.person_id)
    stranger = viewer(engine, "rep2").person_id
    with write_session(engine) as session:
        publish(
            session,
            "honours",
            "2026-09",
            [
                Fact(team[-1], "growth_star", 0.42, "team_events.honour.growth_star"),
                Fact(stranger, "sales_champion", 1e6, "team_events.honour.sales_champion"),
            ],
            "incentives",
        )
        publish(session, "honours", "2026-08", [], "incentives")
    registry = MetricRegistry(te_host())
    built = pack.build(engine, registry, mgr, mgr.person_id, "2026-09", today=AS_OF)
    assert built.honours_source == "published"
    assert built.honours.select("honour_id", "person_id").rows() == [("growth_star", team[-1])]
    assert documents.honours_frame(built).row(0)[0] == "Growth star"
    with language("zh_CN"):
        assert documents.honours_frame(built).row(0)[0] == "增长之星"
    august = pack.build(engine, registry, mgr, mgr.person_id, "2026-08", today=AS_OF)
    assert august.honours_source == "computed"


def test_pack_documents(demo_db) -> None:
    engine = demo_db.engine
    mgr = viewer(engine, "manager")
    built = pack.build(engine, MetricRegistry(make_host()), mgr, mgr.person_id, MONTH, today=AS_OF)
    revenue = built.result("revenue")["value"]
    html = documents.pack_html(built)
    assert html.startswith("<!DOCTYPE html>") and "@media print" in html
    assert built.team_name in html and money(revenue) in html and "Honours" in html
    markdown = documents.pack_markdown(built)
    assert f"# Monthly review · team of {built.team_name} · {MONTH}" in markdown
    assert "| Metric | Result | Target |" in markdown
    sheets = pl.read_excel(io.BytesIO(documents.pack_xlsx(built)), sheet_id=0)
    assert {"Results vs target", "Honours"} <= set(sheets)
    results = sheets["Results vs target"]
    assert results.filter(pl.col("Metric") == "Revenue")["Result"].item() == pytest.approx(revenue)
    with language("zh_CN"):
        chinese = documents.pack_html(built)
    assert "月度复盘" in chinese and "业绩与目标对比" in chinese


def test_weekly_digest_against_the_orders(demo_db) -> None:
    engine = demo_db.engine
    sup = viewer(engine, "supervisor")
    team = subtree_of(engine, sup.person_id)
    built = digest.build(engine, sup, sup.person_id, D(2026, 10, 14), today=AS_OF)
    assert built.week_start == D(2026, 10, 12) and built.week_end == D(2026, 10, 18)
    week = revenue_by_person(engine, team, D(2026, 10, 12), D(2026, 10, 18))
    before = revenue_by_person(engine, team, D(2026, 10, 5), D(2026, 10, 11))
    assert built.revenue == pytest.approx(sum(week.values()))
    assert built.previous_revenue == pytest.approx(sum(before.values()))
    best = max(week, key=lambda p: (week[p], -p))
    assert built.top_sellers["person_id"][0] == best
    assert set(built.meetings["event_date"]) <= {D(2026, 10, 12 + i) for i in range(7)}
    assert built.meetings.height >= 1
    text_md = documents.digest_markdown(built, "朱")
    assert money(built.revenue) in text_md and "## Action items" in text_md


def test_cli_pack_and_scoped_export(demo_db, monkeypatch, app_env, tmp_path) -> None:
    use_db(monkeypatch, demo_db)
    cli.build_app()
    runner = CliRunner()
    mgr = viewer(demo_db.engine, "manager")
    out = tmp_path / "pack.html"
    leader = key_of(demo_db.engine, "person", mgr.person_id)  # the command line names keys
    result = runner.invoke(
        cli.app, ["team-events", "pack", "--team", leader, "--month", MONTH, str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Monthly review" in out.read_text(encoding="utf-8")
    refused = runner.invoke(
        cli.app,
        [
            "--user",
            "rep",
            "team-events",
            "pack",
            "--team",
            leader,
            "--month",
            MONTH,
            str(tmp_path / "x.md"),
        ],
        env={"COMMAND_CENTER_PASSWORD": "demo-pass-2026"},
    )
    assert refused.exit_code != 0 and not (tmp_path / "x.md").exists()
    digest_out = tmp_path / "digest.md"
    ok = runner.invoke(
        cli.app,
        [
            "team-events",
            "digest",
            "--team",
            leader,
            "--week",
            "2026-10-14",
            str(digest_out),
        ],
    )
    assert ok.exit_code == 0, ok.output
    assert digest_out.exists()
    # Export kinds read through the scoped queries: a rep gets their own rows only.
    rep = viewer(demo_db.engine, "rep")
    path = tmp_path / "actions.csv"
    rows = run_export(demo_db.engine, make_host(), "team_events_actions", path, rep)
    frame = pl.read_csv(path)
    mine = key_of(demo_db.engine, "person", rep.person_id)  # files name people by key
    assert rows == frame.height > 0 and set(frame["owner_id"]) == {mine}
    path = tmp_path / "attendance.csv"
    run_export(demo_db.engine, make_host(), "team_events_attendance", path, rep)
    assert set(pl.read_csv(path)["person_id"]) == {mine}
