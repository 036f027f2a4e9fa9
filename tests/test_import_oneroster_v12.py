"""OneRoster 1.2: roles from roles.csv, primaryOrgSourcedId, and userProfiles.csv left unread."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from sammen.roster.models import Guardian, Guardianship, Relation, Role, Staff, StaffRole
from tests.test_import_oneroster_support import (
    SAMPLE_CREATED,
    edit,
    nonzero,
    rejected,
    run_import,
    sample,
    write_set,
)

pytestmark = pytest.mark.django_db

USERS_12 = """\
    sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns
    alice,active,,true,alice@testvik.no,,Alice,Lærer,,,alice@testvik.no,,22000001,,,Hemmelig-Alice-1,,,,,nordby,
    rektor,active,,true,rita@testvik.no,,Rita,Rektor,,,rita@testvik.no,,,,,,,,,,nordby,
    ola,active,,true,ola@testvik.no,,Ola,Nordmann,,,,,,anne,08,Hemmelig-Ola-2,,,,,nordby,
    kari,active,,true,kari@testvik.no,,Kari,Nordmann,,,,,,,09,,,,,,nordby,
    anne,active,,true,,,Anne,Nordmann,,,anne@example.no,91234567,,,,,,,,,,
    per,active,,true,,,Per,Hansen,,,,,,kari,,,,,,,,
    """
ROLES_12 = """\
    sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId
    r1,active,,alice,primary,teacher,,,nordby,
    r2,active,,rektor,primary,principal,,,nordby,
    r3,active,,ola,primary,student,,,nordby,
    r4,active,,kari,primary,student,,,nordby,
    r5,active,,anne,primary,parent,,,kommune,
    r6,active,,per,primary,relative,,,kommune,
    """
PROFILES_12 = """\
    sourcedId,status,dateLastModified,userSourcedId,profileType,vendorId,applicationId,description,credentialType,username,password
    p1,active,,ola,app,v1,a1,,password,ola.app,Hemmelig-Profil-3
    """


def sample_12(**changes: str | None) -> dict[str, str]:
    files = {"users_csv": USERS_12, "roles_csv": ROLES_12, "userProfiles_csv": PROFILES_12}
    return sample(**{**files, **changes})


def test_a_v12_set_imports_the_same_roster_as_its_v11_twin(tmp_path: Path) -> None:
    summary, error = run_import(write_set(tmp_path / "s", sample_12()))

    assert error is None
    assert summary["version"] == "1.2"
    assert nonzero(summary["created"]) == SAMPLE_CREATED
    assert set(StaffRole.objects.values_list("staff__source_id", "role")) == {
        ("alice", Role.TEACHER),
        ("alice", Role.CONTACT_TEACHER),
        ("rektor", Role.LEADER),
    }


def test_user_profiles_are_never_read_so_their_passwords_never_reach_the_database(
    tmp_path: Path,
) -> None:
    summary, _ = run_import(write_set(tmp_path / "s", sample_12()))

    assert {
        "file": "userProfiles.csv",
        "line": None,
        "field": None,
        "value": None,
        "note": "not read: it holds credentials for other applications, which Sammen never keeps",
    } in summary["notes"]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                assert "Hemmelig" not in " ".join(map(str, row)), table


def test_a_teacher_can_also_be_a_guardian(tmp_path: Path) -> None:
    files = edit(
        sample_12(),
        "roles.csv",
        "r6,active",
        "r7,active,,alice,secondary,guardian,,,nordby,\nr6,active",
    )
    files = edit(files, "users.csv", "Kari,Nordmann,,,,,,,09", "Kari,Nordmann,,,,,,alice,09")

    run_import(write_set(tmp_path / "s", files))

    assert Staff.objects.filter(source_id="alice").exists()
    alice = Guardian.objects.get(source_id="alice")
    ship = Guardianship.objects.get(guardian=alice)
    assert (ship.pupil.source_id, ship.relation) == ("kari", Relation.GUARDIAN)


def test_a_rejected_role_row_rejects_its_user_and_what_needs_the_user(tmp_path: Path) -> None:
    files = edit(
        sample_12(),
        "roles.csv",
        "r4,active,,kari,primary,student,,,nordby",
        "r4,active,,kari,primary,student,,,sorby",
    )

    summary, _ = run_import(write_set(tmp_path / "s", files), "--skip-invalid")

    problems = rejected(summary)
    assert problems[:3] == [
        ("users.csv", 5, "sourcedId", "its role in roles.csv line 5 was rejected"),
        (
            "users.csv",
            7,
            "agentSourcedIds",
            'user "kari" was rejected (users.csv line 5); the guardianship is not imported',
        ),
        ("roles.csv", 5, "orgSourcedId", 'unknown org "sorby": not in orgs.csv and not in Sammen'),
    ]
    assert (
        "enrollments.csv",
        3,
        "userSourcedId",
        'user "kari" was rejected (users.csv line 5)',
    ) in problems


def test_a_role_row_marked_tobedeleted_removes_the_staff_role(tmp_path: Path) -> None:
    run_import(write_set(tmp_path / "first", sample_12()))
    files = edit(sample_12(), "roles.csv", "r2,active", "r2,tobedeleted")

    summary, error = run_import(write_set(tmp_path / "second", files))

    assert error is None
    assert nonzero(summary["deleted"]) == {"staff_role": 1}
    assert not StaffRole.objects.filter(staff__source_id="rektor").exists()


def test_user_profiles_with_role_columns_stand_in_for_a_missing_roles_csv(tmp_path: Path) -> None:
    # As in moodle-enrol_oneroster's v1.2 test set: the roles, under another (lower-case) name.
    files = sample_12(roles_csv=None, userProfiles_csv=None)
    files["userprofiles.csv"] = sample_12()["roles.csv"]

    summary, error = run_import(write_set(tmp_path / "s", files))

    assert error is None
    assert nonzero(summary["created"]) == SAMPLE_CREATED
    assert {
        "file": "userprofiles.csv",
        "line": None,
        "field": None,
        "value": None,
        "note": "has the columns of roles.csv; read as roles",
    } in summary["notes"]
