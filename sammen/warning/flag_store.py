"""Reading and writing the flag table in bulk, for ``services.refresh_flags``.

A nightly run reads every open flag of the municipality and writes tens of thousands of changes:
plain SQL and plain values here, because the ORM's model machinery would cost more than the rest
of the refresh. PostgreSQL gets ids as one array literal and rows as one JSON document; SQLite
gets chunks of ids and ``executemany``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import Any, TypeVar

from django.db import connection

from sammen.lib.idsets import id_array
from sammen.roster.models import Pupil
from sammen.warning.models import Flag

# Ids per query: well under SQLite's limit of bound parameters.
_CHUNK = 5000
T = TypeVar("T")


@dataclass
class OpenFlag:
    """An open flag as read for a refresh (plain values: tens of thousands of them)."""

    pk: int
    public_id: uuid.UUID
    pupil_id: int
    school_id: int
    rule: str
    level: int
    evidence: dict[str, Any]
    opened_on: date
    seen_on: date
    due_on: date


FLAG_FIELDS = (
    "public_id",
    "pupil",
    "school",
    "rule",
    "level",
    "evidence",
    "opened_on",
    "seen_on",
    "closed_on",
    "due_on",
    "answer",
    "dismiss_reason",
    "answer_note",
    "answered_at",
    "answered_by",
)


def json_text(value: Any) -> str:
    """Evidence as the JSON text ``update_flags`` sends."""
    return json.dumps(value, ensure_ascii=False)


def update_flags(rows: list[tuple[Any, ...]]) -> None:
    """Kept flags whose level, evidence or school changed (level, evidence JSON, seen_on,
    school_id, id): on PostgreSQL one statement per 10,000 from a JSON document, elsewhere one
    prepared statement for all."""
    if not rows:
        return
    table = connection.ops.quote_name(Flag._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The rows as one JSON document the server unpacks: psycopg turning 20,000 rows
            # into five arrays, element by element in Python, took longer than the update.
            sql = (
                f"UPDATE {table} AS f SET level = v.level, evidence = v.evidence,"  # noqa: S608 - our table
                " seen_on = v.seen_on, school_id = v.school_id"
                " FROM jsonb_to_recordset(%s::jsonb)"
                " AS v(level int, evidence jsonb, seen_on date, school_id bigint, id bigint)"
                " WHERE f.id = v.id"
            )
            for batch in chunks(rows, 10_000):
                document = ",".join(
                    f'{{"level":{int(level)},"evidence":{evidence},'
                    f'"seen_on":"{seen.isoformat()}","school_id":{int(school)},"id":{int(pk)}}}'
                    for level, evidence, seen, school, pk in batch
                )
                cursor.execute(sql, [f"[{document}]"])
            return
        sql = (
            f"UPDATE {table} SET level = %s, evidence = %s, seen_on = %s,"  # noqa: S608 - our table
            " school_id = %s WHERE id = %s"
        )
        for batch in chunks(rows):
            cursor.executemany(sql, batch)


def open_flags(schools: Collection[int], pupils: Collection[int]) -> list[OpenFlag]:
    """The open flags of the schools' pupils and of flags held at the schools (a full run), or
    of the pupils (an incremental one). Plain SQL: a nightly run reads every open flag of the
    municipality, and the ORM's model machinery would cost more than the rest of the refresh."""
    flag = connection.ops.quote_name(Flag._meta.db_table)
    pupil = connection.ops.quote_name(Pupil._meta.db_table)
    select = (
        "SELECT id, public_id, pupil_id, school_id, rule, level, evidence, opened_on, seen_on,"  # noqa: S608 - our tables
        f" due_on FROM {flag} WHERE closed_on IS NULL"
    )
    postgres = connection.vendor == "postgresql"
    queries: list[tuple[str, list[Any]]] = []
    if schools:
        ids = sorted(schools)
        # Ids as one array on PostgreSQL; written in (through int()) on SQLite.
        at = (
            "IN (SELECT unnest(%s::bigint[]))"
            if postgres
            else f"IN ({', '.join(str(int(i)) for i in ids)})"
        )
        where = f"school_id {at} OR pupil_id IN (SELECT id FROM {pupil} WHERE school_id {at})"  # noqa: S608 - our tables, ids
        queries.append((f"{select} AND ({where})", [id_array(ids)] * 2 if postgres else []))
    elif postgres:
        # A join with the array, not "= ANY": the flag table may have no statistics yet (a first
        # run), and a linear search of 15,000 ids in every row took seconds.
        joined = f"{select} AND pupil_id IN (SELECT unnest(%s::bigint[]))"
        queries.append((joined, [id_array(pupils)]))
    else:
        for chunk in chunks(sorted(set(pupils))):
            marks = ", ".join(str(int(i)) for i in chunk)
            queries.append((f"{select} AND pupil_id IN ({marks})", []))
    out: list[OpenFlag] = []
    with connection.cursor() as cursor:
        for sql, params in queries:
            cursor.execute(sql, params)
            for (
                pk,
                public_id,
                pupil_id,
                school_id,
                rule,
                level,
                evidence,
                opened,
                seen,
                due,
            ) in cursor.fetchall():
                out.append(
                    OpenFlag(
                        pk,
                        public_id if isinstance(public_id, uuid.UUID) else uuid.UUID(public_id),
                        pupil_id,
                        school_id,
                        rule,
                        level,
                        json.loads(evidence) if isinstance(evidence, str) else evidence,
                        as_date(opened),
                        as_date(seen),
                        as_date(due),
                    )
                )
    return out


def as_date(value: Any) -> date:
    """A date column as read without the ORM (SQLite gives ISO text)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def pupil_names(ids: Iterable[int]) -> dict[int, tuple[uuid.UUID, str]]:
    """Public id and name (as ``str(pupil)`` gives it) of each pupil."""
    out: dict[int, tuple[uuid.UUID, str]] = {}
    for chunk in chunks(sorted(ids)):
        for pk, public_id, given, family in Pupil.objects.filter(pk__in=chunk).values_list(
            "pk", "public_id", "given_name", "family_name"
        ):
            out[pk] = (public_id, f"{given} {family}".strip())
    return out


def chunks(items: Iterable[T], size: int = _CHUNK) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
