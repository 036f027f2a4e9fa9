"""Reading a directory of OneRoster 1.1 or 1.2 CSV files into plain, validated rows.

This module reads the files (``columns.py`` lists them) and checks each row on its own: required
values, dates, enumerations, duplicate ``sourcedId``s. Whether a row's references point anywhere
is for ``resolve*.py`` to judge, because a reference may point into the database instead.

What is tolerated, and why (docs/import-roster.md has the full list):
- column names in another case, and known misspellings and older names (``dataLastModified``,
  ``grade``, ``agents``, ``birthdate``, ``userSourcedId`` in demographics), each with a note;
- unknown columns (``ext_*``, ``prefferedGivenName``): ignored with a note, since Sammen stores
  nothing it does not know;
- ``dateLastModified`` is never parsed: it is the sender's metadata, and real files carry
  ``1/05/2023`` there;
- status ``inactive`` (OneRoster 1.0) means the same as ``tobedeleted``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sammen.lib.csvread import CsvError, CsvReader, Row, read_csv
from sammen.roster.importers.columns import (
    CLASS_TYPES,
    CLASSES,
    COMMON_ALIASES,
    COURSES,
    DEMOGRAPHICS,
    ENROLLMENT_ROLES,
    ENROLLMENTS,
    MANIFEST,
    OPTIONAL_FILES,
    ORG_TYPES,
    ORGS,
    REQUIRED_FILES,
    ROLES,
    SESSION_TYPES,
    SESSIONS,
    USER_PROFILES,
    USER_ROLES,
    USERS,
    FileSpec,
)
from sammen.roster.importers.report import Problem
from sammen.roster.importers.rows import (
    GRADES,
    MAX_NAME,
    MAX_SOURCE_ID,
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

# Reading ----------------------------------------------------------------------------------------


@dataclass
class _Columns:
    """The file's header, mapped onto the spec's column names."""

    actual: dict[str, str]  # spec column -> the name in the file

    def has(self, column: str) -> bool:
        return column in self.actual

    def shown(self, column: str) -> str:
        return self.actual.get(column, column)


def _map_columns(
    spec: FileSpec, file: str, header: Iterable[str], ds: Dataset, *, quiet: bool = False
) -> _Columns:
    by_lower = {c.lower(): c for c in spec.columns}
    aliases = {**COMMON_ALIASES, **spec.aliases}
    actual: dict[str, str] = {}
    for name in header:
        lower = name.lower()
        if name in spec.columns:
            column = name
        elif lower in by_lower:
            column = by_lower[lower]
        elif lower in aliases:
            column = aliases[lower]
        elif lower.startswith("metadata."):
            # OneRoster's own extension point; kept under its name for the rows that read it.
            actual.setdefault(lower, name)
            continue
        else:
            if not quiet:
                ds.note(file, 1, name, None, "not a OneRoster column; ignored")
            continue
        if column in actual:
            if not quiet:
                ds.note(file, 1, name, None, f"a second {column} column; ignored")
            continue
        if column != name and not quiet:
            ds.note(file, 1, name, None, f"read as {column}")
        actual[column] = name
    return _Columns(actual)


class _Cells:
    """One row's values with the checks every file needs; problems are kept, not raised."""

    def __init__(self, file: str, row: Row, columns: _Columns) -> None:
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


@dataclass
class _Table:
    spec: FileSpec
    name: str  # the file's name as found on disk
    header: tuple[str, ...]
    columns: _Columns
    rows: list[Row]


def _find_file(directory: Path, spec: FileSpec, ds: Dataset, *, quiet: bool = False) -> Path | None:
    exact = directory / spec.name
    if exact.is_file():
        return exact
    for candidate in sorted(directory.iterdir()):
        if candidate.is_file() and candidate.name.lower() == spec.name.lower():
            if not quiet:
                ds.note(candidate.name, None, None, None, f"read as {spec.name}")
            return candidate
    return None


def _load(
    directory: Path, spec: FileSpec, ds: Dataset, *, required: bool, quiet: bool = False
) -> _Table | None:
    path = _find_file(directory, spec, ds, quiet=quiet)
    if path is None:
        if required:
            ds.fatal.append(Problem(spec.name, None, None, None, "required file is missing"))
        return None
    try:
        with CsvReader(path) as reader:
            header, rows = reader.header, list(reader)
    except CsvError as exc:
        ds.fatal.append(Problem(path.name, exc.line, None, None, exc.message))
        return None
    columns = _map_columns(spec, path.name, header, ds, quiet=quiet)
    for column in spec.required:
        if not columns.has(column):
            ds.fatal.append(Problem(path.name, 1, column, None, "required column is missing"))
    return _Table(spec, path.name, header, columns, rows)


def read_directory(directory: Path) -> Dataset:
    """Every file's rows, checked one by one. ``ds.fatal`` lists what makes the set unreadable."""
    ds = Dataset(directory)
    if not directory.exists():
        ds.fatal.append(Problem(str(directory), None, None, None, "directory does not exist"))
        return ds
    if not directory.is_dir():
        ds.fatal.append(Problem(str(directory), None, None, None, "is not a directory"))
        return ds
    tables: dict[str, _Table | None] = {}
    for spec in REQUIRED_FILES:
        tables[spec.name] = _load(directory, spec, ds, required=True)
    for spec in OPTIONAL_FILES:
        # userProfiles.csv is only read when it stands in for roles.csv; no notes on it otherwise.
        quiet = spec is USER_PROFILES
        tables[spec.name] = _load(directory, spec, ds, required=False, quiet=quiet)
    ds.version = _read_version(directory, ds)

    roles = tables[ROLES.name]
    profiles = tables[USER_PROFILES.name]
    if profiles is not None:
        if roles is None and "role" in {name.lower() for name in profiles.header}:
            # The v1.2 test set from moodle-enrol_oneroster ships its roles under this name.
            ds.note(profiles.name, None, None, None, "has the columns of roles.csv; read as roles")
            columns = _map_columns(ROLES, profiles.name, profiles.header, ds)
            roles = _Table(ROLES, profiles.name, profiles.header, columns, profiles.rows)
            for column in ROLES.required:
                if not columns.has(column):
                    ds.fatal.append(
                        Problem(profiles.name, 1, column, None, "required column is missing")
                    )
        else:
            ds.note(
                profiles.name,
                None,
                None,
                None,
                "not read: it holds credentials for other applications, which Sammen never keeps",
            )
    ds.has_roles_file = roles is not None
    users = tables[USERS.name]
    if users is not None and roles is None:
        for column in ("role", "orgSourcedIds"):
            if not users.columns.has(column):
                ds.fatal.append(
                    Problem(
                        users.name,
                        1,
                        column,
                        None,
                        "required column is missing (there is no roles.csv to give the roles)",
                    )
                )
    if ds.fatal:
        return ds

    for table, parse in (
        (tables[ORGS.name], _parse_org),
        (tables[SESSIONS.name], _parse_session),
        (tables[COURSES.name], _parse_course),
        (tables[CLASSES.name], _parse_class),
        (users, _parse_user),
        (roles, _parse_role),
        (tables[ENROLLMENTS.name], _parse_enrollment),
        (tables[DEMOGRAPHICS.name], _parse_demographic),
    ):
        if table is not None:
            _parse_table(table, parse, ds)
    return ds


def _read_version(directory: Path, ds: Dataset) -> str:
    path = _find_file(directory, MANIFEST, ds)
    if path is not None:
        try:
            _, rows = read_csv(path)
        except CsvError as exc:
            ds.note(path.name, exc.line, None, None, f"not read: {exc.message}")
            rows = []
        for row in rows:
            if row.values.get("propertyName") == "oneroster.version":
                return row.values.get("value", "")
    if (directory / ROLES.name).is_file():
        return "1.2"
    return "1.1"


def _parse_table(
    table: _Table, parser: Callable[[_Cells, str, Dataset], object], ds: Dataset
) -> None:
    lines_by_id: dict[str, list[int]] = {}
    for row in table.rows:
        sid = row.values.get(table.columns.actual.get("sourcedId", ""), "")
        if sid:
            lines_by_id.setdefault(sid, []).append(row.line)
    for row in table.rows:
        cells = _Cells(table.name, row, table.columns)
        sid = cells.text("sourcedId", required=True, max_length=MAX_SOURCE_ID)
        others = [line for line in lines_by_id.get(sid, []) if line != row.line]
        if others:
            cells.problem(
                "sourcedId",
                sid,
                f'duplicate sourcedId "{sid}": also on line {", ".join(map(str, others))}',
            )
        parsed = parser(cells, sid, ds)
        if cells.problems:
            ds.problems.extend(cells.problems)
            if sid:
                ds.rejected_ids.setdefault((table.spec.name, sid), cells.ref)
            if parsed is not None:
                ds.rejected_rows.append(parsed)
            continue
        if parsed is not None:
            _append(ds, parsed)


def _append(ds: Dataset, parsed: object) -> None:
    match parsed:
        case OrgRow():
            ds.orgs.append(parsed)
        case SessionRow():
            ds.sessions.append(parsed)
        case CourseRow():
            ds.courses.append(parsed)
        case ClassRow():
            ds.classes.append(parsed)
        case UserRow():
            ds.users.append(parsed)
        case RoleRow():
            ds.roles.append(parsed)
        case EnrollmentRow():
            ds.enrollments.append(parsed)
        case DemographicRow():
            ds.demographics.append(parsed)


def _parse_org(cells: _Cells, sid: str, ds: Dataset) -> OrgRow:
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


def _parse_session(cells: _Cells, sid: str, ds: Dataset) -> SessionRow:
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


def _parse_course(cells: _Cells, sid: str, ds: Dataset) -> CourseRow | None:
    if cells.status(ds) is Status.DELETE:
        return None
    return CourseRow(cells.ref, sid, cells.text("title"))


def _parse_class(cells: _Cells, sid: str, ds: Dataset) -> ClassRow:
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


def _parse_user(cells: _Cells, sid: str, ds: Dataset) -> UserRow:
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


def _parse_role(cells: _Cells, sid: str, ds: Dataset) -> RoleRow:
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


def _parse_enrollment(cells: _Cells, sid: str, ds: Dataset) -> EnrollmentRow:
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


def _parse_demographic(cells: _Cells, sid: str, ds: Dataset) -> DemographicRow:
    status = cells.status(ds)
    if status is Status.DELETE:
        return DemographicRow(cells.ref, sid, status)
    return DemographicRow(cells.ref, sid, status, birth_date=cells.date("birthDate"))
