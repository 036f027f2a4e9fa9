"""Who reads and writes which conversations: the only way pages reach threads and messages.

- Guardian: only with parental responsibility for the child (``sammen.portal.access``), only
  their own thread, plus what the child's other guardians shared with them (read-only). A parent
  without parental responsibility has no thread and gets 404, as does every other family.
- School: the contact teacher(s) of the pupil's class read and write; the school leader reads and
  may also write (``cooperation.access.coop_pupils`` is exactly these two). The leader may answer
  because the school, not one teacher, owns the cooperation: when the contact teacher is away or a
  conversation has become hard, the leader backs the teacher in the same thread the family knows,
  and every message shows who wrote it and in which role. Only the contact teacher's reading marks
  messages read, so a leader looking over the school's threads never hides a new message from the
  teacher who is to answer it.
- Subject teachers, the office, support services, other schools and the owner-level roles: 404.

Querysets here stay free of per-row queries: each is one SELECT with subqueries.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from sammen.conversations.models import Message, Side, Thread
from sammen.cooperation.access import (
    access_coop_pupil,
    contact_group_ids,
    coop_pupils,
    may_cooperate,
)
from sammen.portal.access import portal_children
from sammen.roster.access import pupils_for, viewer_for
from sammen.roster.models import Guardian, Guardianship, Pupil

__all__ = ["may_cooperate"]


def _responsible() -> Exists:
    """The thread's guardian (still) holds parental responsibility for its pupil."""
    return Exists(
        Guardianship.objects.filter(
            pupil_id=OuterRef("pupil_id"),
            guardian_id=OuterRef("guardian_id"),
            parental_responsibility=True,
        )
    )


def contact_pupils(user: Any) -> QuerySet[Pupil]:
    """Pupils in the classes where the user is contact teacher (at a school where they work)."""
    viewer = viewer_for(user)
    if viewer.staff is None or not viewer.school_ids:
        return Pupil.objects.none()
    in_groups = Pupil.objects.filter(enrollments__group__in=contact_group_ids(user)).values("pk")
    return Pupil.objects.filter(pk__in=in_groups, school_id__in=viewer.school_ids).filter(
        pk__in=pupils_for(user).values("pk")
    )


def school_threads(user: Any) -> QuerySet[Thread]:
    """Threads the user reads on the school's side: their classes', or the leader's school's."""
    return Thread.objects.filter(_responsible(), pupil__in=coop_pupils(user).values("pk"))


def contact_threads(user: Any) -> QuerySet[Thread]:
    """Threads the user is the one to answer, as the pupil's contact teacher."""
    return Thread.objects.filter(_responsible(), pupil__in=contact_pupils(user).values("pk"))


def is_contact_teacher_of(user: Any, pupil: Pupil) -> bool:
    return contact_pupils(user).filter(pk=pupil.pk).exists()


def access_staff_conversation(
    user: Any, pupil_id: uuid.UUID, guardian_id: uuid.UUID
) -> tuple[Pupil, Guardian, Thread | None]:
    """The pupil, the guardian (with parental responsibility) and their thread if one has begun;
    404 unless the user is the pupil's contact teacher or the school's leader."""
    pupil = access_coop_pupil(user, pupil_id)
    link = (
        Guardianship.objects.filter(
            pupil=pupil, guardian__public_id=guardian_id, parental_responsibility=True
        )
        .select_related("guardian")
        .first()
    )
    if link is None:
        raise Http404
    thread = Thread.objects.filter(pupil=pupil, guardian=link.guardian).first()
    return pupil, link.guardian, thread


def guardians_to_write(user: Any) -> QuerySet[Guardianship]:
    """The contact teacher's pupils' guardians with parental responsibility, to begin a
    conversation with (the leader begins from a thread the teacher started)."""
    return (
        Guardianship.objects.filter(
            pupil__in=contact_pupils(user).values("pk"), parental_responsibility=True
        )
        .select_related("pupil", "guardian")
        .order_by("pupil__family_name", "pupil__given_name", "guardian__given_name", "pk")
    )


def has_co_guardians(pupil: Pupil, guardian: Guardian) -> bool:
    """Whether another guardian holds parental responsibility for the child: only then can a
    message be shared."""
    return (
        Guardianship.objects.filter(pupil=pupil, parental_responsibility=True)
        .exclude(guardian=guardian)
        .exists()
    )


def guardian_messages(pupil: Pupil, guardian: Guardian) -> QuerySet[Message]:
    """What a guardian sees about one child: their own thread, and the messages the child's
    other guardians shared (the caller has checked the guardian's parental responsibility)."""
    others_shared = Q(shared=True, side=Side.GUARDIAN) & ~Q(thread__guardian=guardian)
    return (
        Message.objects.filter(Q(thread__guardian=guardian) | others_shared, thread__pupil=pupil)
        .select_related("thread__guardian")
        .order_by("sent_at", "pk")
    )


# Unread counts (each one query) ----------------------------------------------------------------


def unread_for_school(user: Any) -> int:
    """Guardians' messages not yet read in the threads the user answers as contact teacher."""
    return Message.objects.filter(
        side=Side.GUARDIAN,
        read_by_school_at__isnull=True,
        thread__in=contact_threads(user).values("pk"),
    ).count()


def children_with_unread(user: Any) -> QuerySet[Pupil]:
    """The guardian's children (with parental responsibility), each annotated with ``unread``:
    the school's messages in the guardian's own thread not yet read. One query."""
    guardian = viewer_for(user).guardian
    if guardian is None:
        return Pupil.objects.none()
    return portal_children(user).annotate(
        unread=Count(
            "message_threads__messages",
            filter=Q(
                message_threads__guardian=guardian,
                message_threads__messages__side=Side.SCHOOL,
                message_threads__messages__read_by_guardian_at__isnull=True,
            ),
        )
    )
