"""From OneRoster rows to the roster they describe: references resolved, rows mapped to models.

A reference may point at a row in the files or at an object already in Sammen (by ``source_id``),
which is what makes delta files work. A row that needs a rejected row is rejected too, with a
reason naming the row it needed; so ``--skip-invalid`` never imports half a pupil.

The mapping (docs/import-roster.md has it as a table):
- orgs: district/local/state/national -> the school owner; school -> School; department -> part
  of its parent school (departments are not stored);
- academicSessions: schoolYear -> SchoolYear; term/semester -> Term; gradingPeriod skipped;
- classes: homeroom -> class, scheduled -> teaching group, metadata.additionalClassType=mentor ->
  contact-teacher group;
- users: student -> Pupil; teacher, aide -> Staff + TEACHER; administrator, principal,
  siteAdministrator -> Staff + LEADER; other staff roles -> Staff with no role (given by hand);
  parent/guardian/relative -> Guardian, linked through agentSourcedIds in either direction;
- enrollments: student -> Enrollment; teacher, aide -> GroupTeacher (``primary`` on a class or
  contact group makes the contact teacher).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sammen.roster.importers.report import Note, Problem, Skip
from sammen.roster.importers.rows import Ref
from sammen.roster.models import Relation, Role

STAFF_ROLE_MAP: dict[str, Role] = {
    "teacher": Role.TEACHER,
    "aide": Role.TEACHER,
    "administrator": Role.LEADER,
    "principal": Role.LEADER,
    "siteAdministrator": Role.LEADER,
}
RELATION_MAP: dict[str, Relation] = {
    "parent": Relation.PARENT,
    "guardian": Relation.GUARDIAN,
    "relative": Relation.OTHER,
}


@dataclass(frozen=True)
class YearRef:
    """A school year: by source id, by primary key (found by its dates), or made from a term."""

    source_id: str = ""
    pk: int | None = None
    name: str = ""


@dataclass
class Known:
    """What Sammen already holds for the school owner, by source id."""

    owner_source_id: str = ""
    schools: set[str] = field(default_factory=set)
    years: set[str] = field(default_factory=set)
    year_spans: list[tuple[YearRef, date, date]] = field(default_factory=list)
    terms: dict[str, YearRef | None] = field(default_factory=dict)
    groups: dict[str, tuple[str, str]] = field(default_factory=dict)  # sid -> (school sid, kind)
    pupils: set[str] = field(default_factory=set)
    staff: set[str] = field(default_factory=set)
    guardians: set[str] = field(default_factory=set)


@dataclass
class OwnerSpec:
    ref: Ref
    sid: str
    name: str
    org_number: str


@dataclass
class SchoolSpec:
    ref: Ref
    sid: str
    name: str
    org_number: str
    grades: set[int] = field(default_factory=set)


@dataclass
class YearSpec:
    key: YearRef
    ref: Ref | None  # None: made for a term whose school year is not in the files
    name: str
    start: date
    end: date


@dataclass
class TermSpec:
    ref: Ref
    sid: str
    name: str
    start: date
    end: date
    year: YearRef


@dataclass
class GroupSpec:
    ref: Ref
    sid: str
    school: str
    year: YearRef | None
    kind: str
    name: str
    grade: int | None
    subject: str


@dataclass
class PupilSpec:
    ref: Ref
    sid: str
    school: str
    given_name: str
    family_name: str
    username: str
    grade: int | None
    set_grade: bool
    birth_date: date | None = None
    set_birth_date: bool = False


@dataclass
class StaffSpec:
    ref: Ref
    sid: str
    given_name: str
    family_name: str
    email: str
    phone: str
    username: str


@dataclass
class GuardianSpec:
    ref: Ref
    sid: str
    given_name: str
    family_name: str
    email: str
    phone: str
    relation: Relation


@dataclass(frozen=True)
class StaffRoleKey:
    staff: str
    school: str
    role: str


@dataclass
class EnrollmentSpec:
    ref: Ref
    sid: str
    group: str
    pupil: str
    start: date | None
    end: date | None


@dataclass
class GroupTeacherSpec:
    ref: Ref
    sid: str
    group: str
    staff: str
    contact: bool


@dataclass
class GuardianshipSpec:
    ref: Ref
    pupil: str
    guardian: str
    relation: Relation
    parental_responsibility: bool


@dataclass(frozen=True)
class EnrollmentRemoval:
    ref: Ref
    sid: str
    class_sid: str
    user: str


@dataclass
class Plan:
    owner: OwnerSpec | None = None
    schools: dict[str, SchoolSpec] = field(default_factory=dict)
    years: dict[YearRef, YearSpec] = field(default_factory=dict)
    terms: dict[str, TermSpec] = field(default_factory=dict)
    groups: dict[str, GroupSpec] = field(default_factory=dict)
    pupils: dict[str, PupilSpec] = field(default_factory=dict)
    staff: dict[str, StaffSpec] = field(default_factory=dict)
    guardians: dict[str, GuardianSpec] = field(default_factory=dict)
    staff_roles: dict[StaffRoleKey, Ref] = field(default_factory=dict)
    enrollments: dict[tuple[str, str], EnrollmentSpec] = field(default_factory=dict)
    group_teachers: dict[tuple[str, str], GroupTeacherSpec] = field(default_factory=dict)
    guardianships: dict[tuple[str, str], GuardianshipSpec] = field(default_factory=dict)
    remove_users: list[tuple[Ref, str]] = field(default_factory=list)
    remove_groups: list[tuple[Ref, str]] = field(default_factory=list)
    remove_enrollments: list[EnrollmentRemoval] = field(default_factory=list)
    remove_staff_roles: list[tuple[Ref, StaffRoleKey]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
