"""Reads for the attendance pages, built on the access policy's querysets.

Each function takes objects the caller fetched through ``sammen.attendance.access`` and runs a
fixed number of queries, whatever the number of pupils, lessons or days.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from django.db.models import Count, Min, Q, QuerySet

from sammen.attendance.access import CLASS_KINDS
from sammen.attendance.models import (
    AttendanceRecord,
    CalendarDay,
    DayKind,
    GuardianReport,
    Kind,
    LessonPeriod,
    PupilWeek,
    TimetableSlot,
)
from sammen.attendance.summary import (
    CalendarEntry,
    DayStatus,
    MonthRow,
    PatternRow,
    Registered,
    StoredWeek,
    Totals,
    WeekRow,
    by_lesson,
    by_weekday,
    day_statuses,
    monthly,
    totals,
    weekly,
)
from sammen.roster import access as roster_access
from sammen.roster.access import viewer_for
from sammen.roster.models import Enrollment, Group, Pupil, School, SchoolYear


def school_year_of(school: School, day: date) -> SchoolYear | None:
    """The owner's school year around ``day``, or else the latest one that began before it."""
    years = SchoolYear.objects.filter(owner_id=school.owner_id, start_date__lte=day).order_by(
        "-start_date"
    )
    return years.first()


def calendar_day(school: School, day: date) -> CalendarDay | None:
    return CalendarDay.objects.filter(school=school, date=day).first()


def lesson_period(school: School, number: int) -> LessonPeriod | None:
    return LessonPeriod.objects.filter(school=school, number=number).first()


def timetable_subject(group: Group, day: date, period: int) -> str:
    """The subject the timetable gives the lesson, else the group's."""
    slot = TimetableSlot.objects.filter(group=group, weekday=day.weekday(), period=period).first()
    return (slot.subject if slot else "") or group.subject


def school_days_between(school: School, first: date, last: date) -> list[date]:
    return list(
        CalendarDay.objects.filter(
            school=school, kind=DayKind.SCHOOL_DAY, date__range=(first, last)
        ).values_list("date", flat=True)
    )


# The "Today" page ------------------------------------------------------------------------------


@dataclass
class Lesson:
    group: Group
    period: int
    subject: str
    start: time | None = None
    end: time | None = None
    registered: int = 0  # pupils with a record in this lesson


@dataclass
class ClassToday:
    group: Group
    absent: int = 0
    reported: int = 0


def lessons_of_day(user: Any, day: date) -> list[Lesson]:
    """The lessons the user teaches on ``day`` (from the timetable), on school days only."""
    viewer = viewer_for(user)
    if viewer.staff is None or day.weekday() > 4:
        return []
    groups = roster_access.groups_for(user).filter(teachers__staff=viewer.staff)
    slots = list(
        TimetableSlot.objects.filter(group__in=groups, weekday=day.weekday())
        .select_related("group", "group__school")
        .order_by("period", "group__name")
    )
    schools = {s.group.school_id for s in slots}
    lessons_that_day = dict(
        CalendarDay.objects.filter(
            school_id__in=schools, date=day, kind=DayKind.SCHOOL_DAY
        ).values_list("school_id", "lessons")
    )
    times = {(p.school_id, p.number): p for p in LessonPeriod.objects.filter(school_id__in=schools)}
    counts: dict[tuple[int | None, int | None], int] = defaultdict(int)
    for group_id, number in AttendanceRecord.objects.filter(
        group__in=[s.group_id for s in slots], date=day, period__isnull=False
    ).values_list("group_id", "period"):
        counts[(group_id, number)] += 1
    out = []
    for slot in slots:
        planned = lessons_that_day.get(slot.group.school_id, 0)
        if slot.period > planned:
            continue
        when = times.get((slot.group.school_id, slot.period))
        out.append(
            Lesson(
                group=slot.group,
                period=slot.period,
                subject=slot.subject or slot.group.subject or slot.group.name,
                start=when.start if when else None,
                end=when.end if when else None,
                registered=counts[(slot.group_id, slot.period)],
            )
        )
    return out


def classes_of_day(user: Any, day: date) -> list[ClassToday]:
    """Classes with a day register for the user: their contact classes; the whole school's for
    the office and the leader. With today's absence and guardians' reports counted."""
    viewer = viewer_for(user)
    if viewer.staff is None:
        return []
    whole = viewer.schools_with(roster_access.WHOLE_SCHOOL_ROLES)
    groups = list(
        roster_access.groups_for(user)
        .filter(kind__in=CLASS_KINDS)
        .filter(
            Q(school_id__in=whole)
            | Q(teachers__staff=viewer.staff, teachers__is_contact_teacher=True)
        )
        .select_related("school")
        .distinct()
        .order_by("school__name", "grade", "name")
    )
    on_day = (Q(enrollments__start_date__isnull=True) | Q(enrollments__start_date__lte=day)) & (
        Q(enrollments__end_date__isnull=True) | Q(enrollments__end_date__gte=day)
    )
    absent = dict(
        Pupil.objects.filter(on_day, enrollments__group__in=groups)
        .filter(attendance__date=day, attendance__kind=Kind.ABSENT)
        .values("enrollments__group")
        .annotate(n=Count("pk", distinct=True))
        .values_list("enrollments__group", "n")
    )
    reported = dict(
        Pupil.objects.filter(on_day, enrollments__group__in=groups)
        .filter(guardian_reports__first_day__lte=day, guardian_reports__last_day__gte=day)
        .values("enrollments__group")
        .annotate(n=Count("pk", distinct=True))
        .values_list("enrollments__group", "n")
    )
    return [ClassToday(g, absent.get(g.pk, 0), reported.get(g.pk, 0)) for g in groups]


# Registers -------------------------------------------------------------------------------------


@dataclass
class RegisterRow:
    pupil: Pupil
    record: AttendanceRecord | None = None  # this lesson's record, or the whole day's
    whole_day: AttendanceRecord | None = None
    lessons: list[AttendanceRecord] = field(default_factory=list)
    reports: list[GuardianReport] = field(default_factory=list)


def pupils_on_register(user: Any, group: Group, day: date) -> QuerySet[Pupil]:
    """The group's pupils on ``day`` whom the user may see, by name."""
    enrolled = (
        Q(enrollments__group=group)
        & (Q(enrollments__start_date__isnull=True) | Q(enrollments__start_date__lte=day))
        & (Q(enrollments__end_date__isnull=True) | Q(enrollments__end_date__gte=day))
    )
    return (
        roster_access.pupils_for(user)
        .filter(enrolled, active=True)
        .select_related("school")
        .distinct()
        .order_by("family_name", "given_name")
    )


def register_rows(user: Any, group: Group, day: date, period: int | None) -> list[RegisterRow]:
    """One row per pupil: the lesson's (or the whole day's) record, the day's other records and
    the guardians' reports that cover the day. Three queries."""
    pupils = list(pupils_on_register(user, group, day))
    rows = {p.pk: RegisterRow(p) for p in pupils}
    records = AttendanceRecord.objects.filter(pupil__in=list(rows), date=day).order_by("period")
    for record in records:
        row = rows[record.pupil_id]
        if record.period is None:
            row.whole_day = record
        else:
            row.lessons.append(record)
        if record.period == period:
            row.record = record
    reports = GuardianReport.objects.filter(
        pupil__in=list(rows), first_day__lte=day, last_day__gte=day
    ).order_by("created_at")
    for report in reports:
        rows[report.pupil_id].reports.append(report)
    return list(rows.values())


# The pupil's year ------------------------------------------------------------------------------


@dataclass
class PupilYear:
    school_year: SchoolYear
    statuses: list[DayStatus]
    totals: Totals
    weeks: list[WeekRow]
    months: list[MonthRow]
    weekdays: list[PatternRow]
    lessons: list[PatternRow]
    records: list[AttendanceRecord]
    reports: list[GuardianReport]


def pupil_year(pupil: Pupil, today: date) -> PupilYear | None:
    """The pupil's current school year in figures, or None if the school has no calendar."""
    year = school_year_of(pupil.school, today)
    if year is None:
        return None
    span = (year.start_date, year.end_date)
    days = [
        CalendarEntry(d, kind, lessons, name)
        for d, kind, lessons, name in CalendarDay.objects.filter(
            school_id=pupil.school_id, date__range=span
        ).values_list("date", "kind", "lessons", "name")
    ]
    if not days:
        return None
    enrolled_from = Enrollment.objects.filter(pupil=pupil).aggregate(first=Min("start_date"))[
        "first"
    ]
    records = list(
        AttendanceRecord.objects.filter(pupil=pupil, date__range=span)
        .select_related("group")
        .order_by("-date", "period")
    )
    registered = [
        Registered(r.date, r.period, r.kind, r.reason, r.minutes, r.documented) for r in records
    ]
    statuses = day_statuses(days, registered, today=today, enrolled_from=enrolled_from)
    stored = [
        StoredWeek(*row)
        for row in PupilWeek.objects.filter(pupil=pupil, week_start__range=span).values_list(
            "week_start",
            "school_days",
            "planned_lessons",
            "absent_lessons",
            "absent_days",
            "late_count",
            "late_minutes",
        )
    ]
    reports = list(
        GuardianReport.objects.filter(pupil=pupil, last_day__gte=year.start_date)
        .select_related("guardian")
        .order_by("-first_day")
    )
    return PupilYear(
        school_year=year,
        statuses=statuses,
        totals=totals(statuses),
        weeks=weekly(statuses, stored),
        months=monthly(statuses),
        weekdays=by_weekday(statuses),
        lessons=by_lesson(statuses),
        records=records,
        reports=reports,
    )
