"""``sammen import_roster --format oneroster``: mapping, idempotence, dry run, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from sammen.audit import actions
from sammen.audit.models import AuditEvent
from sammen.roster.models import (
    Enrollment,
    Group,
    GroupKind,
    GroupTeacher,
    Guardian,
    Guardianship,
    Pupil,
    Relation,
    Role,
    School,
    SchoolOwner,
    SchoolYear,
    Staff,
    StaffRole,
    Term,
)
from tests.test_import_oneroster_support import (
    PASSWORDS,
    SAMPLE_CREATED,
    edit,
    nonzero,
    rejected,
    run_import,
    run_text,
    sample,
    write_set,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample_dir(tmp_path: Path) -> Path:
    return write_set(tmp_path / "set", sample())


def test_a_valid_set_creates_every_model_and_says_how_many(sample_dir: Path) -> None:
    summary, error = run_import(sample_dir)

    assert error is None
    assert summary["format"] == "oneroster"
    assert summary["applied"] is True
    assert nonzero(summary["created"]) == SAMPLE_CREATED
    assert nonzero(summary["updated"]) == {}
    assert summary["rejected"] == []
    assert Pupil.objects.count() == 2
    assert Enrollment.objects.count() == 4


def test_the_district_becomes_the_school_owner_with_its_organisation_number(
    sample_dir: Path,
) -> None:
    run_import(sample_dir)

    owner = SchoolOwner.objects.get()
    assert (owner.name, owner.source_id, owner.org_number) == (
        "Testvik kommune",
        "kommune",
        "964965226",
    )
    school = School.objects.get()
    assert (school.owner, school.name, school.org_number) == (owner, "Nordby skole", "974123456")
    assert (school.grade_from, school.grade_to) == (8, 9)


def test_sessions_become_a_school_year_and_its_term(sample_dir: Path) -> None:
    run_import(sample_dir)

    year = SchoolYear.objects.get()
    term = Term.objects.get()
    assert (year.source_id, year.name, str(year.start_date), str(year.end_date)) == (
        "sy2026",
        "2026–2027",
        "2026-08-17",
        "2027-06-18",
    )
    assert (term.name, term.school_year) == ("Høst 2026", year)


def test_class_types_become_class_teaching_and_contact_groups(sample_dir: Path) -> None:
    run_import(sample_dir)

    groups = {g.source_id: g for g in Group.objects.all()}
    assert groups["8a"].kind == GroupKind.CLASS
    assert groups["mat8a"].kind == GroupKind.TEACHING
    assert groups["kga"].kind == GroupKind.CONTACT
    assert groups["mat8a"].subject == "Matematikk"  # from the course's title
    assert groups["8a"].subject == ""
    assert (groups["8a"].grade, groups["kga"].grade) == (8, 8)  # the lowest of "08,09"
    assert {g.school_year.source_id for g in groups.values() if g.school_year} == {"sy2026"}


def test_students_become_pupils_with_grade_birth_date_and_user_name(sample_dir: Path) -> None:
    run_import(sample_dir)

    ola = Pupil.objects.get(source_id="ola")
    assert (ola.given_name, ola.family_name, ola.grade, str(ola.birth_date), ola.username) == (
        "Ola",
        "Nordmann",
        8,
        "2012-03-01",
        "ola@testvik.no",
    )
    assert ola.active
    assert ola.school.name == "Nordby skole"
    assert set(ola.enrollments.values_list("group__source_id", flat=True)) == {"8a", "mat8a", "kga"}
    assert str(ola.enrollments.get(group__source_id="8a").start_date) == "2026-08-17"


def test_teachers_and_principals_become_staff_with_roles_at_their_school(
    sample_dir: Path,
) -> None:
    run_import(sample_dir)

    roles = set(StaffRole.objects.values_list("staff__source_id", "school__source_id", "role"))
    assert roles == {
        ("alice", "nordby", Role.TEACHER),
        ("alice", "nordby", Role.CONTACT_TEACHER),
        ("rektor", "nordby", Role.LEADER),
    }
    alice = Staff.objects.get(source_id="alice")
    assert (alice.username, alice.email, alice.phone) == (
        "alice@testvik.no",
        "alice@testvik.no",
        "22000001",
    )


def test_the_primary_teacher_of_a_class_or_contact_group_is_its_contact_teacher(
    sample_dir: Path,
) -> None:
    run_import(sample_dir)

    links = set(
        GroupTeacher.objects.values_list(
            "group__source_id", "staff__source_id", "is_contact_teacher"
        )
    )
    assert links == {("8a", "alice", True), ("kga", "alice", True), ("mat8a", "alice", False)}


def test_guardians_are_linked_from_either_side_of_agent_sourced_ids(sample_dir: Path) -> None:
    run_import(sample_dir)

    ships = {
        (s.pupil.source_id, s.guardian.source_id): s
        for s in Guardianship.objects.select_related("pupil", "guardian")
    }
    assert set(ships) == {("ola", "anne"), ("kari", "per")}
    # Anne is named in Ola's row; Per names Kari in his own.
    assert ships["ola", "anne"].relation == Relation.PARENT
    assert ships["ola", "anne"].parental_responsibility
    assert ships["kari", "per"].relation == Relation.OTHER
    assert not ships["kari", "per"].parental_responsibility
    anne = Guardian.objects.get(source_id="anne")
    assert (anne.email, anne.phone) == ("anne@example.no", "91234567")  # sms is the mobile


def test_every_created_object_has_an_audit_event_and_the_import_a_summary(
    sample_dir: Path,
) -> None:
    run_import(sample_dir)

    events = AuditEvent.objects.all()
    assert events.count() == sum(SAMPLE_CREATED.values()) + 1
    assert set(events.values_list("actor_label", flat=True)) == {"system: import_roster"}
    assert events.filter(action=actions.PUPIL_SAVED).count() == 2
    assert events.filter(action=actions.ENROLLMENT_SAVED).count() == 4
    assert events.filter(action=actions.GUARDIANSHIP_SAVED).count() == 2
    summary = events.get(action=actions.ROSTER_IMPORTED)
    assert summary.changes["created"]["new"]["pupil"] == 2
    ola_event = events.get(action=actions.PUPIL_SAVED, object_label="Ola Nordmann")
    assert ola_event.changes["birth_date"] == {"old": None, "new": "2012-03-01"}
    assert ola_event.school_label == "Nordby skole"
    assert ola_event.pupil_label == "Ola Nordmann"


def test_reimporting_the_same_files_changes_nothing_and_writes_no_audit_event(
    sample_dir: Path,
) -> None:
    run_import(sample_dir)
    events = AuditEvent.objects.count()

    summary, error = run_import(sample_dir)

    assert error is None
    assert nonzero(summary["created"]) == {}
    assert nonzero(summary["updated"]) == {}
    assert nonzero(summary["deleted"]) == {}
    assert nonzero(summary["unchanged"]) == SAMPLE_CREATED
    assert AuditEvent.objects.count() == events


def test_a_changed_row_is_updated_and_audited_with_old_and_new_values(
    tmp_path: Path, sample_dir: Path
) -> None:
    run_import(sample_dir)
    files = edit(sample(), "users.csv", "Ola,Nordmann,,,,,,anne,08", "Ola,Nordmann,,,,,,anne,09")

    summary, _ = run_import(write_set(tmp_path / "changed", files))

    assert nonzero(summary["updated"]) == {"pupil": 1}
    assert Pupil.objects.get(source_id="ola").grade == 9
    event = AuditEvent.objects.filter(action=actions.PUPIL_SAVED).first()
    assert event is not None
    assert event.changes == {"grade": {"old": 8, "new": 9}}


def test_a_guardians_contact_details_in_sammen_win_over_a_later_import(
    tmp_path: Path, sample_dir: Path
) -> None:
    run_import(sample_dir)
    Guardian.objects.filter(source_id="anne").update(phone="40000000")
    files = edit(sample(), "users.csv", "Anne,Nordmann", "Anne Marie,Nordmann")

    summary, _ = run_import(write_set(tmp_path / "changed", files))

    anne = Guardian.objects.get(source_id="anne")
    assert (anne.given_name, anne.phone) == ("Anne Marie", "40000000")
    assert nonzero(summary["updated"]) == {"guardian": 1}


def test_a_dry_run_writes_nothing_and_reports_what_the_import_would_do(
    sample_dir: Path,
) -> None:
    summary, error = run_import(sample_dir, "--dry-run")

    assert error is None
    assert summary["dry_run"] is True
    assert summary["applied"] is False
    assert nonzero(summary["created"]) == SAMPLE_CREATED
    assert SchoolOwner.objects.count() == 0
    assert Pupil.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_a_dry_run_of_a_set_with_errors_exits_non_zero(tmp_path: Path) -> None:
    files = edit(sample(), "enrollments.csv", "e1,active,,8a", "e1,active,,9z")

    summary, error = run_import(write_set(tmp_path / "bad", files), "--dry-run")

    assert error is not None
    assert len(summary["rejected"]) == 1


def test_one_bad_row_in_enrollments_means_no_pupil_is_written(tmp_path: Path) -> None:
    files = edit(sample(), "enrollments.csv", "e6,active,,kga", "e6,active,,nosuchclass")

    summary, error = run_import(write_set(tmp_path / "bad", files))

    assert error is not None
    assert "nothing was imported" in str(error)
    assert summary["applied"] is False
    assert rejected(summary) == [
        (
            "enrollments.csv",
            7,
            "classSourcedId",
            'unknown class "nosuchclass": not in classes.csv and not in Sammen',
        )
    ]
    assert Pupil.objects.count() == 0
    assert SchoolOwner.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_every_bad_row_is_reported_not_only_the_first(tmp_path: Path) -> None:
    files = sample()
    files = edit(files, "demographics.csv", "2012-03-01", "1/03/2012")
    files = edit(files, "enrollments.csv", "e2,active,,8a,nordby,kari", "e2,active,,8a,nordby,knut")
    files = edit(
        files,
        "enrollments.csv",
        "e5,active,,mat8a,nordby,alice,teacher,false",
        "e5,active,,mat8a,nordby,alice,teacher,maybe",
    )

    summary, error = run_import(write_set(tmp_path / "bad", files))

    assert error is not None
    assert rejected(summary) == [
        (
            "demographics.csv",
            2,
            "birthDate",
            'expected a date YYYY-MM-DD, got "1/03/2012"',
        ),
        (
            "enrollments.csv",
            3,
            "userSourcedId",
            'unknown user "knut": not in users.csv and not in Sammen',
        ),
        ("enrollments.csv", 6, "primary", 'expected true or false, got "maybe"'),
    ]


def test_skip_invalid_imports_the_good_rows_and_rejects_the_rows_that_need_a_bad_one(
    tmp_path: Path,
) -> None:
    files = edit(
        sample(), "users.csv", "kari,active,,true,nordby,student", "kari,active,,true,sørby,student"
    )

    summary, error = run_import(write_set(tmp_path / "bad", files), "--skip-invalid")

    assert error is None
    assert summary["applied"] is True
    assert rejected(summary) == [
        ("users.csv", 5, "orgSourcedIds", 'unknown org "sørby": not in orgs.csv and not in Sammen'),
        (
            "users.csv",
            7,
            "agentSourcedIds",
            'user "kari" was rejected (users.csv line 5); the guardianship is not imported',
        ),
        ("demographics.csv", 3, "sourcedId", 'user "kari" was rejected (users.csv line 5)'),
        ("enrollments.csv", 3, "userSourcedId", 'user "kari" was rejected (users.csv line 5)'),
    ]
    assert list(Pupil.objects.values_list("source_id", flat=True)) == ["ola"]
    assert Enrollment.objects.count() == 3
    assert Guardian.objects.filter(source_id="per").exists()  # only the link to Kari is gone
    assert not Guardianship.objects.filter(guardian__source_id="per").exists()


def test_the_password_never_reaches_the_database_or_the_audit_trail(sample_dir: Path) -> None:
    summary, _ = run_import(sample_dir)

    assert not any(p in str(summary) for p in PASSWORDS)
    found: list[tuple[str, str]] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                text = " ".join(str(value) for value in row)
                found.extend((table, p) for p in PASSWORDS if p in text)
    assert found == []


def test_the_json_summary_has_the_contract_shape(tmp_path: Path) -> None:
    files = edit(sample(), "demographics.csv", "2011-05-20", "20.05.2011")

    summary, _ = run_import(write_set(tmp_path / "bad", files), "--skip-invalid")

    assert {
        "format",
        "dry_run",
        "created",
        "updated",
        "unchanged",
        "deleted",
        "skipped",
        "rejected",
    } <= set(summary)
    assert set(summary["created"]) == set(SAMPLE_CREATED)
    assert summary["rejected"] == [
        {
            "file": "demographics.csv",
            "line": 3,
            "field": "birthDate",
            "value": "20.05.2011",
            "reason": 'expected a date YYYY-MM-DD, got "20.05.2011"',
        }
    ]


def test_the_human_summary_lists_each_error_by_file_line_and_field(tmp_path: Path) -> None:
    files = edit(sample(), "demographics.csv", "2012-03-01", "1/05/2023")

    text, error = run_text(write_set(tmp_path / "bad", files))

    assert error is not None
    assert "Nothing was imported: 1 row with errors" in text
    assert (
        'demographics.csv line 2, field birthDate: expected a date YYYY-MM-DD, got "1/05/2023"'
        in text
    )
    assert "created: 1 school_owner, 1 school" in text


def test_a_set_without_a_district_uses_the_owner_option(tmp_path: Path) -> None:
    files = edit(
        sample(), "orgs.csv", "kommune,active,2026-08-01,Testvik kommune,district,964965226,\n", ""
    )

    summary, error = run_import(write_set(tmp_path / "s", files), "--owner", "Nordvik kommune")

    assert error is None
    assert SchoolOwner.objects.get().name == "Nordvik kommune"
    assert summary["notes"][0]["note"] == (
        'parent org "kommune" is not in orgs.csv or Sammen, not the school owner; ignored'
    )


def test_a_set_without_a_district_uses_the_only_school_owner_in_sammen(tmp_path: Path) -> None:
    owner = SchoolOwner.objects.create(name="Eneste kommune")
    files = edit(
        sample(), "orgs.csv", "kommune,active,2026-08-01,Testvik kommune,district,964965226,\n", ""
    )

    run_import(write_set(tmp_path / "s", files))

    assert School.objects.get().owner == owner


def test_a_set_without_a_district_or_owner_is_refused_with_a_hint(tmp_path: Path) -> None:
    SchoolOwner.objects.create(name="A kommune")
    SchoolOwner.objects.create(name="B kommune")
    files = edit(
        sample(), "orgs.csv", "kommune,active,2026-08-01,Testvik kommune,district,964965226,\n", ""
    )

    summary, error = run_import(write_set(tmp_path / "s", files))

    assert error is not None
    assert rejected(summary) == [
        (
            "orgs.csv",
            None,
            "type",
            "orgs.csv has no district org and Sammen has several school owners: "
            'give --owner "Name"',
        )
    ]


def test_objects_entered_by_hand_are_left_alone(sample_dir: Path) -> None:
    run_import(sample_dir)
    owner = SchoolOwner.objects.get()
    manual = School.objects.create(owner=owner, name="Nordby skole")  # no source_id

    summary, _ = run_import(sample_dir)

    assert nonzero(summary["updated"]) == {}
    assert School.objects.filter(pk=manual.pk).exists()
    assert School.objects.count() == 2
