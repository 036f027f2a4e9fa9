"""``status=tobedeleted``: what is removed, what is deactivated, and what is only reported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sammen.audit import actions
from sammen.audit.models import AuditEvent
from sammen.roster.models import (
    Enrollment,
    Group,
    GroupTeacher,
    Guardian,
    Guardianship,
    Pupil,
    Role,
    StaffRole,
)
from tests.test_import_oneroster_support import (
    edit,
    nonzero,
    rejected,
    run_import,
    sample,
    write_set,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    run_import(write_set(tmp_path / "first", sample()))
    return tmp_path


def _second(tmp_path: Path, files: dict[str, str]) -> dict[str, Any]:
    summary, error = run_import(write_set(tmp_path / "second", files))
    assert error is None, summary["rejected"]
    return summary


def _kari_leaves() -> dict[str, str]:
    files = edit(sample(), "users.csv", "kari,active", "kari,tobedeleted")
    # Per's row still names Kari, which is fine; her enrollment row is left out of this delta.
    return edit(
        files, "enrollments.csv", "e2,active,,8a,nordby,kari,student,false,2026-08-17,\n", ""
    )


def test_a_pupil_marked_tobedeleted_is_deactivated_not_deleted(imported: Path) -> None:
    files = _kari_leaves()

    summary = _second(imported, files)

    kari = Pupil.objects.get(source_id="kari")
    assert not kari.active
    assert kari.enrollments.count() == 1  # the history stays
    assert summary["deactivated"] == {"pupil": 1}
    assert nonzero(summary["deleted"]) == {}
    event = AuditEvent.objects.get(action=actions.PUPIL_DEACTIVATED)
    assert (event.pupil_label, event.changes) == (
        "Kari Nordmann",
        {"active": {"old": True, "new": False}},
    )


def test_a_pupil_listed_as_active_again_is_reactivated(imported: Path) -> None:
    _second(imported, _kari_leaves())

    summary, _ = run_import(write_set(imported / "third", sample()))

    assert Pupil.objects.get(source_id="kari").active
    assert nonzero(summary["updated"]) == {"pupil": 1}


def test_an_enrollment_marked_tobedeleted_is_removed_and_audited(imported: Path) -> None:
    files = edit(sample(), "enrollments.csv", "e4,active", "e4,tobedeleted")

    summary = _second(imported, files)

    assert nonzero(summary["deleted"]) == {"enrollment": 1}
    assert not Enrollment.objects.filter(source_id="e4").exists()
    event = AuditEvent.objects.get(action=actions.ENROLLMENT_REMOVED)
    assert event.object_label == "Ola Nordmann – Matematikk 8A"
    assert event.changes["source_id"] == {"old": "e4", "new": None}


def test_removing_what_is_already_gone_is_skipped_and_writes_nothing(imported: Path) -> None:
    files = edit(sample(), "enrollments.csv", "e4,active", "e4,tobedeleted")
    _second(imported, files)
    events = AuditEvent.objects.count()

    summary, _ = run_import(write_set(imported / "third", files))

    assert nonzero(summary["deleted"]) == {}
    assert summary["skipped"] == [
        {
            "file": "enrollments.csv",
            "line": 5,
            "value": "e4",
            "reason": "not in Sammen; nothing to remove",
        }
    ]
    assert AuditEvent.objects.count() == events


def test_a_teacher_enrollment_marked_tobedeleted_unlinks_the_teacher(imported: Path) -> None:
    files = edit(sample(), "enrollments.csv", "e5,active", "e5,tobedeleted")

    summary = _second(imported, files)

    assert nonzero(summary["deleted"]) == {"group_teacher": 1}
    assert not GroupTeacher.objects.filter(group__source_id="mat8a").exists()
    assert AuditEvent.objects.filter(action=actions.GROUP_TEACHER_REMOVED).count() == 1


def test_a_group_with_pupils_is_not_removed_but_reported(imported: Path) -> None:
    files = edit(sample(), "classes.csv", "mat8a,active", "mat8a,tobedeleted")
    files = edit(files, "enrollments.csv", "e4,active", "e4,tobedeleted")
    files = edit(files, "enrollments.csv", "e5,active", "e5,tobedeleted")
    files = edit(files, "enrollments.csv", "e6,active", "e6,tobedeleted")
    files = edit(files, "enrollments.csv", "e1,active", "e1,tobedeleted")
    files = edit(files, "classes.csv", "8a,active", "8a,tobedeleted")
    # A delta file: Kari's enrollment in 8A (e2) and Alice's (e3) are not mentioned.
    files = edit(
        files, "enrollments.csv", "e2,active,,8a,nordby,kari,student,false,2026-08-17,\n", ""
    )
    files = edit(files, "enrollments.csv", "e3,active,,8a,nordby,alice,teacher,true,,\n", "")

    summary = _second(imported, files)

    # mat8a lost its only pupil in the same file; 8A still has Kari.
    assert not Group.objects.filter(source_id="mat8a").exists()
    assert Group.objects.filter(source_id="8a").exists()
    assert nonzero(summary["deleted"]) == {"group": 1, "enrollment": 3, "group_teacher": 1}
    assert {
        "file": "classes.csv",
        "line": 2,
        "value": "8a",
        "reason": "pupils are still enrolled in the group (1); not removed "
        "(mark their enrollments tobedeleted first)",
    } in summary["skipped"]
    assert AuditEvent.objects.filter(action=actions.GROUP_REMOVED).count() == 1


def test_an_active_enrollment_in_a_class_marked_tobedeleted_is_rejected(imported: Path) -> None:
    files = edit(sample(), "classes.csv", "mat8a,active", "mat8a,tobedeleted")

    summary, error = run_import(write_set(imported / "second", files))

    assert error is not None
    assert rejected(summary) == [
        (
            "enrollments.csv",
            5,
            "classSourcedId",
            'class "mat8a" is marked tobedeleted (classes.csv line 3)',
        ),
        (
            "enrollments.csv",
            6,
            "classSourcedId",
            'class "mat8a" is marked tobedeleted (classes.csv line 3)',
        ),
    ]


def test_a_staff_member_marked_tobedeleted_loses_roles_and_groups(imported: Path) -> None:
    files = edit(sample(), "users.csv", "alice,active", "alice,tobedeleted")
    for enrollment in ("e3", "e5", "e7"):
        files = edit(files, "enrollments.csv", f"{enrollment},active", f"{enrollment},tobedeleted")

    summary = _second(imported, files)

    assert not StaffRole.objects.filter(staff__source_id="alice").exists()
    assert not GroupTeacher.objects.exists()
    assert nonzero(summary["deleted"]) == {"staff_role": 2, "group_teacher": 3}
    assert StaffRole.objects.filter(staff__source_id="rektor", role=Role.LEADER).exists()


def test_a_guardian_marked_tobedeleted_loses_the_guardianships(imported: Path) -> None:
    files = edit(sample(), "users.csv", "anne,active", "anne,tobedeleted")
    files = edit(files, "users.csv", "Ola,Nordmann,,,,,,anne,08", "Ola,Nordmann,,,,,,,08")

    summary = _second(imported, files)

    assert nonzero(summary["deleted"]) == {"guardianship": 1}
    assert Guardian.objects.filter(source_id="anne").exists()
    assert not Guardianship.objects.filter(guardian__source_id="anne").exists()
    event = AuditEvent.objects.get(action=actions.GUARDIANSHIP_REMOVED)
    assert event.pupil_label == "Ola Nordmann"


def test_tobedeleted_rows_for_unknown_objects_are_skipped(tmp_path: Path) -> None:
    files = edit(sample(), "users.csv", "per,active", "per,tobedeleted")

    summary, error = run_import(write_set(tmp_path / "s", files))

    assert error is None
    assert {
        "file": "users.csv",
        "line": 7,
        "value": "per",
        "reason": "not in Sammen; nothing to remove",
    } in summary["skipped"]
    assert not Guardian.objects.filter(source_id="per").exists()
