"""Factory functions for tests: plain functions with sensible defaults, keyword-only overrides."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from sammen.accounts.models import User
from sammen.roster.models import (
    Enrollment,
    Group,
    GroupKind,
    GroupTeacher,
    Guardian,
    Guardianship,
    Pupil,
    Role,
    School,
    SchoolOwner,
    SchoolYear,
    Staff,
    StaffRole,
)

PASSWORD = "test-password-123"
_seq = itertools.count(1)


def make_user(username: str | None = None, **kwargs: Any) -> User:
    username = username or f"user{next(_seq)}"
    user = User(username=username, **kwargs)
    user.set_password(PASSWORD)
    user.save()
    return user


def make_owner(name: str = "Testvik kommune") -> SchoolOwner:
    return SchoolOwner.objects.create(name=name)


def make_school(owner: SchoolOwner, name: str | None = None, **kwargs: Any) -> School:
    return School.objects.create(owner=owner, name=name or f"Skole {next(_seq)}", **kwargs)


def make_school_year(owner: SchoolOwner, start: int = 2026) -> SchoolYear:
    return SchoolYear.objects.create(
        owner=owner,
        name=f"{start}–{start + 1}",
        start_date=date(start, 8, 17),
        end_date=date(start + 1, 6, 19),
    )


def make_group(
    school: School, name: str | None = None, kind: str = GroupKind.CLASS, **kwargs: Any
) -> Group:
    return Group.objects.create(
        owner=school.owner, school=school, kind=kind, name=name or f"Gruppe {next(_seq)}", **kwargs
    )


def make_pupil(school: School, *groups: Group, **kwargs: Any) -> Pupil:
    n = next(_seq)
    values: dict[str, Any] = {
        "given_name": f"Elev{n}",
        "family_name": "Hansen",
        "birth_date": date(2012, 3, 1),
        "grade": 8,
    }
    values.update(kwargs)
    pupil = Pupil.objects.create(owner=school.owner, school=school, **values)
    for group in groups:
        Enrollment.objects.create(group=group, pupil=pupil)
    return pupil


def make_guardian(
    pupil: Pupil,
    *,
    user: User | None = None,
    parental_responsibility: bool = True,
    confidential_address: bool = False,
    **kwargs: Any,
) -> Guardian:
    n = next(_seq)
    values: dict[str, Any] = {
        "given_name": f"Foresatt{n}",
        "family_name": pupil.family_name,
        "email": f"foresatt{n}@example.no",
        "phone": "+47 912 34 567",
        "address": f"Storgata {n}, 0155 Oslo",
    }
    values.update(kwargs)
    guardian = Guardian.objects.create(owner=pupil.owner, user=user, **values)
    Guardianship.objects.create(
        pupil=pupil,
        guardian=guardian,
        parental_responsibility=parental_responsibility,
        confidential_address=confidential_address,
    )
    return guardian


def make_staff(
    owner: SchoolOwner,
    *roles: tuple[School | None, str],
    user: User | None = None,
    **kwargs: Any,
) -> Staff:
    n = next(_seq)
    values: dict[str, Any] = {"given_name": f"Ansatt{n}", "family_name": "Berg"}
    values.update(kwargs)
    staff = Staff.objects.create(owner=owner, user=user, **values)
    for school, role in roles:
        StaffRole.objects.create(staff=staff, school=school, role=role)
    return staff


def teach(group: Group, staff: Staff, *, contact: bool = False) -> GroupTeacher:
    return GroupTeacher.objects.create(group=group, staff=staff, is_contact_teacher=contact)


__all__ = ["PASSWORD", "Role"]
