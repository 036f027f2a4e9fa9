"""The signatures of the demo's absence patterns (``patterns.SIGNATURES``) as checks over a
pupil's records: the demo's tests use them, and the early warning's tests can use them to know
which pupils it should find.

A record is anything with the attributes an ``AttendanceRecord`` has (``DemoMark`` has them too),
so the same check runs over the plan and over the database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from sammen.attendance.demo.calendar import SchoolDay
from sammen.attendance.demo.patterns import AVOIDED_SUBJECT, Pattern
from sammen.attendance.models import Kind, Reason, ReportedBy
from sammen.attendance.rates import Mark, count_day, week_start


class Record(Protocol):
    @property
    def date(self) -> date: ...
    @property
    def period(self) -> int | None: ...
    @property
    def kind(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def minutes(self) -> int | None: ...
    @property
    def documented(self) -> bool: ...
    @property
    def reported_by(self) -> str: ...
    @property
    def subject(self) -> str: ...


@dataclass(frozen=True)
class Seen:
    """What is known of a pupil so far: the records, the school days up to today, the number
    of guardian reports, and the weekdays the avoided subject is on the pupil's timetable."""

    records: Sequence[Record]
    days: Sequence[SchoolDay]
    reports: int = 0
    avoided_weekdays: frozenset[int] = field(default_factory=frozenset)


def absence_dates(records: Sequence[Record], days: Sequence[SchoolDay]) -> list[date]:
    lessons = {d.date: d.lessons for d in days}
    by_day: dict[date, list[Mark]] = {}
    for r in records:
        by_day.setdefault(r.date, []).append(Mark(r.date, r.period, r.kind, r.reason, r.minutes))
    return sorted(
        day for day, marks in by_day.items() if count_day(lessons[day], marks).is_absence_day
    )


def episodes(dates: Sequence[date], days: Sequence[SchoolDay]) -> list[list[date]]:
    """Runs of consecutive school days."""
    index = {d.date: i for i, d in enumerate(days)}
    runs: list[list[date]] = []
    for day in sorted(dates):
        if runs and index[day] == index[runs[-1][-1]] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def whole_days(records: Sequence[Record], kind: str = Kind.ABSENT) -> list[Record]:
    return [r for r in records if r.period is None and r.kind == kind]


def mondays(seen: Seen) -> bool:
    absent = absence_dates(seen.records, seen.days)
    on_monday = [d for d in absent if d.weekday() == 0]
    all_mondays = [d for d in seen.days if d.date.weekday() == 0]
    return 3 * len(on_monday) >= len(all_mondays) and 2 * len(on_monday) >= len(absent)


def first_lesson_late(seen: Seen) -> bool:
    late = {r.date for r in seen.records if r.kind == Kind.LATE and r.period == 1}
    return 5 * len(late) >= len(seen.days)


def short_sick(seen: Seen) -> bool:
    sick = [r for r in whole_days(seen.records) if r.reason == Reason.SICK]
    runs = episodes([r.date for r in sick], seen.days)
    by_guardian = all(r.reported_by == ReportedBy.GUARDIAN for r in sick)
    return len(runs) >= 4 and all(len(run) <= 2 for run in runs) and by_guardian


def subject_avoided(seen: Seen) -> bool:
    held = sum(1 for d in seen.days if d.date.weekday() in seen.avoided_weekdays)
    absent = [r for r in seen.records if r.kind == Kind.ABSENT and r.period is not None]
    avoided = {r.date for r in absent if r.subject == AVOIDED_SUBJECT}
    others = {r.date for r in absent if r.subject != AVOIDED_SUBJECT}
    return 5 * len(avoided) >= 2 * held and 2 * len(others) <= len(avoided)


def rising(seen: Seen) -> bool:
    """More absent lessons in the later half of the weeks so far than in the earlier half."""
    lessons = {d.date: d.lessons for d in seen.days}
    weeks = sorted({week_start(d.date) for d in seen.days})
    absent_by_week = dict.fromkeys(weeks, 0)
    by_day: dict[date, list[Mark]] = {}
    for r in seen.records:
        by_day.setdefault(r.date, []).append(Mark(r.date, r.period, r.kind, r.reason, r.minutes))
    for day, marks in by_day.items():
        absent_by_week[week_start(day)] += count_day(lessons[day], marks).absent_lessons
    series = [absent_by_week[w] for w in weeks]
    half = len(series) // 2
    return sum(series[half:]) > sum(series[:half]) > 0


def long_illness(seen: Seen) -> bool:
    sick = [
        r.date
        for r in whole_days(seen.records)
        if r.reason == Reason.SICK and r.documented and r.reported_by == ReportedBy.GUARDIAN
    ]
    return any(
        5 <= len(run) <= 8 and (9, 1) <= (run[0].month, run[0].day) <= (10, 31)
        for run in episodes(sick, seen.days)
    )


def leave(seen: Seen) -> bool:
    days = seen.days
    taken = [r.date for r in whole_days(seen.records) if r.reason == Reason.LEAVE]
    before_break = next(
        (days[i].date for i in range(len(days) - 1) if (days[i + 1].date - days[i].date).days > 3),
        None,
    )
    return any(2 <= len(run) <= 4 and run[-1] == before_break for run in episodes(taken, days))


def school_activity(seen: Seen) -> bool:
    elsewhere = [
        r
        for r in seen.records
        if r.kind == Kind.PRESENT_ELSEWHERE and r.reason == Reason.SCHOOL_ACTIVITY
    ]
    return len({r.date for r in elsewhere}) >= 3 and not absence_dates(elsewhere, seen.days)


def unreported(seen: Seen) -> bool:
    unexplained = [r for r in whole_days(seen.records) if r.reason == Reason.UNEXPLAINED]
    by_guardian = [r for r in seen.records if r.reported_by == ReportedBy.GUARDIAN]
    return len(unexplained) >= 3 and not by_guardian and seen.reports == 0


Check = Callable[[Seen], bool]
CHECKS: dict[Pattern, Check] = {
    Pattern.MONDAYS: mondays,
    Pattern.FIRST_LESSON_LATE: first_lesson_late,
    Pattern.SHORT_SICK: short_sick,
    Pattern.SUBJECT_AVOIDED: subject_avoided,
    Pattern.RISING: rising,
    Pattern.LONG_ILLNESS: long_illness,
    Pattern.LEAVE: leave,
    Pattern.SCHOOL_ACTIVITY: school_activity,
    Pattern.UNREPORTED: unreported,
}
