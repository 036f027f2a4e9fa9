"""``sammen import_calendar``: a school's calendar from CSV, from Ed-Fi, or the Norwegian default.

Every reader makes a ``SchoolCalendar`` per school (its days and, where the source has them, its
lesson times); ``write_calendars`` upserts them by (school, date) and (school, lesson number),
audits every changed day and lesson time, and recounts the weekly totals of pupils with records
in the changed weeks (a day that becomes a school day changes every denominator).
Days the source does not name are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from django.db import transaction

from sammen.attendance.models import AttendanceRecord, CalendarDay, LessonPeriod
from sammen.attendance.rates import week_start
from sammen.attendance.totals import refresh_totals
from sammen.audit import actions
from sammen.audit.log import Actor, Event, diff, record_many
from sammen.audit.models import AuditKind
from sammen.lib.importreport import Report
from sammen.roster.models import School, SchoolYear

ACTOR = Actor.system("import_calendar")
MODELS = ("calendar_day", "lesson_period")
MAX_LESSONS = 20


@dataclass(frozen=True)
class DaySpec:
    date: date
    kind: str
    name: str
    lessons: int


@dataclass
class SchoolCalendar:
    school: School
    year: SchoolYear
    days: dict[date, DaySpec] = field(default_factory=dict)
    lessons: dict[int, tuple[time, time]] = field(default_factory=dict)


def calendar_report(fmt: str, source: str, *, dry_run: bool, skip_invalid: bool) -> Report:
    return Report(
        format=fmt,
        source=source,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        models=MODELS,
        noun="a school calendar",
    )


def find_school(text: str) -> School | str:
    """The school named ``text`` (its name, or its source id), or why there is none."""
    found = list(School.objects.filter(name=text)[:2]) or list(
        School.objects.filter(source_id=text)[:2]
    )
    if len(found) == 1:
        return found[0]
    if found:
        return f'several schools are called "{text}": give the source id instead'
    return f'no school is called "{text}" (nor has that source id)'


def find_year(school: School, text: str) -> SchoolYear | str:
    """The school owner's year named ``text`` ("2026–2027", "2026-2027") or starting in ``text``."""
    years = list(SchoolYear.objects.filter(owner_id=school.owner_id))
    wanted = text.replace("-", "–").replace("/", "–")
    found = [y for y in years if y.name.replace("-", "–") == wanted]
    if not found and text.isdigit():
        found = [y for y in years if y.start_date.year == int(text)]
    if len(found) == 1:
        return found[0]
    names = ", ".join(sorted(y.name for y in years)) or "none"
    return f'no single school year "{text}" for {school} (its school years: {names})'


def parse_lesson_times(text: str) -> dict[int, tuple[time, time]] | str:
    """``08:30-09:15,09:25-10:10`` as {1: (08:30, 09:15), 2: …}; otherwise why not."""
    out: dict[int, tuple[time, time]] = {}
    for number, part in enumerate((p.strip() for p in text.split(",") if p.strip()), start=1):
        start, _, end = part.partition("-")
        try:
            begins, ends = time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
        except ValueError:
            return f'lesson {number} "{part}" is not like 08:30-09:15'
        if ends <= begins:
            return f'lesson {number} "{part}" ends before it starts'
        if out and begins < out[number - 1][1]:
            return f'lesson {number} "{part}" starts before lesson {number - 1} ends'
        out[number] = (begins, ends)
    if not 1 <= len(out) <= MAX_LESSONS:
        return f"give 1 to {MAX_LESSONS} lessons"
    return out


class CalendarWriter:
    """Works out the calendars' changes (so a dry run reports them) and writes them."""

    def __init__(self, calendars: list[SchoolCalendar], report: Report, *, detail: str) -> None:
        self.calendars = calendars
        self.report = report
        self.detail = detail
        self.new_days: list[CalendarDay] = []
        self.changed_days: list[CalendarDay] = []
        self.new_lessons: list[LessonPeriod] = []
        self.changed_lessons: list[LessonPeriod] = []
        self.events: list[Event] = []
        self.spans: dict[int, tuple[date, date]] = {}

    def compute(self) -> None:
        for calendar in self.calendars:
            self._days(calendar)
            self._lessons(calendar)

    def _days(self, calendar: SchoolCalendar) -> None:
        school, year = calendar.school, calendar.year
        existing = {
            d.date: d
            for d in CalendarDay.objects.filter(school=school, date__in=list(calendar.days))
        }
        changed: list[date] = []
        for day, spec in sorted(calendar.days.items()):
            values = {"kind": spec.kind, "name": spec.name, "lessons": spec.lessons}
            found = existing.get(day)
            if found is None:
                row = CalendarDay(school=school, school_year=year, date=day, **values)
                self.new_days.append(row)
                self.report.created["calendar_day"] += 1
                old: dict[str, Any] = {}
            else:
                old = {k: getattr(found, k) for k in values}
                old["school_year"] = found.school_year_id
                if old == {**values, "school_year": year.pk}:
                    self.report.unchanged["calendar_day"] += 1
                    continue
                old["school_year"] = year.name if found.school_year_id == year.pk else "another"
                for name, value in values.items():
                    setattr(found, name, value)
                found.school_year = year
                row = found
                self.changed_days.append(row)
                self.report.updated["calendar_day"] += 1
            changed.append(day)
            new = {"date": day, **values, "school_year": year.name}
            self.events.append(
                Event(
                    AuditKind.CHANGE,
                    actions.CALENDAR_SAVED,
                    ACTOR,
                    row,
                    school=school,
                    changes=diff({**old, "date": day} if old else {}, new),
                    detail=self.detail,
                )
            )
        if changed:
            self.spans[school.pk] = (min(changed), max(changed))

    def _lessons(self, calendar: SchoolCalendar) -> None:
        school = calendar.school
        existing = {
            p.number: p
            for p in LessonPeriod.objects.filter(school=school, number__in=calendar.lessons)
        }
        for number, (start, end) in sorted(calendar.lessons.items()):
            found = existing.get(number)
            if found is not None and (found.start, found.end) == (start, end):
                self.report.unchanged["lesson_period"] += 1
                continue
            old = {"start": found.start, "end": found.end} if found is not None else {}
            row = found or LessonPeriod(school=school, number=number)
            row.start, row.end = start, end
            if found is None:
                self.new_lessons.append(row)
                self.report.created["lesson_period"] += 1
            else:
                self.changed_lessons.append(row)
                self.report.updated["lesson_period"] += 1
            self.events.append(
                Event(
                    AuditKind.CHANGE,
                    actions.CALENDAR_SAVED,
                    ACTOR,
                    school,
                    school=school,
                    changes=diff(
                        {**old, "lesson": number} if old else {},
                        {"lesson": number, "start": start, "end": end},
                    ),
                    detail=self.detail,
                )
            )

    def write(self) -> None:
        if self.changed_lessons:
            LessonPeriod.objects.bulk_update(self.changed_lessons, ["start", "end"])
        LessonPeriod.objects.bulk_create(self.new_lessons)
        if self.changed_days:
            CalendarDay.objects.bulk_update(
                self.changed_days, ["school_year", "kind", "name", "lessons"], batch_size=500
            )
        CalendarDay.objects.bulk_create(self.new_days, batch_size=500)
        record_many(self.events)
        for school_id, (first, last) in self.spans.items():
            # The whole weeks: a record on Monday counts Friday's change of the calendar too.
            monday, sunday = week_start(first), week_start(last) + timedelta(days=6)
            refresh_totals(
                AttendanceRecord.objects.filter(school_id=school_id, date__range=(monday, sunday))
                .values_list("pupil_id", "date")
                .distinct()
            )


def write_calendars(
    calendars: list[SchoolCalendar], report: Report, *, detail: str, dry_run: bool
) -> Report:
    """Upsert ``calendars`` unless there are errors (and not ``skip_invalid``) or ``dry_run``."""
    with transaction.atomic():
        writer = CalendarWriter(calendars, report, detail=detail)
        writer.compute()
        report.applied = not dry_run and (report.skip_invalid or not report.rejected)
        if report.applied and report.changed:
            writer.write()
    return report
