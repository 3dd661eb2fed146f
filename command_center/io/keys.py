"""Key columns of import files: text keys at the door, integer ids inside.

A kind declares a column that names a person, a customer or an order with
:func:`key_column` (``person_id``, ``owner_id``, ``manager_id``,
``customer_id``, ``order_id``, or a plugin's own such as ``referrer_id``).
The file holds the external key, checked like any text (not blank, at most
:data:`~command_center.db.models.KEY_LENGTH` characters, no control or
direction characters) and, as products' keys are, never beginning like a
formula (``=``, ``+``, ``-``, ``@``). Before the kind's ``check`` and
``apply`` run, :func:`translate` swaps every key for the integer id behind it,
so a kind sees the same Int64 columns as before keys were text:

- a kind's own key (``own=True``: people's ``person_id``, customers'
  ``customer_id``, orders' ``order_id``) maps to the stored id, or a new id is
  allocated inside the write for a new key; the text goes on in the column
  named by :attr:`KeySpec.key_column` (``person_key`` …) for ``apply`` to store.
  A new key that is a plain whole number (``417``, not ``00417``) gets that
  number as its id when no row has it, so files from before text keys keep
  their ids; any other new key gets the next id above the largest.
- a reference maps to the stored id (or to a new one of the same file, as a
  manager hired in the same people file); an unknown key is a
  ``FILE:ROW: column: unknown person 'E-2031'`` error and a null cell.

The translation is set-based: a join against the key map (people and
customers, cached) or against the keys looked up in SQL (orders, only the
file's), never a lookup per row.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from command_center import keys
from command_center.db.ids import lock_table
from command_center.db.models import KEY_LENGTH
from command_center.io.validate import ROW
from command_center.types import Column, RowError

PLAIN_NUMBER = r"^(?:0|[1-9][0-9]{0,15})$"
"""A key that is a whole number written plainly (no sign, no leading zero)."""
LARGEST_ID = {"person": 2**31 - 1, "customer": 2**31 - 1, "order": 2**53}
"""The largest id a plain-number key may keep (people and customers are INTEGER)."""
_ID = "\x00id"


@dataclass(frozen=True)
class KeyColumn(Column):
    """A column of external keys of ``key_of`` (``person``, ``customer`` or ``order``)."""

    key_of: keys.Kind = "person"
    own: bool = False
    """The kind's own key: new keys are allocated an id (people's ``person_id`` …)."""


def key_column(
    name: str,
    of: keys.Kind,
    *,
    required: bool = True,
    optional: bool = False,
    own: bool = False,
) -> KeyColumn:
    """An import column holding keys of ``of`` (see the module docstring)."""
    keys.spec(of)  # an unknown kind fails where the kind is declared
    return KeyColumn(
        name,
        "str",
        required=required,
        max_length=KEY_LENGTH,
        optional=optional,
        key_of=of,
        own=own,
    )


def key_columns(columns: Sequence[Column]) -> list[KeyColumn]:
    """The key columns among ``columns``."""
    return [c for c in columns if isinstance(c, KeyColumn)]


@dataclass
class Translation:
    """What :func:`translate` did: the frame with ids, errors, and every pair it used."""

    frame: pl.DataFrame
    errors: list[RowError] = field(default_factory=list)
    pairs: dict[str, pl.DataFrame] = field(default_factory=dict)
    session: Session | None = None

    def show(self, kind: keys.Kind, id_: object) -> str:
        """The key of ``id_`` for a message (the file's, else the stored one)."""
        if id_ is None:
            return ""
        found = self.pairs.get(kind)
        if found is not None:
            hit = found.filter(pl.col(keys.ID) == id_)
            if hit.height:
                return str(hit[keys.KEY][0])
        if self.session is not None:
            stored = keys.key_of(self.session, kind, int(id_))  # type: ignore[call-overload]
            if stored is not None:
                return stored
        return str(id_)


_current: ContextVar[Translation | None] = ContextVar("command_center_io_keys", default=None)


@contextmanager
def current(translation: Translation) -> Iterator[Translation]:
    """Make ``translation`` what :func:`shown` reads while a kind's ``check`` runs."""
    token = _current.set(translation)
    try:
        yield translation
    finally:
        _current.reset(token)


def shown(kind: keys.Kind, id_: object) -> str:
    """The external key of ``id_`` for an import message (the text of the id outside one)."""
    translation = _current.get()
    if translation is None:
        return "" if id_ is None else str(id_)
    return translation.show(kind, id_)


def translate(
    session: Session, columns: Sequence[Column], typed: pl.DataFrame, *, allocate: bool = True
) -> Translation:
    """Swap the keys of ``typed``'s key columns for ids (see the module docstring).

    ``allocate``: lock the table before choosing new ids (a real write; a dry run
    only counts, so it takes no lock).
    """
    declared = key_columns(columns)
    result = Translation(typed, session=session)
    if not declared:
        return result
    frame = typed
    for column in [c for c in declared if c.own]:
        found = keys.spec(column.key_of)
        texts = frame[column.name].drop_nulls().unique(maintain_order=True)
        stored = keys.pairs_for_keys(session, column.key_of, texts.to_list())
        fresh = texts.filter(~texts.is_in(stored[keys.KEY].implode()))
        made = _allocate(session, column.key_of, fresh, lock=allocate)
        pairs = pl.concat([stored, made])
        result.pairs[column.key_of] = _joined(result.pairs.get(column.key_of), pairs)
        frame = frame.with_columns(pl.col(column.name).alias(found.key_column))
        frame = _swap(frame, column.name, pairs)
    for column in [c for c in declared if not c.own]:
        texts = frame[column.name].drop_nulls().unique(maintain_order=True)
        own = result.pairs.get(column.key_of)
        stored = keys.pairs_for_keys(session, column.key_of, texts.to_list())
        pairs = _joined(own, stored)
        result.pairs[column.key_of] = _joined(own, pairs)
        cell = pl.col(column.name)
        missing = frame.filter(cell.is_not_null() & ~cell.is_in(pairs[keys.KEY].implode()))
        result.errors += [
            RowError(row, column.name, f"unknown {column.key_of} '{value}'")
            for row, value in missing.select(ROW, column.name).iter_rows()
        ]
        frame = _swap(frame, column.name, pairs)
    result.frame = frame
    return result


def _joined(first: pl.DataFrame | None, second: pl.DataFrame) -> pl.DataFrame:
    if first is None:
        return second
    return pl.concat([first, second]).unique(keys.KEY, keep="first", maintain_order=True)


def _swap(frame: pl.DataFrame, name: str, pairs: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with the keys of column ``name`` replaced by their ids, in place."""
    mapping = pairs.select(pl.col(keys.KEY).alias(name), pl.col(keys.ID).alias(_ID))
    joined = frame.join(mapping, on=name, how="left", maintain_order="left")
    return joined.with_columns(pl.col(_ID).alias(name)).drop(_ID)


def _allocate(session: Session, kind: keys.Kind, fresh: pl.Series, *, lock: bool) -> pl.DataFrame:
    """Ids for new keys: a plain number keeps its value when no row has it; the rest
    take the next ids above the largest, in the file's order."""
    if fresh.is_empty():
        return pl.DataFrame(schema=keys.KEY_SCHEMA)
    found = keys.spec(kind)
    if lock:
        lock_table(session, found.table.name)
    plain = fresh.filter(fresh.str.contains(PLAIN_NUMBER))
    wanted = plain.cast(pl.Int64, strict=False)
    wanted = wanted.filter(wanted.is_not_null() & (wanted <= LARGEST_ID[kind]))
    taken = keys.pairs_for_ids(session, kind, wanted.to_list())[keys.ID]
    kept = wanted.filter(~wanted.is_in(taken.implode()))
    kept_keys = kept.cast(pl.String)
    top = max(int(session.scalar(select(func.max(found.ids))) or 0), int(kept.max() or 0))
    rest = fresh.filter(~fresh.is_in(kept_keys.implode()))
    return pl.concat(
        [
            pl.DataFrame({keys.ID: kept, keys.KEY: kept_keys}, schema=keys.KEY_SCHEMA),
            pl.DataFrame(
                {
                    keys.ID: pl.int_range(top + 1, top + 1 + rest.len(), eager=True),
                    keys.KEY: rest,
                },
                schema=keys.KEY_SCHEMA,
            ),
        ]
    )
