"""A small, exactly known school calendar for the portal's tests.

Ten school days up to and including "today" (Thursday 26 November 2026) at Nordby skole, each with
six lessons, and one school day after today that does not count yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from sammen.attendance import access as attendance_access
from sammen.attendance.models import AttendanceRecord, CalendarDay, DayKind, Kind, Reason
from sammen.roster.models import Pupil, SchoolYear
from tests import factories as f
from tests.conftest import World

TODAY = date(2026, 11, 26)
SCHOOL_DAYS = [
    date(2026, 11, 13),
    *(date(2026, 11, d) for d in (16, 17, 18, 19, 20)),
    *(date(2026, 11, d) for d in (23, 24, 25, 26)),
]
TOMORROW = date(2026, 11, 27)
LESSONS = 6


@dataclass
class SmallYear:
    world: World
    year: SchoolYear
    today: date


@pytest.fixture
def small_year(world: World, monkeypatch: pytest.MonkeyPatch) -> SmallYear:
    year = f.make_school_year(world.school_a.owner, 2026)
    for day in [*SCHOOL_DAYS, TOMORROW]:
        CalendarDay.objects.create(
            school=world.school_a,
            school_year=year,
            date=day,
            kind=DayKind.SCHOOL_DAY,
            lessons=LESSONS,
        )
    monkeypatch.setattr(attendance_access, "today", lambda: TODAY)
    return SmallYear(world=world, year=year, today=TODAY)


def away(pupil: Pupil, day: date, reason: str = Reason.SICK) -> AttendanceRecord:
    """A whole school day away."""
    return AttendanceRecord.objects.create(
        pupil=pupil, school=pupil.school, date=day, kind=Kind.ABSENT, reason=reason
    )


def late(pupil: Pupil, day: date, minutes: int, period: int = 1) -> AttendanceRecord:
    return AttendanceRecord.objects.create(
        pupil=pupil, school=pupil.school, date=day, period=period, kind=Kind.LATE, minutes=minutes
    )
