"""``sammen import_calendar``: CSV, the Norwegian default and Ed-Fi calendars, and lesson times."""

from __future__ import annotations

import io
import json
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils.translation import gettext

from sammen.attendance.models import (
    AttendanceRecord,
    CalendarDay,
    DayKind,
    LessonPeriod,
    PupilDay,
    PupilWeek,
)
from sammen.audit import actions
from sammen.audit.models import AuditEvent
from sammen.roster.importers.edfi import import_edfi_roster
from sammen.roster.models import School
from tests.test_import_attendance_support import Setup, make_setup, reasons, write

pytestmark = pytest.mark.django_db

GRAND_BEND = Path(__file__).parent / "fixtures" / "edfi" / "grandbend"
CALENDAR_HEADER = "date,kind,name,lessons"


def calendar(*args: str) -> tuple[dict[str, Any], str | None]:
    out = io.StringIO()
    try:
        call_command("import_calendar", *args, "--json", stdout=out)
        error = None
    except CommandError as exc:
        error = str(exc)
    return json.loads(out.getvalue()), error


def made(summary: dict[str, Any]) -> dict[str, dict[str, int]]:
    return {
        name: {model: n for model, n in summary[name].items() if n}
        for name in ("created", "updated", "unchanged")
        if any(summary[name].values())
    }


@pytest.fixture
def setup() -> Setup:
    return make_setup(calendar=False)


def _csv(tmp_path: Path, *rows: str, header: str = CALENDAR_HEADER) -> str:
    return str(write(tmp_path, *rows, header=header, name="kalender.csv"))


def test_a_csv_calendar_sets_the_days_it_names(setup: Setup, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "2026-08-17,school_day,,6",
        "2026-08-18,skoledag,,5",
        "2026-10-01,holiday,Høstferie,",
        "2026-10-02,planning_day,Planleggingsdag,0",
    )

    summary, error = calendar(
        path,
        "--school",
        "Nordby skole",
        "--year",
        "2026–2027",
        "--lesson-times",
        "08:30-09:15,09:25-10:10",
    )

    assert error is None
    assert made(summary) == {"created": {"calendar_day": 4, "lesson_period": 2}}
    days = CalendarDay.objects.filter(school=setup.school).values_list(
        "date", "kind", "name", "lessons"
    )
    assert list(days) == [
        (date(2026, 8, 17), "school_day", "", 6),
        (date(2026, 8, 18), "school_day", "", 5),
        (date(2026, 10, 1), "holiday", "Høstferie", 0),
        (date(2026, 10, 2), "planning_day", "Planleggingsdag", 0),
    ]
    assert list(LessonPeriod.objects.values_list("number", "start", "end")) == [
        (1, time(8, 30), time(9, 15)),
        (2, time(9, 25), time(10, 10)),
    ]
    assert AuditEvent.objects.filter(action=actions.CALENDAR_SAVED).count() == 6


def test_the_same_calendar_again_changes_nothing(setup: Setup, tmp_path: Path) -> None:
    path = _csv(tmp_path, "17.08.2026;skoledag;;6", header="dato;type;navn;timer")
    calendar(path, "--school", "Nordby skole", "--year", "2026")
    events = AuditEvent.objects.count()

    summary, error = calendar(path, "--school", "Nordby skole", "--year", "2026")

    assert error is None
    assert made(summary) == {"unchanged": {"calendar_day": 1}}
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        ("2026-08-22,school_day,,6", "date", "a Saturday: weekends are never school days"),
        ("2026-08-14,school_day,,6", "date", "outside 2026–2027 (17.8.2026–19.6.2027)"),
        ("2026-08-17,school_day,,", "lessons", "a school day needs its number of lessons"),
        ("2026-08-17,holiday,,4", "lessons", "only a school day has lessons"),
        ("2026-08-17,school_day,,21", "lessons", "at most 20 lessons a day"),
        (
            "2026-08-17,vacation,,",
            "kind",
            "must be school_day, holiday, public_holiday or planning_day",
        ),
    ],
)
def test_a_bad_calendar_row_is_named(
    setup: Setup, tmp_path: Path, row: str, field: str, reason: str
) -> None:
    summary, error = calendar(_csv(tmp_path, row), "--school", "Nordby skole", "--year", "2026")

    assert error is not None
    assert reasons(summary) == [(2, field, reason)]
    assert not CalendarDay.objects.exists()


def test_a_date_twice_is_rejected(setup: Setup, tmp_path: Path) -> None:
    path = _csv(tmp_path, "2026-08-17,school_day,,6", "2026-08-17,holiday,,")

    summary, _ = calendar(path, "--school", "Nordby skole", "--year", "2026")

    assert reasons(summary) == [(3, "date", "the same date as line 2")]


def test_an_unknown_school_or_year_stops_the_command(setup: Setup, tmp_path: Path) -> None:
    path = _csv(tmp_path, "2026-08-17,school_day,,6")

    with pytest.raises(CommandError, match='--school: no school is called "Vestby skole"'):
        call_command("import_calendar", path, "--school", "Vestby skole", "--year", "2026")
    with pytest.raises(CommandError, match=r'--year: no single school year "2030".*2026–2027'):
        call_command("import_calendar", path, "--school", "Nordby skole", "--year", "2030")


def test_the_default_writes_the_norwegian_calendar_and_lesson_times(setup: Setup) -> None:
    summary, error = calendar(
        "--default", "--school", "Nordby skole", "--year", "2026", "--lessons", "6"
    )

    assert error is None
    assert summary["created"]["lesson_period"] == 6
    days = CalendarDay.objects.filter(school=setup.school)
    assert summary["created"]["calendar_day"] == days.count() > 200
    christmas = days.get(date=date(2026, 12, 24))
    assert (christmas.kind, christmas.name) == (DayKind.HOLIDAY, gettext("Christmas holiday"))
    assert days.get(date=date(2026, 8, 17)).lessons == 6

    again, _ = calendar("--default", "--school", "Nordby skole", "--year", "2026")
    assert made(again) == {"unchanged": {"calendar_day": days.count(), "lesson_period": 6}}


def test_a_dry_run_of_the_default_writes_nothing(setup: Setup) -> None:
    summary, error = calendar(
        "--default", "--school", "Nordby skole", "--year", "2026", "--dry-run"
    )

    assert error is None
    assert summary["created"]["calendar_day"] > 200
    assert not CalendarDay.objects.exists()


def test_a_day_that_stops_being_a_school_day_recounts_the_week(
    tmp_path: Path,
) -> None:
    setup = make_setup()
    AttendanceRecord.objects.create(
        pupil=setup.ola, school=setup.school, date=date(2027, 2, 8), kind="absent"
    )
    from sammen.attendance.totals import refresh_totals

    refresh_totals([(setup.ola.pk, date(2027, 2, 8))])
    path = _csv(tmp_path, "2027-02-12,holiday,Vinterferie,")

    calendar(path, "--school", "Nordby skole", "--year", "2026")

    week = PupilWeek.objects.get(pupil=setup.ola)
    assert (week.school_days, week.planned_lessons) == (4, 24)
    # Monday's absence is still a day with six lessons missed.
    day = PupilDay.objects.get(pupil=setup.ola)
    assert (day.date, day.planned_lessons, day.absent_lessons) == (date(2027, 2, 8), 6, 6)


def test_a_day_that_stops_being_a_school_day_loses_its_daily_totals(tmp_path: Path) -> None:
    setup = make_setup()
    AttendanceRecord.objects.create(
        pupil=setup.ola, school=setup.school, date=date(2027, 2, 12), kind="absent"
    )
    from sammen.attendance.totals import refresh_totals

    refresh_totals([(setup.ola.pk, date(2027, 2, 12))])
    assert PupilDay.objects.filter(pupil=setup.ola).count() == 1

    calendar(
        _csv(tmp_path, "2027-02-12,holiday,Vinterferie,"),
        "--school",
        "Nordby skole",
        "--year",
        "2026",
    )

    assert not PupilDay.objects.filter(pupil=setup.ola).exists()


def test_an_ed_fi_calendar_makes_sessions_school_days_and_class_periods_lessons() -> None:
    assert import_edfi_roster(GRAND_BEND).applied

    summary, error = calendar(str(GRAND_BEND), "--format", "edfi")

    assert error is None
    assert made(summary) == {"created": {"calendar_day": 600, "lesson_period": 21}}
    high = School.objects.get(source_id="255901001")
    days = CalendarDay.objects.filter(school=high)
    assert days.filter(kind=DayKind.SCHOOL_DAY).count() == 85 + 104
    assert days.get(date=date(2021, 12, 20)).name == "Between terms"
    assert {d.lessons for d in days.filter(kind=DayKind.SCHOOL_DAY)} == {7}
    lesson_4 = LessonPeriod.objects.get(school=high, number=4)
    # "04 - Traditional" meets 11:20–11:45 and 12:35–13:00 (around lunch): one lesson 11:20–13:00
    assert (lesson_4.start, lesson_4.end) == (time(11, 20), time(13, 0))
    notes = [n["note"] for n in summary["notes"]]
    assert notes[0] == (
        "Grand Bend High School, 2021-2022 Fall Semester: the calendar has 85 school days "
        "(every weekday of the session that no CalendarDate marks as a day off)"
    )


def test_an_ed_fi_calendar_for_a_school_sammen_lacks_is_rejected() -> None:
    summary, error = calendar(str(GRAND_BEND), "--format", "edfi")

    assert error is not None
    assert reasons(summary)[0] == (
        3,
        "SchoolId",
        'no school with SchoolId "255901001" in Sammen: import the roster first '
        "(sammen import_roster --format edfi)",
    )
