"""Daily and weekly totals kept current by every write equal a count made afresh from the records.

An import passes the marks it already holds instead of reading the records back; whatever path
wrote them, the totals must be those a recount from the database gives.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sammen.attendance.models import AttendanceRecord, PupilDay, PupilWeek
from sammen.attendance.services import Entry, register_day
from sammen.attendance.totals import refresh_totals
from tests import factories as f
from tests.test_import_attendance_support import MONDAY, make_setup, run, write

pytestmark = pytest.mark.django_db

_DAY = (
    "pupil_id",
    "date",
    "planned_lessons",
    "absent_lessons",
    "unexplained_lessons",
    "sick_lessons",
    "late_count",
    "late_minutes",
    "first_lesson_absent",
)
_WEEK = (
    "pupil_id",
    "week_start",
    "school_days",
    "planned_lessons",
    "absent_lessons",
    "absent_days",
    "unexplained_lessons",
    "late_count",
    "late_minutes",
)


def _totals() -> tuple[list[Any], list[Any]]:
    days = list(PupilDay.objects.order_by("pupil_id", "date").values_list(*_DAY))
    weeks = list(
        PupilWeek.objects.filter(absent_lessons__gt=0)
        .order_by("pupil_id", "week_start")
        .values_list(*_WEEK)
    )
    return days, weeks


def _recounted() -> tuple[list[Any], list[Any]]:
    PupilDay.objects.all().delete()
    PupilWeek.objects.all().delete()
    refresh_totals(AttendanceRecord.objects.values_list("pupil_id", "date").distinct())
    return _totals()


def test_imports_and_registrations_leave_the_totals_a_recount_gives(tmp_path: Path) -> None:
    setup = make_setup()
    run(
        write(
            tmp_path,
            f"E-1001,{MONDAY},,,absent,,sick,yes,",
            "E-1001,2027-02-09,1,,absent,,,,",
            "E-1001,2027-02-09,2,,absent,,sick,,",
            "E-1001,2027-02-10,1,,late,12,,,",
            "E-1002,2027-02-11,3,,absent,,,,",
            "E-1002,2027-02-15,,,absent,,,,",
        )
    )
    register_day(
        actor=f.make_user("kontor"),
        school=setup.school,
        day=date(2027, 2, 12),
        entries=[Entry(setup.ola, "absent", reason="sick", documented=True)],
    )
    # A second file: Monday becomes two lessons, Tuesday's lesson 2 is taken back, a new day.
    run(
        write(
            tmp_path,
            f"E-1001,{MONDAY},1,,absent,,,,",
            f"E-1001,{MONDAY},2,,absent,,,,",
            "E-1001,2027-02-09,1,,absent,,unexplained,,",
            "E-1002,2027-02-16,1,,late,5,,,",
            name="b.csv",
        )
    )

    kept = _totals()

    assert kept[0], "the scenario wrote daily totals"
    assert kept == _recounted()
