"""Bad attendance files: every problem named by file, line and field; nothing half-written."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sammen.attendance.importers.csv_format import read_csv_file
from sammen.attendance.models import AttendanceRecord, CalendarDay
from sammen.attendance.services import Entry, register_lesson
from sammen.audit.models import AuditEvent
from tests import factories as f
from tests.test_import_attendance_support import (
    HEADER,
    MONDAY,
    Setup,
    counts,
    make_setup,
    reasons,
    run,
    write,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup() -> Setup:
    return make_setup()


def test_one_bad_row_rejects_the_file_and_every_bad_row_is_named(
    setup: Setup, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        f"E-1001,{MONDAY},,,absent,,,,",
        f"E-9999,{MONDAY},,,absent,,,,",
        f"E-1002,{MONDAY},7,,absent,,,,",
    )

    summary, error = run(path)

    assert error == "nothing was imported: 2 errors (see above)"
    assert summary["applied"] is False
    assert reasons(summary) == [
        (
            3,
            "pupil_id",
            'no pupil with id "E-9999" in Sammen: import the roster first, or check the id',
        ),
        (4, "period", "8.2.2027 has 6 lessons at Nordby skole: there is no lesson 7"),
    ]
    assert summary["rejected"][0]["file"] == "a.csv"
    assert counts(summary) == {"created": 1}  # what the valid rows would do
    assert not AttendanceRecord.objects.exists()


def test_skip_invalid_imports_the_good_rows_and_reports_the_rest(
    setup: Setup, tmp_path: Path
) -> None:
    path = write(tmp_path, f"E-1001,{MONDAY},,,absent,,,,", f"E-9999,{MONDAY},,,absent,,,,")

    summary, error = run(path, "--skip-invalid")

    assert error is None
    assert counts(summary) == {"created": 1}
    assert [r[0] for r in reasons(summary)] == [3]
    assert AttendanceRecord.objects.get().pupil == setup.ola


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        (
            "E-1001,2027-07-01,,,absent,,,,",
            "date",
            "1.7.2027 is outside the school year: the school years are 2026–2027 "
            "(17.8.2026–19.6.2027)",
        ),
        ("E-1001,2027-02-13,,,absent,,,,", "date", "13.2.2027 is a Saturday, not a school day"),
        ("E-1001,2027-02-30,,,absent,,,,", "date", "no such date"),
        ("E-1001,8/2/2027,,,absent,,,,", "date", "not a date: write 2027-02-08 or 08.02.2027"),
        (f"E-1001,{MONDAY},2,,late,,,,", "minutes", "late needs the minutes (1 to 480)"),
        (f"E-1001,{MONDAY},2,,late,481,,,", "minutes", "must be between 1 and 480"),
        (f"E-1001,{MONDAY},2,,left_early,0,,,", "minutes", "must be between 1 and 480"),
        (
            f"E-1001,{MONDAY},2,,absent,10,,,",
            "minutes",
            "only late and left_early have minutes, not absent",
        ),
        (
            f"E-1001,{MONDAY},,,late,10,,,",
            "period",
            "late is registered on a lesson: give the lesson number",
        ),
        (f"E-1001,{MONDAY},2,,late,ten,,,", "minutes", "not a whole number of minutes"),
        (
            f"E-1001,{MONDAY},x,,absent,,,,",
            "period",
            "not a lesson number: write 1, 2, 3 … or leave it empty for the whole day",
        ),
        (
            f"E-1001,{MONDAY},,,sleeping,,,,",
            "kind",
            "must be absent, late, left_early or present_elsewhere",
        ),
        (
            f"E-1001,{MONDAY},,,absent,,bored,,",
            "reason",
            "must be sick, leave, school_activity, home_teaching, unexplained or other",
        ),
        (
            f"E-1001,{MONDAY},,,absent,,,maybe,",
            "documented",
            "must be yes or no (ja/nei, true/false, 1/0)",
        ),
        (
            f"E-1001,{MONDAY},,,present_elsewhere,,sick,,",
            "reason",
            "present_elsewhere is always a school_activity",
        ),
        (f",{MONDAY},,,absent,,,,", "pupil_id", "the pupil's id is missing"),
    ],
)
def test_a_bad_value_is_named_with_its_line_and_field(
    setup: Setup, tmp_path: Path, row: str, field: str, reason: str
) -> None:
    summary, error = run(write(tmp_path, row))

    assert error is not None
    assert reasons(summary) == [(2, field, reason)]


def test_a_holiday_is_named_as_the_calendar_names_it(setup: Setup, tmp_path: Path) -> None:
    ascension = CalendarDay.objects.get(school=setup.school, date=date(2027, 5, 6))

    summary, _ = run(write(tmp_path, "E-1001,2027-05-06,,,absent,,,,"))

    assert reasons(summary) == [
        (
            2,
            "date",
            f"6.5.2027 is not a school day at Nordby skole (public holiday: {ascension.name})",
        )
    ]


def test_a_row_with_several_problems_reports_them_all(setup: Setup, tmp_path: Path) -> None:
    summary, _ = run(write(tmp_path, "E-1001,someday,x,,late,,,maybe,"))

    assert reasons(summary) == [
        (2, "date", "not a date: write 2027-02-08 or 08.02.2027"),
        (2, "documented", "must be yes or no (ja/nei, true/false, 1/0)"),
        (2, "minutes", "late needs the minutes (1 to 480)"),
        (2, "period", "not a lesson number: write 1, 2, 3 … or leave it empty for the whole day"),
    ]


def test_a_school_without_a_calendar_is_told_to_import_one(tmp_path: Path) -> None:
    make_setup(calendar=False)

    summary, _ = run(write(tmp_path, f"E-1001,{MONDAY},,,absent,,,,"))

    assert reasons(summary) == [
        (
            2,
            "date",
            "Nordby skole has no school calendar for 2026–2027: import it first "
            "(sammen import_calendar)",
        )
    ]


def test_a_duplicate_row_is_rejected_naming_the_first(setup: Setup, tmp_path: Path) -> None:
    path = write(tmp_path, f"E-1001,{MONDAY},2,,absent,,,,", "E-1001,08.02.2027,2,,absent,,,,")

    summary, _ = run(path)

    assert reasons(summary) == [(3, "pupil_id", "duplicate of line 2")]


def test_two_rows_for_the_same_lesson_that_disagree_are_both_rejected(
    setup: Setup, tmp_path: Path
) -> None:
    path = write(tmp_path, f"E-1001,{MONDAY},2,,absent,,,,", f"E-1001,{MONDAY},2,,late,5,,,")

    summary, _ = run(path, "--skip-invalid")

    assert reasons(summary) == [
        (2, "kind", "contradicts line 3: the same pupil, day and lesson"),
        (3, "kind", "contradicts line 2: the same pupil, day and lesson"),
    ]
    assert not AttendanceRecord.objects.exists()


def test_a_whole_day_absence_and_lateness_the_same_day_contradict(
    setup: Setup, tmp_path: Path
) -> None:
    path = write(tmp_path, f"E-1001,{MONDAY},,,absent,,sick,,", f"E-1001,{MONDAY},3,,late,5,,,")

    summary, _ = run(path)

    assert reasons(summary) == [
        (
            2,
            "kind",
            "absent all day contradicts late in lesson 3 (line 3) for the same pupil and day",
        ),
        (
            3,
            "kind",
            "late in lesson 3 contradicts absent all day (line 2) for the same pupil and day",
        ),
    ]


def test_a_lesson_absence_inside_a_whole_day_absence_for_the_same_reason_is_skipped(
    setup: Setup, tmp_path: Path
) -> None:
    path = write(
        tmp_path, f"E-1001,{MONDAY},,,absent,,sick,,", f"E-1001,{MONDAY},3,,absent,,sick,,"
    )

    summary, error = run(path)

    assert error is None
    assert counts(summary) == {"created": 1}
    assert summary["skipped"] == [
        {
            "file": "a.csv",
            "line": 3,
            "value": "E-1001",
            "reason": "covered by the whole-day record (line 2)",
        }
    ]


def test_with_skip_invalid_a_day_with_a_bad_row_is_left_whole(setup: Setup, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"E-1001,{MONDAY},1,,absent,,,,",
        f"E-1001,{MONDAY},2,,late,900,,,",
        f"E-1002,{MONDAY},1,,absent,,,,",
    )

    summary, _ = run(path, "--skip-invalid")

    assert reasons(summary) == [
        (2, "pupil_id", "left out: the same pupil's row for this day (line 3) has an error"),
        (3, "minutes", "must be between 1 and 480"),
    ]
    assert list(AttendanceRecord.objects.values_list("pupil__source_id", flat=True)) == ["E-1002"]


def test_a_row_that_contradicts_a_record_made_in_sammen_is_rejected(
    setup: Setup, tmp_path: Path
) -> None:
    maths = f.make_group(setup.school, "8A")
    f.teach(maths, f.make_staff(setup.school.owner))
    from sammen.roster.models import Enrollment

    Enrollment.objects.create(group=maths, pupil=setup.ola)
    register_lesson(
        actor=f.make_user("laerer"),
        group=maths,
        day=date(2027, 2, 8),
        period=3,
        entries=[Entry(setup.ola, "late", minutes=5)],
    )

    summary, _ = run(write(tmp_path, f"E-1001,{MONDAY},,,absent,,sick,,"))

    assert reasons(summary) == [
        (
            2,
            "kind",
            "absent all day contradicts what Sammen has for this pupil and day: "
            "late in lesson 3 (reported by staff)",
        )
    ]


def test_missing_columns_reject_the_file(setup: Setup, tmp_path: Path) -> None:
    summary, error = run(write(tmp_path, "E-1001,absent", header="pupil_id,type"))

    assert error is not None
    assert reasons(summary) == [(1, None, "the header has no column date (date or dato)")]


def test_a_file_that_is_not_utf8_names_its_line(setup: Setup, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(f"{HEADER}\nE-1001,{MONDAY},,,absent,,,,S\xf8rby\n".encode("latin-1"))

    summary, error = run(path)

    assert error is not None
    assert summary["rejected"][0]["line"] == 2
    assert "is not UTF-8" in summary["rejected"][0]["reason"]


def test_an_unknown_column_is_noted_not_read(setup: Setup, tmp_path: Path) -> None:
    summary, error = run(
        write(
            tmp_path,
            f"E-1001,{MONDAY},,,absent,x",
            header="pupil_id,date,period,subject,kind,klasse",
        )
    )

    assert error is None
    assert summary["notes"][0]["field"] == "klasse"


def test_nothing_is_written_when_a_file_is_rejected(setup: Setup, tmp_path: Path) -> None:
    events = AuditEvent.objects.count()

    run(write(tmp_path, f"E-1001,{MONDAY},,,absent,,,,", "E-1001,2027-02-13,,,absent,,,,"))

    assert not AttendanceRecord.objects.exists()
    assert AuditEvent.objects.count() == events


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_the_csv_reader_never_crashes_on_arbitrary_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.csv"
        path.write_bytes(data)
        read = read_csv_file(path)
    assert read.fatal or all(isinstance(p.reason, str) for p in read.problems)
    assert all(w.pupil and isinstance(w.date, date) for w in read.wanted)


_CELLS = st.one_of(
    st.sampled_from(["E-1001", MONDAY, "8.2.2027", "", "1", "late", "absent", "ja", "sick", "481"]),
    st.text(max_size=12),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(_CELLS, max_size=11), max_size=8),
    st.sampled_from([",", ";"]),
)
def test_the_csv_reader_never_crashes_on_arbitrary_rows(rows: list[list[str]], sep: str) -> None:
    text = "\n".join([HEADER.replace(",", sep), *(sep.join(row) for row in rows)])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.csv"
        path.write_text(text, encoding="utf-8")
        read = read_csv_file(path)
    for wanted in read.wanted:
        assert wanted.kind in {"absent", "late", "left_early", "present_elsewhere"}
        assert wanted.minutes is None or 1 <= wanted.minutes <= 480
    assert all(p.line is not None for p in read.problems)
