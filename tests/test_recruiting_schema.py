"""The recruiting migration creates exactly the tables the models declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from command_center.db.base import Base
from plugins.recruiting.models import TABLES


def test_migration_matches_the_models(rdb) -> None:
    names = {model.__tablename__ for model in TABLES}  # type: ignore[attr-defined]
    assert all(name.startswith("recruiting_") for name in names)
    with rdb.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    ours = [d for d in diff if names & set(str(d).split("'"))]
    assert ours == []
