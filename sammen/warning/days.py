"""The pupils' school days as frames: what every rule reads. Pure (Polars), no database.

``Inputs`` is what ``sammen.warning.frames`` loads (or a test builds): the school days of each
school's current school year up to the evaluation day, the pupils with their enrolment, and one
row per pupil and school day that has any attendance record (``PupilDay``). ``prepare`` turns
them into a ``Year``, which numbers each school's school days (``idx`` 0, 1, …) so that "the last
N school days the pupil was enrolled" is a plain comparison, without expanding every pupil's
every day: a school day without a row is a full day at school.

The counting rules (``sammen.attendance.rates``) are applied once, here: a day is an absence day
when at least half its planned lessons were missed (for any reason but a school activity, which
``PupilDay`` already leaves out), a sick day when at least half were missed through illness, an
unexplained day likewise. Days before the pupil's enrolment, after it ended and holidays never
count: they are not school days of the pupil at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import polars as pl

# Column types of the inputs; ``empty_inputs`` and the loaders use them.
CALENDAR_SCHEMA = {"school_id": pl.Int64, "day": pl.Date, "lessons": pl.Int32}
PUPIL_SCHEMA = {
    "pupil_id": pl.Int64,
    "school_id": pl.Int64,
    "enrolled_from": pl.Date,
    "enrolled_to": pl.Date,
    "timetable_id": pl.Int64,
}
DAY_SCHEMA = {
    "pupil_id": pl.Int64,
    "day": pl.Date,
    "absent": pl.Int32,
    "unexplained": pl.Int32,
    "sick": pl.Int32,
    "late": pl.Int32,
    "first_absent": pl.Boolean,
}
SLOT_SCHEMA = {
    "timetable_id": pl.Int64,
    "weekday": pl.Int32,
    "period": pl.Int32,
    "subject": pl.String,
}
LESSON_SCHEMA = {"pupil_id": pl.Int64, "day": pl.Date, "period": pl.Int32, "subject": pl.String}


@dataclass(frozen=True)
class Inputs:
    """What the rules are computed from, as loaded.

    - ``calendar``: the school days (kind "school_day") of each school's current school year up
      to ``as_of``: school_id, day, lessons (planned).
    - ``pupils``: pupil_id, school_id, enrolled_from and enrolled_to (null: open), and
      timetable_id: pupils in the same groups share a weekly timetable (null: none).
    - ``days``: ``PupilDay`` rows in that year: pupil_id, day, absent, unexplained, sick (lessons),
      late (late arrivals), first_absent (absent from lesson 1 on a day not missed whole).
    - ``slots``: the weekly timetables: timetable_id, weekday (0 = Monday), period, subject.
    - ``lessons``: single lessons missed (absences that count, with a lesson number) in the
      subject rule's window: pupil_id, day, period, subject (as registered; may be empty).
    """

    as_of: date
    calendar: pl.DataFrame
    pupils: pl.DataFrame
    days: pl.DataFrame
    slots: pl.DataFrame
    lessons: pl.DataFrame


@dataclass(frozen=True)
class Year:
    """The inputs with every school day numbered; see ``prepare``.

    - ``calendar``: school_id, idx, day, weekday, lessons, before (planned lessons on the
      school's earlier school days), wd_ord (1 for the year's first Monday, 2 for the second …).
    - ``pupils``: pupil_id, school_id, lo and hi (first and last ``idx`` enrolled), n (school
      days enrolled), timetable_id. Pupils with no school day enrolled are left out.
    - ``days``: the pupil's rows on school days enrolled, with idx, back (school days before the
      pupil's last: 0 is the last), weekday, wd_ord, lessons and absence_day, sick_day,
      unexplained_day.
    - ``slots`` and ``lessons`` as in ``Inputs``, lessons with idx and back.
    """

    as_of: date
    calendar: pl.DataFrame
    pupils: pl.DataFrame
    days: pl.DataFrame
    slots: pl.DataFrame
    lessons: pl.DataFrame


def empty_inputs(as_of: date) -> Inputs:
    return Inputs(
        as_of,
        pl.DataFrame(schema=CALENDAR_SCHEMA),
        pl.DataFrame(schema=PUPIL_SCHEMA),
        pl.DataFrame(schema=DAY_SCHEMA),
        pl.DataFrame(schema=SLOT_SCHEMA),
        pl.DataFrame(schema=LESSON_SCHEMA),
    )


def conform(frame: pl.DataFrame, schema: Mapping[str, Any]) -> pl.DataFrame:
    """``frame`` with exactly ``schema``'s columns and types (loaders and tests give looser)."""
    return frame.select([pl.col(name).cast(kind) for name, kind in schema.items()])


def half(part: pl.Expr, whole: pl.Expr) -> pl.Expr:
    """At least half of ``whole`` (and something): the rule for an absence day."""
    return (part > 0) & (part * 2 >= whole)


def prepare(inputs: Inputs) -> Year:
    """Number the school days and place every pupil's rows on them."""
    as_of = inputs.as_of
    calendar = (
        conform(inputs.calendar, CALENDAR_SCHEMA)
        .filter(pl.col("day") <= as_of)
        .unique(["school_id", "day"], keep="first")
        .sort("school_id", "day")
        .with_columns(
            idx=pl.int_range(pl.len(), dtype=pl.Int32).over("school_id"),
            weekday=(pl.col("day").dt.weekday() - 1).cast(pl.Int32),
            before=(pl.col("lessons").cum_sum() - pl.col("lessons")).over("school_id"),
        )
        .with_columns(
            wd_ord=(pl.int_range(pl.len(), dtype=pl.Int32) + 1).over("school_id", "weekday")
        )
    )
    pupils = _enrolled(conform(inputs.pupils, PUPIL_SCHEMA), calendar, as_of)
    days = (
        conform(inputs.days, DAY_SCHEMA)
        .join(pupils.select("pupil_id", "school_id", "lo", "hi"), on="pupil_id")
        .join(
            calendar.select("school_id", "day", "idx", "weekday", "wd_ord", "lessons"),
            on=["school_id", "day"],
        )
        .filter(pl.col("idx").is_between(pl.col("lo"), pl.col("hi")))
        .with_columns(
            # A row can say more than the calendar plans (a lesson number beyond the day's).
            absent=pl.min_horizontal("absent", "lessons"),
            unexplained=pl.min_horizontal("unexplained", "lessons"),
            sick=pl.min_horizontal("sick", "lessons"),
            back=(pl.col("hi") - pl.col("idx")).cast(pl.Int32),
        )
        .with_columns(
            absence_day=half(pl.col("absent"), pl.col("lessons")),
            sick_day=half(pl.col("sick"), pl.col("lessons")),
            unexplained_day=half(pl.col("unexplained"), pl.col("lessons")),
        )
        .drop("lo", "hi")
        .sort("pupil_id", "idx")
    )
    lessons = (
        conform(inputs.lessons, LESSON_SCHEMA)
        .join(pupils.select("pupil_id", "school_id", "lo", "hi"), on="pupil_id")
        .join(
            calendar.select("school_id", "day", "idx", "weekday", "lessons"),
            on=["school_id", "day"],
        )
        .filter(
            pl.col("idx").is_between(pl.col("lo"), pl.col("hi"))
            & pl.col("period").is_between(1, pl.col("lessons"))
        )
        .with_columns(back=(pl.col("hi") - pl.col("idx")).cast(pl.Int32))
        .drop("lo", "hi")
        .unique(["pupil_id", "day", "period"], keep="first")
    )
    slots = conform(inputs.slots, SLOT_SCHEMA).unique(
        ["timetable_id", "weekday", "period"], keep="first"
    )
    return Year(as_of, calendar, pupils, days, slots, lessons)


def _enrolled(pupils: pl.DataFrame, calendar: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Each pupil's first and last school day enrolled (``lo``, ``hi``) and how many (``n``)."""
    ends = calendar.group_by("school_id").agg(last=pl.col("idx").max())
    first_day = _school_day_of(pupils, calendar, "enrolled_from", "forward", "start")
    last_day = _school_day_of(pupils, calendar, "enrolled_to", "backward", "end")
    return (
        pupils.join(ends, on="school_id")
        .join(first_day, on=["school_id", "enrolled_from"], how="left", nulls_equal=False)
        .join(last_day, on=["school_id", "enrolled_to"], how="left", nulls_equal=False)
        .with_columns(
            # Enrolled after the last school day so far: no school day yet (start stays null).
            lo=pl.when(pl.col("enrolled_from").is_null())
            .then(0)
            .otherwise(pl.col("start"))
            .cast(pl.Int32),
            hi=pl.when(pl.col("enrolled_to").is_null() | (pl.col("enrolled_to") > as_of))
            .then(pl.col("last"))
            .otherwise(pl.col("end"))
            .cast(pl.Int32),
        )
        .filter(pl.col("lo").is_not_null() & pl.col("hi").is_not_null())
        .filter(pl.col("lo") <= pl.col("hi"))
        .select(
            "pupil_id",
            "school_id",
            "lo",
            "hi",
            n=(pl.col("hi") - pl.col("lo") + 1).cast(pl.Int32),
            timetable_id="timetable_id",
        )
        .sort("pupil_id")
    )


# Which way to look from a date for a school day (Polars' join_asof strategies).
Direction = Literal["forward", "backward"]


def _school_day_of(
    pupils: pl.DataFrame,
    calendar: pl.DataFrame,
    column: str,
    strategy: Direction,
    name: str,
) -> pl.DataFrame:
    """For each school and distinct date in ``column``: the number (``name``) of the first school
    day on or after it (``forward``) or the last on or before it (``backward``)."""
    return (
        pupils.select("school_id", column)
        .unique()
        .drop_nulls()
        .sort(column)
        .join_asof(
            calendar.select("school_id", "day", "idx").sort("day"),
            left_on=column,
            right_on="day",
            by="school_id",
            strategy=strategy,
            check_sortedness=False,
        )
        .select("school_id", column, pl.col("idx").alias(name))
    )
