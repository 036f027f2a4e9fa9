"""Each kind of bad input gets a message naming the file, the line and the field."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sammen.roster.models import Group, Pupil, SchoolOwner
from tests.test_import_oneroster_support import (
    edit,
    nonzero,
    rejected,
    run_import,
    sample,
    write_set,
)

pytestmark = pytest.mark.django_db


def test_a_missing_directory_is_refused(tmp_path: Path) -> None:
    summary, error = run_import(tmp_path / "nowhere")

    assert error is not None
    assert rejected(summary) == [
        (str(tmp_path / "nowhere"), None, None, "directory does not exist")
    ]


def test_a_file_instead_of_a_directory_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "users.csv"
    path.write_text("sourcedId\n")

    summary, error = run_import(path)

    assert error is not None
    assert rejected(summary) == [(str(path), None, None, "is not a directory")]


def test_every_missing_required_file_is_named(tmp_path: Path) -> None:
    files = sample(users_csv=None, enrollments_csv=None)

    summary, error = run_import(write_set(tmp_path / "s", files))

    assert error is not None
    assert rejected(summary) == [
        ("users.csv", None, None, "required file is missing"),
        ("enrollments.csv", None, None, "required file is missing"),
    ]
    assert SchoolOwner.objects.count() == 0


def test_a_missing_required_column_is_named(tmp_path: Path) -> None:
    files = edit(sample(), "users.csv", ",givenName,familyName,", ",firstName,familyName,")

    summary, error = run_import(write_set(tmp_path / "s", files))

    assert error is not None
    assert ("users.csv", 1, "givenName", "required column is missing") in rejected(summary)


def test_users_without_a_role_column_need_roles_csv(tmp_path: Path) -> None:
    files = edit(sample(), "users.csv", ",orgSourcedIds,role,", ",orgSourcedIds,function,")

    summary, error = run_import(write_set(tmp_path / "s", files))

    assert error is not None
    assert rejected(summary) == [
        (
            "users.csv",
            1,
            "role",
            "required column is missing (there is no roles.csv to give the roles)",
        )
    ]


def test_a_file_that_is_not_utf8_is_refused_naming_the_line(tmp_path: Path) -> None:
    directory = write_set(tmp_path / "s", sample())
    text = (directory / "users.csv").read_text(encoding="utf-8")
    (directory / "users.csv").write_bytes(text.encode("latin-1"))

    summary, error = run_import(directory)

    assert error is not None
    [(file, line, field, reason)] = rejected(summary)
    assert (file, line, field) == ("users.csv", 2, None)
    assert reason.startswith("is not UTF-8 (byte 0xe6 at column")


def test_a_utf16_file_is_refused(tmp_path: Path) -> None:
    directory = write_set(tmp_path / "s", sample())
    text = (directory / "orgs.csv").read_text(encoding="utf-8")
    (directory / "orgs.csv").write_bytes(text.encode("utf-16"))

    summary, error = run_import(directory)

    assert error is not None
    assert rejected(summary) == [
        (
            "orgs.csv",
            1,
            None,
            "is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8",
        )
    ]


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "classes.csv",
            "8a,active,,8A,08,,8A,homeroom,,nordby",
            "8a,active,,8A,08,,8A,homeroom,,sørby",
            (
                "classes.csv",
                2,
                "schoolSourcedId",
                'unknown org "sørby": not in orgs.csv and not in Sammen',
            ),
        ),
        (
            "classes.csv",
            "mat8a,active,,Matematikk 8A,08,mat8,,scheduled,,nordby,h2026",
            "mat8a,active,,Matematikk 8A,08,mat8,,scheduled,,nordby,v2027",
            (
                "classes.csv",
                3,
                "termSourcedIds",
                'unknown academic session "v2027": not in academicSessions.csv and not in Sammen',
            ),
        ),
        (
            "users.csv",
            "ola,active,,true,nordby,student,ola@testvik.no,,Ola,Nordmann,,,,,,anne",
            "ola,active,,true,nordby,student,ola@testvik.no,,Ola,Nordmann,,,,,,anna",
            (
                "users.csv",
                4,
                "agentSourcedIds",
                'unknown user "anna": not in users.csv and not in Sammen; '
                "the guardianship is not imported",
            ),
        ),
        (
            "enrollments.csv",
            "e4,active,,mat8a,nordby,ola",
            "e4,active,,mat9a,nordby,ola",
            (
                "enrollments.csv",
                5,
                "classSourcedId",
                'unknown class "mat9a": not in classes.csv and not in Sammen',
            ),
        ),
        (
            "enrollments.csv",
            "e4,active,,mat8a,nordby,ola",
            "e4,active,,mat8a,nordby,olav",
            (
                "enrollments.csv",
                5,
                "userSourcedId",
                'unknown user "olav": not in users.csv and not in Sammen',
            ),
        ),
        (
            "demographics.csv",
            "kari,active",
            "karin,active",
            (
                "demographics.csv",
                3,
                "sourcedId",
                'unknown user "karin": not in users.csv and not in Sammen',
            ),
        ),
        (
            "academicSessions.csv",
            "2026-08-17,2026-12-18",
            "2026-08-17,18.12.2026",
            ("academicSessions.csv", 3, "endDate", 'expected a date YYYY-MM-DD, got "18.12.2026"'),
        ),
        (
            "academicSessions.csv",
            "2026-08-17,2027-06-18",
            "2026-08-17,2026-06-18",
            ("academicSessions.csv", 2, "endDate", "ends before it starts (2026-08-17)"),
        ),
        (
            "enrollments.csv",
            "e1,active,,8a,nordby,ola,student,false,2026-08-17,",
            "e1,active,,8a,nordby,ola,student,false,2026-02-30,",
            ("enrollments.csv", 2, "beginDate", 'expected a date YYYY-MM-DD, got "2026-02-30"'),
        ),
        (
            "demographics.csv",
            "2012-03-01",
            "1/05/2023",
            ("demographics.csv", 2, "birthDate", 'expected a date YYYY-MM-DD, got "1/05/2023"'),
        ),
        (
            "users.csv",
            "Rita,Rektor",
            ",Rektor",
            ("users.csv", 3, "givenName", "is required but empty"),
        ),
        (
            "classes.csv",
            "8A,08,,8A,homeroom",
            "8A,08,,8A,",
            ("classes.csv", 2, "classType", "is required but empty"),
        ),
        (
            "classes.csv",
            "8A,08,,8A,homeroom",
            "8A,08,,8A,lecture",
            ("classes.csv", 2, "classType", 'expected one of homeroom, scheduled, got "lecture"'),
        ),
        (
            "orgs.csv",
            "Nordby skole,school",
            "Nordby skole,skole",
            (
                "orgs.csv",
                3,
                "type",
                'expected one of school, department, district, local, state, national, got "skole"',
            ),
        ),
        (
            "users.csv",
            "rita@testvik.no,,,,,",
            "rita(at)testvik.no,,,,,",
            ("users.csv", 3, "email", 'expected an e-mail address, got "rita(at)testvik.no"'),
        ),
        (
            "users.csv",
            "per,active",
            "per,deleted",
            ("users.csv", 7, "status", 'expected active or tobedeleted, got "deleted"'),
        ),
        (
            "enrollments.csv",
            "e3,active,,8a,nordby,alice,teacher",
            "e3,active,,8a,nordby,kari,teacher",
            ("enrollments.csv", 4, "role", 'user "kari" is a student, not a teacher or aide'),
        ),
    ],
)
def test_a_bad_value_is_reported_with_file_line_and_field(
    tmp_path: Path, file: str, old: str, new: str, expected: tuple[str, int, str, str]
) -> None:
    files = edit(sample(), file, old, new)

    summary, error = run_import(write_set(tmp_path / "s", files))

    assert error is not None
    assert rejected(summary)[0] == expected
    assert Pupil.objects.count() == 0


def test_a_duplicate_sourced_id_rejects_every_row_that_has_it(tmp_path: Path) -> None:
    files = edit(sample(), "enrollments.csv", "e7,active", "e6,active")

    summary, _ = run_import(write_set(tmp_path / "s", files))

    assert rejected(summary) == [
        ("enrollments.csv", 7, "sourcedId", 'duplicate sourcedId "e6": also on line 8'),
        ("enrollments.csv", 8, "sourcedId", 'duplicate sourcedId "e6": also on line 7'),
    ]


def test_a_row_with_more_values_than_columns_is_rejected_without_echoing_them(
    tmp_path: Path,
) -> None:
    files = edit(sample(), "users.csv", "Hemmelig-Alice-1", "Hemmelig-Alice-1,extra")

    summary, _ = run_import(write_set(tmp_path / "s", files))

    assert summary["rejected"][0] == {
        "file": "users.csv",
        "line": 2,
        "field": None,
        "value": None,
        "reason": "has 1 more values than the header has columns",
    }


def test_a_teacher_enrolled_as_a_student_is_rejected(tmp_path: Path) -> None:
    files = edit(
        sample(), "enrollments.csv", "e2,active,,8a,nordby,kari", "e2,active,,8a,nordby,rektor"
    )

    summary, _ = run_import(write_set(tmp_path / "s", files))

    assert rejected(summary) == [
        ("enrollments.csv", 3, "role", 'user "rektor" is a principal, not a student')
    ]


def test_an_enrollment_at_another_school_than_its_class_is_rejected(tmp_path: Path) -> None:
    files = edit(
        sample(),
        "orgs.csv",
        "nordby,active",
        "sorby,active,,Sørby skole,school,,kommune\nnordby,active",
    )
    files = edit(files, "enrollments.csv", "e2,active,,8a,nordby", "e2,active,,8a,sorby")

    summary, _ = run_import(write_set(tmp_path / "s", files))

    assert rejected(summary) == [
        (
            "enrollments.csv",
            3,
            "schoolSourcedId",
            'class "8a" belongs to school "nordby", not "sorby"',
        )
    ]


def test_a_department_belongs_to_its_parent_school(tmp_path: Path) -> None:
    files = edit(
        sample(),
        "orgs.csv",
        "nordby,active",
        "ungdom,active,,Ungdomstrinnet,department,,nordby\nnordby,active",
    )
    files = edit(
        files,
        "classes.csv",
        "8a,active,,8A,08,,8A,homeroom,,nordby",
        "8a,active,,8A,08,,8A,homeroom,,ungdom",
    )
    files = edit(files, "enrollments.csv", "e1,active,,8a,nordby", "e1,active,,8a,ungdom")

    summary, error = run_import(write_set(tmp_path / "s", files))

    assert error is None
    assert Group.objects.get(source_id="8a").school.source_id == "nordby"
    assert {
        "file": "orgs.csv",
        "line": 3,
        "field": "type",
        "value": "ungdom",
        "note": 'department "Ungdomstrinnet" is read as part of school "nordby"',
    } in summary["notes"]


def test_a_department_whose_parent_does_not_exist_is_rejected_with_its_dependents(
    tmp_path: Path,
) -> None:
    files = edit(
        sample(),
        "orgs.csv",
        "nordby,active",
        "ungdom,active,,Ungdomstrinnet,department,,gamleby\nnordby,active",
    )
    files = edit(
        files,
        "classes.csv",
        "8a,active,,8A,08,,8A,homeroom,,nordby",
        "8a,active,,8A,08,,8A,homeroom,,ungdom",
    )

    summary, _ = run_import(write_set(tmp_path / "s", files), "--skip-invalid")

    problems = rejected(summary)
    assert problems[0] == (
        "orgs.csv",
        3,
        "parentSourcedId",
        'parent org "gamleby" does not exist: a department must belong to a school in orgs.csv '
        "or already in Sammen",
    )
    assert problems[1] == (
        "classes.csv",
        2,
        "schoolSourcedId",
        'org "ungdom" was rejected (orgs.csv line 3)',
    )
    assert (
        "enrollments.csv",
        2,
        "classSourcedId",
        'class "8a" was rejected (classes.csv line 2)',
    ) in problems
    assert not Group.objects.filter(source_id="8a").exists()
    assert Group.objects.count() == 2


def test_tolerated_defects_are_noted_not_rejected(tmp_path: Path) -> None:
    files = sample()
    files = edit(
        files,
        "users.csv",
        "sourcedId,status,dateLastModified,",
        "sourcedId,status,dataLastModified,",
    )
    files = edit(files, "users.csv", ",password\n", ",password,ext_vendor_id,,\n")
    files = edit(files, "users.csv", "rektor,active,,", "rektor,active,1/05/2023,")
    files = edit(
        files, "classes.csv", "8a,active,,8A,08,,8A,homeroom", "8a,active,,8A,08,,8A,Homeroom"
    )

    summary, error = run_import(write_set(tmp_path / "s", files))

    assert error is None
    assert nonzero(summary["created"])["pupil"] == 2
    notes = {(n["file"], n["field"], n["note"]) for n in summary["notes"]}
    assert ("users.csv", "dataLastModified", "read as dateLastModified") in notes
    assert ("users.csv", "ext_vendor_id", "not a OneRoster column; ignored") in notes


def test_us_grades_leave_the_grade_empty_with_a_note(tmp_path: Path) -> None:
    files = edit(sample(), "users.csv", "Kari,Nordmann,,,,,,,09,", "Kari,Nordmann,,,,,,,KG,")

    summary, _ = run_import(write_set(tmp_path / "s", files))

    assert Pupil.objects.get(source_id="kari").grade is None
    assert {
        "file": "users.csv",
        "line": 5,
        "field": "grades",
        "value": "KG",
        "note": "not a Norwegian grade (1-10); the grade is left empty",
    } in summary["notes"]


def test_a_semicolon_separated_set_with_a_byte_order_mark_imports(tmp_path: Path) -> None:
    files = {
        name: "\ufeff" + text.replace(",", ";")
        for name, text in sample().items()
        if name not in ("classes.csv",)
    }
    files["classes.csv"] = "\ufeff" + sample()["classes.csv"].replace('"08,09"', "08").replace(
        ",", ";"
    )

    summary, error = run_import(write_set(tmp_path / "s", files))

    assert error is None
    assert nonzero(summary["created"])["group"] == 3


def test_the_sammen_command_exits_non_zero_and_still_prints_the_json(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "-m", "sammen", "import_roster", str(tmp_path / "nowhere"), "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )

    assert result.returncode == 1
    assert json.loads(result.stdout)["rejected"][0]["reason"] == "directory does not exist"
    assert "nothing was imported: 1 error" in result.stderr
