"""A person's day: the agenda the plugins contribute, merged and ordered.

Each plugin answers the ``today_agenda`` hook with :class:`AgendaItem` rows
(follow-ups, planned visits, pool warnings, milestones, action items,
meetings, appraisal steps). This module asks them, keeps what the scope
allows, and orders the rows by ``due``: a row due by a day sorts before the
rows at a time on that day. The Today page (``pages/today.py``) and
``command-center today`` both read through :func:`gather`.

Whose day: a person's agenda is their own rows plus, for a leader, their
team's (everyone below them), never more than the signed-in user may see
(:func:`person_viewer`).

Above the agenda, the strip (:func:`strip`): the core's cards — the person's
revenue attainment in the day's month and their rank among the people under
the same leader (:func:`standing`) — and the plugins' ``today_cards`` (today's
activity against daily targets, the estimated pay of the running month).

The core's own rows (:func:`receivable_rows`, kind ``receivable``): a rep's
overdue receivables — the lines with something past due (an instalment of a
payment schedule, or the line after the payment terms), the
:data:`RECEIVABLE_ROWS` most recently due, and one row "N more" that opens the
Receivables page. A leader's day shows only the team's total (the strip's card).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine, select

from command_center import cash
from command_center.db import frames
from command_center.db.models import Customer
from command_center.i18n import money, percent, t
from command_center.metrics import MetricRegistry
from command_center.org.scope import Viewer
from command_center.org.tree import children_map, subtree
from command_center.periods import Period, containing
from command_center.plugins import PluginHost
from command_center.types import AGENDA_KINDS, AgendaItem

AGENDA_COLUMNS: tuple[str, ...] = ("kind", "due", "person_id", "customer_id", "title")
"""The header of ``command-center today --format csv``, pinned."""
AGENDA_SCHEMA: dict[str, pl.DataType] = {
    "kind": pl.String(),
    "due": pl.String(),
    "person_id": pl.Int64(),
    "customer_id": pl.Int64(),
    "title": pl.String(),
}
FIRST_PAGE: dict[str, str] = {"rep": "today", "supervisor": "today", "admin": "admin"}
"""The page a role lands on after sign-in; the others land on the command center (home)."""


class NotInScope(ValueError):
    """The person asked for is outside the viewer's scope (or the viewer is no one)."""


def landing_page(role: str) -> str:
    """The ``PageSpec.key`` of the page ``role`` sees first."""
    return FIRST_PAGE.get(role, "home")


def person_viewer(
    viewer: Viewer,
    person_id: int | None,
    edges: Mapping[int, int | None],
    with_team: bool = True,
) -> Viewer:
    """The scope of ``person_id``'s day as ``viewer`` may see it.

    The person and everyone below them (a rep: themselves; without
    ``with_team`` the person alone), within the viewer's scope; ``person_id``
    ``None`` means the viewer's own person. A
    director's own day keeps ``person_ids=None`` (everyone). Raises
    :class:`NotInScope` for someone the viewer may not see, or a viewer
    without a person of their own (an admin, the CLI's operator) asking for
    their own day.
    """
    target = viewer.person_id if person_id is None else person_id
    if target is None or target not in edges or not viewer.can_see(target):
        raise NotInScope(target)
    team = frozenset(subtree(target, children_map(edges.items())) if with_team else {target})
    if viewer.person_ids is None and len(team) == len(edges):
        return Viewer(viewer.login, viewer.role, target, None)
    allowed = team if viewer.person_ids is None else team & viewer.person_ids
    return Viewer(viewer.login, viewer.role, target, allowed)


def sort_key(item: AgendaItem) -> tuple[dt.date, dt.time, int, int, int, str]:
    """``due`` first (a day's all-day rows before its timed ones), then kind, person,
    customer and title, so equal times keep one order."""
    if isinstance(item.due, dt.datetime):
        day, at = item.due.date(), item.due.time()
    else:
        day, at = item.due, dt.time.min
    return (
        day,
        at,
        AGENDA_KINDS.index(item.kind),
        item.person_id if item.person_id is not None else -1,
        item.customer_id if item.customer_id is not None else -1,
        item.title,
    )


def due_text(due: dt.date) -> str:
    """``YYYY-MM-DD`` for a day, ``YYYY-MM-DD HH:MM`` for a time (sorts as :func:`sort_key`)."""
    if isinstance(due, dt.datetime):
        return due.strftime("%Y-%m-%d %H:%M")
    return due.isoformat()


def merge(contributions: Iterable[tuple[str, AgendaItem]], viewer: Viewer) -> list[AgendaItem]:
    """The plugins' rows in ``due`` order: only :data:`AGENDA_KINDS`, only people in the
    viewer's scope, each ``(plugin, key)`` once."""
    seen: set[tuple[str, str]] = set()
    kept: list[AgendaItem] = []
    for plugin, item in contributions:
        if not isinstance(item, AgendaItem) or item.kind not in AGENDA_KINDS:
            continue
        if item.person_id is not None and not viewer.can_see(item.person_id):
            continue
        if (plugin, item.key) in seen:
            continue
        seen.add((plugin, item.key))
        kept.append(item)
    return sorted(kept, key=sort_key)


def gather(host: PluginHost, engine: Engine, viewer: Viewer, day: dt.date) -> list[AgendaItem]:
    """Every enabled plugin's rows for ``viewer``'s day ``day``, merged (:func:`merge`).

    A plugin whose hook raises is recorded against it and left out; the others show.
    """
    return merge(host.collect("today_agenda", engine=engine, viewer=viewer, day=day), viewer)


def agenda_frame(items: Iterable[AgendaItem]) -> pl.DataFrame:
    """:data:`AGENDA_COLUMNS` of ``items`` (in their order), ``due`` as :func:`due_text`."""
    rows = [
        (item.kind, due_text(item.due), item.person_id, item.customer_id, item.title)
        for item in items
    ]
    return pl.DataFrame(rows, schema=AGENDA_SCHEMA, orient="row")


def counts(items: Iterable[AgendaItem]) -> dict[str, int]:
    """Rows per kind, in :data:`AGENDA_KINDS` order, kinds with none left out."""
    found: dict[str, int] = {}
    for item in items:
        found[item.kind] = found.get(item.kind, 0) + 1
    return {kind: found[kind] for kind in AGENDA_KINDS if kind in found}


def overdue(items: Iterable[AgendaItem], day: dt.date) -> int:
    """How many rows were due before ``day``."""
    return sum(1 for item in items if sort_key(item)[0] < day)


# -- the core's rows: overdue receivables ------------------------------------------------

RECEIVABLE_ROWS = 5
"""A rep's overdue lines shown on their day (the most recently due); the rest are one
"N more" row away (the Receivables page)."""


def receivable_rows(engine: Engine, viewer: Viewer, day: dt.date) -> list[AgendaItem]:
    """A rep's overdue lines on ``day`` (``viewer`` the day's scope): customer, order
    key, what is past due and unpaid, days overdue; ``due`` is the date it fell due.
    Nothing on a leader's day (someone reports to the person) or without a person.
    Reads the person's own lines only."""
    person = viewer.person_id
    if person is None or not viewer.can_see(person):
        return []
    people = frames.all_people(engine)
    if people.filter(pl.col("manager_id") == person).height:
        return []
    found = cash.overdue_lines(engine, viewer, person, day)
    if found.is_empty():
        return []
    shown = found.head(RECEIVABLE_ROWS)
    names = _customer_names(engine, shown["customer_id"].drop_nulls().unique().to_list())
    items = [
        AgendaItem(
            kind="receivable",
            due=row["due_on"],
            person_id=person,
            customer_id=row["customer_id"],
            title=t(
                "cash.schedule.row",
                customer=names.get(row["customer_id"], str(row["customer_id"])),
                order=row["order_key"],
                amount=money(row["overdue"]),
                count=row["days_past_due"],
            ),
            key=f"receivable:{row['order_id']}",
        )
        for row in shown.iter_rows(named=True)
    ]
    more = found.height - shown.height
    if more > 0:
        from command_center.ui.cash_links import render_receivables_link

        items.append(
            AgendaItem(
                kind="receivable",
                due=day,
                person_id=person,
                title=t("cash.schedule.more", count=more),
                key="receivable:more",
                render_action=render_receivables_link,
                action_label=t("cash.schedule.open"),
            )
        )
    return items


def _customer_names(engine: Engine, customer_ids: list[int]) -> dict[int, str]:
    """Names of a few customers (the rows' own)."""
    if not customer_ids:
        return {}
    query = select(Customer.customer_id, Customer.name).where(
        Customer.customer_id.in_(sorted(customer_ids))
    )
    with engine.connect() as conn:
        return {int(cid): str(name) for cid, name in conn.execute(query)}


# -- the strip above the agenda ---------------------------------------------------------

ATTAINMENT_METRIC = "revenue"
"""What the month's attainment and the team rank measure: revenue against its target."""


@dataclass(frozen=True)
class TodayCard:
    """A figure on the strip above a person's agenda (the ``today_cards`` hook).

    ``label``, ``value`` and ``detail`` (a line under the value) come translated
    and formatted; ``key`` is unique within its plugin; cards show by ``order``.
    """

    key: str
    label: str
    value: str
    detail: str = ""
    order: int = 100


@dataclass(frozen=True)
class Standing:
    """A person's month: revenue (their team's, for a leader), its target and
    attainment, and their rank by attainment among the people under the same
    leader (``None``: no target, or no one above them); ``of`` is how many of
    those have a target and so a rank."""

    value: float
    target: float | None
    attainment: float | None
    rank: int | None
    of: int


def rank_by_attainment(peers: pl.DataFrame, person_id: int) -> tuple[int | None, int]:
    """``(rank, of)`` of ``person_id`` among ``peers`` (``node_id, attainment``) with an
    attainment: 1 the highest, ties share the better rank."""
    ranked = peers.drop_nulls("attainment").with_columns(
        pl.col("attainment").rank("min", descending=True).cast(pl.Int64).alias("rank")
    )
    mine = ranked.filter(pl.col("node_id") == person_id)["rank"].to_list()
    return (int(mine[0]) if mine else None), ranked.height


def standing(
    engine: Engine,
    registry: MetricRegistry,
    viewer: Viewer,
    person_id: int,
    month: Period,
    edges: Mapping[int, int | None],
) -> Standing:
    """``person_id``'s :class:`Standing` in ``month``.

    Reads the person-month figures of their leader's team only (the person
    and their peers with everyone below them): a rep's strip reads a
    supervisor's team, never the force. Only the rank leaves that read.
    """
    leader = edges.get(person_id)
    root = person_id if leader is None else leader
    team = frozenset(subtree(root, children_map(edges.items())))
    team_view = Viewer(viewer.login, viewer.role, root, team)
    peers = [person_id] if leader is None else [p for p, m in edges.items() if m == leader]
    values = registry.rollup(engine, team_view, ATTAINMENT_METRIC, month)
    goals = registry.targets(engine, team_view, ATTAINMENT_METRIC, month)
    table = (
        pl.DataFrame({"node_id": peers}, schema={"node_id": pl.Int64})
        .join(values.select("node_id", "value"), on="node_id", how="left")
        .join(goals, on="node_id", how="left")
        .with_columns(pl.col("value").fill_null(0.0))  # no sales yet: 0 % of a target
        .with_columns(
            pl.when(pl.col("target") > 0)
            .then(pl.col("value") / pl.col("target"))
            .alias("attainment")
        )
    )
    row = table.filter(pl.col("node_id") == person_id).row(0, named=True)
    rank, of = rank_by_attainment(table, person_id) if leader is not None else (None, 0)
    return Standing(float(row["value"]), row["target"], row["attainment"], rank, of)


def standing_cards(found: Standing, month: Period) -> list[TodayCard]:
    """The core's cards: the month's attainment and the rank in the team."""
    if found.attainment is None:
        attained = TodayCard("attainment", t("today.strip.attainment", month=month.label),
                             t("today.strip.no_target"), order=20)  # fmt: skip
    else:
        attained = TodayCard(
            "attainment",
            t("today.strip.attainment", month=month.label),
            percent(found.attainment),
            t("today.strip.of_target", value=money(found.value), target=money(found.target)),
            order=20,
        )
    if found.rank is None:
        ranked = TodayCard("rank", t("today.strip.rank"), t("today.strip.no_rank"), order=30)
    else:
        ranked = TodayCard(
            "rank",
            t("today.strip.rank"),
            t("today.strip.rank_value", rank=found.rank, of=found.of),
            order=30,
        )
    return [attained, ranked]


def strip(
    host: PluginHost, engine: Engine, registry: MetricRegistry, viewer: Viewer, day: dt.date
) -> list[TodayCard]:
    """Every card above ``viewer``'s day (``viewer`` from :func:`person_viewer`), by
    ``order``: the plugins' ``today_cards`` (a raising plugin is recorded and left
    out) and the core's :func:`standing_cards` for the day's month."""
    assert viewer.person_id is not None
    edges = dict(frames.all_people(engine).select("person_id", "manager_id").iter_rows())
    month = containing(day, "month")
    cards = standing_cards(
        standing(engine, registry, viewer, viewer.person_id, month, edges), month
    )
    found = host.collect("today_cards", engine=engine, registry=registry, viewer=viewer, day=day)
    cards += [card for _, card in found if isinstance(card, TodayCard)]
    return sorted(cards, key=lambda card: (card.order, card.key))
