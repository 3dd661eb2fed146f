"""Summary copies kept on disk between runs: a restarted app folds in, it does not reload.

The in-memory copy of a ledger summary (:func:`command_center.db.frames.summary`)
costs a read of millions of rows when a process starts. After every whole
read it is written here as a Parquet file named after what it is valid for:
the summaries' rebuild mark, the unknown-writes mark and the change number
(``meta``'s ``summaries_seq``) it holds. A new process whose database still
carries the same marks, and a change number at least as high, loads the
file and reads only the rows the triggers stamped since (an indexed range
on ``seq``), exactly as a running process folds in a write.

Files live in ``COMMAND_CENTER_SNAPSHOT_DIR`` (``off`` turns them off); by
default in a ``cache`` folder beside a SQLite file, else ``data/cache``.
They hold the summaries' rows (sales per person, customer and month), so
they deserve the database's own file permissions. A restore forgets the
snapshots of the database it fills (:func:`forget`); a rebuild or a write
the app cannot follow moves a mark, which every older file then misses.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import polars as pl
from sqlalchemy import Engine, make_url

SUFFIX = ".parquet"


def folder(engine: Engine) -> Path | None:
    """Where the snapshots of ``engine``'s database go (None: turned off or in memory)."""
    configured = os.environ.get("COMMAND_CENTER_SNAPSHOT_DIR", "")
    if configured.lower() == "off":
        return None
    url = make_url(str(engine.url))
    name = hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:16]
    if configured:
        return Path(configured) / name
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
            return None
        return Path(url.database).resolve().parent / "cache" / name
    return Path("data") / "cache" / name


def _name(table: str, marks: tuple[int, int], seq: int) -> str:
    return f"{table}-{marks[0]}-{marks[1]}-{seq}{SUFFIX}"


def load(
    engine: Engine, table: str, marks: tuple[int, int], seq: int, schema: dict[str, pl.DataType]
) -> tuple[pl.DataFrame, int] | None:
    """The newest snapshot of ``table`` valid for ``marks`` and change number ``seq``:
    its rows and the change number they are as of; None when there is none."""
    where = folder(engine)
    if where is None or not where.is_dir():
        return None
    prefix = f"{table}-{marks[0]}-{marks[1]}-"
    found: list[tuple[int, Path]] = []
    for path in where.glob(f"{prefix}*{SUFFIX}"):
        taken = path.name[len(prefix) : -len(SUFFIX)]
        if taken.isdigit() and int(taken) <= seq:
            found.append((int(taken), path))
    for taken, path in sorted(found, reverse=True):
        try:
            rows = pl.read_parquet(path)
        except (OSError, pl.exceptions.PolarsError):
            continue
        if dict(rows.schema) == schema:
            return rows, taken
    return None


def save_later(
    engine: Engine, table: str, marks: tuple[int, int], seq: int, rows: pl.DataFrame
) -> threading.Thread | None:
    """Write ``rows`` as ``table``'s snapshot in a background thread (the caller goes on);
    older snapshots of the table are removed once it is in place."""
    where = folder(engine)
    if where is None:
        return None
    worker = threading.Thread(
        target=_save, args=(where, table, marks, seq, rows), name="cc-snapshot", daemon=True
    )
    worker.start()
    return worker


def save(engine: Engine, table: str, marks: tuple[int, int], seq: int, rows: pl.DataFrame) -> None:
    """Write ``rows`` as ``table``'s snapshot now (see :func:`save_later`)."""
    where = folder(engine)
    if where is not None:
        _save(where, table, marks, seq, rows)


def _save(where: Path, table: str, marks: tuple[int, int], seq: int, rows: pl.DataFrame) -> None:
    name = _name(table, marks, seq)
    try:
        where.mkdir(parents=True, exist_ok=True)
        partial = where / f".{name}.{os.getpid()}.{threading.get_ident()}"
        rows.write_parquet(partial, compression="lz4", statistics=False)
        os.replace(partial, where / name)
        for old in where.glob(f"{table}-*{SUFFIX}"):
            if old.name != name:
                old.unlink(missing_ok=True)
    except OSError:
        return  # a snapshot is an optimisation: without one the next start reads afresh


def forget(engine: Engine) -> None:
    """Remove every snapshot of ``engine``'s database (after a restore filled it)."""
    where = folder(engine)
    if where is None or not where.is_dir():
        return
    for path in where.glob(f"*{SUFFIX}"):
        path.unlink(missing_ok=True)
