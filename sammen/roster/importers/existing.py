"""What the school owner already has in Sammen, read in one query per model before an import."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from django.db import models

from sammen.roster.importers.plan import Known, YearRef
from sammen.roster.importers.report import Problem
from sammen.roster.importers.rows import MAX_NAME, OrgRow
from sammen.roster.models import (
    Enrollment,
    Group,
    GroupTeacher,
    Guardian,
    Guardianship,
    Pupil,
    School,
    SchoolOwner,
    SchoolYear,
    Staff,
    StaffRole,
    Term,
)

M = TypeVar("M", bound=models.Model)


class Index(Generic[M]):
    """A model's rows for the owner, by primary key and by source id."""

    def __init__(self, rows: Iterable[M] = ()) -> None:
        self.by_pk: dict[int, M] = {}
        self.by_sid: dict[str, M] = {}
        for row in rows:
            self.by_pk[row.pk] = row
            source_id = getattr(row, "source_id", "")
            if source_id:
                self.by_sid[source_id] = row


@dataclass
class Existing:
    """Everything the owner already has that an import can touch, read in one query per model."""

    owner: SchoolOwner
    schools: Index[School] = field(default_factory=Index)
    years: Index[SchoolYear] = field(default_factory=Index)
    terms: Index[Term] = field(default_factory=Index)
    groups: Index[Group] = field(default_factory=Index)
    pupils: Index[Pupil] = field(default_factory=Index)
    staff: Index[Staff] = field(default_factory=Index)
    guardians: Index[Guardian] = field(default_factory=Index)
    staff_roles: dict[tuple[int, int | None, str], StaffRole] = field(default_factory=dict)
    enrollments: dict[tuple[int, int], Enrollment] = field(default_factory=dict)
    group_teachers: dict[tuple[int, int], GroupTeacher] = field(default_factory=dict)
    guardianships: dict[tuple[int, int], Guardianship] = field(default_factory=dict)

    def year_ref(self, year: SchoolYear) -> YearRef:
        return YearRef(source_id=year.source_id) if year.source_id else YearRef(pk=year.pk)

    def known(self) -> Known:
        school_sid = {pk: s.source_id for pk, s in self.schools.by_pk.items()}
        return Known(
            owner_source_id=self.owner.source_id,
            schools=set(self.schools.by_sid),
            years=set(self.years.by_sid),
            year_spans=[
                (self.year_ref(y), y.start_date, y.end_date) for y in self.years.by_pk.values()
            ],
            terms={
                sid: self.year_ref(self.years.by_pk[t.school_year_id])
                if t.school_year_id in self.years.by_pk
                else None
                for sid, t in self.terms.by_sid.items()
            },
            groups={
                sid: (school_sid.get(g.school_id, ""), g.kind)
                for sid, g in self.groups.by_sid.items()
            },
            pupils=set(self.pupils.by_sid),
            staff=set(self.staff.by_sid),
            guardians=set(self.guardians.by_sid),
        )


def load_existing(owner: SchoolOwner) -> Existing:
    existing = Existing(owner)
    if owner.pk is None:
        return existing
    # Two imports for one owner at once would race to create the same rows; on PostgreSQL the
    # second waits here until the first commits (SQLite's write lock already serialises them).
    list(SchoolOwner.objects.select_for_update().filter(pk=owner.pk))
    existing.schools = Index(School.objects.filter(owner=owner))
    existing.years = Index(SchoolYear.objects.filter(owner=owner))
    existing.terms = Index(Term.objects.filter(owner=owner))
    existing.groups = Index(Group.objects.filter(owner=owner))
    existing.pupils = Index(Pupil.objects.filter(owner=owner))
    existing.staff = Index(Staff.objects.filter(owner=owner))
    existing.guardians = Index(Guardian.objects.filter(owner=owner))
    # The related objects come from the indexes above, so printing a link for the audit trail
    # never costs a query.
    schools, groups = existing.schools.by_pk, existing.groups.by_pk
    pupils, staff = existing.pupils.by_pk, existing.staff.by_pk
    for role in StaffRole.objects.filter(staff__owner=owner):
        if role.staff_id in staff:
            role.staff = staff[role.staff_id]
            if role.school_id is not None and role.school_id in schools:
                role.school = schools[role.school_id]
            existing.staff_roles[(role.staff_id, role.school_id, role.role)] = role
    for enrollment in Enrollment.objects.filter(group__owner=owner):
        if enrollment.group_id in groups and enrollment.pupil_id in pupils:
            enrollment.group = groups[enrollment.group_id]
            enrollment.pupil = pupils[enrollment.pupil_id]
            existing.enrollments[(enrollment.group_id, enrollment.pupil_id)] = enrollment
    for link in GroupTeacher.objects.filter(group__owner=owner):
        if link.group_id in groups and link.staff_id in staff:
            link.group = groups[link.group_id]
            link.staff = staff[link.staff_id]
            existing.group_teachers[(link.group_id, link.staff_id)] = link
    guardians = existing.guardians.by_pk
    for ship in Guardianship.objects.filter(pupil__owner=owner):
        if ship.pupil_id in pupils and ship.guardian_id in guardians:
            ship.pupil = pupils[ship.pupil_id]
            ship.guardian = guardians[ship.guardian_id]
            existing.guardianships[(ship.pupil_id, ship.guardian_id)] = ship
    return existing


def find_owner(owner_org: OrgRow | None, owner_name: str | None) -> SchoolOwner | Problem:
    """The school owner to import into; a new, unsaved one when it does not exist yet."""
    if owner_org is not None:
        by_source = list(SchoolOwner.objects.filter(source_id=owner_org.sid)[:2])
        if len(by_source) == 1:
            return by_source[0]
        if len(by_source) > 1:
            return Problem(
                "orgs.csv",
                owner_org.ref.line,
                "sourcedId",
                owner_org.sid,
                f'{len(by_source)} school owners in Sammen have sourcedId "{owner_org.sid}"',
            )
    name = owner_name or (owner_org.name if owner_org else None)
    if owner_name is not None and not 0 < len(owner_name) <= MAX_NAME:
        return Problem(
            "--owner", None, None, owner_name[:40], f"must be 1 to {MAX_NAME} characters"
        )
    if name:
        by_name = list(SchoolOwner.objects.filter(name=name)[:2])
        if len(by_name) == 1:
            return by_name[0]
        if len(by_name) > 1:
            return Problem(
                "--owner" if owner_name else "orgs.csv",
                None,
                None,
                name,
                f'several school owners are named "{name}"',
            )
        return SchoolOwner(name=name)
    owners = list(SchoolOwner.objects.all()[:2])
    if len(owners) == 1:
        return owners[0]
    reason = (
        "orgs.csv has no district org and Sammen has no school owner yet"
        if not owners
        else "orgs.csv has no district org and Sammen has several school owners"
    )
    return Problem("orgs.csv", None, "type", None, f'{reason}: give --owner "Name"')
