"""``sammen import_attendance --format csv``: records, idempotence, dry run, audit, totals."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sammen.attendance.importers.run import import_attendance
from sammen.attendance.models import AttendanceRecord, PupilDay, PupilWeek, ReportedBy
from sammen.attendance.services import Entry, register_day
from sammen.audit import actions
from sammen.audit.models import AuditEvent
from tests import factories as f
from tests.test_import_attendance_support import (
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


def test_rows_become_records_of_each_kind(setup: Setup, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"E-1001,{MONDAY},,,absent,,sick,yes,",
        f"E-1002,{MONDAY},1,Matematikk,late,12,,no,bussen var sen",
        f"E-1002,{MONDAY},6,,left_early,20,leave,ja,",
        "E-1002,2027-02-09,3,,present_elsewhere,,,,Skoletur",
    )

    summary, error = run(path)

    assert error is None
    assert counts(summary) == {"created": 4}
    day = AttendanceRecord.objects.get(pupil=setup.ola)
    assert (day.date, day.period, day.kind, day.reason, day.documented) == (
        date(2027, 2, 8),
        None,
        "absent",
        "sick",
        True,
    )
    assert (day.reported_by, day.source, day.registered_by) == (ReportedBy.IMPORT, "csv", None)
    late = AttendanceRecord.objects.get(pupil=setup.kari, period=1)
    assert (late.kind, late.minutes, late.subject, late.reason, late.comment) == (
        "late",
        12,
        "Matematikk",
        "unexplained",
        "bussen var sen",
    )
    trip = AttendanceRecord.objects.get(pupil=setup.kari, period=3)
    assert (trip.kind, trip.reason, trip.counts_on_diploma) == (
        "present_elsewhere",
        "school_activity",
        False,
    )


def test_norwegian_headers_semicolons_a_bom_and_norwegian_dates_are_read(
    setup: Setup, tmp_path: Path
) -> None:
    path = tmp_path / "fravær.csv"
    path.write_bytes(
        "\ufeffelev_id;dato;time;fag;type;minutter;årsak;dokumentert;kommentar\n"
        "E-1001;08.02.2027;2;Norsk;for sent;5;;nei;\n"
        "E-1002;8.2.2027;;;fravær;;permisjon;ja;\n".encode()
    )

    summary, error = run(path)

    assert error is None
    assert counts(summary) == {"created": 2}
    late = AttendanceRecord.objects.get(pupil=setup.ola)
    assert (late.date, late.period, late.kind, late.minutes) == (date(2027, 2, 8), 2, "late", 5)
    assert AttendanceRecord.objects.get(pupil=setup.kari).reason == "leave"


def test_importing_the_same_file_again_changes_nothing_and_writes_no_audit(
    setup: Setup, tmp_path: Path
) -> None:
    path = write(tmp_path, f"E-1001,{MONDAY},,,absent,,sick,yes,", f"E-1002,{MONDAY},2,,late,5,,,")
    run(path)
    events = AuditEvent.objects.count()
    stamps = list(AttendanceRecord.objects.values_list("updated_at", flat=True))

    summary, error = run(path)

    assert error is None
    assert counts(summary) == {"unchanged": 2}
    assert summary["applied"] is True
    assert AuditEvent.objects.count() == events
    assert list(AttendanceRecord.objects.values_list("updated_at", flat=True)) == stamps


def test_every_record_is_audited_under_its_pupil_and_the_import_gets_a_summary(
    setup: Setup, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        f"E-1001,{MONDAY},,,absent,,sick,yes,",
        "E-1001,2027-02-09,1,,absent,,,,",
        f"E-1002,{MONDAY},2,,late,5,,,",
    )

    run(path)

    saved = AuditEvent.objects.filter(action=actions.ATTENDANCE_IMPORTED_FOR_PUPIL)
    assert sorted(e.pupil_label for e in saved) == ["Kari Berg", "Ola Nordmann"]
    ola = saved.get(pupil_id=setup.ola.public_id)
    assert (ola.object_id, ola.object_label) == (str(setup.ola.public_id), str(setup.ola))
    assert (ola.school_id, ola.actor_label) == (setup.school.public_id, "system: import_attendance")
    records = {r.date.isoformat(): r for r in AttendanceRecord.objects.filter(pupil=setup.ola)}
    created = ola.changes["created"]
    listed = {row[1]: dict(zip(created["fields"], row, strict=True)) for row in created["rows"]}
    assert set(listed) == {"2027-02-08", "2027-02-09"}
    for day, item in listed.items():
        assert item["record"] == str(records[day].public_id)
        assert (item["kind"], item["reported_by"], item["source"]) == ("absent", "import", "csv")
    assert (listed["2027-02-08"]["period"], listed["2027-02-09"]["period"]) == (None, 1)
    assert (listed["2027-02-08"]["reason"], listed["2027-02-08"]["documented"]) == ("sick", True)
    summary = AuditEvent.objects.get(action=actions.ATTENDANCE_IMPORTED)
    assert summary.changes["created"] == {"old": None, "new": 3}


def test_a_changed_row_updates_the_record_and_audits_old_and_new(
    setup: Setup, tmp_path: Path
) -> None:
    run(write(tmp_path, f"E-1001,{MONDAY},,,absent,,unexplained,no,"))
    record = AttendanceRecord.objects.get()

    summary, _ = run(write(tmp_path, f"E-1001,{MONDAY},,,absent,,sick,yes,"))

    assert counts(summary) == {"updated": 1}
    record.refresh_from_db()
    assert (record.reason, record.documented) == ("sick", True)
    event = (
        AuditEvent.objects.filter(action=actions.ATTENDANCE_IMPORTED_FOR_PUPIL)
        .order_by("-id")
        .first()
    )
    assert event is not None
    assert event.changes["changed"] == [
        {
            "record": str(record.public_id),
            "date": "2027-02-08",
            "lesson": None,
            "change": {
                "documented": {"old": False, "new": True},
                "reason": {"old": "unexplained", "new": "sick"},
            },
        }
    ]


def test_a_file_takes_back_what_an_earlier_file_said_about_the_same_day(
    setup: Setup, tmp_path: Path
) -> None:
    run(write(tmp_path, f"E-1001,{MONDAY},,,absent,,sick,yes,", "E-1001,2027-02-09,,,absent,,,,"))

    summary, _ = run(write(tmp_path, f"E-1001,{MONDAY},2,,absent,,sick,yes,"))

    assert counts(summary) == {"created": 1, "deleted": 1}
    kept = AttendanceRecord.objects.order_by("date").values_list("date", "period")
    # Monday's whole day became lesson 2; Tuesday, which the new file does not name, stays.
    assert list(kept) == [(date(2027, 2, 8), 2), (date(2027, 2, 9), None)]
    second = AuditEvent.objects.filter(action=actions.ATTENDANCE_IMPORTED_FOR_PUPIL).latest("id")
    # The whole day went (every field's old value kept) and lesson 2 came.
    (gone,) = second.changes["removed"]
    assert (gone["date"], gone["period"], gone["kind"]) == ("2027-02-08", None, "absent")
    (came,) = second.changes["created"]["rows"]
    assert came[1:5] == ["2027-02-08", 2, "", "absent"]


def test_a_record_made_in_sammen_is_kept_and_the_row_for_it_skipped(
    setup: Setup, tmp_path: Path
) -> None:
    register_day(
        actor=f.make_user("kontor"),
        school=setup.school,
        day=date(2027, 2, 8),
        entries=[Entry(setup.ola, "absent", reason="sick", documented=True)],
    )

    summary, error = run(write(tmp_path, f"E-1001,{MONDAY},,,absent,,unexplained,no,"))

    assert error is None
    assert counts(summary) == {}
    assert "Sammen has its own record of absent all day" in summary["skipped"][0]["reason"]
    assert AttendanceRecord.objects.get().reason == "sick"


def test_daily_and_weekly_totals_are_brought_up_to_date(setup: Setup, tmp_path: Path) -> None:
    run(write(tmp_path, f"E-1001,{MONDAY},,,absent,,,,", "E-1001,2027-02-09,1,,late,7,,,"))

    days = PupilDay.objects.filter(pupil=setup.ola).order_by("date")
    assert [(d.date.isoformat(), d.absent_lessons, d.late_count) for d in days] == [
        ("2027-02-08", 6, 0),
        ("2027-02-09", 0, 1),
    ]

    week = PupilWeek.objects.get(pupil=setup.ola, week_start=date(2027, 2, 8))
    assert (week.school_days, week.planned_lessons, week.absent_lessons, week.absent_days) == (
        5,
        30,
        6,
        1,
    )
    assert (week.late_count, week.late_minutes, week.unexplained_lessons) == (1, 7, 6)


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(
    setup: Setup, tmp_path: Path
) -> None:
    path = write(tmp_path, f"E-1001,{MONDAY},,,absent,,,,")
    events = AuditEvent.objects.count()

    summary, error = run(path, "--dry-run")

    assert error is None
    assert (summary["dry_run"], summary["applied"]) == (True, False)
    assert counts(summary) == {"created": 1}
    assert not AttendanceRecord.objects.exists()
    assert AuditEvent.objects.count() == events


def test_the_text_report_says_what_was_done(setup: Setup, tmp_path: Path) -> None:
    path = write(tmp_path, f"E-1001,{MONDAY},,,absent,,,,")

    report = import_attendance(path)

    assert report.as_text().splitlines()[:2] == [
        f"CSV import from {path}",
        "  created: 1 attendance_record",
    ]


def test_owner_limits_the_pupils_to_one_school_owner(setup: Setup, tmp_path: Path) -> None:
    other = f.make_owner("Sørvik kommune")
    f.make_pupil(f.make_school(other), source_id="E-1001")
    path = write(tmp_path, f"E-1001,{MONDAY},,,absent,,,,")

    ambiguous, error = run(path)
    summary, _ = run(path, "--owner", "Testvik kommune")

    assert error is not None
    assert reasons(ambiguous) == [
        (2, "pupil_id", '2 school owners have a pupil with id "E-1001": give --owner to say which')
    ]
    assert counts(summary) == {"created": 1}
    assert AttendanceRecord.objects.get().pupil == setup.ola
