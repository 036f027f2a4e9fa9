"""Who may reach a follow-up case: the only way pages reach cases, built on the roster's policy.

A case tells that a child struggles and why, so it is known by those whose work it is:

- the contact teacher of the pupil's class (``GroupTeacher.is_contact_teacher``) and the school
  leader: every case of those pupils; they open cases, name the coordinator and members, and
  record consent; only the leader raises or lowers the level, closes a case and sends a referral;
- staff named on the case (``CaseMember``) who hold a school role there (teacher, contact
  teacher, leader, office);
- support services (PPT, the school health nurse, BUP, child welfare, the attendance team) only
  while a consent names them on that very case: not withdrawn and not expired. The clock is read
  on every request, so access ends the minute a consent does. Being named as a member is not
  enough for a support-service worker;
- guardians with parental responsibility read their child's plan and agreements and comment on
  them (their own page, ``access_guardian_case``); never the staff pages.

Everyone else (subject teachers not named, the office, other schools, the owner-level analyst and
system administrator, guardians without parental responsibility) gets 404, exactly as for a case
that does not exist.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sammen.attendance.access import contact_links
from sammen.followup.models import Case, CaseMember, Consent
from sammen.roster.access import pupils_for, viewer_for
from sammen.roster.models import Guardianship, Pupil, Role, School

LEADER_ROLES = frozenset({Role.LEADER})
# A named member counts only with one of these roles at the case's school.
MEMBER_ROLES = frozenset({Role.TEACHER, Role.CONTACT_TEACHER, Role.LEADER, Role.OFFICE})
SUPPORT_ROLES = frozenset({Role.SUPPORT})
SCHOOL_ROLES = MEMBER_ROLES | SUPPORT_ROLES


def valid_consents(now: Any = None) -> QuerySet[Consent]:
    """Consents in force at ``now`` (default: this very moment)."""
    at = now or timezone.now()
    return Consent.objects.filter(withdrawn_at__isnull=True, expires_at__gt=at)


def _contact_pupils(user: Any) -> QuerySet[Pupil]:
    return Pupil.objects.filter(enrollments__group__in=contact_links(user).values("group_id"))


def leader_school_ids(user: Any) -> set[int]:
    return viewer_for(user).schools_with(LEADER_ROLES)


def is_leader(user: Any, case: Case) -> bool:
    return case.school_id in leader_school_ids(user)


def cases_for(user: Any) -> QuerySet[Case]:
    """Every case, open or closed, the user may work on now."""
    viewer = viewer_for(user)
    if viewer.staff is None or not viewer.school_ids:
        return Case.objects.none()
    condition = Q(school_id__in=leader_school_ids(user))
    condition |= Q(pupil__in=_contact_pupils(user).values("pk"), school_id__in=viewer.school_ids)
    member_of = CaseMember.objects.filter(staff=viewer.staff).values("case_id")
    condition |= Q(pk__in=member_of, school_id__in=viewer.schools_with(MEMBER_ROLES))
    consented = valid_consents().filter(staff=viewer.staff).values("case_id")
    condition |= Q(pk__in=consented, school_id__in=viewer.schools_with(SUPPORT_ROLES))
    return Case.objects.filter(condition)


def access_case(user: Any, public_id: uuid.UUID) -> Case:
    """A case the user may work on, or 404 (as for one that does not exist)."""
    try:
        return (
            cases_for(user)
            .select_related("pupil", "school", "coordinator", "flag")
            .get(public_id=public_id)
        )
    except Case.DoesNotExist:
        raise Http404 from None


def may_manage(user: Any, case: Case) -> bool:
    """The contact teacher of the pupil, the coordinator and the leader steer the case: name the
    coordinator and members, record consent, record the home's disagreement."""
    viewer = viewer_for(user)
    if is_leader(user, case):
        return True
    if viewer.staff is None:
        return False
    if case.coordinator_id == viewer.staff.pk:
        return True
    return _contact_pupils(user).filter(pk=case.pupil_id).exists()


def require_manager(user: Any, case: Case) -> None:
    if not may_manage(user, case):
        raise PermissionDenied


def require_leader(user: Any, case: Case) -> None:
    if not is_leader(user, case):
        raise PermissionDenied


def require_open(case: Case) -> None:
    """A closed case is read, not changed."""
    if not case.is_open:
        raise PermissionDenied


# Opening a case from the pupil ----------------------------------------------------------------


def may_open_case(user: Any, pupil: Pupil) -> bool:
    return pupil.school_id in leader_school_ids(user) or (
        _contact_pupils(user).filter(pk=pupil.pk).exists()
    )


def access_pupil_cases(user: Any, public_id: uuid.UUID) -> Pupil:
    """The pupil whose follow-up the user leads (contact teacher or leader), else 404."""
    try:
        pupil = pupils_for(user).select_related("school").get(public_id=public_id)
    except Pupil.DoesNotExist:
        raise Http404 from None
    if not may_open_case(user, pupil):
        raise Http404
    return pupil


def has_case_role(user: Any) -> bool:
    """Staff working at a school (not the owner-level roles) have a list of their cases."""
    return bool(viewer_for(user).schools_with(SCHOOL_ROLES))


def access_leader_school(user: Any, public_id: uuid.UUID) -> School:
    try:
        return School.objects.filter(pk__in=leader_school_ids(user)).get(public_id=public_id)
    except School.DoesNotExist:
        raise Http404 from None


# Guardians -------------------------------------------------------------------------------------


def guardian_cases_for(user: Any) -> QuerySet[Case]:
    """Cases of the children the user holds parental responsibility for."""
    viewer = viewer_for(user)
    if viewer.guardian is None:
        return Case.objects.none()
    own = Guardianship.objects.filter(
        guardian=viewer.guardian, parental_responsibility=True
    ).values("pupil_id")
    return Case.objects.filter(pupil__in=own)


def access_guardian_case(user: Any, public_id: uuid.UUID) -> Case:
    try:
        return guardian_cases_for(user).select_related("pupil", "school").get(public_id=public_id)
    except Case.DoesNotExist:
        raise Http404 from None
