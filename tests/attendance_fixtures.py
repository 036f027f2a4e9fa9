"""The personas' world with a school calendar, lesson times and a timetable, on a fixed day.

Import the fixture in a test module (``from tests.attendance_fixtures import calendar_world``).
"Today" is Thursday 26 November 2026, a school day in the Norwegian default calendar, whatever the
real date: ``sammen.attendance.access.today`` is the one clock the pages and rules read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from sammen.attendance import access
from sammen.attendance.calendar_setup import ensure_default_calendar
from sammen.attendance.models import GuardianReport, TimetableSlot
from sammen.attendance.services import record_guardian_report
from sammen.audit.log import Actor
from sammen.roster.models import Group, Pupil, SchoolYear
from tests import factories as f
from tests.conftest import World

TODAY = date(2026, 11, 26)  # a Thursday
YESTERDAY = date(2026, 11, 25)
MONDAY = date(2026, 11, 23)
SATURDAY = date(2026, 11, 28)
CHRISTMAS_EVE = date(2026, 12, 24)  # a Thursday in the Christmas holiday
MATHS_PERIOD = 2  # the maths group's lesson on Thursdays
CLASS_PERIOD = 1  # class 8A's lesson (with alice) on Thursdays


@dataclass
class CalendarWorld:
    world: World
    year: SchoolYear
    today: date


def report_absence(
    world: World, reason: str, first: date = TODAY, last: date = TODAY
) -> GuardianReport:
    """Ola's mother reports him absent, as the guardian's page would."""
    return record_guardian_report(
        actor=world.guardian,
        guardian=world.ola_mother,
        pupil=world.ola,
        first_day=first,
        last_day=last,
        reason=reason,
    )


def add_pupils(group: Group, count: int) -> list[Pupil]:
    return [f.make_pupil(group.school, group) for _ in range(count)]


@pytest.fixture
def calendar_world(world: World, monkeypatch: pytest.MonkeyPatch) -> CalendarWorld:
    year = f.make_school_year(world.school_a.owner, 2026)
    system = Actor.system("test")
    for school in (world.school_a, world.school_b):
        ensure_default_calendar(actor=system, school=school, school_year=year)
    TimetableSlot.objects.create(
        group=world.maths, weekday=TODAY.weekday(), period=MATHS_PERIOD, subject="Matematikk"
    )
    TimetableSlot.objects.create(
        group=world.class_8a, weekday=TODAY.weekday(), period=CLASS_PERIOD, subject="Norsk"
    )
    monkeypatch.setattr(access, "today", lambda: TODAY)
    return CalendarWorld(world=world, year=year, today=TODAY)
