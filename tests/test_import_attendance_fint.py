"""``import_attendance --format fint``: FINT Fravarsregistrering laid over the lesson times."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sammen.attendance.models import AttendanceRecord
from sammen.roster.models import GroupKind
from tests import factories as f
from tests.test_import_attendance_support import Setup, counts, make_setup, reasons, run

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "fint"


@pytest.fixture
def setup() -> Setup:
    made = make_setup()
    f.make_pupil(made.school, given_name="Nora", family_name="Lie", source_id="E-1003")
    f.make_group(
        made.school, "Norsk 1A", kind=GroupKind.TEACHING, subject="Norsk", source_id="UG-NOR-1A"
    )
    return made


@pytest.fixture
def fint_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "fint"
    shutil.copytree(FIXTURES, directory)
    return directory


def _records() -> list[tuple[Any, ...]]:
    return list(
        AttendanceRecord.objects.order_by("pupil__source_id", "date", "period").values_list(
            "pupil__source_id", "date__day", "period", "kind", "minutes", "reason", "documented"
        )
    )


def test_the_registrations_become_lessons_and_days(setup: Setup, fint_dir: Path) -> None:
    summary, error = run(fint_dir, "--format", "fint")

    assert error is None, summary["rejected"]
    assert counts(summary) == {"created": 9}
    assert _records() == [
        ("E-1001", 8, 1, "absent", None, "unexplained", False),
        ("E-1001", 8, 3, "late", 12, "unexplained", False),
        ("E-1002", 10, None, "absent", None, "sick", False),
        ("E-1002", 12, None, "absent", None, "sick", True),  # Friday 08:00 on: all lessons
        ("E-1002", 15, None, "absent", None, "sick", True),  # to Monday 16:00: the weekend passed
        ("E-1003", 9, 6, "left_early", 20, "leave", True),
        ("E-1003", 11, 1, "present_elsewhere", None, "school_activity", True),
        ("E-1003", 11, 2, "present_elsewhere", None, "school_activity", True),
        ("E-1003", 11, 3, "present_elsewhere", None, "school_activity", True),
    ]


def test_group_subject_diploma_comment_and_source_come_along(setup: Setup, fint_dir: Path) -> None:
    run(fint_dir, "--format", "fint")

    first = AttendanceRecord.objects.get(pupil=setup.ola, period=1)
    assert (first.group, first.subject, first.counts_on_diploma, first.source) == (
        setup.maths,
        "Matematikk",
        True,
        "fint:FR-1001",
    )
    trip = AttendanceRecord.objects.filter(comment="Ekskursjon").first()
    assert trip is not None and trip.counts_on_diploma is False


def test_importing_the_same_registrations_again_changes_nothing(
    setup: Setup, fint_dir: Path
) -> None:
    run(fint_dir, "--format", "fint")

    summary, error = run(fint_dir / "fravarsregistrering.json", "--format", "fint")

    assert error is None
    assert counts(summary) == {"unchanged": 9}


def _edit(directory: Path, number: int, **changes: Any) -> None:
    path = directory / "fravarsregistrering.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    entry = data["_embedded"]["_entries"][number]
    for name, value in changes.items():
        if name == "fravarstype":
            entry["_links"]["fravarstype"] = [{"href": f"https://x/fravarstype/systemid/{value}"}]
        else:
            entry[name] = value
    path.write_text(json.dumps(data), encoding="utf-8")


def test_an_unknown_fravarstype_names_the_codes_sammen_reads(setup: Setup, fint_dir: Path) -> None:
    _edit(fint_dir, 0, fravarstype="X9")

    summary, error = run(fint_dir, "--format", "fint")

    assert error is not None
    assert reasons(summary) == [
        (
            None,
            "_embedded._entries[0]._links.fravarstype",
            "unknown fravarstype; Sammen reads F, D, S, H, P, HJEM, SKOLE",
        ),
        (
            None,
            "_embedded._entries[1]._links.elevfravar",
            "left out: the same pupil's row for this day (_embedded._entries[0]) has an error",
        ),
    ]


def test_a_gap_inside_a_lesson_is_rejected(setup: Setup, fint_dir: Path) -> None:
    _edit(fint_dir, 0, periode={"start": "2027-02-08T07:40:00Z", "slutt": "2027-02-08T07:50:00Z"})

    summary, _ = run(fint_dir, "--format", "fint", "--skip-invalid")

    assert reasons(summary)[0] == (
        None,
        "_embedded._entries[0].periode.start",
        "08:40–08:50 lies inside lesson 1 (08:30–09:15): Sammen records coming late and "
        "leaving early, not a gap in the middle of a lesson",
    )
    assert not AttendanceRecord.objects.filter(pupil=setup.ola).exists()


def test_a_period_on_a_day_without_school_is_rejected(setup: Setup, fint_dir: Path) -> None:
    _edit(
        fint_dir,
        2,
        periode={"start": "2027-02-13T08:00:00+01:00", "slutt": "2027-02-13T12:00:00+01:00"},
    )

    summary, _ = run(fint_dir, "--format", "fint")

    assert (
        None,
        "_embedded._entries[2].periode.start",
        "13.2.2027 is a Saturday, not a school day",
    ) in reasons(summary)


def test_a_missing_elevfravar_file_rejects_the_import(setup: Setup, fint_dir: Path) -> None:
    (fint_dir / "elevfravar.json").unlink()

    summary, error = run(fint_dir, "--format", "fint")

    assert error is not None
    assert reasons(summary) == [(None, None, "is missing from fint")]
    assert summary["rejected"][0]["file"] == "elevfravar.json"


def test_a_school_without_lesson_times_cannot_place_part_of_a_day(
    setup: Setup, fint_dir: Path
) -> None:
    from sammen.attendance.models import LessonPeriod

    LessonPeriod.objects.all().delete()

    summary, _ = run(fint_dir, "--format", "fint", "--skip-invalid")

    assert reasons(summary)[0][2].startswith(
        "the school's lesson times are needed to tell which lessons 08:30–09:15 took"
    )
    # Midnight to midnight needs no lesson times; Friday 08:00 to Monday 16:00 does.
    whole = AttendanceRecord.objects.filter(pupil=setup.kari).values_list("date__day", "period")
    assert list(whole) == [(10, None)]


def test_fint_times_are_read_in_the_school_time_zone_in_summer(
    setup: Setup, fint_dir: Path
) -> None:
    # 07:30 in Oslo in May is 05:30Z (summer time): lesson 1 missed.
    _edit(fint_dir, 0, periode={"start": "2027-05-10T06:30:00Z", "slutt": "2027-05-10T07:15:00Z"})

    run(fint_dir, "--format", "fint", "--skip-invalid")

    record = AttendanceRecord.objects.get(pupil=setup.ola, date=date(2027, 5, 10))
    assert (record.period, record.kind) == (1, "absent")
