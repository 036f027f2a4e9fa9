"""``import_attendance --format edfi``: the Grand Bend sample, the API JSON form, the mapping."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from sammen.attendance.importers.calendar import calendar_report, write_calendars
from sammen.attendance.importers.calendar_edfi import read_edfi_calendars
from sammen.attendance.importers.run import import_attendance
from sammen.attendance.models import AttendanceRecord, Kind
from sammen.roster.importers.edfi import import_edfi_roster
from tests.test_import_attendance_support import Setup, counts, make_setup, reasons, run

pytestmark = pytest.mark.django_db

GRAND_BEND = Path(__file__).parent / "fixtures" / "edfi" / "grandbend"
NS = 'xmlns="http://ed-fi.org/5.0.0"'


@pytest.fixture
def grand_bend(tmp_path: Path) -> Path:
    """The sample's roster and calendar in Sammen (no Contact.xml: guardians are not needed)."""
    directory = tmp_path / "grandbend"
    directory.mkdir()
    for name in (
        "EducationOrganization.xml",
        "EducationOrgCalendar.xml",
        "Student.xml",
        "StudentSchoolAttendance.xml",
    ):
        (directory / name).symlink_to(GRAND_BEND / name)
    assert import_edfi_roster(directory).applied
    report = calendar_report("edfi", str(directory), dry_run=False, skip_invalid=False)
    calendars = read_edfi_calendars(directory, report, lessons=6)
    assert calendars is not None
    write_calendars(calendars, report, detail="test", dry_run=False)
    assert not report.rejected
    return directory


def test_all_1917_grand_bend_events_load_and_are_counted_by_category(grand_bend: Path) -> None:
    report = import_attendance(grand_bend, fmt="edfi")

    assert report.applied and not report.rejected
    assert report.created["attendance_record"] == 1913
    assert len(report.skipped) == 4
    by_category = Counter(
        AttendanceRecord.objects.values_list("kind", "reason", "documented").iterator()
    )
    assert by_category == {
        ("absent", "other", True): 1077,  # Excused Absence
        ("absent", "unexplained", False): 773,  # Unexcused Absence
        ("late", "unexplained", False): 63,  # Tardy, less the three on a Sunday
    }
    assert 1913 + len(report.skipped) == 1917


def test_the_sunday_tardies_are_skipped_not_rejected(grand_bend: Path) -> None:
    report = import_attendance(grand_bend, fmt="edfi")

    sunday = [s for s in report.skipped if "Sunday" in s.reason]
    assert [(s.value, s.reason) for s in sunday] == [
        (pupil, "15.5.2022 is a Sunday, not a school day: left out")
        for pupil in ("604891", "604906", "604923")
    ]


def test_a_partial_on_the_day_of_an_excused_absence_is_covered_by_it(grand_bend: Path) -> None:
    report = import_attendance(grand_bend, fmt="edfi")

    partial = [s for s in report.skipped if s.value == "604822"]
    assert [(s.line, s.reason) for s in partial] == [
        (90, "covered by the whole-day absence (line 61)")
    ]
    day = AttendanceRecord.objects.get(pupil__source_id="604822", date=date(2021, 12, 15))
    assert (day.period, day.kind, day.documented) == (None, "absent", True)


def test_a_tardy_is_late_in_the_lesson_running_at_the_arrival_time(grand_bend: Path) -> None:
    report = import_attendance(grand_bend, fmt="edfi")

    # 604821 arrived at 15:40 on 25 May 2022; lesson 7 at the elementary school began at 14:55.
    late = AttendanceRecord.objects.get(pupil__source_id="604821", date=date(2022, 5, 25))
    assert (late.kind, late.period, late.minutes) == (Kind.LATE, 7, 45)
    # SchoolAttendanceDuration agrees with the arrival time for every tardy in the sample.
    assert not [n for n in report.notes if n.field == "SchoolAttendanceDuration"]


def test_importing_the_sample_again_changes_nothing(grand_bend: Path) -> None:
    import_attendance(grand_bend, fmt="edfi")

    again = import_attendance(grand_bend, fmt="edfi")

    assert (again.created, again.updated, again.deleted) == (Counter(), Counter(), Counter())
    assert again.unchanged["attendance_record"] == 1913


# Small files ---------------------------------------------------------------------------------


@pytest.fixture
def setup() -> Setup:
    made = make_setup()
    made.school.source_id = "255901001"
    made.school.save()
    return made


def _event(
    category: str,
    day: str = "2027-02-08",
    pupil: str = "E-1001",
    *,
    extra: str = "",
    duration: str = "",
    reason: str = "",
) -> str:
    return f"""
  <StudentSchoolAttendanceEvent>
    <AttendanceEvent>
      <EventDate>{day}</EventDate>
      <AttendanceEventCategory>uri://ed-fi.org/AttendanceEventCategoryDescriptor#{category}</AttendanceEventCategory>
      <AttendanceEventReason>{reason}</AttendanceEventReason>
      {f"<EventDuration>{duration}</EventDuration>" if duration else ""}
    </AttendanceEvent>
    <StudentReference><StudentIdentity><StudentUniqueId>{pupil}</StudentUniqueId></StudentIdentity></StudentReference>
    <SchoolReference><SchoolIdentity><SchoolId>255901001</SchoolId></SchoolIdentity></SchoolReference>
    {extra}
  </StudentSchoolAttendanceEvent>"""


def _xml(tmp_path: Path, *events: str) -> Path:
    path = tmp_path / "StudentSchoolAttendance.xml"
    path.write_text(
        f'<?xml version="1.0"?>\n<InterchangeStudentAttendance {NS}>{"".join(events)}\n'
        "</InterchangeStudentAttendance>\n",
        encoding="utf-8",
    )
    return path


def test_excused_reasons_are_read_from_the_reason_text(setup: Setup, tmp_path: Path) -> None:
    path = _xml(
        tmp_path,
        _event("Excused Absence", reason="Sick - doctor's note", duration="1"),
        _event("Excused Absence", "2027-02-09", reason="Family vacation"),
        _event("Unexcused Absence", "2027-02-10", reason="No reason given"),
    )

    _, error = run(path, "--format", "edfi")

    assert error is None
    assert list(AttendanceRecord.objects.order_by("date").values_list("reason", "documented")) == [
        ("sick", True),
        ("leave", True),
        ("unexplained", False),
    ]
    assert AttendanceRecord.objects.first().comment == "Sick - doctor's note"  # type: ignore[union-attr]


def test_early_departure_and_a_partial_are_placed_on_the_lessons(
    setup: Setup, tmp_path: Path
) -> None:
    # The default lessons: 08:30, 09:20, 10:15, 11:30, 12:20 and 13:15, 45 minutes each.
    path = _xml(
        tmp_path,
        _event("Early departure", extra="<DepartureTime>12:50:00</DepartureTime>"),
        _event(
            "Partial",
            "2027-02-09",
            reason="Absent excused",
            extra="<ArrivalTime>10:25:00</ArrivalTime>",
        ),
        _event(
            "Excused Absence",
            "2027-02-10",
            duration="0.5",
            extra="<DepartureTime>11:30:00</DepartureTime>",
        ),
    )

    summary, error = run(path, "--format", "edfi")

    assert error is None, summary["rejected"]
    got = AttendanceRecord.objects.order_by("date", "period").values_list(
        "date__day", "period", "kind", "minutes"
    )
    assert list(got) == [
        (8, 5, "left_early", 15),
        (9, 1, "absent", None),
        (9, 2, "absent", None),
        (9, 3, "late", 10),
        (10, 4, "absent", None),
        (10, 5, "absent", None),
        (10, 6, "absent", None),
    ]


def test_in_attendance_takes_back_an_earlier_ed_fi_absence(setup: Setup, tmp_path: Path) -> None:
    run(_xml(tmp_path, _event("Unexcused Absence")), "--format", "edfi")

    summary, error = run(_xml(tmp_path, _event("In Attendance")), "--format", "edfi")

    assert error is None
    assert counts(summary) == {"deleted": 1}
    assert summary["skipped"][0]["reason"] == "present: Sammen stores only absence"
    assert not AttendanceRecord.objects.exists()


def test_the_json_form_of_the_api_resource_is_read(setup: Setup, tmp_path: Path) -> None:
    path = tmp_path / "studentSchoolAttendanceEvents.json"
    path.write_text(
        json.dumps(
            [
                {
                    "id": "6a1c3f0e9b2d4f7e8a5c1d2e3f4a5b6c",
                    "attendanceEventCategoryDescriptor": "uri://ed-fi.org/AttendanceEventCategoryDescriptor#Tardy",
                    "eventDate": "2027-02-08",
                    "schoolReference": {"schoolId": 255901001},
                    "studentReference": {"studentUniqueId": "E-1002"},
                    "arrivalTime": "09:27:00",
                    "schoolAttendanceDuration": 7,
                },
                {
                    "id": "0b1c",
                    "attendanceEventCategoryDescriptor": "uri://ed-fi.org/AttendanceEventCategoryDescriptor#Holiday",
                    "eventDate": "2027-02-08",
                    "schoolReference": {"schoolId": 255901001},
                    "studentReference": {"studentUniqueId": "E-1001"},
                },
            ]
        ),
        encoding="utf-8",
    )

    summary, error = run(path, "--format", "edfi", "--skip-invalid")

    assert error is None
    late = AttendanceRecord.objects.get()
    assert (late.pupil, late.period, late.minutes, late.source) == (
        setup.kari,
        2,
        7,
        "edfi:6a1c3f0e9b2d4f7e8a5c1d2e3f4a5b6c",
    )
    assert reasons(summary) == [
        (
            None,
            "[1].attendanceEventCategoryDescriptor",
            "unknown category; Sammen reads In Attendance, Excused Absence, Unexcused Absence, "
            "Tardy, Early departure, Partial",
        ),
    ]


def test_an_event_at_another_school_than_the_pupils_is_rejected(
    setup: Setup, tmp_path: Path
) -> None:
    setup.school.source_id = "999"
    setup.school.save()

    summary, _ = run(_xml(tmp_path, _event("Unexcused Absence")), "--format", "edfi")

    assert reasons(summary) == [
        (
            3,
            "SchoolReference/SchoolIdentity/SchoolId",
            "Ola Nordmann is a pupil at Nordby skole (id 999) in Sammen, not at this school",
        ),
    ]


def test_a_tardy_with_no_lesson_at_its_arrival_time_is_rejected(
    setup: Setup, tmp_path: Path
) -> None:
    path = _xml(tmp_path, _event("Tardy", extra="<ArrivalTime>09:17:00</ArrivalTime>"))

    summary, _ = run(path, "--format", "edfi")

    assert reasons(summary) == [(3, "ArrivalTime", "09:17 is not during a lesson")]


def test_a_partial_without_times_cannot_be_placed(setup: Setup, tmp_path: Path) -> None:
    summary, _ = run(_xml(tmp_path, _event("Partial")), "--format", "edfi")

    assert reasons(summary) == [
        (
            3,
            "AttendanceEvent/AttendanceEventCategory",
            "a part-day absence needs ArrivalTime or DepartureTime to say which lessons were "
            "missed",
        ),
    ]


def test_a_file_that_is_not_xml_names_its_line(setup: Setup, tmp_path: Path) -> None:
    path = tmp_path / "StudentSchoolAttendance.xml"
    path.write_text("<Interchange>\n<Event>\n</Interchange>\n", encoding="utf-8")

    summary, error = run(path, "--format", "edfi")

    assert error is not None
    assert reasons(summary) == [(3, None, "is not valid XML: mismatched tag")]


def test_a_document_type_declaration_is_refused(setup: Setup, tmp_path: Path) -> None:
    path = tmp_path / "StudentSchoolAttendance.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>\n<x>&a;</x>\n', encoding="utf-8"
    )

    summary, _ = run(path, "--format", "edfi")

    assert reasons(summary) == [(2, None, "has a document type declaration; it is not accepted")]
