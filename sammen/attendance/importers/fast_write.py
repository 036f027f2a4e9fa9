"""Writing Polars frames fast: COPY fed with the CSV Polars writes on PostgreSQL, one prepared
``executemany`` elsewhere; and time-ordered ids (UUID version 7) made a million at a time.

``bulkwrite.insert_rows`` formats each value in Python (psycopg's ``write_row``), about 12 µs a
row; here Polars writes the whole frame as CSV in native code and PostgreSQL parses it. The
frame's columns are the model's fields in order, holding what the database stores: text for
ids (``uuid7``) and time stamps (``timestamp``), dates, numbers, booleans, nulls.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from itertools import islice
from typing import Any, Self

import polars as pl
from django.db import DEFAULT_DB_ALIAS, connections, models

# Bytes per COPY message, and rows per executemany call.
_COPY_CHUNK = 1 << 20
_ROWS_CHUNK = 10_000
# UUID text is big-endian; the machine's numbers may not be.


def timestamp(value: datetime, *, using: str = DEFAULT_DB_ALIAS) -> str:
    """``value`` as the text the database stores for a date-time column."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        return value.isoformat()
    adapted = connection.ops.adapt_datetimefield_value(value)
    return str(adapted)


class FrameWriter:
    """Inserts frames, in the order given, in the current transaction.

    On PostgreSQL each frame is sent by COPY on a second thread, over the same connection, so
    the caller computes the next frame while the database takes in the last: an import's time
    is then mostly the database's. The caller must not use the connection between the first
    ``write`` and ``wait`` (leaving the ``with`` block waits too, also on an error).
    Elsewhere each frame is written at once, by one prepared ``executemany``.
    """

    def __init__(self, *, using: str = DEFAULT_DB_ALIAS) -> None:
        self.connection = connections[using]
        self.postgres = self.connection.vendor == "postgresql"
        self._pool: ThreadPoolExecutor | None = None
        self._pending: list[Future[None]] = []

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.wait(raising=exc[0] is None)

    def write(self, model: type[models.Model], fields: Sequence[str], frame: pl.DataFrame) -> None:
        """Insert the rows of ``frame`` (columns: ``fields``, in order) into ``model``'s table."""
        if frame.height == 0:
            return
        quote = self.connection.ops.quote_name
        model_fields = [_field(model, name) for name in fields]
        table = quote(model._meta.db_table)
        column_list = ", ".join(quote(str(f.column)) for f in model_fields)
        frame = frame.select(fields)
        if not self.postgres:
            self._execute_many(table, column_list, frame)
            return
        # Polars writes NULL as nothing and empty text as "", which is what COPY reads them as.
        sql = f"COPY {table} ({column_list}) FROM STDIN (FORMAT csv)"
        if self._pool is None:
            self.connection.ensure_connection()
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="copy")
        raw = self.connection.connection
        self._pending.append(self._pool.submit(_copy, raw, sql, frame))

    def wait(self, *, raising: bool = True) -> None:
        """Wait until every frame is in; raise the first error (as Django's) if ``raising``."""
        pending, self._pending = self._pending, []
        first: BaseException | None = None
        for future in pending:
            try:
                with self.connection.wrap_database_errors:
                    future.result()
            except BaseException as exc:  # every frame is waited for, the first error raised
                first = first or exc
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
        if first is not None and raising:
            raise first

    def _execute_many(self, table: str, column_list: str, frame: pl.DataFrame) -> None:
        frame = frame.with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d"))
        marks = ", ".join(["%s"] * frame.width)
        # Names from the model's metadata, quoted; the values go as parameters.
        sql = f"INSERT INTO {table} ({column_list}) VALUES ({marks})"  # noqa: S608
        rows = frame.iter_rows()
        with self.connection.cursor() as cursor:
            while chunk := list(islice(rows, _ROWS_CHUNK)):
                cursor.executemany(sql, chunk)


def _copy(raw: Any, sql: str, frame: pl.DataFrame) -> None:
    """COPY ``frame`` as CSV (on the writer's thread: Polars and the socket release the GIL)."""
    buffer = io.BytesIO()
    frame.write_csv(buffer, include_header=False)
    view = buffer.getbuffer()
    try:
        with raw.cursor() as cursor, cursor.copy(sql) as copy:
            for start in range(0, len(view), _COPY_CHUNK):
                copy.write(view[start : start + _COPY_CHUNK])
    finally:
        del view


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    found = model._meta.get_field(name)
    if not isinstance(found, models.Field) or found.column is None:
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return found
