"""The real OneRoster sets in ../shared/data (GPL: read in place, never copied into the project).

- catalyst ``oneroster_test_data`` (1.2, delta): clean, imports.
- catalyst ``Test_full_data_set`` (1.1) and ``v1p2_full_dataset`` (1.2, with defects): their only
  org is a department whose parent school is missing, so on their own every row is rejected; with
  that school in Sammen they import, except the enrollments of a teacher as a student and the
  enrollments in a class marked tobedeleted.
- oat-sa ``OneRosterv1p1BaseCSV`` (non-conformant 1.1): its classes name a term "1" that exists
  nowhere, so the classes and their enrollments are rejected; schools and pupils import.
"""

from __future__ import annotations

import pytest
from django.db import connection

from sammen.audit.models import AuditEvent
from sammen.roster.models import (
    Group,
    GroupKind,
    Guardianship,
    Pupil,
    Relation,
    Role,
    School,
    SchoolOwner,
    SchoolYear,
    Staff,
    StaffRole,
)
from tests.test_import_oneroster_support import SHARED_DATA, nonzero, rejected, run_import

CATALYST = SHARED_DATA / "oneroster" / "catalyst-moodle-enrol_oneroster"
OAT = SHARED_DATA / "oneroster" / "oat-sa-oneroster-import" / "OneRosterv1p1BaseCSV"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not (SHARED_DATA / "oneroster").is_dir(), reason="../shared/data/oneroster is not here"
    ),
]

# The defects both catalyst full sets share, once the department's school exists.
FULL_SET_REJECTED = [
    ("enrollments.csv", 3, "role", 'user "usr-222-987654" is a teacher, not a student'),
    (
        "enrollments.csv",
        5,
        "classSourcedId",
        'class "cls-222-123478" is marked tobedeleted (classes.csv line 3)',
    ),
    (
        "enrollments.csv",
        6,
        "classSourcedId",
        'class "cls-222-123478" is marked tobedeleted (classes.csv line 3)',
    ),
    ("enrollments.csv", 6, "role", 'user "usr-222-987654" is a teacher, not a student'),
    (
        "enrollments.csv",
        7,
        "classSourcedId",
        'class "cls-222-123478" is marked tobedeleted (classes.csv line 3)',
    ),
]
FULL_SET_SKIPPED = [
    ("academicSessions.csv", 2, "academic sessions are not removed by an import"),
    ("academicSessions.csv", 4, "academic sessions are not removed by an import"),
    ("classes.csv", 3, "not in Sammen; nothing to remove"),
]
MISSING_PARENT = (
    "orgs.csv",
    2,
    "parentSourcedId",
    'parent org "org-sch-222-3456" does not exist: a department must belong to a school in '
    "orgs.csv or already in Sammen",
)


@pytest.fixture
def history_school() -> School:
    """The school the catalyst sets' "History Department" belongs to, already in Sammen."""
    owner = SchoolOwner.objects.create(name="Testvik kommune")
    return School.objects.create(owner=owner, name="Historie skole", source_id="org-sch-222-3456")


def _rejected_rows(summary: dict[str, object]) -> set[tuple[str, int | None]]:
    return {(file, line) for file, line, _, _ in rejected(summary)}


def _skipped(summary: dict[str, list[dict[str, object]]]) -> list[tuple[object, ...]]:
    return [(s["file"], s["line"], s["reason"]) for s in summary["skipped"]]


def test_the_clean_v12_set_imports_with_exact_counts() -> None:
    summary, error = run_import(CATALYST / "oneroster_test_data", "--owner", "Gotham kommune")

    assert error is None
    assert summary["version"] == "1.2"
    assert nonzero(summary["created"]) == {
        "school_owner": 1,
        "school": 1,
        "school_year": 1,
        "term": 1,
        "group": 1,
        "pupil": 1,
        "enrollment": 1,
    }
    bruce = Pupil.objects.get(source_id="USER_0")
    assert (bruce.full_name, str(bruce.birth_date), bruce.username, bruce.school.name) == (
        "Bruce Wayne",
        "2010-04-17",
        "brucewayne",
        "Gotham High School",
    )
    group = Group.objects.get()
    assert (group.kind, group.subject) == (GroupKind.TEACHING, "Crime Fighting 101")
    year = SchoolYear.objects.get()
    assert (year.name, str(year.start_date), str(year.end_date)) == (
        "2023–2024",
        "2023-08-01",
        "2024-07-31",
    )


def test_the_clean_v12_set_imported_twice_changes_nothing() -> None:
    run_import(CATALYST / "oneroster_test_data", "--owner", "Gotham kommune")
    events = AuditEvent.objects.count()

    summary, error = run_import(CATALYST / "oneroster_test_data", "--owner", "Gotham kommune")

    assert error is None
    assert nonzero(summary["created"]) == nonzero(summary["updated"]) == {}
    assert AuditEvent.objects.count() == events


def test_the_clean_v12_set_never_stores_the_password_column() -> None:
    run_import(CATALYST / "oneroster_test_data", "--owner", "Gotham kommune")

    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                assert "Batman.Ru1ez" not in " ".join(map(str, row)), table


def test_the_v11_full_set_alone_is_rejected_because_its_department_has_no_school() -> None:
    summary, error = run_import(CATALYST / "Test_full_data_set", "--owner", "Testvik kommune")

    assert error is not None
    assert rejected(summary)[0] == MISSING_PARENT
    assert _rejected_rows(summary) == {
        ("orgs.csv", 2),
        ("classes.csv", 2),
        *(("users.csv", line) for line in range(2, 8)),
        *(("enrollments.csv", line) for line in range(2, 8)),
    }
    assert (
        "classes.csv",
        2,
        "schoolSourcedId",
        'org "org-sch-222-456" was rejected (orgs.csv line 2)',
    ) in rejected(summary)
    assert _skipped(summary) == FULL_SET_SKIPPED
    assert SchoolOwner.objects.count() == 0


def test_the_v11_full_set_imports_its_valid_rows_once_the_school_exists(
    history_school: School,
) -> None:
    summary, error = run_import(CATALYST / "Test_full_data_set", "--skip-invalid")

    assert error is None
    assert rejected(summary) == FULL_SET_REJECTED
    assert _skipped(summary) == FULL_SET_SKIPPED
    assert nonzero(summary["created"]) == {
        "school_year": 2,
        "term": 2,
        "group": 1,
        "pupil": 3,
        "staff": 2,
        "guardian": 1,
        "staff_role": 2,
        "enrollment": 1,
        "group_teacher": 1,
        "guardianship": 1,
    }
    group = Group.objects.get()
    assert (group.school, group.kind, group.grade) == (history_school, GroupKind.TEACHING, 9)
    assert group.subject == "Science, Physics, Biology"
    assert group.school_year is not None
    assert (group.school_year.name, group.school_year.source_id) == ("2022–2023", "as-syr-222-2023")
    # Thomas (a parent) names Mary in his agentSourcedIds.
    ship = Guardianship.objects.select_related("pupil", "guardian").get()
    assert (ship.pupil.full_name, ship.guardian.full_name, ship.relation) == (
        "Mary Jones",
        "Thomas Jones",
        Relation.PARENT,
    )
    assert set(Pupil.objects.values_list("grade", flat=True)) == {None}  # US grades 11 and 12


def test_the_v11_full_set_is_still_all_or_nothing_with_the_school(history_school: School) -> None:
    summary, error = run_import(CATALYST / "Test_full_data_set")

    assert error is not None
    assert rejected(summary) == FULL_SET_REJECTED
    assert Pupil.objects.count() == 0


def test_the_defective_v12_full_set_alone_is_rejected_row_by_row() -> None:
    summary, error = run_import(CATALYST / "v1p2_full_dataset", "--owner", "Testvik kommune")

    assert error is not None
    assert summary["version"] == "1.2"
    assert rejected(summary)[0] == MISSING_PARENT
    assert _rejected_rows(summary) == {
        ("orgs.csv", 2),
        ("classes.csv", 2),
        *(("users.csv", line) for line in range(2, 8)),
        *(("roles.csv", line) for line in range(2, 9)),
        *(("enrollments.csv", line) for line in range(2, 8)),
    }
    assert ("users.csv", 2, "sourcedId", "its role in roles.csv line 2 was rejected") in rejected(
        summary
    )
    # "1/05/2023" is in dateLastModified, which Sammen does not read: no error for it.
    assert not any("1/05/2023" in reason for _, _, _, reason in rejected(summary))


def test_the_defective_v12_full_set_notes_what_it_tolerates() -> None:
    summary, _ = run_import(CATALYST / "v1p2_full_dataset", "--owner", "Testvik kommune")

    notes = {(n["file"], n["field"], n["note"]) for n in summary["notes"]}
    assert ("roles.csv", "dataLastModified", "read as dateLastModified") in notes
    assert ("users.csv", "prefferedGivenName", "not a OneRoster column; ignored") in notes
    assert (
        "userprofiles.csv",
        None,
        "not read: it holds credentials for other applications, which Sammen never keeps",
    ) in notes
    assert (
        "academicSessions.csv",
        "status",
        'OneRoster 1.0 status "inactive" is read as tobedeleted',
    ) in notes
    assert (
        "academicSessions.csv",
        "parentSourcedId",
        'parent session "as-syr-222-2023" is not in the files or Sammen: school year 2022–2023 '
        'is made for it with sourcedId "as-syr-222-2023"',
    ) in notes


def test_the_defective_v12_full_set_imports_its_valid_rows_once_the_school_exists(
    history_school: School,
) -> None:
    summary, error = run_import(CATALYST / "v1p2_full_dataset", "--skip-invalid")

    assert error is None
    assert rejected(summary) == FULL_SET_REJECTED
    assert _skipped(summary) == FULL_SET_SKIPPED
    assert nonzero(summary["created"]) == {
        "school_year": 2,
        "term": 2,
        "group": 1,
        "pupil": 3,
        "staff": 3,
        "guardian": 1,
        "staff_role": 3,
        "enrollment": 1,
        "group_teacher": 1,
        "guardianship": 2,
    }
    # John Doe is a teacher and, in roles.csv, also a guardian: of Mary and of mmichel.
    assert Staff.objects.filter(source_id="usr-222-123456").exists()
    ships = Guardianship.objects.filter(guardian__source_id="usr-222-123456")
    assert sorted(ships.values_list("pupil__given_name", "relation")) == [
        ("Mary", Relation.GUARDIAN),
        ("mmichel", Relation.GUARDIAN),
    ]
    assert set(StaffRole.objects.values_list("staff__given_name", "role")) == {
        ("John", Role.TEACHER),
        ("Jim", Role.TEACHER),
        ("Thomas", Role.LEADER),  # siteAdministrator
    }


def test_the_non_conformant_oat_set_rejects_classes_with_an_unknown_term() -> None:
    summary, error = run_import(OAT, "--owner", "Testvik kommune", "--skip-invalid")

    assert error is None
    assert summary["version"] == "1.1"
    unknown = 'unknown academic session "1": not in academicSessions.csv and not in Sammen'
    assert rejected(summary) == [
        ("classes.csv", 2, "termSourcedIds", unknown),
        ("classes.csv", 3, "termSourcedIds", unknown),
        ("classes.csv", 4, "termSourcedIds", unknown),
        (
            "enrollments.csv",
            2,
            "classSourcedId",
            'class "class1" was rejected (classes.csv line 2)',
        ),
        (
            "enrollments.csv",
            3,
            "classSourcedId",
            'class "class2" was rejected (classes.csv line 3)',
        ),
        (
            "enrollments.csv",
            4,
            "classSourcedId",
            'class "class3" was rejected (classes.csv line 4)',
        ),
    ]
    assert nonzero(summary["created"]) == {"school_owner": 1, "school": 2, "pupil": 2}
    notes = {(n["file"], n["field"], n["note"]) for n in summary["notes"]}
    assert ("users.csv", "agents", "read as agentSourcedIds") in notes
    assert ("classes.csv", "grade", "read as grades") in notes
    assert (
        "users.csv",
        "ext_imagineLearning_studentPassword",
        "not a OneRoster column; ignored",
    ) in notes
    assert (
        "orgs.csv",
        "parentSourcedId",
        'parent org "54321" is a school, not the school owner; ignored',
    ) in notes


def test_the_non_conformant_oat_set_writes_nothing_without_skip_invalid() -> None:
    summary, error = run_import(OAT, "--owner", "Testvik kommune")

    assert error is not None
    assert len(rejected(summary)) == 6
    assert SchoolOwner.objects.count() == 0
