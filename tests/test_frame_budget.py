"""The frame cache's byte accounting and its budget (``frames.cached``), on a real SQLite file."""

from __future__ import annotations

import polars as pl
import pytest

from command_center.db import frames
from command_center.db.engine import dispose_engine, get_engine
from command_center.db.migrate import upgrade
from command_center.plugins import PluginHost
from command_center.settings import get_settings


def _ints(n: int) -> pl.DataFrame:
    return pl.DataFrame({"x": pl.Series(range(n), dtype=pl.Int64)})  # 8 bytes a row


def test_the_cache_counts_frames_bytes_and_lets_the_least_recent_go(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'budget.db'}"
    engine = get_engine(url)
    upgrade(engine, PluginHost(get_settings(), entry_points=False))  # the meta table
    frames.clear_cache()
    monkeypatch.setattr(frames, "CACHE_BUDGET_BYTES", 20_000)
    loads: list[str] = []

    def loader(name: str, rows: int) -> pl.DataFrame:
        loads.append(name)
        return _ints(rows)

    try:
        frames.cached(engine, "a", lambda: loader("a", 1_000), tables=("people",))
        frames.cached(engine, "b", lambda: (loader("b", 500), _ints(250)), tables=("people",))
        # 8,000 + (4,000 + 2,000 + 64 for the tuple)
        assert frames.cached_bytes() == 14_064
        frames.cached(engine, "a", lambda: loader("a", 1_000), tables=("people",))  # a hit
        frames.cached(engine, "c", lambda: loader("c", 1_000), tables=("people",))
        # 22,064 > 20,000: "b", the least recently used, goes; "a" was used after it
        assert frames.cached_bytes() == 16_000
        frames.cached(engine, "b", lambda: (loader("b", 500), _ints(250)), tables=("people",))
        assert loads == ["a", "b", "c", "b"]
    finally:
        frames.clear_cache()
        dispose_engine(url)
