"""Checking one OneRoster CSV row on its own, with a parser per file: required values, lengths,
dates, enumerations and status. ``oneroster.py`` reads the files and hands each row here; what is
tolerated, and why, is listed there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sammen.lib.csvread import Row
from sammen.roster.importers.columns import (
    CLASS_TYPES,
    ENROLLMENT_ROLES,
    ORG_TYPES,
    SESSION_TYPES,
    USER_ROLES,
)
from sammen.roster.importers.report import Problem
from sammen.roster.importers.rows import (
    GRADES,
    MAX_NAME,
    MAX_USERNAME,
    ClassRow,
    CourseRow,
    Dataset,
    DemographicRow,
    EnrollmentRow,
    Grades,
    OrgRow,
    Ref,
    RoleRow,
    SessionRow,
    Status,
    UserRow,
)


@dataclass
class Columns:
    """The file's header, mapped onto the spec's column names."""

    actual: dict[str, str]  # spec column -> the name in the file

    def has(self, column: str) -> bool:
        return column in self.actual

    def shown(self, column: str) -> str:
        return self.actual.get(column, column)


class Cells:
    """One row's values with the checks every file needs; problems are kept, not raised."""

    def __init__(self, file: str, row: Row, columns: Columns) -> None:
        self.file = file
        self.row = row
        self.columns = columns
        self.ref = Ref(file, row.line)
        self.problems: list[Problem] = []
        if row.extra:
            # The values themselves are not echoed: a shifted row may put a password there.
            self.problems.append(
                Problem(
                    file,
                    row.line,
                    None,
                    None,
                    f"has {len(row.extra)} more values than the header has columns",
                )
            )

    def raw(self, column: str) -> str:
        name = self.columns.actual.get(column)
        return self.row.values.get(name, "") if name else ""

    def problem(self, column: str | None, value: str | None, reason: str) -> None:
        shown = self.columns.shown(column) if column else None
        self.problems.append(Problem(self.file, self.row.line, shown, value, reason))

    def text(self, column: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self.raw(column)
        if required and not value:
            self.problem(column, value, "is required but empty")
        elif max_length is not None and len(value) > max_length:
            self.problem(
                column, value[:40], f"is {len(value)} characters long; at most {max_length} fit"
            )
        return value

    def date(self, column: str, *, required: bool = False) -> date | None:
        value = self.raw(column)
        if not value:
            if required:
                self.problem(column, value, "is required but empty")
            return None
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.problem(column, value, f'expected a date YYYY-MM-DD, got "{value}"')
        return None

    def choice(self, column: str, choices: Iterable[str], *, required: bool = True) -> str:
        value = self.raw(column)
        options = {c.lower(): c for c in choices}
        if not value:
            if required:
                self.problem(column, value, "is required but empty")
            return ""
        found = options.get(value.lower())
        if found is None:
            self.problem(
                column, value, f'expected one of {", ".join(options.values())}, got "{value}"'
            )
            return ""
        return found

    def boolean(self, column: str) -> bool:
        value = self.raw(column).lower()
        if value in ("", "false"):
            return False
        if value == "true":
            return True
        self.problem(column, self.raw(column), f'expected true or false, got "{self.raw(column)}"')
        return False

    def ids(self, column: str, *, required: bool = False) -> tuple[str, ...]:
        values = tuple(v.strip() for v in self.raw(column).split(",") if v.strip())
        if required and not values:
            self.problem(column, "", "is required but empty")
        return values

    def status(self, ds: Dataset) -> Status:
        value = self.raw("status")
        lowered = value.lower()
        if lowered in ("", "active"):
            return Status.ACTIVE
        if lowered == "tobedeleted":
            return Status.DELETE
        if lowered == "inactive":
            ds.note(
                self.file,
                self.row.line,
                self.columns.shown("status"),
                value,
                'OneRoster 1.0 status "inactive" is read as tobedeleted',
            )
            return Status.DELETE
        self.problem("status", value, f'expected active or tobedeleted, got "{value}"')
        return Status.ACTIVE

    def grades(self, column: str) -> Grades:
        found = {int(t) for t in self.ids(column) if t.isdigit() and int(t) in GRADES}
        return Grades(min(found) if found else None, frozenset(found), self.raw(column))


# One parser per file ----------------------------------------------------------------------------


def parse_org(cells: Cells, sid: str, ds: Dataset) -> OrgRow:
    status = cells.status(ds)
    if status is Status.DELETE:
        return OrgRow(cells.ref, sid, status)
    return OrgRow(
        cells.ref,
        sid,
        status,
        name=cells.text("name", required=True, max_length=MAX_NAME),
        type=cells.choice("type", ORG_TYPES),
        identifier=cells.text("identifier"),
        parent=cells.text("parentSourcedId"),
    )


def parse_session(cells: Cells, sid: str, ds: Dataset) -> SessionRow:
    status = cells.status(ds)
    if status is Status.DELETE:
        return SessionRow(cells.ref, sid, status)
    start = cells.date("startDate", required=True)
    end = cells.date("endDate", required=True)
    if start and end and end < start:
        cells.problem("endDate", end.isoformat(), f"ends before it starts ({start.isoformat()})")
    school_year = cells.raw("schoolYear")
    if school_year and not re.fullmatch(r"\d{4}", school_year):
        cells.problem("schoolYear", school_year, f'expected a year YYYY, got "{school_year}"')
    return SessionRow(
        cells.ref,
        sid,
        status,
        title=cells.text("title", required=True, max_length=100),
        type=cells.choice("type", SESSION_TYPES),
        start=start,
        end=end,
        parent=cells.text("parentSourcedId"),
    )


def parse_course(cells: Cells, sid: str, ds: Dataset) -> CourseRow | None:
    if cells.status(ds) is Status.DELETE:
        return None
    return CourseRow(cells.ref, sid, cells.text("title"))


def parse_class(cells: Cells, sid: str, ds: Dataset) -> ClassRow:
    status = cells.status(ds)
    if status is Status.DELETE:
        return ClassRow(cells.ref, sid, status)
    additional = cells.raw("metadata.additionalclasstype")
    return ClassRow(
        cells.ref,
        sid,
        status,
        title=cells.text("title", required=True, max_length=MAX_NAME),
        grades=cells.grades("grades"),
        course=cells.text("courseSourcedId"),
        class_type=cells.choice("classType", CLASS_TYPES),
        mentor=additional.lower() == "mentor",
        school=cells.text("schoolSourcedId", required=True),
        terms=cells.ids("termSourcedIds", required=True),
        subjects=cells.text("subjects"),
    )


def parse_user(cells: Cells, sid: str, ds: Dataset) -> UserRow:
    status = cells.status(ds)
    if status is Status.DELETE:
        return UserRow(cells.ref, sid, status)
    role = ""
    if cells.columns.has("role"):
        # With roles.csv present the column may be empty; without it, it is all there is.
        role = cells.choice("role", USER_ROLES, required=not ds.has_roles_file)
    phone = cells.text("phone")
    sms = cells.text("sms")
    return UserRow(
        cells.ref,
        sid,
        status,
        given_name=cells.text("givenName", required=True, max_length=MAX_NAME),
        family_name=cells.text("familyName", required=True, max_length=MAX_NAME),
        username=cells.text("username", max_length=MAX_USERNAME),
        email=cells.text("email", max_length=254),
        phone=phone,
        sms=sms,
        agents=cells.ids("agentSourcedIds"),
        grades=cells.grades("grades") if cells.columns.has("grades") else None,
        role=role,
        orgs=cells.ids("orgSourcedIds"),
        primary_org=cells.text("primaryOrgSourcedId"),
    )


def parse_role(cells: Cells, sid: str, ds: Dataset) -> RoleRow:
    status = cells.status(ds)
    user = cells.text("userSourcedId", required=True)
    role = cells.choice("role", USER_ROLES)
    org = cells.text("orgSourcedId", required=True)
    return RoleRow(
        cells.ref,
        sid,
        status,
        user=user,
        role=role,
        primary=cells.raw("roleType").lower() == "primary",
        org=org,
    )


def parse_enrollment(cells: Cells, sid: str, ds: Dataset) -> EnrollmentRow:
    status = cells.status(ds)
    if status is Status.DELETE:
        return EnrollmentRow(
            cells.ref,
            sid,
            status,
            class_sid=cells.raw("classSourcedId"),
            user=cells.raw("userSourcedId"),
        )
    begin = cells.date("beginDate")
    end = cells.date("endDate")
    if begin and end and end < begin:
        cells.problem("endDate", end.isoformat(), f"ends before it begins ({begin.isoformat()})")
    return EnrollmentRow(
        cells.ref,
        sid,
        status,
        class_sid=cells.text("classSourcedId", required=True),
        school=cells.text("schoolSourcedId", required=True),
        user=cells.text("userSourcedId", required=True),
        role=cells.choice("role", ENROLLMENT_ROLES),
        primary=cells.boolean("primary"),
        begin=begin,
        end=end,
    )


def parse_demographic(cells: Cells, sid: str, ds: Dataset) -> DemographicRow:
    status = cells.status(ds)
    if status is Status.DELETE:
        return DemographicRow(cells.ref, sid, status)
    return DemographicRow(cells.ref, sid, status, birth_date=cells.date("birthDate"))
