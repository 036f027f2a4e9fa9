"""Keep per-pupil weekly totals (PupilWeek) current after every write, in bulk.

Callers pass the (pupil, date) pairs they touched; the affected weeks are recomputed from the
records and the calendar in a fixed number of queries, whatever the number of pupils.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Min, Q

from sammen.attendance.models import AttendanceRecord, CalendarDay, DayKind, PupilWeek
from sammen.attendance.rates import Mark, count_day, week_start
from sammen.roster.models import Enrollment, Pupil

_BATCH = 500


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
    calendar: dict[tuple[int, date], int] = {
        (school_id, day): lessons
        for school_id, day, lessons in CalendarDay.objects.filter(
            school_id__in=set(pupils.values()),
            kind=DayKind.SCHOOL_DAY,
            date__range=(first, last),
        ).values_list("school_id", "date", "lessons")
    }
    marks: dict[tuple[int, date], list[Mark]] = defaultdict(list)
    records = AttendanceRecord.objects.filter(
        pupil_id__in=weeks_by_pupil, date__range=(first, last)
    ).values_list("pupil_id", "date", "period", "kind", "reason", "minutes")
    for pupil_id, day, period, kind, reason, minutes in records:
        marks[(pupil_id, day)].append(Mark(day, period, kind, reason, minutes))

    rows: list[PupilWeek] = []
    for pupil_id, weeks in weeks_by_pupil.items():
        school_id = pupils.get(pupil_id)
        if school_id is None:
            continue
        start = enrolled_from.get(pupil_id)
        for monday in weeks:
            row = PupilWeek(pupil_id=pupil_id, week_start=monday)
            for n in range(5):
                day = monday + timedelta(days=n)
                lessons = calendar.get((school_id, day))
                if lessons is None or (start is not None and day < start):
                    continue
                count = count_day(lessons, marks.get((pupil_id, day), ()))
                row.school_days += 1
                row.planned_lessons += lessons
                row.absent_lessons += count.absent_lessons
                row.absent_days += count.is_absence_day
                row.unexplained_lessons += count.unexplained_lessons
                row.late_count += count.late_count
                row.late_minutes += count.late_minutes
            rows.append(row)
    keys = Q()
    for pupil_id, weeks in weeks_by_pupil.items():
        keys |= Q(pupil_id=pupil_id, week_start__in=weeks)
    with transaction.atomic():
        PupilWeek.objects.filter(keys).delete()
        PupilWeek.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
