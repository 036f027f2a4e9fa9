"""Filtering by a large set of pupils: one array on PostgreSQL, 900 ids a query on SQLite.

``pupil_id__in=[...]`` with twenty thousand ids costs Django and psycopg about 10 µs an id to
prepare (a second on a large import); an array is one parameter.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.expressions import RawSQL

from sammen.lib.idsets import id_array

# SQLite allows 999 parameters a statement.
CHUNK = 900


def pupil_sets(pupil_ids: Sequence[int], *, using: str = DEFAULT_DB_ALIAS) -> Iterator[Any]:
    """Values for ``pupil_id__in`` that together cover ``pupil_ids``, a query each."""
    if not pupil_ids:
        return
    if connections[using].vendor == "postgresql":
        yield RawSQL("SELECT unnest(%s::bigint[])", (id_array(pupil_ids),))
        return
    for i in range(0, len(pupil_ids), CHUNK):
        yield list(pupil_ids[i : i + CHUNK])
