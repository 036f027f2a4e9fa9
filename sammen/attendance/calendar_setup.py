"""A school's calendar and lesson times: the Norwegian default, written where a school has none.

Every write records its audit event in the same transaction, like the services in
``sammen.attendance.services``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction

from sammen.attendance.models import AttendanceRecord, CalendarDay, DayKind, LessonPeriod
from sammen.attendance.norwegian_calendar import default_school_year
from sammen.attendance.totals import refresh_totals
from sammen.audit import actions
from sammen.audit.log import ActorLike, Event, diff, record_many
from sammen.audit.models import AuditKind
from sammen.roster.models import School, SchoolYear

# Default lesson times: 45-minute lessons from 08:30, five-minute breaks, ten minutes before the
# third lesson and a half-hour lunch after it.
DEFAULT_LESSON_STARTS = (
    time(8, 30),
    time(9, 20),
    time(10, 15),
    time(11, 30),
    time(12, 20),
    time(13, 15),
    time(14, 5),
    time(14, 55),
)
LESSON_MINUTES = 45


def calendar_event(
    actor: ActorLike, school: School, values: Mapping[str, Any], *, detail: str
) -> Event:
    """The audit event of a change to a school's calendar, lesson times or timetable."""
    return Event(
        AuditKind.CHANGE,
        actions.CALENDAR_SAVED,
        actor,
        school,
        school=school,
        changes=diff({}, values),
        detail=detail,
    )


def default_lesson_times(count: int) -> list[tuple[int, time, time]]:
    """(number, start, end) of the first ``count`` default lessons."""
    if not 1 <= count <= len(DEFAULT_LESSON_STARTS):
        raise ValueError(f"between 1 and {len(DEFAULT_LESSON_STARTS)} lessons a day")
    out = []
    for number, start in enumerate(DEFAULT_LESSON_STARTS[:count], start=1):
        end = (datetime.combine(date.min, start) + timedelta(minutes=LESSON_MINUTES)).time()
        out.append((number, start, end))
    return out


def ensure_default_lesson_periods(*, actor: ActorLike, school: School, count: int = 6) -> int:
    """Give ``school`` the default lesson times it lacks; returns how many were added."""
    times = default_lesson_times(count)
    with transaction.atomic():
        have = set(LessonPeriod.objects.filter(school=school).values_list("number", flat=True))
        new = [
            LessonPeriod(school=school, number=n, start=start, end=end)
            for n, start, end in times
            if n not in have
        ]
        if not new:
            return 0
        LessonPeriod.objects.bulk_create(new)
        record_many(
            [
                calendar_event(
                    actor,
                    school,
                    {"lesson_times": [str(p) for p in new]},
                    detail="default lesson times",
                )
            ]
        )
        return len(new)


def ensure_default_calendar(
    *, actor: ActorLike, school: School, school_year: SchoolYear, lessons_per_day: int = 6
) -> int:
    """Write the Norwegian default calendar for ``school`` in ``school_year`` where it has none.

    Days the school already has are kept as they are (a school's own adjustments win), so this is
    safe to run again. School days get ``lessons_per_day`` planned lessons, and the school gets the
    default lesson times it lacks. Returns the number of calendar days written.
    """
    defaults = default_school_year(school_year.start_date, school_year.end_date)
    with transaction.atomic():
        ensure_default_lesson_periods(actor=actor, school=school, count=lessons_per_day)
        have = set(
            CalendarDay.objects.filter(
                school=school, date__range=(school_year.start_date, school_year.end_date)
            ).values_list("date", flat=True)
        )
        new = [
            CalendarDay(
                school=school,
                school_year=school_year,
                date=d.date,
                kind=d.kind,
                name=d.name,
                lessons=lessons_per_day if d.kind == DayKind.SCHOOL_DAY else 0,
            )
            for d in defaults
            if d.date not in have
        ]
        if not new:
            return 0
        CalendarDay.objects.bulk_create(new, batch_size=500)
        school_days = sum(d.kind == DayKind.SCHOOL_DAY for d in new)
        summary = {
            "school_year": str(school_year),
            "days": len(new),
            "school_days": school_days,
            "lessons_per_day": lessons_per_day,
        }
        record_many([calendar_event(actor, school, summary, detail="Norwegian default calendar")])
        # Records written before the calendar existed counted no school days; count them again.
        refresh_totals(
            AttendanceRecord.objects.filter(
                school=school, date__range=(school_year.start_date, school_year.end_date)
            )
            .values_list("pupil_id", "date")
            .distinct()
        )
        return len(new)
