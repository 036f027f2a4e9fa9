"""Loading what the rules read from the database into Polars frames, through Arrow (ADBC).

Six queries, whatever the number of pupils: the school days of each school's current school
year up to the evaluation day (``CalendarDay``), the pupils with their enrolment (``Pupil``,
``Enrollment``), their day totals (``PupilDay``; days with lateness only for the lateness
rule's window), their single missed lessons in the subject rule's window
(``AttendanceRecord``), and their timetables (``Enrollment``, ``TimetableSlot``). Dates travel as
Arrow dates from PostgreSQL and as day numbers (days since 1970-01-01) from SQLite, which keeps
them as text.

The rows are read through an ADBC driver (``adbc_driver_postgresql``, ``adbc_driver_sqlite`` on
the same file) straight into Arrow, so a hundred thousand pupils' year is never a Python object
per row. ADBC opens its own connection, which sees only committed data; so inside a transaction
(a caller's, or a test's), for an in-memory SQLite database, and for SQLite in a process with
more than one thread (see ``_Reader._adbc_uri``), the same SQL is read through Django's own
connection instead. The connection settings are read at run time
(``settings_dict``), so a test database is found under the name pytest-django gave it.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

import polars as pl
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from sammen.attendance.models import (
    NOT_COUNTED_REASONS,
    AttendanceRecord,
    CalendarDay,
    DayKind,
    Kind,
    PupilDay,
    TimetableSlot,
)
from sammen.lib.idsets import id_array
from sammen.roster.models import Enrollment, Group, Pupil, School, SchoolYear
from sammen.warning.days import (
    CALENDAR_SCHEMA,
    DAY_SCHEMA,
    LESSON_SCHEMA,
    PUPIL_SCHEMA,
    SLOT_SCHEMA,
    Inputs,
    conform,
    empty_inputs,
)

Schema = Mapping[str, Any]
# As sammen.lib.env gives Django's SQLite connection.
BUSY_TIMEOUT_MS = 20_000
# Queries read at once: mostly waiting for the database, so more than the two cores.
_PARALLEL = 6
# The date columns are named "date", a keyword in SQL: always quoted.
DATE = '"date"'


def load(
    school_ids: Collection[int] | None,
    as_of: date,
    *,
    lessons_since: date,
    late_days: int = 20,
    pupil_ids: Collection[int] | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> Inputs:
    """The rules' inputs for the schools (all when None), or only for ``pupil_ids`` of them.

    ``lessons_since``: single missed lessons are read for the days after it (the subject
    rule's window), not for the whole year. ``late_days``: a day with lateness but no absence
    matters only to the lateness rule, so such days are read for that many school days back.
    """
    years = current_years(school_ids, as_of)
    if not years:
        return empty_inputs(as_of)
    reader = _Reader(connections[using])
    schools = sorted(years)
    pupil_filter = _pupil_filter(reader, None if school_ids is None else schools, pupil_ids)
    year_ids = sorted({year_id for year_id, _ in years.values()})
    first_day = min(start for _, start in years.values())
    school_days = (
        f" FROM {reader.table(CalendarDay)}"
        f" WHERE kind = '{DayKind.SCHOOL_DAY.value}'"
        f" AND school_id IN ({_ints(schools)}) AND school_year_id IN ({_ints(year_ids)})"
        f" AND {DATE} <= {_date(as_of)}"
    )
    calendar_sql = f"SELECT school_id, {reader.day(DATE)} AS day, lessons{school_days}"
    # The earliest of the schools' late_days-th last school days: days with lateness only are
    # read from then on. Worked out by the database, so every query can start at once.
    late_since = (
        f"(SELECT MIN(d) FROM (SELECT {DATE} AS d, ROW_NUMBER() OVER"  # noqa: S608 - see _ints
        f" (PARTITION BY school_id ORDER BY {DATE} DESC) AS n{school_days}) AS last_days"
        f" WHERE n <= {max(1, int(late_days))})"
    )
    pupil_sql = (
        "SELECT p.id AS pupil_id, p.school_id,"  # noqa: S608 - ids, dates and names only
        f" {reader.day('MIN(e.start_date)')} AS enrolled_from,"
        " CASE WHEN COUNT(e.id) > 0 AND COUNT(e.id) = COUNT(e.end_date)"
        f" THEN {reader.day('MAX(e.end_date)')} END AS enrolled_to"
        f" FROM {reader.table(Pupil)} p LEFT JOIN {reader.table(Enrollment)} e"
        " ON e.pupil_id = p.id"
        f" WHERE p.active = {reader.true} AND p.school_id IN ({_ints(schools)})"
        f"{_only(reader, pupil_ids, 'p.id')}"
        " GROUP BY p.id, p.school_id"
    )
    days_sql = (
        f"SELECT pupil_id, {reader.day(DATE)} AS day, absent_lessons AS absent,"  # noqa: S608 - ids, dates and names, see _ints/_date
        " unexplained_lessons AS unexplained, sick_lessons AS sick, late_count AS late,"
        " CASE WHEN first_lesson_absent THEN 1 ELSE 0 END AS first_absent"
        f" FROM {reader.table(PupilDay)}"
        f" WHERE {pupil_filter} AND {DATE} >= {_date(first_day)} AND {DATE} <= {_date(as_of)}"
        f" AND (absent_lessons > 0 OR {DATE} >= {late_since})"
    )
    counted_out = ", ".join(f"'{reason}'" for reason in sorted(NOT_COUNTED_REASONS))
    lessons_sql = (
        f"SELECT pupil_id, {reader.day(DATE)} AS day, period, subject"  # noqa: S608 - ids, dates and names, see _ints/_date
        f" FROM {reader.table(AttendanceRecord)}"
        f" WHERE school_id IN ({_ints(schools)}) AND {pupil_filter}"
        f" AND {DATE} > {_date(lessons_since)} AND {DATE} >= {_date(first_day)}"
        f" AND {DATE} <= {_date(as_of)} AND period IS NOT NULL"
        f" AND kind = '{Kind.ABSENT.value}' AND reason NOT IN ({counted_out})"
    )
    members_sql, slots_sql = _timetable_queries(reader, schools, as_of, pupil_ids)
    # The day totals are most of the rows: for all pupils, read in two halves at once.
    days, calendar, pupils, lessons, members, group_slots = reader.frames(
        [
            Query(
                days_sql,
                {**DAY_SCHEMA, "first_absent": pl.Int32},
                split=2 if pupil_ids is None else 1,
                per_pupil=pupil_ids is not None,
            ),
            Query(calendar_sql, CALENDAR_SCHEMA),
            Query(pupil_sql, {k: v for k, v in PUPIL_SCHEMA.items() if k != "timetable_id"}),
            Query(lessons_sql, LESSON_SCHEMA),
            Query(members_sql, MEMBER_SCHEMA),
            Query(slots_sql, GROUP_SLOT_SCHEMA),
        ]
    )
    timetables, slots = _timetables(members, group_slots)
    return Inputs(
        as_of,
        calendar,
        pupils.join(timetables, on="pupil_id", how="left"),
        days.with_columns(pl.col("first_absent") != 0),
        slots,
        lessons,
    )


def current_years(school_ids: Collection[int] | None, as_of: date) -> dict[int, tuple[int, date]]:
    """Each school's current school year, as (id, first day): its owner's year around
    ``as_of``, or else the latest one that began before it (``attendance.queries``)."""
    schools = School.objects.all()
    if school_ids is not None:
        schools = schools.filter(pk__in=list(school_ids))
    owners = dict(schools.values_list("pk", "owner_id"))
    latest: dict[int, tuple[int, date]] = {}
    for owner_id, year_id, start in (
        SchoolYear.objects.filter(owner_id__in=set(owners.values()), start_date__lte=as_of)
        .order_by("owner_id", "start_date")
        .values_list("owner_id", "pk", "start_date")
    ):
        latest[owner_id] = (year_id, start)
    return {school: latest[owner] for school, owner in owners.items() if owner in latest}


MEMBER_SCHEMA = {"pupil_id": pl.Int64, "group_id": pl.Int64}
GROUP_SLOT_SCHEMA = {
    "group_id": pl.Int64,
    "weekday": pl.Int32,
    "period": pl.Int32,
    "subject": pl.String,
}


def _timetable_queries(
    reader: _Reader, schools: list[int], as_of: date, pupil_ids: Collection[int] | None
) -> tuple[str, str]:
    """SQL for the pupils' current groups that have a timetable, and for those timetables."""
    today = _date(as_of)
    in_schools = f"school_id IN ({_ints(schools)})"
    groups = f"SELECT id FROM {reader.table(Group)} WHERE {in_schools}"  # noqa: S608
    members = (
        f"SELECT e.pupil_id, e.group_id FROM {reader.table(Enrollment)} e"  # noqa: S608 - ids, dates and names, see _ints/_date
        f" WHERE e.group_id IN ({groups})"
        f" AND (e.start_date IS NULL OR e.start_date <= {today})"
        f" AND (e.end_date IS NULL OR e.end_date >= {today})"
        f"{_only(reader, pupil_ids, 'e.pupil_id')}"
        f" AND EXISTS (SELECT 1 FROM {reader.table(TimetableSlot)} t"
        " WHERE t.group_id = e.group_id)"
    )
    slots = (
        "SELECT t.group_id, t.weekday, t.period,"  # noqa: S608 - ids, dates and names, see _ints/_date
        " CASE WHEN t.subject <> '' THEN t.subject ELSE g.subject END AS subject"
        f" FROM {reader.table(TimetableSlot)} t"
        f" JOIN {reader.table(Group)} g ON g.id = t.group_id"
        f" WHERE g.{in_schools}"
    )
    if pupil_ids is not None:
        # Only the timetables of the pupils asked for.
        slots += (
            f" AND t.group_id IN (SELECT e.group_id FROM {reader.table(Enrollment)} e"  # noqa: S608
            f" WHERE {_only(reader, pupil_ids, 'e.pupil_id').removeprefix(' AND ')})"
        )
    return members, slots


def _timetables(
    members: pl.DataFrame, group_slots: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Each pupil's weekly timetable: (pupil_id, timetable_id) and the slots of each timetable
    (the slot's subject, else its group's). Pupils in the same groups share one timetable, so a
    hundred thousand pupils in a few thousand classes need a few thousand timetables, not three
    million slots."""
    keyed = (
        members.group_by("pupil_id")
        .agg(groups=pl.col("group_id").unique().sort())
        .with_columns(
            timetable_id=pl.col("groups")
            .list.eval(pl.element().cast(pl.String))
            .list.join(",")
            .rank("dense")
            .cast(pl.Int64)
        )
    )
    # One subject per lesson: a pupil in two groups with a slot at the same time gets the one
    # of the group created first (the lowest id), the same on every run.
    slots = conform(
        keyed.unique("timetable_id")
        .select("timetable_id", group_id="groups")
        .explode("group_id")
        .join(group_slots, on="group_id")
        .sort("group_id")
        .unique(["timetable_id", "weekday", "period"], keep="first"),
        SLOT_SCHEMA,
    )
    return keyed.select("pupil_id", "timetable_id"), slots


def _pupil_filter(
    reader: _Reader, schools: list[int] | None, pupil_ids: Collection[int] | None
) -> str:
    """SQL: a row's ``pupil_id`` is one of ``pupil_ids``, else of the schools' pupils (every
    pupil when all schools are wanted: rows of pupils not evaluated drop out in ``prepare``)."""
    if pupil_ids is not None:
        return reader.one_of("pupil_id", pupil_ids)
    if schools is None:
        return "1 = 1"
    pupil_table = Pupil._meta.db_table
    in_schools = f"school_id IN ({_ints(schools)})"
    return f"pupil_id IN (SELECT id FROM {pupil_table} WHERE {in_schools})"  # noqa: S608


def _only(reader: _Reader, pupil_ids: Collection[int] | None, column: str) -> str:
    """SQL: `` AND column`` is one of the ids for an incremental run, nothing for a full one."""
    if pupil_ids is None:
        return ""
    return f" AND {reader.one_of(column, pupil_ids)}"


def _ints(values: Collection[int]) -> str:
    """Ids written into SQL: each through int(), so nothing but digits reaches the query."""
    return ", ".join(str(int(v)) for v in values) or "NULL"


def _date(day: date) -> str:
    """A date written into SQL (ISO text, which both databases compare with a date column)."""
    return f"'{date(day.year, day.month, day.day).isoformat()}'"


class _Reader:
    """Runs a query and returns a Polars frame: through ADBC when its own connection sees what
    Django's sees, else through Django's connection."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection
        self.vendor = connection.vendor
        self.true = "TRUE" if self.vendor == "postgresql" else "1"

    def table(self, model: Any) -> str:
        return str(self.connection.ops.quote_name(model._meta.db_table))

    def one_of(self, column: str, ids: Collection[int]) -> str:
        """SQL: ``column`` is one of ``ids`` (an incremental run's fifteen thousand pupils).
        PostgreSQL gets one array constant: a list of that many values took 30–45 ms to parse
        and plan in each query, the array 5–7 ms."""
        if self.vendor == "postgresql" and ids:
            return f"{column} = ANY('{id_array(ids)}'::bigint[])"
        return f"{column} IN ({_ints(sorted(set(ids)))})"

    def day(self, expression: str) -> str:
        """SQL for a date as it travels: PostgreSQL's dates are Arrow dates already; SQLite's
        are text, sent as day numbers (days since 1970-01-01)."""
        if self.vendor == "postgresql":
            return expression
        return f"CAST(julianday({expression}) - 2440587.5 AS INTEGER)"

    def frames(self, queries: list[Query]) -> list[pl.DataFrame]:
        """Several queries. Through ADBC they run at once, each on its own connection, and a
        query given in parts (``Query.split``: rows by ``pupil_id`` modulo the parts) runs as
        that many queries, since reading the rows into Arrow costs more than finding them."""
        uri = self._adbc_uri()
        if uri is None:
            return [self._through_django(q.sql, q.schema) for q in queries]
        if self.vendor == "sqlite":
            # See _adbc_uri: this thread's own SQLite connection must not be open meanwhile.
            self.connection.close()
        parts = [
            (n, part, q)
            for n, q in enumerate(queries)
            for part in (
                [f"{q.sql} AND pupil_id % {q.split} = {k}" for k in range(q.split)]
                if q.split > 1
                else [q.sql]
            )
        ]
        with ThreadPoolExecutor(max_workers=_PARALLEL) as pool:
            read = list(pool.map(lambda p: _through_adbc(self.vendor, uri, p[1], p[2]), parts))
        out: list[list[pl.DataFrame]] = [[] for _ in queries]
        for (n, _, _), frame in zip(parts, read, strict=True):
            out[n].append(frame)
        return [pl.concat(frames) if len(frames) > 1 else frames[0] for frames in out]

    def frame(self, sql: str, schema: Schema) -> pl.DataFrame:
        return self.frames([Query(sql, schema)])[0]

    def _through_django(self, sql: str, schema: Schema) -> pl.DataFrame:
        with self.connection.cursor() as cursor:
            cursor.execute(sql)
            rows = cursor.fetchall()
        raw = pl.DataFrame(
            rows,
            schema={n: _transport(self.vendor, t) for n, t in schema.items()},
            orient="row",
        )
        return _typed(raw, schema)

    def _adbc_uri(self) -> str | None:
        """Where ADBC connects, or None when only Django's connection sees the right rows."""
        connection = self.connection
        if connection.in_atomic_block or not connection.get_autocommit():
            return None
        settings = connection.settings_dict
        if self.vendor == "postgresql":
            user = quote(str(settings.get("USER") or ""), safe="")
            password = quote(str(settings.get("PASSWORD") or ""), safe="")
            auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
            host = str(settings.get("HOST") or "")
            port = str(settings.get("PORT") or "")
            where = (host if host else "") + (f":{port}" if port else "")
            name = quote(str(settings["NAME"]), safe="")
            options = {
                k: v for k, v in (settings.get("OPTIONS") or {}).items() if isinstance(v, str)
            }
            query = "&".join(f"{quote(k)}={quote(v)}" for k, v in options.items())
            return f"postgresql://{auth}{where}/{name}" + (f"?{query}" if query else "")
        if self.vendor == "sqlite":
            name = str(settings["NAME"])
            # ":memory:", or Django's shared in-memory test database "file:memorydb_…".
            if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
                return None
            # The ADBC driver brings its own copy of SQLite, and two copies in one process do
            # not see each other's POSIX locks: when the driver's connection closes it may take
            # itself for the last one and checkpoint and delete the WAL under an open Django
            # connection, which corrupts the file (sqlite.org/howtocorrupt.html, 2.2). So ADBC
            # reads SQLite only in a single-threaded process (a command, the scheduler), with
            # this thread's Django connection closed meanwhile (``frame``); elsewhere, a web
            # server's threads, Django's connection reads.
            if threading.active_count() > 1:
                return None
            return name
        return None


@dataclass(frozen=True)
class Query:
    sql: str
    schema: Schema
    split: int = 1  # read in this many parts at once (the SQL ends in a WHERE clause)
    # PostgreSQL sends the rows as one row per pupil with arrays, unpacked here: for an
    # incremental run's half a million day totals that halves the time of reading them into
    # Arrow (0.5 s to 0.3 s), the server's work being the same.
    per_pupil: bool = False

    def sent(self, sql: str, vendor: str) -> str:
        """``sql`` (this query or a part of it) as sent: ``per_pupil`` on PostgreSQL
        aggregated into arrays."""
        if not (self.per_pupil and vendor == "postgresql"):
            return sql
        columns = ", ".join(
            f'array_agg(rows."{name}") AS "{name}"' for name in self.schema if name != "pupil_id"
        )
        return f"SELECT pupil_id, {columns} FROM ({sql}) AS rows GROUP BY pupil_id"  # noqa: S608 - our columns

    def unpacked(self, frame: pl.DataFrame, vendor: str) -> pl.DataFrame:
        if not (self.per_pupil and vendor == "postgresql") or frame.is_empty():
            return frame
        return frame.explode([name for name in self.schema if name != "pupil_id"])


def _transport(vendor: str, kind: Any) -> Any:
    """How a column travels: SQLite's dates as day numbers (``_Reader.day``)."""
    return pl.Int32 if kind == pl.Date and vendor != "postgresql" else kind


def _through_adbc(vendor: str, uri: str, sql: str, query: Query) -> pl.DataFrame:
    """``sql`` (``query`` or a part of it) on a connection of its own."""
    with _adbc(vendor, uri) as cursor:
        cursor.execute(query.sent(sql, vendor))
        table = cursor.fetch_arrow_table()
    frame = pl.from_arrow(table)
    if not isinstance(frame, pl.DataFrame):  # pragma: no cover - a table gives a frame
        raise TypeError("expected a frame")
    if frame.is_empty() and not frame.columns:
        frame = pl.DataFrame(schema={n: _transport(vendor, t) for n, t in query.schema.items()})
    return _typed(query.unpacked(frame, vendor), query.schema)


def _typed(frame: pl.DataFrame, schema: Schema) -> pl.DataFrame:
    out = []
    for name, kind in schema.items():
        column = pl.col(name)
        if kind == pl.Date and frame.schema[name] != pl.Date:
            out.append(column.cast(pl.Int32).cast(pl.Date).alias(name))
        else:
            out.append(column.cast(kind).alias(name))
    return frame.select(out)


@contextmanager
def _adbc(vendor: str, uri: str) -> Iterator[Any]:
    if vendor == "postgresql":
        import adbc_driver_postgresql.dbapi as driver
    else:
        import adbc_driver_sqlite.dbapi as driver
    with driver.connect(uri) as conn, conn.cursor() as cursor:
        if vendor == "sqlite":
            # Wait for a writer (or a connection opening the WAL) as Django's connection does,
            # rather than failing at once with "database is locked".
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.fetchall()
        yield cursor
