"""The fast path's daily and weekly totals: what ``totals.refresh_totals`` writes, column-wise.

Days are counted by ``rates.count_day``, the one place the counting rules live, once for each
distinct pattern of a day: most days repeat a few patterns (absent all day for a reason, late
in lesson 1 ...), so a million marks cost about a hundred thousand calls. Weeks are summed as
``totals._week`` sums them: a week starts from the calendar's school days and planned lessons
(only those from the first day of enrolment, in the week it begins), and adds up the counted
days, new and already stored, on its weekdays. ``tests/test_import_fastpath.py`` holds the two
to the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import polars as pl
from django.db.models import Min

from sammen.attendance.importers.fast_pupils import pupil_sets
from sammen.attendance.models import CalendarDay, DayKind, PupilDay, PupilWeek
from sammen.attendance.rates import Mark, count_day
from sammen.roster.models import Enrollment

# What a week adds up from each counted day.
_SUMMED = ("absent", "absence_day", "unexplained", "late", "late_minutes")
# The columns of a record the counting rules read.
MARK = ("period", "kind", "reason", "minutes")


@dataclass(frozen=True)
class Totals:
    days: pl.DataFrame  # DAY_FIELDS
    weeks: pl.DataFrame  # WEEK_FIELDS


@dataclass(frozen=True)
class Stored:
    """What the totals of the touched days need from the database, read before any write."""

    enrolled: pl.DataFrame  # pupil_id, start: each pupil's first day of enrolment
    calendar: pl.DataFrame  # school_id, date, lessons, monday, offset: the school days
    days: pl.DataFrame  # the PupilDay rows of the touched weeks, ``touched`` if on a touched day
    stale_days: list[int]  # PupilDay ids of the touched days, replaced
    stale_weeks: list[int]  # PupilWeek ids of the touched weeks, replaced


def _touched(records: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The touched (pupil_id, date) and (pupil_id, monday) of ``records``."""
    touched = records.select("pupil_id", "date").unique()
    return touched, touched.select("pupil_id", monday=_monday("date")).unique()


def read_stored(records: pl.DataFrame) -> Stored:
    """Read what ``count_totals`` needs for ``records`` (pupil_id, school_id, date)."""
    touched, weeks = _touched(records)
    pupil_ids = sorted(touched["pupil_id"].unique().to_list())
    first_week, last_week = weeks["monday"].min(), weeks["monday"].max()
    assert isinstance(first_week, date) and isinstance(last_week, date)
    span = (first_week, last_week + timedelta(days=6))
    days = _stored_days(pupil_ids, span).join(
        touched.with_columns(touched=pl.lit(True)), on=["pupil_id", "date"], how="left"
    )
    days = days.with_columns(pl.col("touched").fill_null(False))
    stale_weeks = _stored_weeks(pupil_ids, (first_week, last_week)).join(
        weeks, on=["pupil_id", "monday"], how="semi"
    )
    return Stored(
        enrolled=_enrolled_from(pupil_ids),
        calendar=_calendar(records["school_id"].unique().to_list(), span),
        days=days,
        stale_days=days.filter(pl.col("touched"))["pk"].to_list(),
        stale_weeks=stale_weeks["pk"].to_list(),
    )


def count_totals(records: pl.DataFrame, stored: Stored) -> Totals:
    """The totals after writing ``records`` (the only records of their pupil-days).

    ``records``: pupil_id, school_id, date, lessons (the day's planned lessons), and the mark
    (period, kind, reason, minutes) of each record. No queries: ``stored`` has what is needed.
    """
    _, weeks = _touched(records)
    pupils = records.select("pupil_id", "school_id").unique()
    pupils = pupils.join(stored.enrolled, on="pupil_id", how="left")
    counted = _counted_days(records).join(pupils.select("pupil_id", "start"), on="pupil_id")
    # A day before the pupil's enrolment is not counted (``refresh_totals``).
    new_days = counted.filter(pl.col("start").is_null() | (pl.col("date") >= pl.col("start")))
    days = new_days.select(
        pupil=pl.col("pupil_id"),
        school=pl.col("school_id"),
        date=pl.col("date"),
        planned_lessons=pl.col("lessons"),
        absent_lessons=pl.col("absent"),
        unexplained_lessons=pl.col("unexplained"),
        sick_lessons=pl.col("sick"),
        late_count=pl.col("late"),
        late_minutes=pl.col("late_minutes"),
        first_lesson_absent=pl.col("first_lesson_absent"),
    )
    # The other marked days of the touched weeks count as they are stored.
    other_days = stored.days.filter(~pl.col("touched")).with_columns(monday=_monday("date"))
    other_days = other_days.join(weeks, on=["pupil_id", "monday"], how="semi").select(
        "pupil_id",
        "date",
        "absent",
        # rates.is_absence_day, column-wise.
        absence_day=(pl.col("absent") * 2 >= pl.col("planned")) & (pl.col("planned") > 0),
        unexplained="unexplained",
        late="late",
        late_minutes="late_minutes",
    )
    summed_days = pl.concat(
        [new_days.select("pupil_id", "date", *_SUMMED), other_days], how="vertical_relaxed"
    )
    return Totals(days, _weeks(weeks, pupils, stored.calendar, summed_days))


def _monday(column: str) -> pl.Expr:
    return pl.col(column) - pl.duration(days=pl.col(column).dt.weekday() - 1)


def _counted_days(records: pl.DataFrame) -> pl.DataFrame:
    """Each pupil-day of ``records`` with its ``count_day``: one call per distinct day."""
    kinds = records.select(MARK).unique().with_row_index("mark")
    # ``count_day`` reads no date, and a day's marks in any order count the same
    # (``tests/test_rates.py`` holds it to that).
    marks = [
        Mark(date.min, period, kind, reason, minutes)
        for _, period, kind, reason, minutes in kinds.iter_rows()
    ]
    per_day = (
        records.join(kinds, on=list(MARK), how="left", nulls_equal=True)
        .group_by("pupil_id", "date")
        .agg(pl.col("school_id").first(), pl.col("lessons").first(), pl.col("mark").sort())
    )
    patterns = per_day.select("lessons", "mark").unique()
    counts = [
        count_day(lessons, [marks[i] for i in mark]) for lessons, mark in patterns.iter_rows()
    ]
    patterns = patterns.with_columns(
        pl.Series("absent", [c.absent_lessons for c in counts], dtype=pl.Int32),
        pl.Series("unexplained", [c.unexplained_lessons for c in counts], dtype=pl.Int32),
        pl.Series("sick", [c.sick_lessons for c in counts], dtype=pl.Int32),
        pl.Series("late", [c.late_count for c in counts], dtype=pl.Int32),
        pl.Series("late_minutes", [c.late_minutes for c in counts], dtype=pl.Int32),
        pl.Series("first_lesson_absent", [c.first_lesson_absent for c in counts]),
        pl.Series("absence_day", [c.is_absence_day for c in counts]),
    )
    return per_day.join(patterns, on=["lessons", "mark"], how="left")


def _weeks(
    weeks: pl.DataFrame,
    pupils: pl.DataFrame,
    calendar: pl.DataFrame,
    days: pl.DataFrame,
) -> pl.DataFrame:
    """One row per touched pupil-week: ``totals._week`` for all of them at once."""
    weeks = weeks.join(pupils, on="pupil_id")
    whole = pl.col("start").is_null() | (pl.col("start") <= pl.col("monday"))
    # The whole week: every school day of the school's week (the calendar's totals).
    base = calendar.group_by("school_id", "monday").agg(
        base_days=pl.len(), base_planned=pl.col("lessons").sum()
    )
    # A week the pupil's enrolment begins in: its weekdays from the first day of enrolment.
    partial = (
        weeks.filter(~whole)
        .join(calendar, on=["school_id", "monday"])
        .filter((pl.col("offset") < 5) & (pl.col("date") >= pl.col("start")))
        .group_by("pupil_id", "monday")
        .agg(part_days=pl.len(), part_planned=pl.col("lessons").sum())
    )
    # The counted days on the week's school weekdays, not before enrolment.
    summed = (
        days.join(pupils, on="pupil_id")
        .join(calendar, on=["school_id", "date"])
        .filter(
            (pl.col("offset") < 5)
            & (pl.col("start").is_null() | (pl.col("date") >= pl.col("start")))
        )
        .group_by("pupil_id", "monday")
        .agg(pl.col(name).cast(pl.Int64).sum() for name in _SUMMED)
    )
    out = (
        weeks.join(base, on=["school_id", "monday"], how="left")
        .join(partial, on=["pupil_id", "monday"], how="left")
        .join(summed, on=["pupil_id", "monday"], how="left")
    )
    return out.select(
        pupil=pl.col("pupil_id"),
        week_start=pl.col("monday"),
        school_days=pl.when(whole).then(pl.col("base_days")).otherwise(pl.col("part_days")),
        planned_lessons=pl.when(whole)
        .then(pl.col("base_planned"))
        .otherwise(pl.col("part_planned")),
        absent_lessons=pl.col("absent"),
        absent_days=pl.col("absence_day"),
        unexplained_lessons=pl.col("unexplained"),
        late_count=pl.col("late"),
        late_minutes=pl.col("late_minutes"),
    ).with_columns(pl.exclude("pupil", "week_start").fill_null(0).cast(pl.Int64))


def _frame(rows: list[tuple[Any, ...]], schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row")


def _enrolled_from(pupil_ids: Sequence[int]) -> pl.DataFrame:
    rows: list[tuple[Any, ...]] = []
    for pupils in pupil_sets(pupil_ids):
        rows.extend(
            Enrollment.objects.filter(pupil_id__in=pupils)
            .values("pupil_id")
            .annotate(first=Min("start_date"))
            .values_list("pupil_id", "first")
        )
    return _frame(rows, {"pupil_id": pl.Int64, "start": pl.Date})


def _calendar(school_ids: list[int], span: tuple[date, date]) -> pl.DataFrame:
    rows = list(
        CalendarDay.objects.filter(
            school_id__in=school_ids, kind=DayKind.SCHOOL_DAY, date__range=span
        ).values_list("school_id", "date", "lessons")
    )
    return _frame(rows, {"school_id": pl.Int64, "date": pl.Date, "lessons": pl.Int64}).with_columns(
        monday=_monday("date"), offset=pl.col("date").dt.weekday() - 1
    )


def _stored_days(pupil_ids: Sequence[int], span: tuple[date, date]) -> pl.DataFrame:
    rows: list[tuple[Any, ...]] = []
    for pupils in pupil_sets(pupil_ids):
        rows.extend(
            PupilDay.objects.filter(pupil_id__in=pupils, date__range=span).values_list(
                "pk",
                "pupil_id",
                "date",
                "absent_lessons",
                "planned_lessons",
                "unexplained_lessons",
                "late_count",
                "late_minutes",
            )
        )
    return _frame(
        rows,
        {
            "pk": pl.Int64,
            "pupil_id": pl.Int64,
            "date": pl.Date,
            "absent": pl.Int64,
            "planned": pl.Int64,
            "unexplained": pl.Int64,
            "late": pl.Int64,
            "late_minutes": pl.Int64,
        },
    )


def _stored_weeks(pupil_ids: Sequence[int], span: tuple[date, date]) -> pl.DataFrame:
    rows: list[tuple[Any, ...]] = []
    for pupils in pupil_sets(pupil_ids):
        rows.extend(
            PupilWeek.objects.filter(pupil_id__in=pupils, week_start__range=span).values_list(
                "pk", "pupil_id", "week_start"
            )
        )
    return _frame(rows, {"pk": pl.Int64, "pupil_id": pl.Int64, "monday": pl.Date})
