"""Writes of the ranking wall: publishing a wall for everyone, and its settings.

When a wall is published (docs/recognition.md): a reader's visit publishes the
period's wall of a metric when nothing is published yet, at once when what is
shown changed (amounts, levels), and otherwise when the data it is computed from
changed and the publication is at least ``refresh_minutes`` old. It is computed
once per change by whoever comes first: one thread per process at a time (a
lock per wall), and across processes the write takes a lock (PostgreSQL: an
advisory transaction lock; SQLite: the write lock taken up front) and checks the
marker again before it writes, so a second publisher of the same data writes
nothing. :func:`publish_wall` with ``force=True`` publishes whatever the marker
says (for a command or a scheduled job).

A reader's page never pays for a refresh: :func:`visit_wall` publishes in the
reader's run only when there is nothing to show yet or what is shown changed;
a refresh after new data runs in a background thread (one per wall and process)
while the page shows the wall as published (:func:`wait_for_refreshes` joins them).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import zlib

from sqlalchemy import Engine, select, text

from command_center.db.audit import audit
from command_center.db.engine import write_session
from command_center.db.models import PublishedFact
from command_center.metrics import MetricRegistry
from command_center.org.scope import Viewer
from command_center.periods import Period
from command_center.plugin_settings import save_settings
from command_center.published import Fact, publish
from command_center.types import BUSINESS_ROLES
from plugins.incentives.errors import IncentivesError
from plugins.incentives.logic.honours import PUBLISHER
from plugins.incentives.logic.wall import MARKER, Marker, needs_publication, topic, wall_facts
from plugins.incentives.queries import wall as wall_reads
from plugins.incentives.settings import PLUGIN, HonourSettings, WallSettings, load_honour_settings

logger = logging.getLogger(__name__)
_locks: dict[tuple[str, str, str], threading.Lock] = {}
_locks_guard = threading.Lock()
_refreshes: dict[tuple[str, str, str], threading.Thread] = {}


def _lock(engine: Engine, name: str, period: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault((str(engine.url), name, period), threading.Lock())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def wanted_marker(
    engine: Engine, registry: MetricRegistry, metric: str, wall: WallSettings, now: dt.datetime
) -> Marker:
    """The marker a publication made now would carry."""
    stamp = wall_reads.source_stamp(engine, registry, metric, now.date().isoformat())
    return Marker(stamp, now, wall.show_amounts, tuple(wall.levels))


def _check(registry: MetricRegistry, viewer: Viewer, metric: str, period: Period) -> None:
    """Signed-in business users only; a metric with figures for the period."""
    if viewer.role not in BUSINESS_ROLES:
        raise IncentivesError("not_allowed")
    if metric not in registry or not registry.supports(metric, period):
        raise IncentivesError("wall_metric", metric=metric)


def publish_wall(
    engine: Engine,
    registry: MetricRegistry,
    viewer: Viewer,
    metric: str,
    period: Period,
    actor: str,
    *,
    force: bool = False,
    now: dt.datetime | None = None,
) -> int | None:
    """Publish the wall of ``metric`` for ``period`` if it is due (or ``force``).

    Any signed-in business user may cause it (the wall is everyone's; the facts are
    computed with the force's scope, whoever asks). Returns the number of people
    ranked, or ``None`` when the published wall was still current.
    """
    _check(registry, viewer, metric, period)
    wall = load_honour_settings(engine).wall
    label = period.label
    name = topic(metric)
    with _lock(engine, name, label):
        moment = now or _now()
        wanted = wanted_marker(engine, registry, metric, wall, moment)
        found, _ = wall_reads.marker(engine, metric, label)
        if not force and not needs_publication(found, wanted, wall.refresh_minutes):
            return None
        ranked = wall_reads.ranking(engine, registry, metric, period, list(wall.levels))
        unit = registry.spec(metric).unit
        show_value = wall.show_amounts or unit != "currency"
        facts = [
            Fact(int(pid), str(key), float(value), str(body))
            for pid, key, value, body in wall_facts(ranked, show_value).iter_rows()
        ]
        facts.append(Fact(None, MARKER, float(ranked.height), wanted.text()))
        with write_session(engine) as session:
            if session.get_bind().dialect.name == "postgresql":
                lock_id = zlib.crc32(f"{name}|{label}".encode()) - 2**31
                session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_id})
            stored = session.scalar(
                select(PublishedFact.text).where(
                    PublishedFact.topic == name,
                    PublishedFact.period == label,
                    PublishedFact.key == MARKER,
                    PublishedFact.person_id.is_(None),
                )
            )
            again = Marker.parse(stored)
            if (
                not force
                and again != found
                and not needs_publication(again, wanted, wall.refresh_minutes)
            ):
                return None  # another publisher came first with the same data
            publish(session, name, label, facts, PUBLISHER)
            audit(session, actor, "wall_published", "published_facts", f"{name}:{label}",
                  ranked=ranked.height)  # fmt: skip
        return ranked.height


def visit_wall(
    engine: Engine,
    registry: MetricRegistry,
    viewer: Viewer,
    metric: str,
    period: Period,
    actor: str,
    *,
    now: dt.datetime | None = None,
) -> str:
    """What a reader's visit does to the wall of ``metric`` for ``period``.

    ``"published"``: nothing was published yet or what is shown changed, so it is
    published now (the reader waits, once per period and setting). ``"refreshing"``:
    the data changed and the publication is due, so a background thread publishes
    it while the reader sees the wall as it stands. ``"current"``: nothing to do.
    """
    _check(registry, viewer, metric, period)
    wall = load_honour_settings(engine).wall
    moment = now or _now()
    found, _ = wall_reads.marker(engine, metric, period.label)
    wanted = wanted_marker(engine, registry, metric, wall, moment)
    if not needs_publication(found, wanted, wall.refresh_minutes):
        return "current"
    if found is None or found.amounts != wanted.amounts or found.levels != wanted.levels:
        publish_wall(engine, registry, viewer, metric, period, actor, now=moment)
        return "published"
    key = (str(engine.url), topic(metric), period.label)
    with _locks_guard:
        running = _refreshes.get(key)
        if running is None or not running.is_alive():
            thread = threading.Thread(
                target=_refresh,
                args=(engine, registry, viewer, metric, period, actor, now),
                name=f"wall-{metric}-{period.label}",
                daemon=True,
            )
            _refreshes[key] = thread
            thread.start()
    return "refreshing"


def _refresh(
    engine: Engine,
    registry: MetricRegistry,
    viewer: Viewer,
    metric: str,
    period: Period,
    actor: str,
    now: dt.datetime | None,
) -> None:
    try:
        publish_wall(engine, registry, viewer, metric, period, actor, now=now)
    except Exception:  # the wall as published stays; the next visit tries again
        logger.exception("refreshing the wall of %s for %s failed", metric, period.label)


def wait_for_refreshes(timeout: float | None = None) -> None:
    """Join the background refreshes started so far (tests, commands that exit)."""
    with _locks_guard:
        running = list(_refreshes.values())
    for thread in running:
        thread.join(timeout)


def save_wall_settings(engine: Engine, viewer: Viewer, wall: WallSettings, actor: str) -> None:
    """Change what the wall shows (amounts, levels, the first metric): directors who
    see everyone only. The next visit publishes every wall again with it."""
    if viewer.role != "director" or not viewer.sees_all:
        raise IncentivesError("not_allowed")
    current = load_honour_settings(engine)
    new = HonourSettings(honours=current.honours, wall=wall)
    with write_session(engine) as session:
        save_settings(session, PLUGIN, new, actor)
