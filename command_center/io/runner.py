"""Running an import (all or nothing) or an export (scoped to the viewer).

An import reads the file, checks every column of every row, then runs the
kind's ``check`` and ``apply`` in one :func:`write_session` transaction with
one audit entry. Any error rejects the whole file: all errors are collected
and raised together in :class:`ImportFailed`, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import polars as pl
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from command_center.db.audit import audit
from command_center.db.engine import read_session, write_session
from command_center.io.errors import UnknownKindError, file_error, reject
from command_center.io.files import file_format, load_grid, write_table_file
from command_center.io.upsert import WriteState, tracking
from command_center.io.validate import ROW, check_header, validate_frame
from command_center.org.scope import Viewer
from command_center.types import ExportKind, ImportKind

Progress = Callable[[float, str], None]

# Share of the progress bar per stage: reading, column checks, kind checks, writing.
_READ, _VALIDATE, _CHECK = 0.15, 0.35, 0.45


class Host(Protocol):
    """What the runner needs of :class:`command_center.plugins.PluginHost`."""

    def collect(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]: ...


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, on a dry run, would do)."""

    kind: str
    file: str
    rows: int
    inserted: int
    updated: int
    dry_run: bool


def _first_wins(host: Host, hook: str) -> dict[str, Any]:
    """Kinds by name; a later plugin reusing a name is reported, not obeyed."""
    kinds: dict[str, tuple[str, Any]] = {}
    for plugin, kind in host.collect(hook):
        if kind.kind in kinds:
            owner = kinds[kind.kind][0]
            host.infos[plugin].hook_errors[hook] = (
                f"kind {kind.kind!r} is already registered by {owner!r}"
            )
            continue
        kinds[kind.kind] = (plugin, kind)
    return {name: kind for name, (_, kind) in kinds.items()}


def import_kinds(host: Host) -> dict[str, ImportKind]:
    """Every import kind: the core's and the plugins' (``register_importers``)."""
    return _first_wins(host, "register_importers")


def export_kinds(host: Host) -> dict[str, ExportKind]:
    """Every export kind: the core's and the plugins' (``register_exporters``)."""
    return _first_wins(host, "register_exporters")


def import_kind(host: Host, kind: str) -> ImportKind:
    kinds = import_kinds(host)
    if kind not in kinds:
        raise UnknownKindError("import", kind, kinds)
    return kinds[kind]


def export_kind(host: Host, kind: str) -> ExportKind:
    kinds = export_kinds(host)
    if kind not in kinds:
        raise UnknownKindError("export", kind, kinds)
    return kinds[kind]


def run_import(
    engine: Engine,
    host: Host,
    kind: str,
    path: Path | str,
    *,
    dry_run: bool = False,
    actor: str = "operator",
    progress: Progress | None = None,
) -> ImportReport:
    """Import ``path`` (.csv or .xlsx) as ``kind``, all or nothing.

    Raises :class:`UnknownKindError` for an unknown kind and
    :class:`ImportFailed` (with every ``FILE:ROW: column: reason``) for a bad
    file. ``dry_run`` checks everything and counts, but writes nothing.
    """
    return import_file(
        engine, import_kind(host, kind), path, dry_run=dry_run, actor=actor, progress=progress
    )


def import_file(
    engine: Engine,
    spec: ImportKind,
    path: Path | str,
    *,
    dry_run: bool = False,
    actor: str = "operator",
    progress: Progress | None = None,
) -> ImportReport:
    """:func:`run_import` for a kind at hand (no plugin host needed).

    Errors name the file as given (``str(path)``). ``spec.check`` sees the typed
    frame with ``_row``; values that failed a column check are null there, and
    an error it returns for a cell that already has one is dropped.
    """
    file = str(path)
    path = Path(path)
    report = progress or (lambda _fraction, _message: None)
    report(0.0, f"reading {file}")
    grid = load_grid(path, file)
    order = [c.name for c in spec.columns]
    header_errors = check_header(grid.header, spec.columns, grid.header_row)
    if header_errors:
        raise reject(file, header_errors + grid.errors)
    raw = grid.frame.rename(dict(zip(grid.frame.columns, grid.header, strict=True)))
    raw = raw.select(order).with_columns(grid.rows.alias(ROW))
    report(_READ, f"checking {raw.height} rows")
    typed, errors = validate_frame(raw, spec.columns, spec.key)
    errors = grid.errors + errors
    report(_VALIDATE, "checking references")
    state = WriteState(dry_run=dry_run, progress=_chunk_progress(report))
    with _transaction(engine, dry_run) as session:
        if spec.check is not None:
            errors += spec.check(session, typed)
        if errors:
            raise reject(file, errors, order)
        report(_CHECK, "writing" if not dry_run else "counting")
        with tracking(state):
            try:
                written = spec.apply(session, typed)
            except IntegrityError as exc:
                raise file_error(file, f"the database refused the rows: {exc.orig}") from exc
        inserted, updated = (state.inserted, state.updated) if state.used else (written, 0)
        if not dry_run:
            audit(
                session,
                actor,
                "import",
                spec.kind,
                "",
                file=file,
                rows=typed.height,
                inserted=inserted,
                updated=updated,
            )
    report(1.0, "dry run: nothing written" if dry_run else f"imported {typed.height} rows")
    return ImportReport(spec.kind, file, typed.height, inserted, updated, dry_run)


@contextmanager
def _transaction(engine: Engine, dry_run: bool) -> Iterator[Session]:
    """The import's transaction; a dry run's is never committed."""
    opened = read_session(engine) if dry_run else write_session(engine)
    with opened as session:
        yield session


def _chunk_progress(report: Progress) -> Callable[[int, int], None]:
    def chunk_done(done: int, total: int) -> None:
        report(_CHECK + (1.0 - _CHECK) * done / total, f"writing chunk {done} of {total}")

    return chunk_done


def run_export(engine: Engine, host: Host, kind: str, path: Path, viewer: Viewer) -> int:
    """Write ``kind`` as the viewer may see it to ``path`` (.csv or .xlsx); rows written."""
    return export_file(engine, export_kind(host, kind), Path(path), viewer)


def export_file(engine: Engine, spec: ExportKind, path: Path, viewer: Viewer) -> int:
    """:func:`run_export` for a kind at hand."""
    file_format(path)
    frame: pl.DataFrame = spec.read(engine, viewer)
    write_table_file(frame, path, sheet=spec.kind)
    return frame.height
