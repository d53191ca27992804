"""Statements for the hottest reads and writes, made once per database from a model's metadata.

Built through the ORM, a one-row read cost 0.3-0.8 ms of CPU here, more than the database took to
answer it; RawQuerySet still cost ~0.25 ms. `Columns` makes a model's SELECT list and INSERT once
and turns a row back into an instance the way a queryset does (the fields' and the backend's
converters, then `Model.from_db`), so an instance read here is the one the ORM would have made.
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, Generic, TypeVar

from django.db import connections, models, router
from django.db.models.fields import AutoFieldMixin

M = TypeVar("M", bound=models.Model)
_PLAIN_FIELDS = (models.CharField, models.TextField, models.BooleanField)  # exactly these: subclasses may convert
_PASSED_AS_IS = (str, bool, type(None))


class Columns(Generic[M]):
    """A model's concrete columns on one database: as a SELECT list, as an INSERT, and the
    instance a row of them makes."""

    def __init__(self, model: type[M], alias: str, only: tuple[str, ...] | None = None):
        connection = connections[alias]
        quote = connection.ops.quote_name
        fields = model._meta.concrete_fields
        if only is not None:  # a SELECT list of these fields only: its instances defer the others (no INSERT)
            fields = [field for field in fields if field.attname in only or field.name in only]
        self.model, self.alias, self.width = model, alias, len(fields)
        self.table = quote(model._meta.db_table)
        self.select_list = ", ".join(f"{self.table}.{quote(field.column)}" for field in fields)
        # An auto-increment key is the database's to give (and is not read back).
        self._written = [field for field in fields if not isinstance(field, AutoFieldMixin)]
        # Fields whose text or flag goes to the database as it is: the prep calls of ~20 columns were
        # a third of an audit INSERT's CPU (every call writes one).
        self._plain = [type(field) in _PLAIN_FIELDS for field in self._written]
        written_columns = ", ".join(quote(field.column) for field in self._written)
        whole_row = only is None
        self._insert_sql = f"INSERT INTO {self.table} ({written_columns}) VALUES ({', '.join(['%s'] * len(self._written))})" if whole_row else None
        self._copy_sql = f"COPY {self.table} ({written_columns}) FROM STDIN" if whole_row else None
        self.attnames = [field.attname for field in fields]
        # For COPY: each written field's name and default, and where the JSON fields are (sent as their text)
        self._copied = [(field.attname, field.get_default) for field in self._written]
        self._json_positions = [position for position, field in enumerate(self._written) if isinstance(field, models.JSONField)]
        self._converters = []  # (position, column expression, converters), as the SQL compiler finds them
        for position, field in enumerate(fields):
            column = field.get_col(model._meta.db_table)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                self._converters.append((position, column, found))

    def column(self, name: str) -> str:
        """A column of this model's table, qualified and quoted."""
        return f"{self.table}.{connections[self.alias].ops.quote_name(self.model._meta.get_field(name).column)}"

    def instance(self, row: Sequence[Any], connection: Any = None) -> M:
        """The instance made from the first `width` values of `row` (the SELECT list's);
        `connection`, this alias's, saves looking it up again for each row of many."""
        return self.model.from_db(self.alias, self.attnames, self.values(row, connection))

    def values(self, row: Sequence[Any], connection: Any = None) -> list[Any]:
        """The first `width` values of `row` as the instance's fields would hold them (in
        `attnames` order): the database's values through the fields' and the backend's converters."""
        values = list(row[: self.width])
        connection = connection or connections[self.alias]
        for position, column, converters in self._converters:
            value = values[position]
            for converter in converters:
                value = converter(value, column, connection)
            values[position] = value
        return values

    def insert_sql(self) -> str:
        return self._whole_row(self._insert_sql)

    def _whole_row(self, statement: str | None) -> str:
        if statement is None:
            raise TypeError(f"{self.model.__name__}'s columns made with `only` cannot write a whole row")
        return statement

    def insert(self, instance: M) -> None:
        """Write `instance` as a new row: the values `save()` would write (auto_now_add included),
        without signals, and without reading back an auto-increment key."""
        values = self._values(instance)
        with statement_cursor(self.alias) as cursor:
            cursor.execute(self.insert_sql(), values)
        instance._state.adding, instance._state.db = False, self.alias

    def insert_many(self, instances: Sequence[M]) -> None:
        """`insert` for each of `instances`, by one executemany (psycopg pipelines the rows)."""
        rows = [self._values(instance) for instance in instances]
        with statement_cursor(self.alias) as cursor:
            cursor.executemany(self.insert_sql(), rows)
        for instance in instances:
            instance._state.adding, instance._state.db = False, self.alias

    def copy(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Write new rows given as {attname: value} (a field left out takes its default) by one
        COPY, on PostgreSQL. Per row it costs a fraction of an INSERT's binding and model instance
        (the audit writer's batches: ~0.2 -> ~0.05 M instructions a row). The values must be what
        the database takes as they are (aware datetimes, UUIDs, text, flags); JSON fields go as
        their text."""
        statement = self._whole_row(self._copy_sql)
        connection = connections[self.alias]
        # psycopg's own cursor (Django's has no COPY), its errors raised as Django's
        with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
            for row in rows:
                values = [row[name] if name in row else default() for name, default in self._copied]
                for position in self._json_positions:
                    if values[position] is not None:
                        values[position] = json.dumps(values[position])
                copy.write_row(values)

    def _values(self, instance: M) -> list[Any]:
        connection = connections[self.alias]
        values = []
        for field, plain in zip(self._written, self._plain, strict=True):
            value = getattr(instance, field.attname)
            if not plain or type(value) not in _PASSED_AS_IS:
                value = field.get_db_prep_save(field.pre_save(instance, True), connection)
            values.append(value)
        return values


def statement_cursor(alias: str) -> Any:
    """A cursor for statements made once here and run on every call: kept prepared by the server
    where the backend can (core.postgresql's `prepared_cursor`), the usual cursor elsewhere."""
    connection = connections[alias]
    prepared = getattr(connection, "prepared_cursor", None)
    return prepared() if prepared is not None else connection.cursor()


@cache
def columns(model: type[M], alias: str, only: tuple[str, ...] | None = None) -> Columns[M]:
    """The model's `Columns` on that database (or some of them: `only`), made once."""
    return Columns(model, alias, only)


def insert(instance: models.Model) -> None:
    """Write a new `instance` by its model's prepared INSERT, on the database it is written to."""
    model: Any = type(instance)  # `Any`: mypy's view of type(...) is not Hashable, as functools.cache needs
    columns(model, router.db_for_write(model)).insert(instance)


def insert_many(instances: Sequence[models.Model]) -> None:
    """`insert` for new instances of one model, in one executemany."""
    if instances:
        model: Any = type(instances[0])
        columns(model, router.db_for_write(model)).insert_many(instances)
