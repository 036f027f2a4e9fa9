"""Who sees the cooperation with a pupil's home: the only way pages reach its rows.

The contact log, the reviews, the family's needs and the network say much about a family's life.
Need-to-know keeps them with the people whose work is that cooperation:

- the contact teacher of the pupil's class or contact-teacher group (at a school where they work)
  and the school leader see and write all of it;
- the family's barriers (``FamilyNeeds.barriers``) are shown only to those two as well, by the
  separate ``may_see_barriers``, so that widening the cooperation pages to others later never
  widens the barriers with them; each read of them is audited;
- a guardian with parental responsibility sees their own child's guardian-facing parts (positive
  notes shared with the family, the profile entries marked for the family, the network, the
  school's routines) and adds to the profile and the network;
- subject teachers, the office, support services, other schools, guardians without parental
  responsibility and the owner-level roles get 404 everywhere, as for a page that does not exist.

Every queryset here is also cut by ``sammen.roster.access.pupils_for``, so this module can never
show more than the roster's policy allows.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from sammen.attendance.access import CLASS_KINDS, contact_links
from sammen.roster.access import pupils_for, viewer_for
from sammen.roster.models import Group, GroupTeacher, Guardian, Guardianship, Pupil, Role, School

LEADER_ROLES = frozenset({Role.LEADER})


def contact_group_ids(user: Any) -> QuerySet[GroupTeacher, Any]:
    """The classes (group ids) where the user is contact teacher, at a school where they work."""
    return contact_links(user).values("group_id")


def leader_school_ids(user: Any) -> set[int]:
    return viewer_for(user).schools_with(LEADER_ROLES)


def is_leader(user: Any, school_id: int) -> bool:
    return school_id in leader_school_ids(user)


def may_cooperate(user: Any) -> bool:
    """Contact teachers and school leaders work with the homes; the navigation asks."""
    cached = getattr(user, "_sammen_may_cooperate", None)
    if isinstance(cached, bool):
        return cached
    allowed = bool(leader_school_ids(user)) or contact_group_ids(user).exists()
    if user is not None and user.is_authenticated:
        user._sammen_may_cooperate = allowed
    return allowed


def coop_pupils(user: Any) -> QuerySet[Pupil]:
    """Pupils whose cooperation with the home the user sees and writes."""
    viewer = viewer_for(user)
    if viewer.staff is None:
        return Pupil.objects.none()
    condition = Q(school_id__in=leader_school_ids(user))
    in_my_classes = Pupil.objects.filter(enrollments__group__in=contact_group_ids(user)).values(
        "pk"
    )
    condition |= Q(pk__in=in_my_classes, school_id__in=viewer.school_ids)
    return Pupil.objects.filter(condition, pk__in=pupils_for(user).values("pk"))


def access_coop_pupil(user: Any, public_id: uuid.UUID) -> Pupil:
    try:
        return coop_pupils(user).select_related("school").get(public_id=public_id)
    except Pupil.DoesNotExist:
        raise Http404 from None


def may_see_barriers(user: Any, pupil: Pupil) -> bool:
    """The family's barriers: the contact teacher of the pupil's class and the leader only."""
    return coop_pupils(user).filter(pk=pupil.pk).exists()


def coop_groups(user: Any) -> QuerySet[Group]:
    """Classes whose fortnightly review the user runs: their own as contact teacher, every class
    of the school for the leader."""
    viewer = viewer_for(user)
    if viewer.staff is None:
        return Group.objects.none()
    condition = Q(school_id__in=leader_school_ids(user))
    condition |= Q(pk__in=contact_group_ids(user))
    return Group.objects.filter(condition, kind__in=CLASS_KINDS)


def access_coop_group(user: Any, public_id: uuid.UUID) -> Group:
    try:
        return coop_groups(user).select_related("school").get(public_id=public_id)
    except Group.DoesNotExist:
        raise Http404 from None


def leader_schools(user: Any) -> QuerySet[School]:
    return School.objects.filter(pk__in=leader_school_ids(user))


def access_leader_school(user: Any, public_id: uuid.UUID) -> School:
    try:
        return leader_schools(user).get(public_id=public_id)
    except School.DoesNotExist:
        raise Http404 from None


# Guardians -------------------------------------------------------------------------------------


def family_pupils(user: Any) -> QuerySet[Pupil]:
    """The children the user holds parental responsibility for."""
    viewer = viewer_for(user)
    if viewer.guardian is None:
        return Pupil.objects.none()
    own = Guardianship.objects.filter(
        guardian=viewer.guardian, parental_responsibility=True
    ).values("pupil_id")
    return Pupil.objects.filter(pk__in=own)


def access_family_pupil(user: Any, public_id: uuid.UUID) -> tuple[Pupil, Guardian]:
    """The guardian's own child (with parental responsibility) and the guardian, or 404."""
    try:
        pupil = family_pupils(user).select_related("school").get(public_id=public_id)
    except Pupil.DoesNotExist:
        raise Http404 from None
    guardian = viewer_for(user).guardian
    assert guardian is not None  # family_pupils is empty without one
    return pupil, guardian


def routine_schools(user: Any) -> QuerySet[School]:
    """Schools whose cooperation routines the user may read: staff of the school, and guardians
    of a child there (with parental responsibility)."""
    viewer = viewer_for(user)
    condition = Q(pk__in=viewer.school_ids)
    condition |= Q(pk__in=family_pupils(user).values("school_id"))
    return School.objects.filter(condition)


def access_routine_school(user: Any, public_id: uuid.UUID) -> School:
    try:
        return routine_schools(user).get(public_id=public_id)
    except School.DoesNotExist:
        raise Http404 from None
