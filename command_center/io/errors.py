"""Errors of the import/export layer and how import errors are listed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from command_center.io.validate import visible
from command_center.types import RowError

MAX_ERRORS = 200
"""At most this many error lines are listed; a last line counts the rest."""

ROW_COLUMN = "(row)"
"""The ``column`` of an error about a whole row (wrong number of values, encoding)."""


class ImportFailed(Exception):
    """The file was rejected as a whole; nothing was written.

    ``errors`` holds one ``FILE:ROW: column: reason`` line per problem (file-level
    problems read ``FILE: reason``), capped at :data:`MAX_ERRORS` plus a final
    ``… and N more`` line; ``total`` is the uncapped number of problems.
    """

    def __init__(self, errors: list[str], total: int | None = None) -> None:
        self.errors = errors
        self.total = len(errors) if total is None else total
        super().__init__("\n".join(errors))


class UnknownKindError(ValueError):
    """An import or export kind that no plugin registers."""

    def __init__(self, what: str, kind: str, known: Iterable[str]) -> None:
        self.kind = kind
        self.known = sorted(known)
        listed = ", ".join(self.known) or "none"
        super().__init__(f"unknown {what} kind {kind!r}; known kinds: {listed}")


def file_error(file: str, reason: str) -> ImportFailed:
    """A problem with the file as a whole (unreadable, empty, wrong type).

    Control characters in the file's name (an upload's name is the browser's)
    are shown as ``<U+XXXX>``, as everywhere in import errors.
    """
    return ImportFailed([f"{visible(file)}: {reason}"])


def sort_errors(errors: Iterable[RowError], column_order: Sequence[str] = ()) -> list[RowError]:
    """By row, then by column position; one error per cell (the first one found)."""
    position = {name: i for i, name in enumerate(column_order)}
    seen: set[tuple[int, str]] = set()
    unique: list[RowError] = []
    for error in errors:
        cell = (error.row, error.column)
        if cell not in seen:
            seen.add(cell)
            unique.append(error)
    unique.sort(key=lambda e: (e.row, position.get(e.column, len(position))))
    return unique


def format_errors(file: str, errors: Sequence[RowError], limit: int = MAX_ERRORS) -> list[str]:
    """``FILE:ROW: column: reason`` lines, at most ``limit`` plus a ``… and N more`` line."""
    lines = [error.format(file) for error in errors[:limit]]
    if len(errors) > limit:
        lines.append(f"… and {len(errors) - limit} more")
    return lines


def reject(file: str, errors: Sequence[RowError], column_order: Sequence[str] = ()) -> ImportFailed:
    """The :class:`ImportFailed` for ``errors`` (sorted, de-duplicated, capped)."""
    ordered = sort_errors(errors, column_order)
    return ImportFailed(format_errors(visible(file), ordered), total=len(ordered))
