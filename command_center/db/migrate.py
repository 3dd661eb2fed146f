"""Alembic, driven from code: the core's revisions, then each plugin's.

Every plugin keeps its own version table (``alembic_version_<plugin>``), so
a plugin that is disabled or uninstalled leaves its tables and history in
place without breaking the core's or another plugin's upgrades, and a
plugin's revisions never need to know the core's revision ids (the core
always migrates first).

``command-center init`` calls :func:`upgrade`: idempotent on an up-to-date
database, and it upgrades an older schema in place.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from command_center.plugins import PluginHost

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
CORE_VERSIONS = MIGRATIONS_DIR / "versions"
CORE_VERSION_TABLE = "alembic_version"


@dataclass(frozen=True)
class MigrationTrack:
    """One independent line of migrations: the core's, or one plugin's."""

    owner: str
    folders: tuple[Path, ...]

    @property
    def version_table(self) -> str:
        return CORE_VERSION_TABLE if self.owner == "core" else f"alembic_version_{self.owner}"


def tracks(host: PluginHost) -> list[MigrationTrack]:
    """The core's track first, then one per enabled plugin with migrations."""
    host.tables()  # importing the models registers them on Base
    folders: dict[str, list[Path]] = {}
    for plugin, folder in host.migration_folders():
        folders.setdefault(plugin, []).append(folder)
    return [MigrationTrack("core", (CORE_VERSIONS,))] + [
        MigrationTrack(owner, tuple(paths)) for owner, paths in folders.items() if owner != "core"
    ]


def alembic_config(engine: Engine, track: MigrationTrack) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join(str(p) for p in track.folders))
    cfg.attributes["engine"] = engine
    cfg.attributes["version_table"] = track.version_table
    return cfg


def upgrade(
    engine: Engine, host: PluginHost, core_revision: str = "heads", plugins: bool = True
) -> None:
    """Bring the core to ``core_revision``, then every plugin to its heads."""
    all_tracks = tracks(host)
    command.upgrade(alembic_config(engine, all_tracks[0]), core_revision)
    if plugins:
        for track in all_tracks[1:]:
            command.upgrade(alembic_config(engine, track), "heads")


def current_heads(engine: Engine, track: MigrationTrack | None = None) -> set[str]:
    """The revisions the database is at for ``track`` (the core by default)."""
    table = track.version_table if track else CORE_VERSION_TABLE
    with engine.connect() as conn:
        return set(
            MigrationContext.configure(conn, opts={"version_table": table}).get_current_heads()
        )


def pending(engine: Engine, host: PluginHost) -> list[str]:
    """The owners ("core" or a plugin) whose migrations the database lacks."""
    behind = []
    for track in tracks(host):
        script = ScriptDirectory.from_config(alembic_config(engine, track))
        if current_heads(engine, track) != set(script.get_heads()):
            behind.append(track.owner)
    return behind
