"""Who may see and register attendance: the roster's access policy plus the rule of the day.

Seeing: a pupil's attendance is seen by exactly those who may see the pupil
(``sammen.roster.access.pupils_for``): staff by their role and groups, guardians their own
children (with parental responsibility). Anyone else gets 404, as for a pupil who does not exist.
A register is seen by those who may see its group.

Registering and correcting (see docs/attendance.md):
- a lesson: the group's teachers on the day itself; the school's office and leader any day;
- a class's whole day: the class's contact teachers on the day itself; the office and leader any
  day;
- one pupil's records of a day (reason, documentation, kind): the contact teachers of the
  pupil's classes on the day itself; the office and leader any day.
The day is the school's day (Europe/Oslo). Teachers correct their own slips while the lesson is
fresh; afterwards the record is part of the pupil's file and changes go through the office or the
leader, who see the whole school's routines. Someone who may see a register or a pupil but not
change it on that day reads it (200) and is refused a change (403).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from sammen.attendance.models import AttendanceRecord, GuardianReport
from sammen.roster import access as roster_access
from sammen.roster.access import WHOLE_SCHOOL_ROLES, viewer_for
from sammen.roster.models import Group, GroupKind, GroupTeacher, Pupil, Role

CLASS_KINDS = frozenset({GroupKind.CLASS, GroupKind.CONTACT})
REGISTERING_ROLES = frozenset({Role.TEACHER, Role.CONTACT_TEACHER, *WHOLE_SCHOOL_ROLES})


def today() -> date:
    """The school's today: the one clock the registration rules read."""
    return timezone.localdate()


def whole_school(user: Any, school_id: int) -> bool:
    """The office and the leader register and correct for their whole school, any day."""
    return school_id in viewer_for(user).schools_with(WHOLE_SCHOOL_ROLES)


def _teaches(user: Any, group: Group, *, contact: bool = False) -> bool:
    viewer = viewer_for(user)
    if viewer.staff is None or group.school_id not in viewer.school_ids:
        return False
    links = GroupTeacher.objects.filter(group=group, staff=viewer.staff)
    if contact:
        links = links.filter(is_contact_teacher=True)
    return links.exists()


def contact_links(user: Any) -> QuerySet[GroupTeacher]:
    """The user's links as contact teacher to classes at schools where they work (none for
    anyone else): the one definition of "the contact teacher's classes" that cooperation,
    messages, follow-up and the early warning use."""
    viewer = viewer_for(user)
    if viewer.staff is None or not viewer.school_ids:
        return GroupTeacher.objects.none()
    return GroupTeacher.objects.filter(
        staff=viewer.staff,
        is_contact_teacher=True,
        group__kind__in=CLASS_KINDS,
        group__school_id__in=viewer.school_ids,
    )


def may_register_lesson(user: Any, group: Group, day: date) -> bool:
    if whole_school(user, group.school_id):
        return True
    return day == today() and _teaches(user, group)


def may_register_day(user: Any, group: Group, day: date) -> bool:
    if group.kind not in CLASS_KINDS:
        return False
    if whole_school(user, group.school_id):
        return True
    return day == today() and _teaches(user, group, contact=True)


def may_correct(user: Any, pupil: Pupil, day: date) -> bool:
    """May the user change the pupil's records of ``day`` (kind, reason, documentation)?"""
    if whole_school(user, pupil.school_id):
        return True
    viewer = viewer_for(user)
    if day != today() or viewer.staff is None or pupil.school_id not in viewer.school_ids:
        return False
    return GroupTeacher.objects.filter(
        staff=viewer.staff,
        is_contact_teacher=True,
        group__kind__in=CLASS_KINDS,
        group__enrollments__pupil=pupil,
    ).exists()


def may_use_registers(user: Any) -> bool:
    """Teachers, contact teachers, the office and the leader have a register page ("Today")."""
    return any(
        school is not None and role in REGISTERING_ROLES for school, role in viewer_for(user).roles
    )


# Objects --------------------------------------------------------------------------------------


def access_group(user: Any, public_id: uuid.UUID) -> Group:
    """A group whose registers the user may see (404 otherwise)."""
    return roster_access.access_group(user, public_id)


def access_class(user: Any, public_id: uuid.UUID) -> Group:
    """A class (or contact-teacher group) the user may see; other groups have no day register."""
    group = roster_access.access_group(user, public_id)
    if group.kind not in CLASS_KINDS:
        raise Http404
    return group


def access_pupil(user: Any, public_id: uuid.UUID) -> Pupil:
    """A pupil whose attendance the user may see: exactly those whose page they may see."""
    return roster_access.access_pupil(user, public_id)


def access_pupil_day(user: Any, public_id: uuid.UUID, day: date) -> Pupil:
    """A pupil whose records of ``day`` the user may correct: 404 if unseen, 403 if read-only."""
    pupil = roster_access.access_pupil(user, public_id)
    if not may_correct(user, pupil, day):
        raise PermissionDenied
    return pupil


def records_of_day(pupil: Pupil, day: date) -> QuerySet[AttendanceRecord]:
    """The pupil's records of one day; the caller has fetched the pupil through this module."""
    return (
        AttendanceRecord.objects.filter(pupil=pupil, date=day)
        .select_related("registered_by", "group")
        .order_by("period")
    )


# Guardians ------------------------------------------------------------------------------------


def reportable_children(user: Any) -> QuerySet[Pupil]:
    """The children a guardian may report absent: their own, with parental responsibility.

    Narrower than ``pupils_for``: a guardian who also works at a school reports only for their own
    children, never for the pupils they teach.
    """
    guardian = viewer_for(user).guardian
    if guardian is None:
        return Pupil.objects.none()
    return (
        Pupil.objects.filter(
            guardianships__guardian=guardian,
            guardianships__parental_responsibility=True,
            active=True,
        )
        .select_related("school")
        .order_by("given_name", "family_name")
    )


def guardian_reports_for(pupil: Pupil) -> QuerySet[GuardianReport]:
    """The guardians' reports on a pupil the caller fetched through ``access_pupil``."""
    return GuardianReport.objects.filter(pupil=pupil).select_related("guardian")
