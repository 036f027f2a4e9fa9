"""The demo schools' school days and lesson times (pure, no database).

Each school gets the Norwegian default calendar for 2026–2027 (``norwegian_calendar``) unchanged,
and the default lesson times of ``sammen.attendance.services``. ``CalendarDay.lessons`` is per
school, not per grade, so each school has one day plan: the barneskole 5 lessons of 45 minutes a
day (25 a week, for grades 1–4 and 5–7 alike; real grades 5–7 have a little more), the ungdomsskole
6 (30 a week, about Udir's 2,622 hours over three years).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from sammen.attendance.calendar_setup import default_lesson_times
from sammen.attendance.demo.timetable import lessons_per_day
from sammen.attendance.models import DayKind
from sammen.attendance.norwegian_calendar import default_school_year
from sammen.roster.demo.plan import YEAR_END, YEAR_START


@dataclass(frozen=True)
class SchoolDay:
    """A day with teaching, as the absence model sees it."""

    date: date
    lessons: int


def lesson_times(secondary: bool) -> list[tuple[int, time, time]]:
    """(lesson number, start, end) for every lesson of a school day."""
    return default_lesson_times(lessons_per_day(secondary))


def school_days(secondary: bool) -> list[SchoolDay]:
    """The school days of the demo year, each with its planned lessons."""
    lessons = lessons_per_day(secondary)
    return [
        SchoolDay(d.date, lessons)
        for d in default_school_year(YEAR_START, YEAR_END)
        if d.kind == DayKind.SCHOOL_DAY
    ]
