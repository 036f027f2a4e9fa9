"""Inserting very many rows fast: COPY on PostgreSQL, one prepared ``executemany`` elsewhere.

Django's ``bulk_create`` builds a model instance and runs every field's preparation per row,
which costs tens of microseconds a row; an import of a million rows cannot afford that. Here
rows are plain tuples of Python values in ``fields`` order, converted only where the database
needs it (UUIDs as hex and datetimes as text on SQLite, JSON as text everywhere), and streamed.
Defaults, ``auto_now`` and signals are not applied: the caller gives every value.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

Converter = Callable[[Any], Any]


class JsonText(str):
    """A JSON column's value already written as JSON text (a hot path builds it directly)."""

    __slots__ = ()


# Rows per executemany call: large enough that the per-call cost vanishes, small enough to keep
# memory flat when the rows come from a generator.
_CHUNK = 10_000


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    using: str = DEFAULT_DB_ALIAS,
) -> int:
    """Insert ``rows`` (value tuples in ``fields`` order) into ``model``'s table; the count."""
    connection = connections[using]
    meta = model._meta
    columns = [_column(model, name) for name in fields]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    column_list = ", ".join(quote(c) for c in columns)
    converted = _convert(rows, _converters(model, fields, connection))
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in converted:
                    copy.write_row(row)
                    count += 1
            return count
        marks = ", ".join(["%s"] * len(columns))
        # Names from the model's metadata, quoted; the values go as parameters.
        sql = f"INSERT INTO {table} ({column_list}) VALUES ({marks})"  # noqa: S608
        while chunk := list(islice(converted, _CHUNK)):
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def _converters(
    model: type[models.Model], fields: Sequence[str], connection: BaseDatabaseWrapper
) -> dict[int, Converter]:
    out: dict[int, Converter] = {}
    postgres = connection.vendor == "postgresql"
    for position, name in enumerate(fields):
        kind = _field(model, name).get_internal_type()
        if kind == "JSONField":
            out[position] = _json
        elif postgres:
            continue
        elif kind == "UUIDField":
            out[position] = _uuid_hex
        elif kind == "DateTimeField":
            out[position] = _remembered(connection.ops.adapt_datetimefield_value)
    return out


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    found = model._meta.get_field(name)
    if not isinstance(found, models.Field):
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return found


def _column(model: type[models.Model], name: str) -> str:
    column = _field(model, name).column
    if column is None:
        raise ValueError(f"{model.__name__}.{name} has no column")
    return column


def _convert(
    rows: Iterable[Sequence[Any]], converters: dict[int, Converter]
) -> Iterator[Sequence[Any]]:
    if not converters:
        yield from rows
        return
    plan = list(converters.items())
    for row in rows:
        values = list(row)
        for position, convert in plan:
            values[position] = convert(values[position])
        yield values


def _json(value: Any) -> str | None:
    if value is None or isinstance(value, JsonText):
        return value
    return json.dumps(value, ensure_ascii=False)


def _uuid_hex(value: Any) -> str | None:
    return None if value is None else value.hex


def _remembered(convert: Converter) -> Converter:
    """``convert`` with the last answer kept: an import stamps every row with the same time."""
    last: list[Any] = [object(), None]

    def cached(value: Any) -> Any:
        if value is not last[0]:
            last[0], last[1] = value, convert(value)
        return last[1]

    return cached


@contextmanager
def large_cache(*, using: str = DEFAULT_DB_ALIAS, mebibytes: int = 256) -> Iterator[None]:
    """A larger SQLite page cache while a bulk write runs (no-op elsewhere).

    SQLite's default cache is 2 MiB; inserting a million rows into a table with several indexes
    then rereads index pages from disk all the time, and the write runs at half speed.
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-1024 * int(mebibytes)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")
