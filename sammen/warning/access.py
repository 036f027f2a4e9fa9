"""Who sees which early-warning flags: the only way pages reach flags and the school's standard.

A flag says that something may be wrong with a child. Data minimisation keeps that knowledge with
the two people whose work is to act on it:

- the contact teacher sees the flags of the pupils in the classes and contact-teacher groups where
  they are contact teacher (``GroupTeacher.is_contact_teacher``) at a school where they work;
- the school leader sees every flag of their school, sets the school's standard and sees the
  school's overview (tiers, overdue flags).

Nobody else sees a flag: subject teachers, the office, support services, guardians and the
owner-level analyst and system administrator get 404 on every flag page, exactly as for a page
that does not exist, so a URL never tells them that a child has been flagged. (The analyst sees
aggregates elsewhere, never a flag.) Flags are always reached through ``pupils_for`` as well, so
this module can never show more than the roster's policy allows.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from sammen.attendance.access import contact_links
from sammen.roster.access import pupils_for, viewer_for
from sammen.roster.models import Pupil, Role, School
from sammen.warning.models import Flag

LEADER_ROLES = frozenset({Role.LEADER})


def leader_school_ids(user: Any) -> set[int]:
    return viewer_for(user).schools_with(LEADER_ROLES)


def leader_schools(user: Any) -> QuerySet[School]:
    return School.objects.filter(pk__in=leader_school_ids(user))


def is_leader(user: Any, school: School) -> bool:
    return school.pk in leader_school_ids(user)


def may_use_queue(user: Any) -> bool:
    """Contact teachers and school leaders have a queue ("Needs attention"); nobody else."""
    cached = getattr(user, "_sammen_may_use_queue", None)
    if isinstance(cached, bool):
        return cached
    allowed = bool(leader_school_ids(user)) or contact_links(user).exists()
    if user is not None and user.is_authenticated:
        # Read once per request: the navigation asks on every page.
        user._sammen_may_use_queue = allowed
    return allowed


def flags_for(user: Any) -> QuerySet[Flag]:
    """Every flag, open or closed, the user may see."""
    viewer = viewer_for(user)
    if viewer.staff is None:
        return Flag.objects.none()
    condition = Q(school_id__in=leader_school_ids(user))
    in_my_classes = Pupil.objects.filter(
        enrollments__group__in=contact_links(user).values("group_id")
    ).values("pk")
    condition |= Q(pupil__in=in_my_classes, school_id__in=viewer.school_ids)
    return Flag.objects.filter(condition, pupil__in=pupils_for(user).values("pk"))


def open_flags_for(user: Any) -> QuerySet[Flag]:
    return flags_for(user).filter(closed_on__isnull=True)


def access_flag(user: Any, public_id: uuid.UUID) -> Flag:
    """A flag the user may see and answer, or 404 (as for one that does not exist)."""
    try:
        return flags_for(user).select_related("pupil", "school").get(public_id=public_id)
    except Flag.DoesNotExist:
        raise Http404 from None


def access_leader_school(user: Any, public_id: uuid.UUID) -> School:
    """A school whose early warning the user leads: its overview and standard. 404 for anyone
    else, including the school's other staff, since the overview names flagged pupils."""
    try:
        return leader_schools(user).get(public_id=public_id)
    except School.DoesNotExist:
        raise Http404 from None


def open_flags_of_pupil(user: Any, pupil: Pupil) -> QuerySet[Flag]:
    """The open flags of a pupil the caller already fetched, if the user may see flags at all."""
    return open_flags_for(user).filter(pupil=pupil).order_by("-level", "due_on", "pk")
