"""Every write to the conversations goes through a function here, with its audit event in the
same transaction. The audit keeps who wrote to which thread and whether it was shared, never the
text: a message may say more about a family than an audit trail needs to.

Permissions are the caller's business (``sammen.conversations.access``); these functions check
the facts (parental responsibility, an empty text).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sammen.audit import actions
from sammen.audit.log import ActorLike, log_change, snapshot
from sammen.conversations import notify
from sammen.conversations.models import AuthorRole, Message, Side, Thread
from sammen.roster.models import Guardian, Guardianship, Pupil, Staff


class ConversationError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _check(pupil: Pupil, guardian: Guardian, text: str) -> str:
    if not Guardianship.objects.filter(
        pupil=pupil, guardian=guardian, parental_responsibility=True
    ).exists():
        # Without parental responsibility a parent has no right to the school's information.
        raise ConversationError(_("This guardian has no conversation about this child."))
    text = text.strip()
    if not text:
        raise ConversationError(_("Write a message."))
    return text


def _write(
    *,
    actor: ActorLike,
    pupil: Pupil,
    guardian: Guardian,
    side: Side,
    role: AuthorRole,
    label: str,
    staff: Staff | None,
    text: str,
    shared: bool,
    now: datetime | None,
) -> Message:
    text = _check(pupil, guardian, text)
    now = now or timezone.now()
    with transaction.atomic():
        thread, _created = Thread.objects.get_or_create(pupil=pupil, guardian=guardian)
        message = Message.objects.create(
            thread=thread,
            side=side,
            author_staff=staff,
            author_label=label[:300],
            author_role=role,
            text=text,
            shared=shared,
            sent_at=now,
        )
        # Never move the thread back in time (a message dated earlier, as in the demo).
        Thread.objects.filter(pk=thread.pk).filter(
            Q(last_message_at__isnull=True) | Q(last_message_at__lt=now)
        ).update(last_message_at=now)
        log_change(
            actor=actor,
            action=actions.CONV_MESSAGE_WRITTEN,
            obj=message,
            old={},
            new={**snapshot(message, ["side", "author_role", "shared"]), "thread": thread},
            school=pupil.school,
            pupil=pupil,
            detail=str(side),
        )
        notify.after_commit(message)
    return message


def write_as_guardian(
    *,
    actor: ActorLike,
    pupil: Pupil,
    guardian: Guardian,
    text: str,
    shared: bool = False,
    now: datetime | None = None,
) -> Message:
    """The guardian writes to the school; ``shared`` lets the child's other guardians with
    parental responsibility read it too."""
    return _write(
        actor=actor,
        pupil=pupil,
        guardian=guardian,
        side=Side.GUARDIAN,
        role=AuthorRole.GUARDIAN,
        label=guardian.full_name,
        staff=None,
        text=text,
        shared=shared,
        now=now,
    )


def write_as_school(
    *,
    actor: ActorLike,
    staff: Staff,
    role: AuthorRole,
    pupil: Pupil,
    guardian: Guardian,
    text: str,
    now: datetime | None = None,
) -> Message:
    """The contact teacher (or the leader) writes to one guardian about one child."""
    if role == AuthorRole.GUARDIAN:
        raise ConversationError("a school message needs a school role")
    return _write(
        actor=actor,
        pupil=pupil,
        guardian=guardian,
        side=Side.SCHOOL,
        role=role,
        label=staff.full_name,
        staff=staff,
        text=text,
        shared=False,
        now=now,
    )


def mark_read_by_school(thread: Thread, now: datetime | None = None) -> int:
    """The guardian's messages are read by the school. Not audited as a change: the read itself
    is audited by the page that shows them."""
    return Message.objects.filter(
        thread=thread, side=Side.GUARDIAN, read_by_school_at__isnull=True
    ).update(read_by_school_at=now or timezone.now())


def mark_read_by_guardian(thread: Thread, now: datetime | None = None) -> int:
    return Message.objects.filter(
        thread=thread, side=Side.SCHOOL, read_by_guardian_at__isnull=True
    ).update(read_by_guardian_at=now or timezone.now())
