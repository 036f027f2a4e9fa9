"""``sammen import_roster --format edfi DIR``: a roster from Ed-Fi interchange XML (DS 4–5).

Read from DIR (file names in any case):
- ``EducationOrganization.xml`` (required): the LocalEducationAgency is the school owner, each
  School a school (grade range from its GradeLevels, Norwegian grades 1–10 only);
- ``Student.xml`` (required): pupils (StudentUniqueId; first and middle names as given names;
  BirthDate);
- which school a pupil attends: ``StudentSchoolAssociation`` (in ``StudentEnrollment.xml`` or
  ``StudentSchoolAssociation.xml``; the latest EntryDate, with EntryGradeLevel as grade), else
  the school of the pupil's events in ``StudentSchoolAttendance.xml``; a student with neither is
  skipped (Sammen keeps pupils at a school);
- ``Contact.xml`` (DS 5; ``Parent.xml`` in DS 4): guardians and, from StudentContactAssociation,
  guardianships: relation (Mother, Father, Parent, guardians, foster parents; others "other"),
  parental responsibility (LegalGuardian when given, else assumed for parents and guardians, not
  for others), lives-with (LivesWith). PrimaryContactStatus has no place in Sammen and is not
  stored (a note says so);
- ``EducationOrgCalendar.xml`` (optional): the school year (from its Sessions) and the Sessions
  as terms.
Everything is written through the OneRoster import's ``Applier``: upserts by (owner, source id),
the same audit events, the same report.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from django.db import models, transaction

from sammen.lib.edfi import GRADES, code, find_file
from sammen.lib.xmlread import Element, XmlError, parse_xml
from sammen.roster.importers.apply import Applier
from sammen.roster.importers.existing import Existing, find_owner, load_existing
from sammen.roster.importers.plan import (
    GuardianshipSpec,
    GuardianSpec,
    OwnerSpec,
    Plan,
    PupilSpec,
    SchoolSpec,
    TermSpec,
    YearRef,
    YearSpec,
)
from sammen.roster.importers.report import Note, Problem, Report, Skip
from sammen.roster.importers.rows import MAX_NAME, OrgRow, Ref, Status
from sammen.roster.models import Guardianship, Relation

M = TypeVar("M", bound=models.Model)
ORGANIZATION = "EducationOrganization.xml"
STUDENTS = "Student.xml"
CONTACTS = ("Contact.xml", "Parent.xml")
ASSOCIATIONS = ("StudentSchoolAssociation.xml", "StudentEnrollment.xml")
ATTENDANCE = "StudentSchoolAttendance.xml"
CALENDAR = "EducationOrgCalendar.xml"
RELATIONS: dict[str, Relation] = {
    "Mother": Relation.MOTHER,
    "Father": Relation.FATHER,
    "Parent": Relation.PARENT,
    "Guardian": Relation.GUARDIAN,
    "Court appointed guardian": Relation.GUARDIAN,
    "Legal guardian": Relation.GUARDIAN,
    "Foster parent": Relation.FOSTER,
    "Foster mother": Relation.FOSTER,
    "Foster father": Relation.FOSTER,
}
RESPONSIBLE = frozenset({Relation.MOTHER, Relation.FATHER, Relation.PARENT, Relation.GUARDIAN})


class EdfiApplier(Applier):
    """The OneRoster applier, also setting lives-with on the guardianships it creates."""

    def __init__(
        self,
        plan: Plan,
        existing: Existing,
        report: Report,
        lives_with: dict[tuple[str, str], bool],
    ) -> None:
        super().__init__(plan, existing, report)
        self.lives_with = lives_with

    def _save(self, key: str, obj: M, values: Any, action: str, **kwargs: Any) -> M:
        if isinstance(obj, Guardianship):
            wanted = self.lives_with.get((obj.pupil.source_id, obj.guardian.source_id))
            if wanted is not None:
                values = {**values, "lives_with": wanted}
        return super()._save(key, obj, values, action, **kwargs)


def import_edfi_roster(
    directory: Path,
    *,
    owner_name: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
) -> Report:
    report = Report(
        format="edfi", source=str(directory), dry_run=dry_run, skip_invalid=skip_invalid
    )
    try:
        roots = _read(directory)
    except _FatalError as exc:
        return report.fail(exc.problem)
    except XmlError as exc:
        return report.fail(Problem(exc.file, exc.line, None, None, exc.message))
    reader = _Reader(roots)
    owner_row = reader.owner()
    if owner_row is None:
        return report.fail(*reader.plan.problems)
    reader.people()
    plan = reader.plan
    with transaction.atomic():
        owner = find_owner(owner_row, owner_name)
        if isinstance(owner, Problem):
            return report.fail(owner)
        existing = load_existing(owner)
        reader.schools_of_pupils(set(existing.schools.by_sid))
        report.rejected.extend(sorted(plan.problems, key=lambda p: (p.file, p.line or 0)))
        report.skipped.extend(plan.skipped)
        report.notes.extend(plan.notes)
        applier = EdfiApplier(plan, existing, report, reader.lives_with)
        applier.compute()
        report.applied = not dry_run and (skip_invalid or not report.rejected)
        if report.applied and report.changed:
            applier.write()
    return report


class _FatalError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.reason)
        self.problem = problem


def _read(directory: Path) -> dict[str, Element]:
    if not directory.is_dir():
        raise _FatalError(Problem(str(directory), None, None, None, "is not a directory"))
    roots: dict[str, Element] = {}
    for name in (ORGANIZATION, STUDENTS, *CONTACTS, *ASSOCIATIONS, ATTENDANCE, CALENDAR):
        path = find_file(directory, name)
        if path is not None:
            roots[name] = parse_xml(path)
        elif name in (ORGANIZATION, STUDENTS):
            raise _FatalError(Problem(name, None, None, None, f"is missing from {directory.name}"))
    return roots


class _Reader:
    def __init__(self, roots: dict[str, Element]) -> None:
        self.roots = roots
        self.plan = Plan()
        self.lives_with: dict[tuple[str, str], bool] = {}
        self.pupil_schools: dict[str, tuple[str, Ref]] = {}

    def _problem(self, file: str, element: Element, field: str, value: str, why: str) -> None:
        self.plan.problems.append(Problem(file, element.line, field, value, why))

    def owner(self) -> OrgRow | None:
        root = self.roots[ORGANIZATION]
        agencies = root.findall("LocalEducationAgency")
        if len(agencies) != 1:
            self.plan.problems.append(
                Problem(
                    ORGANIZATION,
                    None,
                    "LocalEducationAgency",
                    None,
                    f"{len(agencies)} LocalEducationAgency elements: one import is for one "
                    "school owner",
                )
            )
            return None
        agency = agencies[0]
        sid = agency.findtext("LocalEducationAgencyId")
        name = agency.findtext("NameOfInstitution")[:MAX_NAME]
        ref = Ref(ORGANIZATION, agency.line)
        self.plan.owner = OwnerSpec(ref, sid, name, "")
        for school in root.findall("School"):
            school_id = school.findtext("SchoolId")
            grades = {
                GRADES[code(g.text)] for g in school.findall("GradeLevel") if code(g.text) in GRADES
            }
            if not school_id or not school.findtext("NameOfInstitution"):
                self._problem(
                    ORGANIZATION,
                    school,
                    "SchoolId",
                    school_id,
                    "a School needs SchoolId and NameOfInstitution",
                )
                continue
            self.plan.schools[school_id] = SchoolSpec(
                Ref(ORGANIZATION, school.line),
                school_id,
                school.findtext("NameOfInstitution")[:MAX_NAME],
                "",
                grades,
            )
        self._years()
        return OrgRow(ref, sid, Status.ACTIVE, name, "district")

    def _years(self) -> None:
        root = self.roots.get(CALENDAR)
        if root is None:
            return
        spans: dict[str, list[tuple[date, date, Element]]] = defaultdict(list)
        for session in root.findall("Session"):
            try:
                begin = date.fromisoformat(session.findtext("BeginDate"))
                end = date.fromisoformat(session.findtext("EndDate"))
            except ValueError:
                self._problem(
                    CALENDAR,
                    session,
                    "BeginDate",
                    session.findtext("BeginDate"),
                    "BeginDate and EndDate must be dates like 2021-08-23",
                )
                continue
            spans[session.findtext("SchoolYear")].append((begin, end, session))
        for year_sid, sessions in spans.items():
            key = YearRef(source_id=year_sid)
            first = min(s[0] for s in sessions)
            self.plan.years[key] = YearSpec(
                key,
                Ref(CALENDAR, sessions[0][2].line),
                year_sid.replace("-", "–"),
                first,
                max(s[1] for s in sessions),
            )
            for begin, end, session in sessions:
                name = session.findtext("SessionName")[:MAX_NAME]
                if name not in self.plan.terms:
                    self.plan.terms[name] = TermSpec(
                        Ref(CALENDAR, session.line), name, name, begin, end, key
                    )

    def people(self) -> None:
        self._associations()
        for student in self.roots[STUDENTS].findall("Student"):
            sid = student.findtext("StudentUniqueId")
            given = " ".join(
                filter(
                    None, (student.findtext("Name/FirstName"), student.findtext("Name/MiddleName"))
                )
            )
            family = student.findtext("Name/LastSurname")
            if not sid or not given or not family:
                self._problem(
                    STUDENTS,
                    student,
                    "StudentUniqueId",
                    sid,
                    "a Student needs StudentUniqueId, FirstName and LastSurname",
                )
                continue
            raw_birth = student.findtext("BirthData/BirthDate")
            try:
                birth = date.fromisoformat(raw_birth) if raw_birth else None
            except ValueError:
                self._problem(STUDENTS, student, "BirthDate", raw_birth, "not a date")
                continue
            grade = self.grades.get(sid)
            self.plan.pupils[sid] = PupilSpec(
                Ref(STUDENTS, student.line),
                sid,
                "",
                given[:MAX_NAME],
                family[:MAX_NAME],
                "",
                grade,
                grade is not None,
                birth,
                birth is not None,
            )
        self._contacts()

    def _associations(self) -> None:
        self.grades: dict[str, int] = {}
        latest: dict[str, date] = {}
        for name in ASSOCIATIONS:
            root = self.roots.get(name)
            for row in root.findall("StudentSchoolAssociation") if root else []:
                sid = row.findtext("StudentReference/StudentIdentity/StudentUniqueId")
                school = row.findtext("SchoolReference/SchoolIdentity/SchoolId")
                try:
                    entry = date.fromisoformat(row.findtext("EntryDate"))
                except ValueError:
                    entry = date.min
                if not sid or not school or entry < latest.get(sid, date.min):
                    continue
                latest[sid] = entry
                self.pupil_schools[sid] = (school, Ref(name, row.line))
                grade = GRADES.get(code(row.findtext("EntryGradeLevel")))
                if grade is not None:
                    self.grades[sid] = grade
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        lines: dict[str, int] = {}
        for event in (
            self.roots[ATTENDANCE].findall("StudentSchoolAttendanceEvent")
            if ATTENDANCE in self.roots
            else []
        ):
            sid = event.findtext("StudentReference/StudentIdentity/StudentUniqueId")
            counts[sid][event.findtext("SchoolReference/SchoolIdentity/SchoolId")] += 1
            lines.setdefault(sid, event.line)
        for sid, schools in counts.items():
            if sid not in self.pupil_schools:
                self.pupil_schools[sid] = (
                    schools.most_common(1)[0][0],
                    Ref(ATTENDANCE, lines[sid]),
                )

    def schools_of_pupils(self, known_schools: set[str]) -> None:
        for sid, pupil in list(self.plan.pupils.items()):
            school, ref = self.pupil_schools.get(sid, ("", pupil.ref))
            if not school:
                self.plan.skipped.append(
                    Skip(
                        STUDENTS,
                        pupil.ref.line,
                        sid,
                        "no school: no StudentSchoolAssociation "
                        "and no attendance event names one (Sammen keeps pupils at a school)",
                    )
                )
            elif school not in self.plan.schools and school not in known_schools:
                self.plan.problems.append(
                    Problem(
                        ref.file,
                        ref.line,
                        "SchoolId",
                        school,
                        f"student {sid}'s school is not in {ORGANIZATION} nor in Sammen",
                    )
                )
            else:
                pupil.school = school
                continue
            del self.plan.pupils[sid]
        self.plan.guardianships = {
            key: ship
            for key, ship in self.plan.guardianships.items()
            if ship.pupil in self.plan.pupils
        }
        linked = {ship.guardian for ship in self.plan.guardianships.values()}
        left_out = [sid for sid in self.plan.guardians if sid not in linked]
        for sid in left_out:
            del self.plan.guardians[sid]
        if left_out:
            file = next((n for n in CONTACTS if n in self.roots), CONTACTS[0])
            self.plan.notes.append(
                Note(
                    file,
                    None,
                    None,
                    str(len(left_out)),
                    "contacts of no imported pupil were left out",
                )
            )

    def _contacts(self) -> None:
        name = next((n for n in CONTACTS if n in self.roots), None)
        if name is None:
            return
        person = "Contact" if name == CONTACTS[0] else "Parent"
        root = self.roots[name]
        by_ref: dict[str, str] = {}
        for contact in root.findall(person):
            sid = contact.findtext(f"{person}UniqueId")
            given, family = contact.findtext("Name/FirstName"), contact.findtext("Name/LastSurname")
            if not sid or not given or not family:
                self._problem(
                    name,
                    contact,
                    f"{person}UniqueId",
                    sid,
                    f"a {person} needs {person}UniqueId, FirstName and LastSurname",
                )
                continue
            by_ref[contact.attrib.get("id", sid)] = sid
            self.plan.guardians[sid] = GuardianSpec(
                Ref(name, contact.line),
                sid,
                given[:MAX_NAME],
                family[:MAX_NAME],
                _email(contact),
                _phone(contact),
                Relation.PARENT,
            )
        primary = 0
        for link in root.findall(f"Student{person}Association"):
            pupil = link.findtext("StudentReference/StudentIdentity/StudentUniqueId")
            ref = link.find(f"{person}Reference")
            guardian = by_ref.get(ref.attrib.get("ref", "")) if ref is not None else None
            guardian = guardian or link.findtext(
                f"{person}Reference/{person}Identity/{person}UniqueId"
            )
            if guardian not in self.plan.guardians or pupil not in self.plan.pupils:
                continue
            relation = RELATIONS.get(code(link.findtext("Relation")), Relation.OTHER)
            legal = link.findtext("LegalGuardian")
            responsible = legal == "true" if legal else relation in RESPONSIBLE
            self.plan.guardians[guardian].relation = relation
            self.plan.guardianships[(pupil, guardian)] = GuardianshipSpec(
                Ref(name, link.line), pupil, guardian, relation, responsible
            )
            lives = link.findtext("LivesWith")
            if lives:
                self.lives_with[(pupil, guardian)] = lives == "true"
            primary += link.findtext("PrimaryContactStatus") == "true"
        if primary:
            self.plan.notes.append(
                Note(
                    name,
                    None,
                    "PrimaryContactStatus",
                    str(primary),
                    "not stored: Sammen contacts every guardian with parental responsibility",
                )
            )


def _email(contact: Element) -> str:
    mails = contact.findall("ElectronicMail")
    return mails[0].findtext("ElectronicMailAddress")[:254] if mails else ""


def _phone(contact: Element) -> str:
    phones = sorted(
        contact.findall("Telephone"),
        key=lambda t: (
            code(t.findtext("TelephoneNumberType")) != "Mobile",
            int(t.findtext("OrderOfPriority") or 99)
            if t.findtext("OrderOfPriority").isdigit()
            else 99,
        ),
    )
    return phones[0].findtext("TelephoneNumber")[:30] if phones else ""
