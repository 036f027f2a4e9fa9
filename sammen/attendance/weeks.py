"""Keep per-pupil weekly totals (PupilWeek) current after every write, in bulk.

Callers pass the (pupil, date) pairs they touched; the affected weeks are recomputed from the
records and the calendar in a fixed number of queries per 500 pupils, whatever the number of
records. A week's totals start from the calendar's and are corrected only on the days with
marks, so an import of a million records counts its marked days, not every day of every week.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Min

from sammen.attendance.models import AttendanceRecord, CalendarDay, DayKind, PupilWeek
from sammen.attendance.rates import Mark, count_day, week_start
from sammen.lib.bulkwrite import insert_rows
from sammen.roster.models import Enrollment, Pupil

_BATCH = 500
_FIELDS = (
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


def refresh_weeks(touched: Iterable[tuple[int, date]]) -> int:
    """Recompute the weeks containing the touched (pupil id, date) pairs; returns weeks written."""
    weeks_by_pupil: dict[int, set[date]] = defaultdict(set)
    for pupil_id, day in touched:
        weeks_by_pupil[pupil_id].add(week_start(day))
    pupil_ids = sorted(weeks_by_pupil)
    written = 0
    for i in range(0, len(pupil_ids), _BATCH):
        batch = {pid: weeks_by_pupil[pid] for pid in pupil_ids[i : i + _BATCH]}
        written += _refresh_batch(batch)
    return written


def _refresh_batch(weeks_by_pupil: dict[int, set[date]]) -> int:
    all_weeks = set().union(*weeks_by_pupil.values())
    first, last = min(all_weeks), max(all_weeks) + timedelta(days=6)
    pupils = dict(Pupil.objects.filter(pk__in=weeks_by_pupil).values_list("pk", "school_id"))
    enrolled_from = dict(
        Enrollment.objects.filter(pupil_id__in=weeks_by_pupil)
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
    # (pupil, Monday) -> {day: marks}
    marks: dict[tuple[int, date], dict[date, list[Mark]]] = defaultdict(lambda: defaultdict(list))
    records = AttendanceRecord.objects.filter(
        pupil_id__in=weeks_by_pupil, date__range=(first, last)
    ).values_list("pupil_id", "date", "period", "kind", "reason", "minutes")
    mondays: dict[date, date] = {}
    for pupil_id, day, period, kind, reason, minutes in records:
        monday = mondays.get(day)
        if monday is None:
            monday = mondays[day] = week_start(day)
        marks[(pupil_id, monday)][day].append(Mark(day, period, kind, reason, minutes))

    rows: list[tuple[int, date, int, int, int, int, int, int, int]] = []
    for pupil_id, weeks in weeks_by_pupil.items():
        pupil_school = pupils.get(pupil_id)
        if pupil_school is None:
            continue
        start = enrolled_from.get(pupil_id)
        for monday in weeks:
            school_days = planned = absent = absent_days = unexplained = late = late_minutes = 0
            marked = marks.get((pupil_id, monday), {})
            days: Iterable[date]
            if start is None or start <= monday:
                # Enrolled all week: the calendar's totals, corrected on the days with marks.
                school_days, planned = base.get((pupil_school, monday), (0, 0))
                days = marked.keys()
            else:
                days = [monday + timedelta(days=n) for n in range(5)]
            for day in days:
                today = calendar.get((pupil_school, day))
                if today is None or (start is not None and day < start):
                    continue
                if day not in marked:
                    school_days += 1
                    planned += today
                    continue
                count = count_day(today, marked[day])
                if start is not None and start > monday:
                    school_days += 1
                    planned += today
                absent += count.absent_lessons
                absent_days += count.is_absence_day
                unexplained += count.unexplained_lessons
                late += count.late_count
                late_minutes += count.late_minutes
            rows.append(
                (
                    pupil_id,
                    monday,
                    school_days,
                    planned,
                    absent,
                    absent_days,
                    unexplained,
                    late,
                    late_minutes,
                )
            )
    wanted = {(pupil_id, monday) for pupil_id, weeks in weeks_by_pupil.items() for monday in weeks}
    stale = [
        pk
        for pk, pupil_id, monday in PupilWeek.objects.filter(
            pupil_id__in=weeks_by_pupil, week_start__range=(min(all_weeks), max(all_weeks))
        ).values_list("pk", "pupil_id", "week_start")
        if (pupil_id, monday) in wanted
    ]
    with transaction.atomic():
        for i in range(0, len(stale), _BATCH):
            PupilWeek.objects.filter(pk__in=stale[i : i + _BATCH]).delete()
        insert_rows(PupilWeek, _FIELDS, rows)
    return len(rows)
