"""Alembic, driven from code: the core's revisions plus every plugin's branch.

``command-center init`` calls :func:`upgrade` with ``heads``: idempotent on
an up-to-date database, and it upgrades an older schema in place.
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from command_center.plugins import PluginHost

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
CORE_VERSIONS = MIGRATIONS_DIR / "versions"


def alembic_config(engine: Engine, host: PluginHost) -> Config:
    """An Alembic config over the core's and the enabled plugins' version folders."""
    # Importing the plugins' table modules registers them on the shared Base.
    host.collect("register_tables")
    locations = [CORE_VERSIONS, *(Path(p) for _, p in host.collect("register_migrations"))]
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join(str(p) for p in locations))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, host: PluginHost, revision: str = "heads") -> None:
    """Bring the schema to ``revision`` (every head by default)."""
    command.upgrade(alembic_config(engine, host), revision)


def current_heads(engine: Engine) -> set[str]:
    """The revisions the database is at now."""
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def pending(engine: Engine, host: PluginHost) -> bool:
    """True when the database is behind the code's migrations."""
    script = ScriptDirectory.from_config(alembic_config(engine, host))
    heads = tuple(current_heads(engine))
    applied = {rev.revision for rev in script.iterate_revisions(heads, "base")} if heads else set()
    return any(rev.revision not in applied for rev in script.walk_revisions())
