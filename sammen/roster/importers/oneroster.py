"""Reading a directory of OneRoster 1.1 or 1.2 CSV files into plain, validated rows.

This module reads the files (``columns.py`` lists them), maps their headers and checks for
duplicate ``sourcedId``s; ``row_checks.py`` checks each row on its own: required values, dates,
enumerations. Whether a row's references point anywhere is for ``resolve*.py`` to judge, because
a reference may point into the database instead.

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

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sammen.lib.csvread import CsvError, CsvReader, Row, read_csv
from sammen.roster.importers.columns import (
    CLASSES,
    COMMON_ALIASES,
    COURSES,
    DEMOGRAPHICS,
    ENROLLMENTS,
    MANIFEST,
    OPTIONAL_FILES,
    ORGS,
    REQUIRED_FILES,
    ROLES,
    SESSIONS,
    USER_PROFILES,
    USERS,
    FileSpec,
)
from sammen.roster.importers.report import Problem
from sammen.roster.importers.row_checks import (
    Cells,
    Columns,
    parse_class,
    parse_course,
    parse_demographic,
    parse_enrollment,
    parse_org,
    parse_role,
    parse_session,
    parse_user,
)
from sammen.roster.importers.rows import (
    MAX_SOURCE_ID,
    ClassRow,
    CourseRow,
    Dataset,
    DemographicRow,
    EnrollmentRow,
    OrgRow,
    RoleRow,
    SessionRow,
    UserRow,
)


def _map_columns(
    spec: FileSpec, file: str, header: Iterable[str], ds: Dataset, *, quiet: bool = False
) -> Columns:
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
    return Columns(actual)


@dataclass
class _Table:
    spec: FileSpec
    name: str  # the file's name as found on disk
    header: tuple[str, ...]
    columns: Columns
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
        (tables[ORGS.name], parse_org),
        (tables[SESSIONS.name], parse_session),
        (tables[COURSES.name], parse_course),
        (tables[CLASSES.name], parse_class),
        (users, parse_user),
        (roles, parse_role),
        (tables[ENROLLMENTS.name], parse_enrollment),
        (tables[DEMOGRAPHICS.name], parse_demographic),
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
    table: _Table, parser: Callable[[Cells, str, Dataset], object], ds: Dataset
) -> None:
    lines_by_id: dict[str, list[int]] = {}
    for row in table.rows:
        sid = row.values.get(table.columns.actual.get("sourcedId", ""), "")
        if sid:
            lines_by_id.setdefault(sid, []).append(row.line)
    for row in table.rows:
        cells = Cells(table.name, row, table.columns)
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
