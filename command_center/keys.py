"""External keys of people, customers and orders, and the integer ids behind them.

Every table, foreign key, frame and cache keeps its integer ids
(``person_id``, ``customer_id``, ``order_id``, ``owner_id``, ``manager_id``):
ten million order lines stay Int64 in memory. The keys other systems use
(HR's ``00417``, ``E-2031``, the ERP's ``CUST-000123`` and ``SO/2026/0042``)
live beside them in ``people.person_key``, ``customers.customer_key`` and
``orders.order_key``, kept exactly (case, leading zeros, Unicode), and are
what the boundaries speak: import and export files, the command line, the
pages and the notebook.

- People and customers: the whole key map is small (5,000 and 500,000 rows)
  and read through the frame cache, once per change of its table.
- Orders: ten million keys are never loaded; only the keys (or ids) at hand
  are looked up in SQL, a chunk at a time.

A row the app makes itself (a hire, an order booked from a contract, a test's
shop) gets the text of its id as its key (``models.text_of``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import polars as pl
from sqlalchemy import Column, Connection, Engine, Table, select
from sqlalchemy.orm import Session

from command_center.db import frames
from command_center.db.models import KEY_LENGTH, Customer, OrderLine, Person

Kind = Literal["person", "customer", "order"]
KINDS: tuple[Kind, ...] = ("person", "customer", "order")
CHUNK = 5_000
"""Keys (or ids) of orders looked up per query."""
ID = "id"
KEY = "key"
KEY_SCHEMA: dict[str, pl.DataType] = {ID: pl.Int64(), KEY: pl.String()}

__all__ = [
    "CHUNK",
    "KEY_LENGTH",
    "KINDS",
    "Kind",
    "UnknownKey",
    "id_of",
    "ids_for",
    "key_frame",
    "key_of",
    "keys_for",
    "spec",
    "with_keys",
]


@dataclass(frozen=True)
class KeySpec:
    """Where one kind's ids and keys live."""

    kind: Kind
    table: Table
    id_column: str
    key_column: str
    cached: bool  # the whole map goes through the frame cache (people, customers)

    @property
    def ids(self) -> Column[int]:
        return self.table.c[self.id_column]

    @property
    def keys(self) -> Column[str]:
        return self.table.c[self.key_column]


_SPECS: dict[str, KeySpec] = {
    "person": KeySpec("person", Person.__table__, "person_id", "person_key", True),  # type: ignore[arg-type]
    "customer": KeySpec("customer", Customer.__table__, "customer_id", "customer_key", True),  # type: ignore[arg-type]
    "order": KeySpec("order", OrderLine.__table__, "order_id", "order_key", False),  # type: ignore[arg-type]
}


class UnknownKey(LookupError):
    """A key that names no stored person, customer or order."""

    def __init__(self, kind: str, key: str) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"unknown {kind} {key!r}")


def spec(kind: str) -> KeySpec:
    """The table and columns of ``kind`` (``person``, ``customer`` or ``order``)."""
    try:
        return _SPECS[kind]
    except KeyError:
        raise ValueError(f"no keys for {kind!r} (known: {', '.join(KINDS)})") from None


Bind = Engine | Connection | Session


def _engine(bind: Bind) -> Engine:
    """The engine for reads beside ``bind``'s transaction: never one that begins with
    SQLite's ``BEGIN IMMEDIATE`` (a write session's engine does; its reads through the
    frame cache would wait on the session's own write lock)."""
    if isinstance(bind, Engine):
        found = bind
    else:
        bound = bind.get_bind() if isinstance(bind, Session) else bind.engine
        found = bound if isinstance(bound, Engine) else bound.engine
    if found.get_execution_options().get("begin_immediate"):
        return found.execution_options(begin_immediate=False)
    return found


def key_frame(engine: Engine, kind: Kind) -> pl.DataFrame:
    """Every ``id``/``key`` pair of people or customers (cached until the table changes).

    Orders have no whole map (ten million keys): use :func:`ids_for` and
    :func:`keys_for` with the keys or ids at hand.
    """
    found = spec(kind)
    if not found.cached:
        raise ValueError(f"{kind} keys are looked up, never loaded whole")

    def load() -> pl.DataFrame:
        query = select(found.ids.label(ID), found.keys.label(KEY))
        return frames.read_frame(engine, query, KEY_SCHEMA)

    return frames.cached(engine, f"keys:{kind}", load, tables=(found.table.name,))


def _looked_up(bind: Bind, kind: Kind, values: list[object], by_key: bool) -> pl.DataFrame:
    """``id``/``key`` pairs of orders (or any kind, uncached) for the keys or ids given."""
    found = spec(kind)
    where = found.keys if by_key else found.ids
    rows: list[tuple[int, str]] = []
    runner = bind if isinstance(bind, Session | Connection) else None
    for start in range(0, len(values), CHUNK):
        part = values[start : start + CHUNK]
        query = select(found.ids, found.keys).where(where.in_(part))
        if runner is not None:
            rows += [(int(i), str(k)) for i, k in runner.execute(query).all()]
        else:
            with _engine(bind).connect() as conn:
                rows += [(int(i), str(k)) for i, k in conn.execute(query).all()]
    return pl.DataFrame(rows, schema=KEY_SCHEMA, orient="row")


def pairs_for_keys(bind: Bind, kind: Kind, keys: Iterable[str]) -> pl.DataFrame:
    """The stored ``id``/``key`` pairs of ``keys`` (unknown keys are left out)."""
    wanted = pl.Series(KEY, list(keys), dtype=pl.String).drop_nulls().unique()
    if spec(kind).cached:
        return key_frame(_engine(bind), kind).join(wanted.to_frame(), on=KEY, how="semi")
    return _looked_up(bind, kind, wanted.to_list(), by_key=True)


def pairs_for_ids(bind: Bind, kind: Kind, ids: Iterable[int]) -> pl.DataFrame:
    """The stored ``id``/``key`` pairs of ``ids`` (unknown ids are left out)."""
    wanted = pl.Series(ID, list(ids), dtype=pl.Int64).drop_nulls().unique()
    if spec(kind).cached:
        return key_frame(_engine(bind), kind).join(wanted.to_frame(), on=ID, how="semi")
    return _looked_up(bind, kind, wanted.to_list(), by_key=False)


def ids_for(bind: Bind, kind: Kind, keys: Iterable[str]) -> dict[str, int]:
    """Key -> id for those of ``keys`` that are stored."""
    frame = pairs_for_keys(bind, kind, keys)
    return dict(zip(frame[KEY].to_list(), frame[ID].to_list(), strict=True))


def keys_for(bind: Bind, kind: Kind, ids: Iterable[int]) -> dict[int, str]:
    """Id -> key for those of ``ids`` that are stored."""
    frame = pairs_for_ids(bind, kind, ids)
    return dict(zip(frame[ID].to_list(), frame[KEY].to_list(), strict=True))


def id_of(bind: Bind, kind: Kind, key: str) -> int:
    """The id of one key (as typed: surrounding blanks are dropped); :class:`UnknownKey`
    when nothing has it."""
    typed = key.strip()
    found = ids_for(bind, kind, [typed])
    if typed not in found:
        raise UnknownKey(kind, typed)
    return found[typed]


def key_of(bind: Bind, kind: Kind, id_: int | None) -> str | None:
    """The key of one id (``None`` for ``None`` or an id nothing has)."""
    if id_ is None:
        return None
    return keys_for(bind, kind, [id_]).get(int(id_))


def with_keys(bind: Bind, frame: pl.DataFrame, columns: Mapping[str, Kind]) -> pl.DataFrame:
    """``frame`` with each integer id column of ``columns`` (name -> kind) replaced, in
    place and under the same name, by the text key of that id (null stays null).

    For output only (exports, the command line, notebook frames meant for reading):
    analytics keep the integers. A column already holding text is left as it is.
    """
    out = frame
    for name, kind in columns.items():
        if name not in out.columns or not out.schema[name].is_integer():
            continue
        pairs = pairs_for_ids(bind, kind, out[name].drop_nulls().unique().to_list())
        mapping = pairs.rename({ID: name, KEY: "\x00key"})
        out = (
            out.join(mapping, on=name, how="left", maintain_order="left")
            .with_columns(pl.col("\x00key").alias(name))
            .drop("\x00key")
        )
    return out


PERSON_COLUMNS: dict[str, Kind] = {
    "person_id": "person",
    "manager_id": "person",
    "owner_id": "person",
}
"""Columns that name a person wherever they appear (exports swap them for keys)."""
STANDARD_COLUMNS: dict[str, Kind] = {
    **PERSON_COLUMNS,
    "customer_id": "customer",
    "order_id": "order",
}
"""The pinned id columns of every file: a person, a customer or an order."""
