"""The import's queries do not grow with its rows: a handful per model, written in bulk."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sammen.roster.models import Guardianship, Pupil
from tests.test_import_oneroster_support import nonzero, run_import, sample, write_set

pytestmark = pytest.mark.django_db


def _school_with(pupils: int) -> dict[str, str]:
    """The sample's school, with ``pupils`` pupils in 8A, each with a parent and a birth date."""
    users = [
        "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
        "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password"
    ]
    users.append("alice,active,,true,nordby,teacher,alice,,Alice,Lærer,,,,,,,,")
    enrollments = [
        "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,"
        "role,primary,beginDate,endDate",
        "t1,active,,8a,nordby,alice,teacher,true,,",
    ]
    demographics = ["sourcedId,status,dateLastModified,birthDate"]
    for n in range(pupils):
        users.append(f"p{n},active,,true,nordby,student,p{n},,Elev{n},Hansen,,,,,,g{n},08,")
        users.append(f"g{n},active,,true,,parent,,,Forelder{n},Hansen,,,g{n}@example.no,,,,,")
        enrollments.append(f"e{n},active,,8a,nordby,p{n},student,false,2026-08-17,")
        demographics.append(f"p{n},active,,2012-01-{n % 28 + 1:02d}")
    return sample(
        users_csv="\n".join(users) + "\n",
        enrollments_csv="\n".join(enrollments) + "\n",
        demographics_csv="\n".join(demographics) + "\n",
    )


def _queries(directory: Path) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        summary, error = run_import(directory)
    assert error is None, summary["rejected"]
    return [q["sql"] for q in captured.captured_queries]


def _not_inserts(queries: list[str]) -> list[str]:
    return [q for q in queries if not q.lstrip().upper().startswith("INSERT")]


@pytest.mark.parametrize("pupils", [10, 200])
def test_an_import_of_many_rows_runs_a_fixed_number_of_queries(tmp_path: Path, pupils: int) -> None:
    queries = _queries(write_set(tmp_path / "s", _school_with(pupils)))

    assert Pupil.objects.count() == pupils
    assert Guardianship.objects.count() == pupils
    # 12 models, each read once and written at most twice, plus the owner and a savepoint or two.
    assert len(_not_inserts(queries)) <= 20


def test_the_queries_do_not_grow_with_the_number_of_pupils(tmp_path: Path) -> None:
    small = _queries(write_set(tmp_path / "small", _school_with(10)))
    # Into a second school owner, so both imports start from an empty roster.
    large_files = {
        name: text.replace("kommune", "kommune2") for name, text in _school_with(200).items()
    }
    large = _queries(write_set(tmp_path / "large", large_files))

    assert len(_not_inserts(large)) == len(_not_inserts(small))
    if connection.vendor == "sqlite":
        # SQLite takes at most 999 parameters a statement, so Django splits big inserts: a few
        # more INSERTs for 20 times the rows (over 1,200 more rows), never one per row.
        assert len(large) - len(small) <= 25
    else:
        assert len(large) == len(small)


def test_a_reimport_that_changes_nothing_only_reads(tmp_path: Path) -> None:
    directory = write_set(tmp_path / "s", _school_with(200))
    run_import(directory)

    with CaptureQueriesContext(connection) as captured:
        summary, _ = run_import(directory)

    assert nonzero(summary["created"]) == nonzero(summary["updated"]) == {}
    statements = [q["sql"].lstrip().split()[0].upper() for q in captured.captured_queries]
    assert set(statements) <= {"SELECT", "SAVEPOINT", "RELEASE"}
    assert len(statements) <= 16
