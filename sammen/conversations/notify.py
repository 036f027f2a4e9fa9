"""Telling someone that a message waits in Sammen, never what it says.

When the school writes, the thread's guardian is told by e-mail or SMS (``preferred_channel``;
none chosen: e-mail if they have an address, else SMS) in their own language where Sammen has
it (else Bokmål), that a message from the school waits, with a link. Where any guardian of the
child has a confidential address, not even the school is named, as in the absence notices: the
school tells where the child lives. When a guardian writes, the contact teacher(s) of the
child's class get an e-mail with a link and no names.

Each notice is sent after the message's transaction commits, exactly once: the
``MessageNotice`` row (unique per message and recipient) is created before sending, and only
the run that created it sends. The send happens outside any transaction, so no lock is held
while a mail server answers. A failed send leaves the message as written, logs the failure and
keeps it on the row (``error``); ``retry_failed`` takes such rows over, one run at a time.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from sammen.attendance.notices import Message as Text
from sammen.attendance.notices import Senders, notice_language
from sammen.audit import actions
from sammen.audit.log import Actor, log_change, snapshot
from sammen.conversations.models import Message, MessageNotice, NoticeChannel, Side
from sammen.lib.mailtext import render_text
from sammen.roster.models import GroupTeacher, Guardian, Guardianship, Staff

logger = logging.getLogger("sammen.conversations")
ACTOR = Actor.system("message notices")
# A failed notice older than this is not retried: the guardian will have opened Sammen anyway.
RETRY_WITHIN = timedelta(days=3)


class Status(enum.StrEnum):
    SENT = "sent"
    FAILED = "failed"
    ALREADY = "already"
    NO_CONTACT = "no_contact"


@dataclass(frozen=True)
class Outcome:
    recipient: Guardian | Staff
    channel: str
    status: Status


def after_commit(message: Message) -> None:
    """Send the notices for ``message`` once the transaction that wrote it has committed.
    ``robust``: a failure in the sending must not turn a saved message into an error page."""
    message_id = message.pk
    transaction.on_commit(lambda: send_notices(message_id), robust=True)


def guardian_channel(guardian: Guardian) -> tuple[str, str]:
    """(channel, address): the preferred channel, else the other one the guardian has."""
    addresses = {
        NoticeChannel.EMAIL: guardian.email.strip(),
        NoticeChannel.SMS: guardian.phone.strip(),
    }
    order = [NoticeChannel.EMAIL, NoticeChannel.SMS]
    if guardian.preferred_channel == NoticeChannel.SMS:
        order.reverse()
    for channel in order:
        if addresses[channel]:
            return str(channel), addresses[channel]
    return str(order[0]), ""


def _render(name: str, context: dict[str, Any], one_line: bool) -> str:
    text = render_text(f"conversations/email/{name}.txt", context)
    return text.replace("\n", " ") if one_line else text + "\n"


def render_for_guardian(message: Message, language: str) -> Text:
    thread = message.thread
    pupil = thread.pupil
    confidential = Guardianship.objects.filter(pupil=pupil, confidential_address=True).exists()
    path = reverse("conversations:guardian_thread", kwargs={"pupil_id": pupil.public_id})
    context = {
        "school": "" if confidential else pupil.school.name,
        "url": f"{settings.SITE_URL}{path}",
    }
    with translation.override(language):
        return Text(
            subject=_render("guardian_subject", context, one_line=True),
            body=_render("guardian_body", context, one_line=False),
            sms=_render("guardian_sms", context, one_line=True),
        )


def render_for_staff(message: Message) -> Text:
    thread = message.thread
    path = reverse(
        "conversations:staff_thread",
        kwargs={"pupil_id": thread.pupil.public_id, "guardian_id": thread.guardian.public_id},
    )
    context = {"url": f"{settings.SITE_URL}{path}"}
    with translation.override(settings.LANGUAGE_CODE):
        return Text(
            subject=_render("staff_subject", context, one_line=True),
            body=_render("staff_body", context, one_line=False),
            sms="",
        )


def contact_teachers(message: Message) -> list[Staff]:
    from sammen.attendance.access import CLASS_KINDS

    pupil = message.thread.pupil
    links = GroupTeacher.objects.filter(
        is_contact_teacher=True,
        group__kind__in=CLASS_KINDS,
        group__enrollments__pupil=pupil,
        group__school_id=pupil.school_id,
    ).select_related("staff")
    seen: dict[int, Staff] = {}
    for link in links.order_by("staff_id"):
        seen.setdefault(link.staff_id, link.staff)
    return list(seen.values())


def send_notices(message_id: int, senders: Senders | None = None) -> list[Outcome]:
    message = Message.objects.select_related("thread__pupil__school", "thread__guardian").get(
        pk=message_id
    )
    senders = senders or Senders()
    if message.side == Side.SCHOOL:
        guardian = message.thread.guardian
        channel, address = guardian_channel(guardian)
        language = notice_language(guardian)
        return [
            _deliver(
                message,
                guardian,
                channel,
                address,
                language,
                partial(render_for_guardian, message, language),
                senders,
            )
        ]
    language = str(settings.LANGUAGE_CODE)
    return [
        _deliver(
            message,
            staff,
            NoticeChannel.EMAIL,
            staff.email.strip(),
            language,
            partial(render_for_staff, message),
            senders,
        )
        for staff in contact_teachers(message)
    ]


def _recipient(recipient: Guardian | Staff) -> dict[str, Any]:
    return {"guardian": recipient} if isinstance(recipient, Guardian) else {"staff": recipient}


def _deliver(
    message: Message,
    recipient: Guardian | Staff,
    channel: str,
    address: str,
    language: str,
    render: Callable[[], Text],
    senders: Senders,
) -> Outcome:
    notice, created = MessageNotice.objects.get_or_create(
        message=message,
        **_recipient(recipient),
        defaults={"channel": channel, "language": language},
    )
    if not created:
        return Outcome(recipient, channel, Status.ALREADY)
    return _send(notice, message, recipient, address, render, senders)


def _send(
    notice: MessageNotice,
    message: Message,
    recipient: Guardian | Staff,
    address: str,
    render: Callable[[], Text],
    senders: Senders,
) -> Outcome:
    if not address:
        _failed(notice, "no address for this channel", "no address")
        return Outcome(recipient, notice.channel, Status.NO_CONTACT)
    try:
        senders.send(notice.channel, address, render(), notice.language)
    except Exception as exc:  # any failure of a backend is recorded and logged, never raised
        _failed(notice, f"{type(exc).__name__}: {exc}", type(exc).__name__)
        return Outcome(recipient, notice.channel, Status.FAILED)
    with transaction.atomic():
        notice.sent_at = timezone.now()
        notice.save(update_fields=["sent_at"])
        pupil = message.thread.pupil
        log_change(
            actor=ACTOR,
            action=actions.CONV_NOTICE_SENT,
            obj=notice,
            old={},
            new={**snapshot(notice, ["channel", "language"]), "message": message},
            school=pupil.school,
            pupil=pupil,
            detail="guardian" if isinstance(recipient, Guardian) else "staff",
        )
    return Outcome(recipient, notice.channel, Status.SENT)


def _failed(notice: MessageNotice, error: str, kind: str) -> None:
    # The exception text may hold the address («SMTPRecipientsRefused: {'mor@…': …}»): it stays
    # on the row; the log gets the row's id and only the kind of failure, as absence notices do.
    MessageNotice.objects.filter(pk=notice.pk).update(error=error[:500])
    notice.error = error[:500]
    logger.warning("message notice %s by %s failed: %s", notice.pk, notice.channel, kind)


def retry_failed(now: datetime | None = None, senders: Senders | None = None) -> list[Outcome]:
    """Try again the notices whose send failed lately. Clearing a row's error takes it over,
    and only one run can do that, so two runs never send the same notice."""
    now = now or timezone.now()
    senders = senders or Senders()
    outcomes = []
    failed = (
        MessageNotice.objects.filter(sent_at__isnull=True, created_at__gte=now - RETRY_WITHIN)
        .exclude(error="")
        .select_related(
            "message__thread__pupil__school", "message__thread__guardian", "guardian", "staff"
        )
        .order_by("pk")
    )
    for notice in failed:
        message = notice.message
        recipient: Guardian | Staff
        if notice.guardian is not None:
            recipient = notice.guardian
            channel, address = guardian_channel(recipient)
            language = notice_language(recipient)
            render = partial(render_for_guardian, message, language)
        elif notice.staff is not None:
            recipient = notice.staff
            channel, address = NoticeChannel.EMAIL, notice.staff.email.strip()
            language = notice.language
            render = partial(render_for_staff, message)
        else:  # pragma: no cover - the check constraint rules it out
            continue
        if not address:
            # Still nowhere to send it: leave the row as it is, and the log quiet.
            continue
        taken = MessageNotice.objects.filter(
            pk=notice.pk, sent_at__isnull=True, error=notice.error
        ).update(error="", channel=channel, language=language)
        if not taken:
            continue
        notice.channel, notice.language, notice.error = str(channel), language, ""
        outcomes.append(_send(notice, message, recipient, address, render, senders))
    return outcomes
