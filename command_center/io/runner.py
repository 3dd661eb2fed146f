"""Running an import (all or nothing) or an export (scoped to the viewer).

An import reads the file, checks every column of every row, then runs the
kind's ``check`` and ``apply`` in one :func:`write_session` transaction with
one audit entry. Any error rejects the whole file: all errors are collected
and raised together in :class:`ImportFailed`, and nothing is written.

Who may import is enforced here, for the app's Data page and the CLI alike:
the kind's :attr:`~command_center.types.ImportKind.roles` first (before the
file is read), then its owner column against the caller's scope (before the
kind's ``check``, whose messages may quote stored rows).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import polars as pl
from sqlalchemy import Engine, Table, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from command_center.db.audit import audit
from command_center.db.base import Base
from command_center.db.engine import read_session, write_session
from command_center.db.models import User
from command_center.i18n import t
from command_center.io.errors import UnknownKindError, file_error, reject
from command_center.io.files import file_format, load_grid, write_table_file
from command_center.io.keys import Translation, current, key_columns, translate
from command_center.io.upsert import WriteState, tracking
from command_center.io.validate import (
    ROW,
    check_header,
    present_columns,
    validate_frame,
    visible,
)
from command_center.keys import STANDARD_COLUMNS, with_keys
from command_center.org.scope import OPERATOR, Viewer, people_edges, scope_for
from command_center.types import ExportKind, ImportKind, RowError

Progress = Callable[[float, str], None]

# Share of the progress bar per stage: reading, column checks, kind checks, writing.
_READ, _VALIDATE, _CHECK = 0.15, 0.35, 0.45
_KEYS_PER_QUERY = 5_000  # stored owners are looked up this many keys at a time


class ImportRefused(PermissionError):
    """The caller may not import this kind at all (their role); nothing was read."""


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


def may_import(spec: ImportKind, viewer: Viewer) -> bool:
    """Whether ``viewer``'s role may import ``spec`` (the operator always may).

    A kind whose rows name no person is only for callers who see everyone."""
    if viewer is OPERATOR:
        return True
    if viewer.role not in spec.roles:
        return False
    return viewer.sees_all or spec.owner_column is not None


def importable_kinds(host: Host, viewer: Viewer) -> dict[str, ImportKind]:
    """The import kinds ``viewer`` may import (what the Data page offers)."""
    return {name: spec for name, spec in import_kinds(host).items() if may_import(spec, viewer)}


def authorize_import(spec: ImportKind, viewer: Viewer) -> None:
    """Raise :class:`ImportRefused` unless ``viewer`` may import ``spec``."""
    if may_import(spec, viewer):
        return
    if viewer.role in spec.roles:  # the kind names no person: whole-force callers only
        raise ImportRefused(t("cli_user.import_needs_all", kind=spec.kind, role=viewer.role))
    allowed = ", ".join(sorted(spec.roles)) or "-"
    raise ImportRefused(
        t("cli_user.import_refused", kind=spec.kind, role=viewer.role, roles=allowed)
    )


def run_import(
    engine: Engine,
    host: Host,
    kind: str,
    path: Path | str,
    *,
    dry_run: bool = False,
    actor: str = "operator",
    progress: Progress | None = None,
    viewer: Viewer | None = None,
) -> ImportReport:
    """Import ``path`` (.csv or .xlsx) as ``kind``, all or nothing.

    Raises :class:`UnknownKindError` for an unknown kind, :class:`ImportRefused`
    when ``viewer``'s role may not import it, and :class:`ImportFailed` (with every
    ``FILE:ROW: column: reason``) for a bad file or rows outside ``viewer``'s
    scope. ``dry_run`` checks everything and counts, but writes nothing.
    ``viewer`` is who imports (the audit's actor is their login). Without one,
    ``actor`` names who imports: a user's login (what the app's Data page passes)
    imports with that user's role and scope, anything else as the operator.
    """
    return import_file(
        engine,
        import_kind(host, kind),
        path,
        dry_run=dry_run,
        actor=actor,
        progress=progress,
        viewer=viewer,
    )


def import_file(
    engine: Engine,
    spec: ImportKind,
    path: Path | str,
    *,
    dry_run: bool = False,
    actor: str = "operator",
    progress: Progress | None = None,
    viewer: Viewer | None = None,
) -> ImportReport:
    """:func:`run_import` for a kind at hand (no plugin host needed).

    Errors name the file as given (``str(path)``). ``spec.check`` sees the typed
    frame with ``_row``; values that failed a column check are null there, and
    an error it returns for a cell that already has one is dropped.
    """
    who = _actor_viewer(engine, actor) if viewer is None else viewer
    authorize_import(spec, who)
    if viewer is not None:
        actor = viewer.login
    file = str(path)
    path = Path(path)
    report = progress or (lambda _fraction, _message: None)
    report(0.0, f"reading {file}")
    grid = load_grid(path, file)
    header_errors = check_header(grid.header, spec.columns, grid.header_row)
    if header_errors:
        raise reject(file, header_errors + grid.errors)
    columns = present_columns(grid.header, spec.columns)
    order = [c.name for c in columns]
    raw = grid.frame.rename(dict(zip(grid.frame.columns, grid.header, strict=True)))
    raw = raw.select(order).with_columns(grid.rows.alias(ROW))
    report(_READ, f"checking {raw.height} rows")
    typed, errors = validate_frame(raw, columns, spec.key)
    errors = grid.errors + errors
    report(_VALIDATE, "checking references")
    state = WriteState(dry_run=dry_run, progress=_chunk_progress(report))
    try:
        with _transaction(engine, dry_run) as session:
            # Text keys become ids (new ones allocated) before anything else looks at them.
            keyed = translate(session, columns, typed, allocate=not dry_run)
            typed = keyed.frame
            outside = scope_errors(session, spec, typed, who, keyed)
            if outside:  # before ``check``: its messages may quote rows the caller may not see
                barred = {e.row for e in outside}
                owner = spec.owner_column
                seen = [e for e in keyed.errors if e.row not in barred or e.column == owner]
                raise reject(file, errors + seen + outside, order)
            errors += keyed.errors
            if spec.check is not None:
                with current(keyed):
                    errors += spec.check(session, typed)
            if errors:
                raise reject(file, errors, order)
            report(_CHECK, "writing" if not dry_run else "counting")
            with tracking(state):
                written = spec.apply(session, typed)
                session.flush()  # rows the ORM still holds meet the constraints here
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
    except IntegrityError as exc:  # a reference or key the kind's ``check`` let through
        raise file_error(file, t("cli_user.db_refused", error=_first_lines(exc))) from None
    report(1.0, "dry run: nothing written" if dry_run else f"imported {typed.height} rows")
    return ImportReport(spec.kind, file, typed.height, inserted, updated, dry_run)


def _first_lines(exc: IntegrityError) -> str:
    """What the database said, on one line (PostgreSQL adds a DETAIL line naming the key)."""
    said = str(exc.orig if exc.orig is not None else exc)
    lines = [line.strip() for line in said.splitlines() if line.strip()]
    return visible(" ".join(lines[:2]) or type(exc.orig).__name__)


def _actor_viewer(engine: Engine, actor: str) -> Viewer:
    """Who ``actor`` is when no viewer is given: a user's login never imports with more
    than that user's rights (the Data page names its user so); anything else is the
    operator (the CLI, scripts, tests)."""
    if actor == OPERATOR.login:
        return OPERATOR
    with read_session(engine) as session:
        found = session.execute(
            select(User.role, User.person_id, User.active).where(User.login == actor)
        ).first()
    if found is None:
        return OPERATOR
    role, person_id, active = found
    if not active:
        return Viewer(actor, "", person_id, frozenset())
    return Viewer(actor, role, person_id, scope_for(role, person_id, people_edges(engine)))


def scope_errors(
    session: Session,
    spec: ImportKind,
    frame: pl.DataFrame,
    viewer: Viewer,
    keyed: Translation | None = None,
) -> list[RowError]:
    """Rows of ``frame`` that ``viewer`` may not write: an owner outside their scope,
    or a key that replaces a stored row whose owner is outside it.

    ``frame`` holds ids; ``keyed`` (the import's key translation) names owners by
    their keys in the messages."""
    column = spec.owner_column
    if viewer.sees_all or column is None:
        return []
    allowed = sorted(viewer.person_ids or ())
    outside = frame.filter(pl.col(column).is_null() | ~pl.col(column).is_in(allowed))
    is_key = any(c.name == column for c in key_columns(spec.columns))

    def named(value: object) -> object:
        return keyed.show("person", value) if keyed is not None and is_key else value

    errors = [
        RowError(
            row,
            column,
            t("cli_user.row_no_owner")
            if value is None
            else t("cli_user.row_outside", value=named(value)),
        )
        for row, value in outside.select(ROW, column).iter_rows()
    ]
    table = _owned_table(spec, column)
    if table is None:
        return errors
    keys = [k for k in spec.key if frame[k].null_count() < frame.height]
    if len(keys) != len(spec.key):
        return errors
    named = frame.select(ROW, *spec.key).drop_nulls()
    stored: list[tuple[Any, ...]] = []
    for start in range(0, named.height, _KEYS_PER_QUERY):
        chunk = named.slice(start, _KEYS_PER_QUERY)
        if len(spec.key) == 1:
            where = table.c[spec.key[0]].in_(chunk[spec.key[0]].to_list())
        else:
            where = tuple_(*(table.c[k] for k in spec.key)).in_(
                list(chunk.select(spec.key).iter_rows())
            )
        query = select(*(table.c[k] for k in spec.key), table.c[column]).where(where)
        stored += [tuple(r) for r in session.execute(query).all()]
    mine = set(allowed)
    theirs = {row[:-1] for row in stored if row[-1] is None or row[-1] not in mine}
    reason = t("cli_user.replaces_outside")
    errors += [
        RowError(row, spec.key[0], reason)
        for row, *key in named.iter_rows()
        if tuple(key) in theirs
    ]
    return errors


def _owned_table(spec: ImportKind, owner: str) -> Table | None:
    """The table ``spec`` writes, if it carries the owner column and the key."""
    declared = spec.table
    if declared is not None:
        found = getattr(declared, "__table__", declared)
        candidates = [found] if isinstance(found, Table) else []
    else:
        key = set(spec.key)
        candidates = [
            table
            for table in Base.metadata.tables.values()
            if {c.name for c in table.primary_key.columns} == key
        ]
    usable = [
        table for table in candidates if owner in table.c and all(k in table.c for k in spec.key)
    ]
    return usable[0] if len(usable) == 1 else None


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
    """:func:`run_export` for a kind at hand.

    Files speak external keys: any integer column named after a person, customer
    or order (``person_id``, ``manager_id``, ``owner_id``, ``customer_id``,
    ``order_id``) is written as the key of that id; a kind with other such
    columns swaps them itself (:func:`command_center.keys.with_keys`)."""
    file_format(path)
    frame: pl.DataFrame = spec.read(engine, viewer)
    frame = with_keys(engine, frame, STANDARD_COLUMNS)
    write_table_file(frame, path, sheet=spec.kind)
    return frame.height
