"""Polars schemas derived from the ORM tables, and reads of a table as a frame.

The models are the one description of a table: frames that hold a table's
rows (or some of its columns) take their schema from here instead of a
hand-written copy that drifts when a migration adds a column.

>>> polars_schema(Customer, ["customer_id", "grade"])
{'customer_id': Int64, 'grade': String}
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl
from sqlalchemy import Column, Engine, Table, select, types
from sqlalchemy.orm import DeclarativeBase, InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from command_center.db.frames import read_frame

TableLike = type[DeclarativeBase] | Table | Any


def polars_type(column_type: types.TypeEngine[Any]) -> pl.DataType:
    """The Polars type that holds values of a SQLAlchemy column type."""
    if isinstance(column_type, types.TypeDecorator):
        return polars_type(column_type.impl_instance)
    for sql_type, polars in _TYPES:
        if isinstance(column_type, sql_type):
            return polars
    raise TypeError(f"no Polars type for column type {column_type!r}")


# First match wins: Boolean before Integer, DateTime before Date.
_TYPES: tuple[tuple[type[types.TypeEngine[Any]], pl.DataType], ...] = (
    (types.Boolean, pl.Boolean()),
    (types.Integer, pl.Int64()),
    (types.Float, pl.Float64()),
    (types.Numeric, pl.Float64()),
    (types.DateTime, pl.Datetime("us")),
    (types.Date, pl.Date()),
    (types.Time, pl.Time()),
    (types.Interval, pl.Duration("us")),
    (types.String, pl.String()),  # Text, Enum and Unicode too
    (types.JSON, pl.String()),
    (types.LargeBinary, pl.Binary()),
)


def table_of(model: TableLike) -> Table:
    """The ``Table`` behind an ORM class (or the table itself)."""
    return model if isinstance(model, Table) else model.__table__


def polars_schema(model: TableLike, columns: Iterable[str] | None = None) -> dict[str, pl.DataType]:
    """``{column: Polars type}`` for ``model``'s columns (all, or those named, in that order)."""
    table = table_of(model)
    names = [c.name for c in table.columns] if columns is None else list(columns)
    unknown = [name for name in names if name not in table.columns]
    if unknown:
        raise KeyError(f"{table.name} has no column {', '.join(unknown)}")
    return {name: polars_type(table.columns[name].type) for name in names}


def read_table(
    engine: Engine,
    model: TableLike,
    columns: Sequence[str] | None = None,
    where: Sequence[ColumnElement[bool]] = (),
    order_by: Sequence[Column[Any] | InstrumentedAttribute[Any]] = (),
) -> pl.DataFrame:
    """Rows of ``model`` as a frame typed by :func:`polars_schema` (filters in SQL)."""
    table = table_of(model)
    schema = polars_schema(table, columns)
    query = select(*(table.columns[name] for name in schema)).where(*where).order_by(*order_by)
    return read_frame(engine, query, schema)
