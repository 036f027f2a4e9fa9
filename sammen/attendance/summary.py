"""A pupil's school year in numbers: pure functions from calendar days and records to the figures
the attendance page shows (totals, a status per day, weeks, months, weekday and lesson patterns).

Absence is counted by ``sammen.attendance.rates`` (the one place the rules live); this module only
adds them up. Only school days from the pupil's first day in a group up to today count: the
denominator is the school days (and planned lessons) the pupil was enrolled, never calendar days.
"""

from __future__ import annotations

import enum
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sammen.attendance.models import DayKind, Kind, Reason
from sammen.attendance.rates import Mark, count_day, counts_as_absence, week_start


class Category(enum.StrEnum):
    """What a day was, as the calendar shows it."""

    PRESENT = "present"
    PARTIAL = "partial"  # some lessons missed, fewer than half
    SICK = "sick"
    LEAVE = "leave"
    UNEXPLAINED = "unexplained"
    OTHER = "other"
    ELSEWHERE = "elsewhere"  # with the school somewhere else: not absence
    LATE = "late"  # late or left early, nothing missed
    HOLIDAY = "holiday"
    FUTURE = "future"
    NOT_ENROLLED = "not_enrolled"


# Days that count: the school days the pupil was enrolled, up to today.
COUNTED = frozenset(Category) - {Category.HOLIDAY, Category.FUTURE, Category.NOT_ENROLLED}
_REASON_CATEGORY: dict[str, Category] = {
    Reason.SICK: Category.SICK,
    Reason.LEAVE: Category.LEAVE,
    Reason.UNEXPLAINED: Category.UNEXPLAINED,
}
# When a day's lessons were missed for different reasons, the one that most needs a look wins.
_PRIORITY = (Category.UNEXPLAINED, Category.SICK, Category.LEAVE, Category.OTHER)


@dataclass(frozen=True)
class CalendarEntry:
    date: date
    kind: str  # a DayKind value
    lessons: int
    name: str = ""


@dataclass(frozen=True)
class Registered:
    """The parts of an attendance record the page counts."""

    date: date
    period: int | None
    kind: str
    reason: str
    minutes: int | None = None
    documented: bool = False

    @property
    def mark(self) -> Mark:
        return Mark(self.date, self.period, self.kind, self.reason, self.minutes)

    @property
    def counted_absence(self) -> bool:
        return counts_as_absence(self.kind, self.reason)


@dataclass(frozen=True)
class DayStatus:
    date: date
    category: Category
    name: str = ""
    planned: int = 0
    absent_lessons: int = 0
    absent_periods: frozenset[int] = frozenset()
    unexplained_lessons: int = 0
    documented_lessons: int = 0
    absence_day: bool = False
    late_count: int = 0
    late_minutes: int = 0
    late_periods: frozenset[int] = frozenset()
    left_early_count: int = 0
    left_early_minutes: int = 0

    @property
    def counted(self) -> bool:
        return self.category in COUNTED


@dataclass(frozen=True)
class Totals:
    school_days: int
    planned_lessons: int
    absent_days: int
    absent_lessons: int
    unexplained_lessons: int
    documented_lessons: int
    late_count: int
    late_minutes: int
    left_early_count: int
    left_early_minutes: int

    @property
    def undocumented_lessons(self) -> int:
        return self.absent_lessons - self.documented_lessons

    @property
    def percent_of_days(self) -> float:
        return percent(self.absent_days, self.school_days)

    @property
    def percent_of_lessons(self) -> float:
        return percent(self.absent_lessons, self.planned_lessons)


@dataclass(frozen=True)
class PatternRow:
    """Absence on one weekday (0 = Monday) or in one lesson number, against how often it came."""

    key: int
    occasions: int  # school days with that weekday, or with at least that many lessons
    absent: int  # days absent (weekday) or times the lesson was missed (lesson)
    late: int
    planned_lessons: int
    absent_lessons: int
    above_usual: bool = False

    @property
    def percent(self) -> float:
        return percent(self.absent_lessons, self.planned_lessons)


@dataclass(frozen=True)
class WeekRow:
    week_start: date
    school_days: int
    planned_lessons: int
    absent_lessons: int
    absent_days: int
    late_count: int
    late_minutes: int

    @property
    def week(self) -> int:
        return self.week_start.isocalendar().week

    @property
    def percent(self) -> float:
        return percent(self.absent_lessons, self.planned_lessons)


@dataclass(frozen=True)
class MonthRow:
    month: date  # the first of the month
    school_days: int
    absent_days: int
    absent_lessons: int
    planned_lessons: int
    late_count: int

    @property
    def percent(self) -> float:
        return percent(self.absent_lessons, self.planned_lessons)


def percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def day_statuses(
    days: Iterable[CalendarEntry],
    records: Iterable[Registered],
    *,
    today: date,
    enrolled_from: date | None,
) -> list[DayStatus]:
    """A status per calendar weekday, in date order."""
    by_day: dict[date, list[Registered]] = defaultdict(list)
    for record in records:
        by_day[record.date].append(record)
    out = []
    for day in sorted(days, key=lambda d: d.date):
        if day.kind != DayKind.SCHOOL_DAY:
            out.append(DayStatus(day.date, Category.HOLIDAY, day.name))
        elif day.date > today:
            out.append(DayStatus(day.date, Category.FUTURE, planned=day.lessons))
        elif enrolled_from is not None and day.date < enrolled_from:
            out.append(DayStatus(day.date, Category.NOT_ENROLLED, planned=day.lessons))
        else:
            out.append(_school_day(day, by_day.get(day.date, [])))
    return out


def _school_day(day: CalendarEntry, regs: Sequence[Registered]) -> DayStatus:
    planned = day.lessons
    count = count_day(planned, (r.mark for r in regs))
    absences = [r for r in regs if r.counted_absence]
    whole = next((r for r in absences if r.period is None), None)
    if whole is not None:
        periods = frozenset(range(1, planned + 1))
        documented = planned if whole.documented else 0
    else:
        lessons = {r.period: r for r in absences if r.period is not None and r.period <= planned}
        periods = frozenset(lessons)
        documented = sum(r.documented for r in lessons.values())
    late = [r for r in regs if r.kind == Kind.LATE]
    left = [r for r in regs if r.kind == Kind.LEFT_EARLY]
    if count.absent_lessons == 0:
        with_school = (Kind.PRESENT_ELSEWHERE, Kind.ABSENT)
        if any(r.kind in with_school and not r.counted_absence for r in regs):
            category = Category.ELSEWHERE
        elif late or left:
            category = Category.LATE
        else:
            category = Category.PRESENT
    elif count.is_absence_day:
        category = _absence_category([whole] if whole is not None else absences)
    else:
        category = Category.PARTIAL
    return DayStatus(
        date=day.date,
        category=category,
        planned=planned,
        absent_lessons=count.absent_lessons,
        absent_periods=periods,
        unexplained_lessons=count.unexplained_lessons,
        documented_lessons=documented,
        absence_day=count.is_absence_day,
        late_count=len(late),
        late_minutes=sum(r.minutes or 0 for r in late),
        late_periods=frozenset(r.period for r in late if r.period is not None),
        left_early_count=len(left),
        left_early_minutes=sum(r.minutes or 0 for r in left),
    )


def _absence_category(absences: Sequence[Registered]) -> Category:
    found = Counter(_REASON_CATEGORY.get(r.reason, Category.OTHER) for r in absences)
    most = max(found.values())
    return next(c for c in _PRIORITY if found.get(c) == most)


def totals(statuses: Iterable[DayStatus]) -> Totals:
    counted = [s for s in statuses if s.counted]
    return Totals(
        school_days=len(counted),
        planned_lessons=sum(s.planned for s in counted),
        absent_days=sum(s.absence_day for s in counted),
        absent_lessons=sum(s.absent_lessons for s in counted),
        unexplained_lessons=sum(s.unexplained_lessons for s in counted),
        documented_lessons=sum(s.documented_lessons for s in counted),
        late_count=sum(s.late_count for s in counted),
        late_minutes=sum(s.late_minutes for s in counted),
        left_early_count=sum(s.left_early_count for s in counted),
        left_early_minutes=sum(s.left_early_minutes for s in counted),
    )


def _mark_unusual(rows: list[PatternRow], *, overall: float, minimum: int) -> list[PatternRow]:
    """Flag rows clearly above the pupil's own average: at least half as much again, and
    ``minimum`` occurrences, so that one odd day does not make a pattern."""
    out = []
    for row in rows:
        share = percent(row.absent_lessons + row.late, row.planned_lessons)
        unusual = row.absent + row.late >= minimum and share >= max(1.5 * overall, 1.0)
        out.append(
            PatternRow(
                row.key,
                row.occasions,
                row.absent,
                row.late,
                row.planned_lessons,
                row.absent_lessons,
                unusual,
            )
        )
    return out


def by_weekday(statuses: Iterable[DayStatus]) -> list[PatternRow]:
    counted = [s for s in statuses if s.counted]
    rows = []
    for weekday in range(5):
        on = [s for s in counted if s.date.weekday() == weekday]
        rows.append(
            PatternRow(
                key=weekday,
                occasions=len(on),
                absent=sum(s.absence_day for s in on),
                late=sum(s.late_count for s in on),
                planned_lessons=sum(s.planned for s in on),
                absent_lessons=sum(s.absent_lessons for s in on),
            )
        )
    overall = percent(
        sum(r.absent_lessons + r.late for r in rows), sum(r.planned_lessons for r in rows)
    )
    return _mark_unusual(rows, overall=overall, minimum=3)


def by_lesson(statuses: Iterable[DayStatus]) -> list[PatternRow]:
    counted = [s for s in statuses if s.counted]
    most = max((s.planned for s in counted), default=0)
    rows = []
    for number in range(1, most + 1):
        on = [s for s in counted if s.planned >= number]
        absent = sum(number in s.absent_periods for s in on)
        rows.append(
            PatternRow(
                key=number,
                occasions=len(on),
                absent=absent,
                late=sum(number in s.late_periods for s in on),
                planned_lessons=len(on),
                absent_lessons=absent,
            )
        )
    overall = percent(
        sum(r.absent_lessons + r.late for r in rows), sum(r.planned_lessons for r in rows)
    )
    return _mark_unusual(rows, overall=overall, minimum=3)


@dataclass(frozen=True)
class StoredWeek:
    """A stored weekly total (``PupilWeek``): what the early warning reads."""

    week_start: date
    school_days: int
    planned_lessons: int
    absent_lessons: int
    absent_days: int
    late_count: int
    late_minutes: int


def weekly(statuses: Iterable[DayStatus], stored: Iterable[StoredWeek]) -> list[WeekRow]:
    """One row per week with counted school days. The numbers are the stored weekly totals, the
    same the early warning reads; a week with none stored had nothing registered."""
    stored_by_week = {w.week_start: w for w in stored}
    days: dict[date, list[DayStatus]] = defaultdict(list)
    for status in statuses:
        if status.counted:
            days[week_start(status.date)].append(status)
    rows = []
    for monday in sorted(days):
        week = stored_by_week.get(monday)
        if week is not None:
            rows.append(
                WeekRow(
                    monday,
                    week.school_days,
                    week.planned_lessons,
                    week.absent_lessons,
                    week.absent_days,
                    week.late_count,
                    week.late_minutes,
                )
            )
        else:
            on = days[monday]
            rows.append(WeekRow(monday, len(on), sum(s.planned for s in on), 0, 0, 0, 0))
    return rows


def monthly(statuses: Iterable[DayStatus]) -> list[MonthRow]:
    months: dict[date, list[DayStatus]] = defaultdict(list)
    for status in statuses:
        if status.counted:
            months[status.date.replace(day=1)].append(status)
    return [
        MonthRow(
            month=first,
            school_days=len(on),
            absent_days=sum(s.absence_day for s in on),
            absent_lessons=sum(s.absent_lessons for s in on),
            planned_lessons=sum(s.planned for s in on),
            late_count=sum(s.late_count for s in on),
        )
        for first, on in sorted(months.items())
    ]


def by_date(statuses: Iterable[DayStatus]) -> Mapping[date, DayStatus]:
    return {s.date: s for s in statuses}
