"""What SQL a piece of code sends: every analytic read goes through ``frames.read_frame``."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from command_center.db import frames


def record_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on (and with the cache emptied), the lower-cased SQL of every
    ``frames.read_frame`` call, in order; the reads still run against the database."""
    seen: list[str] = []
    real = frames.read_frame

    def recording(engine: Engine, query: object, schema: object = None) -> object:
        seen.append(frames.compile_sql(engine, query).lower())  # type: ignore[arg-type]
        return real(engine, query, schema)  # type: ignore[arg-type]

    frames.clear_cache()
    monkeypatch.setattr(frames, "read_frame", recording)
    return seen
