"""How much of a day a pupil missed: pure functions, the one place the counting rules live.

- A whole-day absence misses every planned lesson; lesson absences miss one lesson each.
- "Present elsewhere" and absence for a school activity are not absence (the pupil is with the
  school somewhere else).
- Lateness and leaving early are not absence; they are counted separately, in minutes.
- A day counts as an absence day when at least half its planned lessons were missed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sammen.attendance.models import NOT_COUNTED_REASONS, Kind, Reason


@dataclass(frozen=True)
class Mark:
    """The parts of an attendance record that the counting rules read."""

    date: date
    period: int | None
    kind: str
    reason: str
    minutes: int | None = None


@dataclass(frozen=True)
class DayCount:
    planned_lessons: int
    absent_lessons: int
    unexplained_lessons: int
    late_count: int
    late_minutes: int
    sick_lessons: int = 0
    # Absent from the first lesson on a day the pupil came later: with lateness, a hard morning.
    first_lesson_absent: bool = False

    @property
    def absent_fraction(self) -> float:
        if self.planned_lessons == 0:
            return 0.0
        return self.absent_lessons / self.planned_lessons

    @property
    def is_absence_day(self) -> bool:
        return is_absence_day(self.absent_lessons, self.planned_lessons)


def is_absence_day(absent: int, planned: int) -> bool:
    """A school day counts as an absence day when at least half its planned lessons were missed
    (the import's columnar totals say the same in Polars: ``fast_totals``)."""
    return planned > 0 and absent * 2 >= planned


def counts_as_absence(kind: str, reason: str) -> bool:
    return kind == Kind.ABSENT and reason not in NOT_COUNTED_REASONS


def count_day(planned_lessons: int, marks: Iterable[Mark]) -> DayCount:
    """Count one pupil's marks on one school day with ``planned_lessons`` lessons."""
    whole_day_absent = False
    whole_day_unexplained = False
    absent_periods: set[int] = set()
    unexplained_periods: set[int] = set()
    late_count = 0
    late_minutes = 0
    whole_day_sick = False
    sick_periods: set[int] = set()
    for mark in marks:
        if mark.kind in (Kind.LATE, Kind.LEFT_EARLY):
            late_count += mark.kind == Kind.LATE
            late_minutes += mark.minutes or 0
        elif counts_as_absence(mark.kind, mark.reason):
            unexplained = mark.reason == Reason.UNEXPLAINED
            sick = mark.reason == Reason.SICK
            if mark.period is None:
                whole_day_absent = True
                whole_day_unexplained = whole_day_unexplained or unexplained
                whole_day_sick = whole_day_sick or sick
            elif mark.period <= planned_lessons:
                absent_periods.add(mark.period)
                if unexplained:
                    unexplained_periods.add(mark.period)
                if sick:
                    sick_periods.add(mark.period)
    if whole_day_absent:
        absent = planned_lessons
        unexplained_count = planned_lessons if whole_day_unexplained else len(unexplained_periods)
        sick_count = planned_lessons if whole_day_sick else len(sick_periods)
    else:
        absent = len(absent_periods)
        unexplained_count = len(unexplained_periods)
        sick_count = len(sick_periods)
    return DayCount(
        planned_lessons,
        absent,
        unexplained_count,
        late_count,
        late_minutes,
        sick_count,
        not whole_day_absent and 1 in absent_periods and absent < planned_lessons,
    )


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())
