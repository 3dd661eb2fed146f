"""Schemas from the models and id allocation: the core helpers every plugin uses."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from command_center import runtime
from command_center.db.base import Base
from command_center.db.engine import write_session
from command_center.db.ids import next_id
from command_center.db.models import OrderLine, Person
from command_center.db.tables import polars_schema, read_table
from tests.conftest import Db


def test_every_column_of_every_table_has_a_polars_type() -> None:
    runtime.host()  # imports every plugin's models
    for table in Base.metadata.sorted_tables:
        schema = polars_schema(table)
        assert list(schema) == [c.name for c in table.columns], table.name


def test_schema_follows_the_model_types_and_the_order_asked() -> None:
    schema = polars_schema(OrderLine, ["order_date", "revenue", "person_id"])
    assert schema == {"order_date": pl.Date(), "revenue": pl.Float64(), "person_id": pl.Int64()}
    with pytest.raises(KeyError, match="orders has no column nope"):
        polars_schema(OrderLine, ["nope"])


def test_read_table_filters_in_sql_and_types_empty_results(empty_db: Db) -> None:
    people = read_table(empty_db.engine, Person, ["person_id", "name"])
    assert people.schema == pl.Schema({"person_id": pl.Int64(), "name": pl.String()})
    with write_session(empty_db.engine) as session:
        first = next_id(session, Person.person_id)
        session.add(
            Person(person_id=first, name="Ada", level="director", hire_date=dt.date(2020, 1, 1))
        )
    with write_session(empty_db.engine) as session:
        assert next_id(session, Person.person_id) == first + 1
    found = read_table(empty_db.engine, Person, ["name"], where=[Person.person_id == first])
    assert found["name"].to_list() == ["Ada"]
