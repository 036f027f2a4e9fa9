"""Working out an import's creates and updates: upserts by (owner, source_id), with audit events.

Objects entered by hand (no ``source_id``) are never matched, changed or removed.
"""

from __future__ import annotations

from typing import Any

from sammen.audit import actions
from sammen.audit.log import Event, diff
from sammen.audit.models import AuditKind
from sammen.roster.importers.changes import ACTOR
from sammen.roster.importers.removals import Removals
from sammen.roster.models import (
    Enrollment,
    Group,
    GroupTeacher,
    Guardian,
    Guardianship,
    Pupil,
    School,
    SchoolYear,
    Staff,
    StaffRole,
    Term,
)
from sammen.roster.services import GUARDIAN_CONTACT_FIELDS


class Applier(Removals):
    """Every change the plan makes, worked out in memory; ``write`` (in ``Changes``) saves them."""

    def compute(self) -> None:
        self._owner()
        self._schools()
        self._years_and_terms()
        self._groups()
        self._people()
        self._links()
        self.removals()
        if self.report.changed:
            summary = {
                name: {k: v for k, v in counts.items() if v}
                for name, counts in self.report.counts().items()
                if name != "unchanged"
            }
            summary["rejected"] = {"rows": self.report.rejected_rows()}
            self.events.append(
                Event(
                    AuditKind.CHANGE,
                    actions.ROSTER_IMPORTED,
                    ACTOR,
                    self.owner,
                    changes=diff({}, summary),
                    detail=f"{self.report.format} {self.report.version} from {self.report.source}",
                )
            )

    def _owner(self) -> None:
        spec = self.plan.owner
        values: dict[str, Any] = {"name": self.owner.name}
        if spec is not None:
            values = {"name": spec.name, "source_id": spec.sid}
            if spec.org_number:
                values["org_number"] = spec.org_number
        self._save(
            "school_owner",
            self.owner,
            values,
            actions.SCHOOL_OWNER_SAVED,
            created=self.owner.pk is None,
        )

    def _schools(self) -> None:
        for sid, spec in self.plan.schools.items():
            found = self.existing.schools.by_sid.get(sid)
            obj = found or School(owner=self.owner, source_id=sid)
            values: dict[str, Any] = {"name": spec.name}
            if spec.org_number:
                values["org_number"] = spec.org_number
            if spec.grades:
                low, high = min(spec.grades), max(spec.grades)
                if found is not None:
                    # A delta file may name a few classes only: widen the range, never narrow it.
                    low, high = min(low, found.grade_from), max(high, found.grade_to)
                values["grade_from"], values["grade_to"] = low, high
            self.schools[sid] = self._save(
                "school", obj, values, actions.SCHOOL_SAVED, created=found is None, school=obj
            )

    def _years_and_terms(self) -> None:
        for key, spec in self.plan.years.items():
            found = self.existing.years.by_sid.get(key.source_id) if key.source_id else None
            obj = found or SchoolYear(owner=self.owner, source_id=key.source_id)
            values = {"name": spec.name, "start_date": spec.start, "end_date": spec.end}
            self.years[key] = self._save(
                "school_year", obj, values, actions.SCHOOL_YEAR_SAVED, created=found is None
            )
        for sid, term in self.plan.terms.items():
            found_term = self.existing.terms.by_sid.get(sid)
            term_obj = found_term or Term(owner=self.owner, source_id=sid)
            term_values = {
                "school_year": self.year(term.year),
                "name": term.name,
                "start_date": term.start,
                "end_date": term.end,
            }
            self._save(
                "term", term_obj, term_values, actions.TERM_SAVED, created=found_term is None
            )

    def _groups(self) -> None:
        for sid, spec in self.plan.groups.items():
            found = self.existing.groups.by_sid.get(sid)
            obj = found or Group(owner=self.owner, source_id=sid)
            school = self.school(spec.school)
            values = {
                "school": school,
                "school_year": self.year(spec.year) if spec.year else None,
                "kind": spec.kind,
                "name": spec.name,
                "grade": spec.grade,
                "subject": spec.subject,
            }
            self.groups[sid] = self._save(
                "group", obj, values, actions.GROUP_SAVED, created=found is None, school=school
            )

    def _people(self) -> None:
        for sid, pupil in self.plan.pupils.items():
            found_pupil = self.existing.pupils.by_sid.get(sid)
            pupil_obj = found_pupil or Pupil(owner=self.owner, source_id=sid)
            school = self.school(pupil.school)
            values: dict[str, Any] = {
                "school": school,
                "given_name": pupil.given_name,
                "family_name": pupil.family_name,
                "username": pupil.username,
                "active": True,
            }
            if pupil.set_grade:
                values["grade"] = pupil.grade
            if pupil.set_birth_date:
                values["birth_date"] = pupil.birth_date
            self.pupils[sid] = self._save(
                "pupil",
                pupil_obj,
                values,
                actions.PUPIL_SAVED,
                created=found_pupil is None,
                school=school,
                pupil=pupil_obj,
            )
        for sid, staff in self.plan.staff.items():
            found_staff = self.existing.staff.by_sid.get(sid)
            staff_obj = found_staff or Staff(owner=self.owner, source_id=sid)
            staff_values = {
                "given_name": staff.given_name,
                "family_name": staff.family_name,
                "email": staff.email,
                "phone": staff.phone,
                "username": staff.username,
            }
            self.staff[sid] = self._save(
                "staff", staff_obj, staff_values, actions.STAFF_SAVED, created=found_staff is None
            )
        for sid, guardian in self.plan.guardians.items():
            found_guardian = self.existing.guardians.by_sid.get(sid)
            guardian_obj = found_guardian or Guardian(owner=self.owner, source_id=sid)
            guardian_values: dict[str, Any] = {
                "given_name": guardian.given_name,
                "family_name": guardian.family_name,
                "email": guardian.email,
                "phone": guardian.phone,
            }
            if found_guardian is not None:
                # Once in Sammen, how to reach a guardian is theirs and the school's to keep
                # (services.change_guardian_contact); a nightly import must not undo it.
                for name in GUARDIAN_CONTACT_FIELDS:
                    guardian_values.pop(name, None)
            self.guardians[sid] = self._save(
                "guardian",
                guardian_obj,
                guardian_values,
                actions.GUARDIAN_SAVED,
                created=found_guardian is None,
            )

    def _links(self) -> None:
        existing = self.existing
        for key in self.plan.staff_roles:
            staff, school = self.staff_member(key.staff), self.school(key.school)
            if staff.pk and school.pk and (staff.pk, school.pk, key.role) in existing.staff_roles:
                self.report.unchanged["staff_role"] += 1
                continue
            self._save(
                "staff_role",
                StaffRole(),
                {"staff": staff, "school": school, "role": key.role},
                actions.STAFF_ROLE_SAVED,
                created=True,
                school=school,
            )
        for enrollment in self.plan.enrollments.values():
            group, pupil = self.group(enrollment.group), self.pupil(enrollment.pupil)
            found = (
                existing.enrollments.get((group.pk, pupil.pk)) if group.pk and pupil.pk else None
            )
            self._save(
                "enrollment",
                found or Enrollment(group=group, pupil=pupil),
                {
                    "start_date": enrollment.start,
                    "end_date": enrollment.end,
                    "source_id": enrollment.sid,
                },
                actions.ENROLLMENT_SAVED,
                created=found is None,
                school=self.school_of(group),
                pupil=pupil,
            )
        for teacher in self.plan.group_teachers.values():
            group, staff = self.group(teacher.group), self.staff_member(teacher.staff)
            link = (
                existing.group_teachers.get((group.pk, staff.pk)) if group.pk and staff.pk else None
            )
            self._save(
                "group_teacher",
                link or GroupTeacher(group=group, staff=staff),
                {"is_contact_teacher": teacher.contact, "source_id": teacher.sid},
                actions.GROUP_TEACHER_SAVED,
                created=link is None,
                school=self.school_of(group),
            )
        for ship in self.plan.guardianships.values():
            pupil, guardian = self.pupil(ship.pupil), self.guardian(ship.guardian)
            if pupil.pk and guardian.pk and (pupil.pk, guardian.pk) in existing.guardianships:
                # The relation and foreldreansvar are the school's to keep once set.
                self.report.unchanged["guardianship"] += 1
                continue
            self._save(
                "guardianship",
                Guardianship(pupil=pupil, guardian=guardian),
                {
                    "relation": ship.relation,
                    "parental_responsibility": ship.parental_responsibility,
                },
                actions.GUARDIANSHIP_SAVED,
                created=True,
                school=self.school_of(pupil),
                pupil=pupil,
            )
