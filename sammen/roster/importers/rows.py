"""The rows of a OneRoster set, each checked on its own, and the set they make up."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sammen.roster.importers.report import Note, Problem, Skip

# Norwegian compulsory school has grades 1 to 10; anything else (US "KG", "PK", 11-13) has no
# place in Sammen's grade fields.
GRADES = range(1, 11)
MAX_NAME = 200
MAX_USERNAME = 255
MAX_SOURCE_ID = 255
MAX_PHONE = 30


class Status(enum.Enum):
    ACTIVE = "active"
    DELETE = "tobedeleted"


@dataclass(frozen=True)
class Ref:
    """Where a row came from, for messages."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file} line {self.line}"


@dataclass(frozen=True)
class OrgRow:
    ref: Ref
    sid: str
    status: Status
    name: str = ""
    type: str = ""
    identifier: str = ""
    parent: str = ""


@dataclass(frozen=True)
class SessionRow:
    ref: Ref
    sid: str
    status: Status
    title: str = ""
    type: str = ""
    start: date | None = None
    end: date | None = None
    parent: str = ""


@dataclass(frozen=True)
class CourseRow:
    ref: Ref
    sid: str
    title: str


@dataclass(frozen=True)
class Grades:
    lowest: int | None
    all: frozenset[int]
    raw: str = ""

    @property
    def unmapped(self) -> bool:
        """The file gives grades, but none is a Norwegian one."""
        return bool(self.raw) and self.lowest is None


@dataclass(frozen=True)
class ClassRow:
    ref: Ref
    sid: str
    status: Status
    title: str = ""
    grades: Grades = Grades(None, frozenset())
    course: str = ""
    class_type: str = ""
    mentor: bool = False
    school: str = ""
    terms: tuple[str, ...] = ()
    subjects: str = ""


@dataclass(frozen=True)
class UserRow:
    ref: Ref
    sid: str
    status: Status
    given_name: str = ""
    family_name: str = ""
    username: str = ""
    email: str = ""
    phone: str = ""
    sms: str = ""
    agents: tuple[str, ...] = ()
    # None: the file has no grades column, so the pupil's grade is left as it is
    grades: Grades | None = None
    role: str = ""  # OneRoster 1.1 carries one role per user here; 1.2 uses roles.csv
    orgs: tuple[str, ...] = ()
    primary_org: str = ""


@dataclass(frozen=True)
class RoleRow:
    ref: Ref
    sid: str
    status: Status
    user: str = ""
    role: str = ""
    primary: bool = False
    org: str = ""


@dataclass(frozen=True)
class EnrollmentRow:
    ref: Ref
    sid: str
    status: Status
    class_sid: str = ""
    school: str = ""
    user: str = ""
    role: str = ""
    primary: bool = False
    begin: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class DemographicRow:
    ref: Ref
    sid: str
    status: Status
    birth_date: date | None = None


@dataclass
class Dataset:
    directory: Path
    version: str = ""
    orgs: list[OrgRow] = field(default_factory=list)
    sessions: list[SessionRow] = field(default_factory=list)
    courses: list[CourseRow] = field(default_factory=list)
    classes: list[ClassRow] = field(default_factory=list)
    users: list[UserRow] = field(default_factory=list)
    roles: list[RoleRow] = field(default_factory=list)
    enrollments: list[EnrollmentRow] = field(default_factory=list)
    demographics: list[DemographicRow] = field(default_factory=list)
    # Rows rejected on their own, by (file, sourcedId): other rows that need them are rejected too.
    rejected_ids: dict[tuple[str, str], Ref] = field(default_factory=dict)
    # What could be read of the rejected rows, for the rows that depend on them.
    rejected_rows: list[object] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    fatal: list[Problem] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    has_roles_file: bool = False
    _note_keys: set[tuple[str, str | None, str | None, str]] = field(default_factory=set)

    def note(
        self, file: str, line: int | None, field_name: str | None, value: str | None, text: str
    ) -> None:
        key = (file, field_name, value, text)
        if key not in self._note_keys:
            self._note_keys.add(key)
            self.notes.append(Note(file, line, field_name, value, text))
