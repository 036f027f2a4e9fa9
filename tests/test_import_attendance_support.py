"""Shared set-up for the attendance import tests: a school with a calendar, pupils, and runners."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management import CommandError, call_command

from sammen.attendance.calendar_setup import ensure_default_calendar
from sammen.audit.log import Actor
from sammen.roster.models import Group, GroupKind, Pupil, School, SchoolYear
from tests import factories as f

HEADER = "pupil_id,date,period,subject,kind,minutes,reason,documented,comment"
# 8 February 2027 is a Monday in the Norwegian default calendar of 2026–2027.
MONDAY = "2027-02-08"


@dataclass
class Setup:
    school: School
    year: SchoolYear
    ola: Pupil
    kari: Pupil
    maths: Group


def make_setup(*, calendar: bool = True) -> Setup:
    owner = f.make_owner()
    school = f.make_school(owner, "Nordby skole")
    year = f.make_school_year(owner, 2026)
    if calendar:
        ensure_default_calendar(
            actor=Actor.system("test"), school=school, school_year=year, lessons_per_day=6
        )
    maths = f.make_group(
        school,
        "Matematikk 1A",
        kind=GroupKind.TEACHING,
        subject="Matematikk",
        source_id="UG-MAT-1A",
    )
    ola = f.make_pupil(school, given_name="Ola", family_name="Nordmann", source_id="E-1001")
    kari = f.make_pupil(school, given_name="Kari", family_name="Berg", source_id="E-1002")
    return Setup(school, year, ola, kari, maths)


def write(directory: Path, *rows: str, header: str = HEADER, name: str = "a.csv") -> Path:
    path = directory / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def run(
    path: Path, *args: str, command: str = "import_attendance"
) -> tuple[dict[str, Any], str | None]:
    """The JSON summary of ``sammen <command> PATH --json ARGS`` and the error, if it failed."""
    out = io.StringIO()
    try:
        call_command(command, str(path), "--json", *args, stdout=out)
        error = None
    except CommandError as exc:
        error = str(exc)
    return json.loads(out.getvalue()), error


def reasons(summary: dict[str, Any]) -> list[tuple[int | None, str | None, str]]:
    return [(p["line"], p["field"], p["reason"]) for p in summary["rejected"]]


def counts(summary: dict[str, Any], model: str = "attendance_record") -> dict[str, int]:
    return {
        name: summary[name][model]
        for name in ("created", "updated", "unchanged", "deleted")
        if summary[name][model]
    }
