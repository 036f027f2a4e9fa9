"""A school year of lesson-level attendance for the early-warning benchmark, written fast.

The roster is ``bench.roster`` (schools of 500 pupils, the Norwegian default calendar of
2026–2027: 190 school days of 6 lessons) plus classes of 25 with a 30-lesson weekly timetable.
Each pupil's absence share is drawn from a log-normal with mean 7 % (so the tiers spread as a
real school's do); it is spent half on whole days and half on mornings, afternoons or single
lessons (1–4 lessons in a row), for sickness (half), other reasons, leave or no explanation;
one day in twenty-five the pupil is late for the first lesson. Every missed lesson is an
``AttendanceRecord`` (a whole day one record) and every day with a record a ``PupilDay`` row,
counted as ``sammen.attendance.rates`` counts them.

Generated with Polars (random numbers from Arrow, seeded) and written with PostgreSQL's COPY or
SQLite's ADBC bulk ingest, so a hundred thousand pupils' year takes minutes, not hours.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl
from django.db import connection

from bench.synthetic import LESSONS, YEAR_START, school_days
from sammen.attendance.models import AttendanceRecord, PupilDay, TimetableSlot
from sammen.roster.models import Enrollment, Group, GroupKind, Pupil, School

MEAN_RATE = 0.07
SIGMA = 0.8
CLASS_SIZE = 25
LATE = 0.04
# The weekly timetable of every class: 30 lessons, (weekday, lesson) -> subject.
WEEKLY = (
    ["Norsk"] * 5
    + ["Matematikk"] * 5
    + ["Engelsk"] * 3
    + ["Naturfag"] * 3
    + ["Samfunnsfag"] * 3
    + ["KRLE"] * 2
    + ["Kroppsøving"] * 3
    + ["Musikk"] * 2
    + ["Kunst og håndverk"] * 2
    + ["Mat og helse"] * 2
)
TIMETABLE = [
    (weekday, period, WEEKLY[(weekday * 7 + period * 3) % len(WEEKLY)])
    for weekday in range(5)
    for period in range(1, LESSONS + 1)
]
REASONS = ("sick",) * 5 + ("other", "other", "leave", "unexplained", "unexplained")
STAMP = "2027-06-18 12:00:00"


@dataclass(frozen=True)
class Year:
    records: pl.DataFrame
    days: pl.DataFrame


def add_classes() -> None:
    """Classes of 25 with the weekly timetable; every pupil enrolled from the first day."""
    pupils = list(Pupil.objects.order_by("pk").values_list("pk", "school_id", "owner_id"))
    groups: list[Group] = []
    members: list[tuple[int, int]] = []
    by_school: dict[int, list[int]] = {}
    for pk, school_id, _ in pupils:
        by_school.setdefault(school_id, []).append(pk)
    if not pupils:
        return
    owner_id = pupils[0][2]
    for school_id, ids in sorted(by_school.items()):
        for n in range(0, len(ids), CLASS_SIZE):
            groups.append(
                Group(
                    owner_id=owner_id,
                    school_id=school_id,
                    kind=GroupKind.CLASS,
                    name=f"Klasse {n // CLASS_SIZE + 1}",
                )
            )
            members.append((len(groups) - 1, n))
    Group.objects.bulk_create(groups, batch_size=2000)
    slots = [
        TimetableSlot(group=g, weekday=w, period=p, subject=s)
        for g in groups
        for w, p, s in TIMETABLE
    ]
    TimetableSlot.objects.bulk_create(slots, batch_size=5000)
    enrollments: list[Enrollment] = []
    for (_, n), group in zip(members, groups, strict=True):
        ids = by_school[group.school_id][n : n + CLASS_SIZE]
        enrollments.extend(
            Enrollment(group=group, pupil_id=pk, start_date=YEAR_START) for pk in ids
        )
    Enrollment.objects.bulk_create(enrollments, batch_size=5000)


def _uniform(key: pl.Expr, salt: int) -> pl.Expr:
    """A uniform number in [0, 1) that follows from ``key`` and ``salt`` alone (a seeded hash),
    so a pupil draws the same whatever chunk or day set it is generated with."""
    return (key.hash(salt) % (1 << 53)).cast(pl.Float64) / float(1 << 53)


def generate(pupils: pl.DataFrame, days: Sequence[date], seed: int, first_id: int) -> Year:
    """The days ``days`` of ``pupils`` (pupil_id, school_id): records and day totals."""
    mu = math.log(MEAN_RATE) - SIGMA * SIGMA / 2
    who = pl.col("pupil_id")
    u1 = _uniform(who, seed).clip(1e-12, 1.0)
    u2 = _uniform(who, seed + 1)
    normal = (-2 * u1.log()).sqrt() * (2 * math.pi * u2).cos()
    people = pupils.with_columns(rate=(mu + SIGMA * normal).exp().clip(0.0, 0.6))
    calendar = pl.DataFrame({"day": list(days)}, schema={"day": pl.Date}).with_columns(
        weekday=(pl.col("day").dt.weekday() - 1).cast(pl.Int32)
    )
    when = pl.struct("pupil_id", "day")
    grid = (
        people.join(calendar, how="cross")
        .with_columns(
            whole=_uniform(when, seed + 2) < 0.5 * pl.col("rate"),
            partial=_uniform(when, seed + 3) < 0.5 * pl.col("rate") * LESSONS / 2.5,
            length=(1 + (_uniform(when, seed + 4) * 4).floor()).cast(pl.Int32),
            pick=_uniform(when, seed + 5),
            late=_uniform(when, seed + 6) < LATE,
            reason=(_uniform(when, seed + 7) * len(REASONS)).floor().cast(pl.Int32),
            minutes=(5 + (_uniform(when, seed + 8) * 20).floor()).cast(pl.Int32),
        )
        .with_columns(
            reason=pl.col("reason").replace_strict(
                dict(enumerate(REASONS)), return_dtype=pl.String
            ),
            partial=pl.col("partial") & ~pl.col("whole"),
            start=(1 + (pl.col("pick") * (LESSONS - pl.col("length") + 1)).floor()).cast(pl.Int32),
        )
        .with_columns(
            # Late for the first lesson, on a day the first lesson was not missed.
            late=pl.col("late") & ~pl.col("whole") & ~(pl.col("partial") & (pl.col("start") == 1))
        )
    )
    subjects = pl.DataFrame(
        TIMETABLE,
        schema={"weekday": pl.Int32, "period": pl.Int32, "subject": pl.String},
        orient="row",
    )
    columns = ["pupil_id", "school_id", "day", "period", "subject", "kind", "minutes", "reason"]
    whole = grid.filter("whole").with_columns(
        period=pl.lit(None, pl.Int32),
        subject=pl.lit(""),
        kind=pl.lit("absent"),
        minutes=pl.lit(None, pl.Int32),
    )
    lessons = (
        grid.filter("partial")
        .with_columns(
            period=pl.int_ranges("start", pl.col("start") + pl.col("length"), dtype=pl.Int32)
        )
        .explode("period")
        .join(subjects, on=["weekday", "period"])
        .with_columns(kind=pl.lit("absent"), minutes=pl.lit(None, pl.Int32))
    )
    late = (
        grid.filter("late")
        .with_columns(period=pl.lit(1, pl.Int32))
        .join(subjects, on=["weekday", "period"])
        .with_columns(kind=pl.lit("late"), reason=pl.lit("unexplained"))
    )
    records = (
        pl.concat([whole.select(columns), lessons.select(columns), late.select(columns)])
        .sort("pupil_id", "day", "period", nulls_last=False)
        .with_columns(id=pl.int_range(pl.len(), dtype=pl.Int64) + first_id)
    )
    missed = (
        pl.when(pl.col("whole"))
        .then(LESSONS)
        .when(pl.col("partial"))
        .then(pl.col("length"))
        .otherwise(0)
    )
    pupil_days = grid.filter(pl.col("whole") | pl.col("partial") | pl.col("late")).select(
        "pupil_id",
        "school_id",
        "day",
        planned_lessons=pl.lit(LESSONS, pl.Int32),
        absent_lessons=missed,
        unexplained_lessons=pl.when(pl.col("reason") == "unexplained").then(missed).otherwise(0),
        sick_lessons=pl.when(pl.col("reason") == "sick").then(missed).otherwise(0),
        late_count=pl.col("late").cast(pl.Int32),
        late_minutes=pl.when(pl.col("late")).then(pl.col("minutes")).otherwise(0),
        first_lesson_absent=pl.col("partial") & (pl.col("start") == 1),
    )
    return Year(records, pupil_days)


def write_year(year: Year) -> None:
    """Append the records and day totals to the database (COPY, or ADBC ingest on SQLite)."""
    records = year.records.select(
        public_id=pl.col("id").cast(pl.String).str.zfill(32),
        pupil_id="pupil_id",
        school_id="school_id",
        date=pl.col("day").dt.to_string("%Y-%m-%d"),
        period="period",
        subject="subject",
        kind="kind",
        minutes="minutes",
        reason="reason",
        documented=pl.col("reason") == "sick",
        counts_on_diploma=pl.lit(True),
        reported_by=pl.lit("import"),
        comment=pl.lit(""),
        source=pl.lit(""),
        created_at=pl.lit(STAMP),
        updated_at=pl.lit(STAMP),
    )
    days = year.days.with_columns(date=pl.col("day").dt.to_string("%Y-%m-%d")).drop("day")
    _append(AttendanceRecord._meta.db_table, records)
    _append(PupilDay._meta.db_table, days)


def _append(table: str, frame: pl.DataFrame) -> None:
    if frame.is_empty():
        return
    if connection.vendor == "postgresql":
        columns = ", ".join(frame.columns)
        text = frame.with_columns(
            pl.col(pl.Boolean).replace_strict({True: "t", False: "f"}, return_dtype=pl.String)
        )
        with connection.cursor() as cursor:
            raw = cursor.cursor
            # Our own table and column names; the values travel as CSV data.
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
                for chunk in _csv_chunks(text):
                    copy.write(chunk)
        return
    import adbc_driver_sqlite.dbapi as driver

    # Two copies of SQLite in one process must not have the file open at once (frames.py).
    connection.close()
    with driver.connect(str(connection.settings_dict["NAME"])) as conn, conn.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout = 20000")
        cursor.fetchall()
        cursor.adbc_ingest(
            table, frame.with_columns(pl.col(pl.Boolean).cast(pl.Int32)).to_arrow(), mode="append"
        )
        conn.commit()


def _csv_chunks(frame: pl.DataFrame, rows: int = 200_000) -> Iterator[bytes]:
    for offset in range(0, frame.height, rows):
        out = io.BytesIO()
        frame.slice(offset, rows).write_csv(
            out, include_header=False, quote_style="non_numeric", null_value=""
        )
        yield out.getvalue()


def load_attendance(seed: int, *, hold_back: date | None, chunk_days: int = 10) -> int:
    """Generate and write every pupil's year (``hold_back``: that day's rows are left out, for
    the incremental run); returns the records written. Written day by day, as a school's
    registrations arrive, so the table's rows lie in date order as they do in real use."""
    days = [d for d in school_days() if hold_back is None or d != hold_back]
    pupils = pl.DataFrame(
        list(Pupil.objects.order_by("pk").values_list("pk", "school_id")),
        schema={"pupil_id": pl.Int64, "school_id": pl.Int64},
        orient="row",
    )
    written = 0
    for i in range(0, len(days), chunk_days):
        year = generate(pupils, days[i : i + chunk_days], seed, first_id=1 + written)
        write_year(
            Year(year.records.sort("day", "pupil_id", "period"), year.days.sort("day", "pupil_id"))
        )
        written += year.records.height
    return written


def new_day(seed: int, day: date, *, first_id: int) -> tuple[Year, list[int]]:
    """One more school day for every pupil: the rows an import of that day would write."""
    pupils = pl.DataFrame(
        list(Pupil.objects.order_by("pk").values_list("pk", "school_id")),
        schema={"pupil_id": pl.Int64, "school_id": pl.Int64},
        orient="row",
    )
    year = generate(pupils, [day], seed, first_id=first_id)
    touched = year.days.get_column("pupil_id").unique().sort().to_list()
    return year, touched


def school_count() -> int:
    return School.objects.count()
