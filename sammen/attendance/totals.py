"""Keep per-pupil daily and weekly totals (PupilDay, PupilWeek) current after every write.

Callers pass the (pupil, date) pairs they touched. Each touched day is counted again from its
records (``rates.count_day``, the one place the counting rules live) into a PupilDay row, or
loses its row when nothing is left to count; then the weeks holding the touched days are summed
from the calendar and the PupilDay rows of those weeks. A week starts from the calendar's totals
and is corrected only on its days with records, so an import of a million records counts its
marked days, not every day of every week, in a fixed number of queries per 500 pupils.

An import already holds every record of the days it touches, so it passes their marks and no
record is read back. The early warning reads these totals instead of a year of records.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Min

from sammen.attendance.models import AttendanceRecord, CalendarDay, DayKind, PupilDay, PupilWeek
from sammen.attendance.rates import Mark, count_day, is_absence_day, week_start
from sammen.lib.bulkwrite import insert_rows
from sammen.roster.models import Enrollment, Pupil

_BATCH = 500
# The columns of the totals, in the order the writers (here and the import's fast path) give.
WEEK_FIELDS = (
    "pupil",
    "week_start",
    "school_days",
    "planned_lessons",
    "absent_lessons",
    "absent_days",
    "unexplained_lessons",
    "late_count",
    "late_minutes",
)
DAY_FIELDS = (
    "pupil",
    "school",
    "date",
    "planned_lessons",
    "absent_lessons",
    "unexplained_lessons",
    "sick_lessons",
    "late_count",
    "late_minutes",
    "first_lesson_absent",
)

Day = tuple[int, date]


@dataclass(frozen=True, slots=True)
class _Counted:
    """What a week needs of one marked day."""

    absent: int
    absence_day: bool
    unexplained: int
    late: int
    late_minutes: int


def refresh_totals(
    touched: Iterable[Day], marks: Mapping[Day, Sequence[Mark]] | None = None
) -> int:
    """Recount the touched (pupil id, date) days and the weeks holding them; weeks written.

    ``marks`` are all the records of the touched days, when the caller already holds them;
    without it they are read from the database.
    """
    days_by_pupil: dict[int, set[date]] = defaultdict(set)
    for pupil_id, day in touched:
        days_by_pupil[pupil_id].add(day)
    pupil_ids = sorted(days_by_pupil)
    written = 0
    for i in range(0, len(pupil_ids), _BATCH):
        batch = {pid: days_by_pupil[pid] for pid in pupil_ids[i : i + _BATCH]}
        written += _refresh_batch(batch, marks)
    return written


def _marks_from_records(days_by_pupil: dict[int, set[date]]) -> dict[Day, list[Mark]]:
    first = min(min(days) for days in days_by_pupil.values())
    last = max(max(days) for days in days_by_pupil.values())
    found: dict[Day, list[Mark]] = defaultdict(list)
    for pupil_id, day, period, kind, reason, minutes in AttendanceRecord.objects.filter(
        pupil_id__in=days_by_pupil, date__range=(first, last)
    ).values_list("pupil_id", "date", "period", "kind", "reason", "minutes"):
        if day in days_by_pupil[pupil_id]:
            found[(pupil_id, day)].append(Mark(day, period, kind, reason, minutes))
    return found


def _refresh_batch(
    days_by_pupil: dict[int, set[date]], given: Mapping[Day, Sequence[Mark]] | None
) -> int:
    weeks_by_pupil = {pid: {week_start(day) for day in days} for pid, days in days_by_pupil.items()}
    all_weeks = set().union(*weeks_by_pupil.values())
    first, last = min(all_weeks), max(all_weeks) + timedelta(days=6)
    pupils = dict(Pupil.objects.filter(pk__in=days_by_pupil).values_list("pk", "school_id"))
    enrolled_from = dict(
        Enrollment.objects.filter(pupil_id__in=days_by_pupil)
        .values("pupil_id")
        .annotate(first=Min("start_date"))
        .values_list("pupil_id", "first")
    )
    calendar: dict[tuple[int, date], int] = {}
    # (school, Monday) -> (school days, planned lessons): the week of a pupil with no marks.
    base: dict[tuple[int, date], tuple[int, int]] = {}
    for school_id, day, day_lessons in CalendarDay.objects.filter(
        school_id__in=set(pupils.values()),
        kind=DayKind.SCHOOL_DAY,
        date__range=(first, last),
    ).values_list("school_id", "date", "lessons"):
        calendar[(school_id, day)] = day_lessons
        seen, planned = base.get((school_id, week_start(day)), (0, 0))
        base[(school_id, week_start(day))] = (seen + 1, planned + day_lessons)

    marks = _marks_from_records(days_by_pupil) if given is None else given
    counted: dict[Day, _Counted] = {}
    day_rows: list[tuple[int, int, date, int, int, int, int, int, int, bool]] = []
    for pupil_id, days in days_by_pupil.items():
        pupil_school = pupils.get(pupil_id)
        if pupil_school is None:
            continue
        enrolled = enrolled_from.get(pupil_id)
        for day in days:
            lessons = calendar.get((pupil_school, day))
            day_marks = marks.get((pupil_id, day))
            if lessons is None or not day_marks or (enrolled is not None and day < enrolled):
                continue
            count = count_day(lessons, day_marks)
            counted[(pupil_id, day)] = _Counted(
                count.absent_lessons,
                count.is_absence_day,
                count.unexplained_lessons,
                count.late_count,
                count.late_minutes,
            )
            day_rows.append(
                (
                    pupil_id,
                    pupil_school,
                    day,
                    lessons,
                    count.absent_lessons,
                    count.unexplained_lessons,
                    count.sick_lessons,
                    count.late_count,
                    count.late_minutes,
                    count.first_lesson_absent,
                )
            )

    # The other marked days of the touched weeks are counted already; the touched days' old
    # rows go.
    stale_days: list[int] = []
    for pk, pupil_id, day, absent, planned, unexplained, late, late_minutes in (
        PupilDay.objects.filter(pupil_id__in=days_by_pupil, date__range=(first, last))
        .values_list(
            "pk",
            "pupil_id",
            "date",
            "absent_lessons",
            "planned_lessons",
            "unexplained_lessons",
            "late_count",
            "late_minutes",
        )
        .iterator(chunk_size=10_000)
    ):
        if day in days_by_pupil[pupil_id]:
            stale_days.append(pk)
        elif week_start(day) in weeks_by_pupil[pupil_id]:
            counted[(pupil_id, day)] = _Counted(
                absent, is_absence_day(absent, planned), unexplained, late, late_minutes
            )

    rows = []
    for pupil_id, weeks in weeks_by_pupil.items():
        school = pupils.get(pupil_id)
        if school is None:
            continue
        start = enrolled_from.get(pupil_id)
        for monday in weeks:
            rows.append(
                (
                    pupil_id,
                    monday,
                    *_week(monday, school, start, pupil_id, calendar, base, counted),
                )
            )

    stale_weeks = [
        pk
        for pk, pupil_id, monday in PupilWeek.objects.filter(
            pupil_id__in=days_by_pupil, week_start__range=(min(all_weeks), max(all_weeks))
        ).values_list("pk", "pupil_id", "week_start")
        if monday in weeks_by_pupil[pupil_id]
    ]
    with transaction.atomic():
        for i in range(0, len(stale_weeks), _BATCH):
            PupilWeek.objects.filter(pk__in=stale_weeks[i : i + _BATCH]).delete()
        for i in range(0, len(stale_days), _BATCH):
            PupilDay.objects.filter(pk__in=stale_days[i : i + _BATCH]).delete()
        insert_rows(PupilWeek, WEEK_FIELDS, rows)
        insert_rows(PupilDay, DAY_FIELDS, day_rows)
    return len(rows)


def _week(
    monday: date,
    school_id: int,
    start: date | None,
    pupil_id: int,
    calendar: dict[tuple[int, date], int],
    base: dict[tuple[int, date], tuple[int, int]],
    counted: dict[Day, _Counted],
) -> tuple[int, int, int, int, int, int, int]:
    """(school days, planned, absent, absence days, unexplained, late, late minutes) of a week."""
    school_days = planned = absent = absent_days = unexplained = late = late_minutes = 0
    whole_week = start is None or start <= monday
    if whole_week:
        school_days, planned = base.get((school_id, monday), (0, 0))
    for offset in range(5):
        day = monday + timedelta(days=offset)
        lessons = calendar.get((school_id, day))
        if lessons is None or (start is not None and day < start):
            continue
        if not whole_week:
            school_days += 1
            planned += lessons
        count = counted.get((pupil_id, day))
        if count is None:
            continue
        absent += count.absent
        absent_days += count.absence_day
        unexplained += count.unexplained
        late += count.late
        late_minutes += count.late_minutes
    return school_days, planned, absent, absent_days, unexplained, late, late_minutes
