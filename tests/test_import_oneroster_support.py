"""A small OneRoster set for Testvik kommune, and helpers to run the import on variants of it.

No tests here: the other ``test_import_oneroster*`` modules import from it.
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from textwrap import dedent
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError

# Nordby skole: class 8A (contact teacher Alice), the maths group 8A, and Alice's contact group;
# Ola (guardian Anne, linked from Ola's row) and Kari (relative Per, linked from Per's row);
# Rita the principal.
SAMPLE: dict[str, str] = {
    "orgs.csv": """\
        sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId
        kommune,active,2026-08-01,Testvik kommune,district,964965226,
        nordby,active,2026-08-01,Nordby skole,school,974123456,kommune
        """,
    "academicSessions.csv": """\
        sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear
        sy2026,active,,2026–2027,schoolYear,2026-08-17,2027-06-18,,2027
        h2026,active,,Høst 2026,term,2026-08-17,2026-12-18,sy2026,2027
        """,
    "courses.csv": """\
        sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId
        mat8,active,,sy2026,Matematikk,MAT08,08,nordby
        """,
    "classes.csv": """\
        sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods,metadata.additionalClassType
        8a,active,,8A,08,,8A,homeroom,,nordby,h2026,,,,
        mat8a,active,,Matematikk 8A,08,mat8,,scheduled,,nordby,h2026,,,,
        kga,active,,Kontaktgruppe Alice,"08,09",,,scheduled,,nordby,h2026,,,,mentor
        """,
    "users.csv": """\
        sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password
        alice,active,,true,nordby,teacher,alice@testvik.no,,Alice,Lærer,,,alice@testvik.no,,22000001,,,Hemmelig-Alice-1
        rektor,active,,true,nordby,principal,rita@testvik.no,,Rita,Rektor,,,rita@testvik.no,,,,,
        ola,active,,true,nordby,student,ola@testvik.no,,Ola,Nordmann,,,,,,anne,08,Hemmelig-Ola-2
        kari,active,,true,nordby,student,kari@testvik.no,,Kari,Nordmann,,,,,,,09,
        anne,active,,true,,parent,,,Anne,Nordmann,,,anne@example.no,91234567,,,,
        per,active,,true,,relative,,,Per,Hansen,,,,,,kari,,
        """,
    "enrollments.csv": """\
        sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate
        e1,active,,8a,nordby,ola,student,false,2026-08-17,
        e2,active,,8a,nordby,kari,student,false,2026-08-17,
        e3,active,,8a,nordby,alice,teacher,true,,
        e4,active,,mat8a,nordby,ola,student,false,,
        e5,active,,mat8a,nordby,alice,teacher,false,,
        e6,active,,kga,nordby,ola,student,false,,
        e7,active,,kga,nordby,alice,teacher,true,,
        """,
    "demographics.csv": """\
        sourcedId,status,dateLastModified,birthDate,sex
        ola,active,,2012-03-01,male
        kari,active,,2011-05-20,female
        """,
}

PASSWORDS = ("Hemmelig-Alice-1", "Hemmelig-Ola-2")

SAMPLE_CREATED = {
    "school_owner": 1,
    "school": 1,
    "school_year": 1,
    "term": 1,
    "group": 3,
    "pupil": 2,
    "staff": 2,
    "guardian": 2,
    "staff_role": 3,
    "enrollment": 4,
    "group_teacher": 3,
    "guardianship": 2,
}

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def sample(**changes: str | None) -> dict[str, str]:
    """The sample set with some files replaced (``users_csv="..."``) or left out (``None``)."""
    files = {name: dedent(text) for name, text in SAMPLE.items()}
    for key, text in changes.items():
        name = key.replace("_csv", ".csv")
        if text is None:
            files.pop(name, None)
        else:
            files[name] = dedent(text)
    return files


def edit(files: dict[str, str], name: str, old: str, new: str) -> dict[str, str]:
    assert old in files[name], f"{old!r} is not in {name}"
    return {**files, name: files[name].replace(old, new)}


def write_set(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def run_import(directory: Path, *args: str) -> tuple[dict[str, Any], CommandError | None]:
    """Run ``sammen import_roster --json``; the summary, and the error when the exit is non-zero."""
    out = StringIO()
    error: CommandError | None = None
    try:
        call_command("import_roster", str(directory), "--json", *args, stdout=out)
    except CommandError as exc:
        error = exc
    return json.loads(out.getvalue()), error


def run_text(directory: Path, *args: str) -> tuple[str, CommandError | None]:
    out = StringIO()
    error: CommandError | None = None
    try:
        call_command("import_roster", str(directory), *args, stdout=out)
    except CommandError as exc:
        error = exc
    return out.getvalue(), error


def nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {model: n for model, n in counts.items() if n}


def rejected(summary: dict[str, Any]) -> list[tuple[str, int | None, str | None, str]]:
    return [(r["file"], r["line"], r["field"], r["reason"]) for r in summary["rejected"]]
