"""The access policy for the roster: the only way views reach schools, groups and pupils.

Each kind of object has two faces (as in wagtail's permission policies): a queryset of what a user
may see or change, and an ``access_*`` function that fetches one object or raises. An object the
user may not see raises Http404, exactly like one that does not exist, so a URL never tells a
stranger that a child is there. An object the user may see but not change raises PermissionDenied.

Who sees which pupils (data minimisation: the least each role needs for its work):
- school leader and office: every pupil of their school;
- contact teacher and teacher: pupils of the groups they teach or are contact teacher for;
- support services: no pupil through the roster (the follow-up issue admits them by consent);
- municipality analyst and system administrator: no pupil (aggregates and configuration only);
- guardian: the children they hold parental responsibility for.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from sammen.roster.models import (
    Group,
    GroupTeacher,
    Guardian,
    Guardianship,
    Pupil,
    Role,
    School,
    Staff,
    StaffRole,
)


class Perm(enum.StrEnum):
    VIEW = "view"
    CHANGE = "change"


WHOLE_SCHOOL_ROLES = frozenset({Role.LEADER, Role.OFFICE})


@dataclass(frozen=True)
class Viewer:
    """What the policy needs to know about a user, read once per request."""

    user_id: int | None
    staff: Staff | None = None
    guardian: Guardian | None = None
    roles: frozenset[tuple[int | None, str]] = frozenset()

    def schools_with(self, roles: frozenset[Role] | set[Role]) -> set[int]:
        return {school for school, role in self.roles if school is not None and role in roles}

    @property
    def school_ids(self) -> set[int]:
        return {school for school, _ in self.roles if school is not None}

    def has_role(self, role: Role, school: School | None = None) -> bool:
        return any(r == role and (school is None or s == school.pk) for s, r in self.roles)


def viewer_for(user: Any) -> Viewer:
    cached = getattr(user, "_sammen_viewer", None)
    if isinstance(cached, Viewer):
        return cached
    if user is None or not user.is_authenticated:
        return Viewer(user_id=None)
    staff = Staff.objects.filter(user=user).first()
    guardian = Guardian.objects.filter(user=user).first()
    roles: frozenset[tuple[int | None, str]] = frozenset()
    if staff is not None:
        roles = frozenset(StaffRole.objects.filter(staff=staff).values_list("school_id", "role"))
    viewer = Viewer(user_id=user.pk, staff=staff, guardian=guardian, roles=roles)
    user._sammen_viewer = viewer
    return viewer


# Schools ---------------------------------------------------------------------------------------


def schools_for(user: Any) -> QuerySet[School]:
    """Schools where the user holds a role: they may see the school's name and groups list."""
    viewer = viewer_for(user)
    return School.objects.filter(pk__in=viewer.school_ids)


def access_school(user: Any, public_id: uuid.UUID) -> School:
    try:
        return schools_for(user).get(public_id=public_id)
    except School.DoesNotExist:
        raise Http404 from None


def owner_schools_for(user: Any) -> QuerySet[School]:
    """All the owner's schools, for an analyst's aggregates (counts only, never pupils)."""
    viewer = viewer_for(user)
    if viewer.staff is None or not viewer.has_role(Role.ANALYST):
        return School.objects.none()
    return School.objects.filter(owner_id=viewer.staff.owner_id)


def may_see_staff_list(user: Any, school: School) -> bool:
    return school.pk in viewer_for(user).schools_with({Role.LEADER})


# Groups ----------------------------------------------------------------------------------------


def groups_for(user: Any) -> QuerySet[Group]:
    viewer = viewer_for(user)
    whole = viewer.schools_with(WHOLE_SCHOOL_ROLES)
    condition = Q(school_id__in=whole)
    if viewer.staff is not None and viewer.school_ids:
        taught = GroupTeacher.objects.filter(staff=viewer.staff).values("group_id")
        condition |= Q(pk__in=taught, school_id__in=viewer.school_ids)
    if not whole and viewer.staff is None:
        return Group.objects.none()
    return Group.objects.filter(condition)


def access_group(user: Any, public_id: uuid.UUID) -> Group:
    try:
        return groups_for(user).select_related("school").get(public_id=public_id)
    except Group.DoesNotExist:
        raise Http404 from None


# Pupils ----------------------------------------------------------------------------------------


def pupils_for(user: Any, perm: Perm = Perm.VIEW) -> QuerySet[Pupil]:
    viewer = viewer_for(user)
    condition = Q(pk__in=[])
    if viewer.staff is not None:
        whole = viewer.schools_with(WHOLE_SCHOOL_ROLES)
        condition |= Q(school_id__in=whole)
        links = GroupTeacher.objects.filter(
            staff=viewer.staff, group__school_id__in=viewer.school_ids
        )
        if perm == Perm.CHANGE:
            # Contact teachers keep the home's contact details up to date; subject teachers read.
            links = links.filter(is_contact_teacher=True)
        in_groups = Pupil.objects.filter(enrollments__group__in=links.values("group_id")).values(
            "pk"
        )
        condition |= Q(pk__in=in_groups, school_id__in=viewer.school_ids)
    if viewer.guardian is not None and perm == Perm.VIEW:
        own = Guardianship.objects.filter(
            guardian=viewer.guardian, parental_responsibility=True
        ).values("pupil_id")
        condition |= Q(pk__in=own)
    return Pupil.objects.filter(condition)


def access_pupil(user: Any, public_id: uuid.UUID, perm: Perm = Perm.VIEW) -> Pupil:
    """The pupil, or 404 if the user may not see them, or 403 if they may see but not ``perm``."""
    try:
        pupil = pupils_for(user).select_related("school").get(public_id=public_id)
    except Pupil.DoesNotExist:
        raise Http404 from None
    if perm != Perm.VIEW and not pupils_for(user, perm).filter(pk=pupil.pk).exists():
        raise PermissionDenied
    return pupil


def guardianships_for(user: Any, pupil: Pupil) -> QuerySet[Guardianship]:
    """The guardianships of a pupil the user may already see; guardians see only their own."""
    viewer = viewer_for(user)
    qs = Guardianship.objects.filter(pupil=pupil).select_related("guardian")
    if viewer.staff is None or not pupils_for(user).filter(pk=pupil.pk).exists():
        # A guardian sees their own link to the child, never the other parent's details.
        qs = qs.filter(guardian=viewer.guardian) if viewer.guardian else qs.none()
    return qs.order_by("guardian__family_name", "guardian__given_name")


def may_see_confidential_address(user: Any, pupil: Pupil) -> bool:
    """A confidential address is shown only to the school's leader, who decides who needs it."""
    return pupil.school_id in viewer_for(user).schools_with({Role.LEADER})


def access_guardian(user: Any, pupil: Pupil, public_id: uuid.UUID, perm: Perm) -> Guardian:
    """A guardian of a pupil the user may ``perm``: 404 if not linked, 403 if read-only."""
    try:
        link = guardianships_for(user, pupil).get(guardian__public_id=public_id)
    except Guardianship.DoesNotExist:
        raise Http404 from None
    if perm != Perm.VIEW and not pupils_for(user, perm).filter(pk=pupil.pk).exists():
        raise PermissionDenied
    return link.guardian


# Staff -----------------------------------------------------------------------------------------


def staff_roles_for_school(user: Any, school: School) -> QuerySet[StaffRole]:
    if not may_see_staff_list(user, school):
        raise PermissionDenied
    return (
        StaffRole.objects.filter(school=school)
        .select_related("staff")
        .order_by("staff__family_name", "staff__given_name", "role")
    )
