"""Every change to the guardian's voice goes through a function here, with its audit event in
the same transaction. The audit keeps which fields were given, not the guardian's own words:
the words stay in one place, where access rules and deletion can reach them.

Permissions are the caller's business (``sammen.portal.access`` and
``sammen.cooperation.access``); these functions check the facts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sammen.audit import actions
from sammen.audit.log import ActorLike, acting_name, acting_user, log_change, snapshot
from sammen.cooperation.models import CONVERSATION_KINDS, TimeWindow
from sammen.cooperation.services import standard_of
from sammen.roster.models import Guardian, Pupil, School
from sammen.voice.models import (
    CLOSED_STATES,
    REQUEST_CHANNELS,
    ContactRequest,
    HomeWeek,
    Input,
    RequestState,
)

TEXT_MAX = 500
TOPIC_MAX = 200
REPLY_MAX = 300


class VoiceError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Input between calls ---------------------------------------------------------------------------


def give_input(
    *,
    actor: ActorLike,
    pupil: Pupil,
    guardian: Guardian,
    home_week: int | None,
    child_tells: str,
    school_should_know: str,
) -> Input:
    child_tells, school_should_know = child_tells.strip(), school_should_know.strip()
    if home_week is not None and home_week not in HomeWeek.values:
        raise VoiceError(_("Choose how the week has been on the scale."))
    if home_week is None and not child_tells and not school_should_know:
        raise VoiceError(_("Choose how the week has been, or write something, before you send."))
    if len(child_tells) > TEXT_MAX or len(school_should_know) > TEXT_MAX:
        raise VoiceError(_("Keep it short: at most 500 characters in each box."))
    with transaction.atomic():
        entry = Input.objects.create(
            pupil=pupil,
            guardian=guardian,
            school=pupil.school,
            home_week=home_week,
            child_tells=child_tells,
            school_should_know=school_should_know,
        )
        log_change(
            actor=actor,
            action=actions.VOICE_INPUT_GIVEN,
            obj=entry,
            new={
                "home_week": home_week,
                "child_tells": bool(child_tells),
                "school_should_know": bool(school_should_know),
            },
            school=pupil.school,
            pupil=pupil,
        )
    return entry


# "Please contact me" ---------------------------------------------------------------------------


def offered_windows(school: School) -> list[TimeWindow]:
    """The day parts a guardian may ask for: evenings only where the school offers them."""
    evening = standard_of(school).evening_calls
    return [w for w in TimeWindow if w != TimeWindow.EVENING or evening]


def open_request(pupil: Pupil, guardian: Guardian) -> ContactRequest | None:
    return ContactRequest.objects.filter(
        pupil=pupil, guardian=guardian, state=RequestState.OPEN
    ).first()


REQUEST_FIELDS = ("channel", "windows", "state")


def request_contact(
    *,
    actor: ActorLike,
    pupil: Pupil,
    guardian: Guardian,
    channel: str,
    windows: Sequence[str],
    topic: str,
) -> ContactRequest:
    topic = topic.strip()
    if channel not in {c.value for c in REQUEST_CHANNELS}:
        raise VoiceError(_("Choose how the school should contact you."))
    allowed = {w.value for w in offered_windows(pupil.school)}
    if any(w not in allowed for w in windows):
        raise VoiceError(_("The school does not offer that time. Choose another."))
    if len(topic) > TOPIC_MAX:
        raise VoiceError(_("Keep the topic short: at most 200 characters."))
    # In the order the day runs, whatever order the form sent them in.
    ordered = [w.value for w in TimeWindow if w.value in set(windows)]
    already = _("You have already asked the school to contact you. They will answer that first.")
    if open_request(pupil, guardian) is not None:
        raise VoiceError(already)
    try:
        with transaction.atomic():
            request = ContactRequest.objects.create(
                pupil=pupil,
                guardian=guardian,
                school=pupil.school,
                channel=channel,
                windows=ordered,
                topic=topic,
            )
            log_change(
                actor=actor,
                action=actions.VOICE_CONTACT_REQUESTED,
                obj=request,
                new=snapshot(request, REQUEST_FIELDS) | {"topic": bool(topic)},
                school=pupil.school,
                pupil=pupil,
            )
    except IntegrityError:
        # Two clicks at once: the database's one-open-request rule caught the second.
        raise VoiceError(already) from None
    return request


def _handle(
    *, actor: ActorLike, request: ContactRequest, state: str, action: str, reply: str | None
) -> ContactRequest:
    with transaction.atomic():
        current = ContactRequest.objects.select_for_update().get(pk=request.pk)
        if current.state == RequestState.WITHDRAWN:
            raise VoiceError(_("The guardian has withdrawn this request."))
        if current.state == RequestState.DONE:
            raise VoiceError(_("This request is already done."))
        if current.state == state and reply is None:
            return current
        old = snapshot(current, ("state", "reply"))
        current.state = state
        if reply is not None:
            current.reply = reply
        current.handled_at = timezone.now()
        current.handled_by = acting_user(actor)
        current.handled_by_label = acting_name(actor)[:300]
        current.save(
            update_fields=["state", "reply", "handled_at", "handled_by", "handled_by_label"]
        )
        log_change(
            actor=actor,
            action=action,
            obj=current,
            old=old,
            new=snapshot(current, ("state", "reply")),
            school=current.school,
            pupil=current.pupil,
        )
    return current


def answer_request(*, actor: ActorLike, request: ContactRequest, reply: str) -> ContactRequest:
    """The school has answered: the guardian sees the short answer (when the school calls)."""
    reply = reply.strip()
    if len(reply) > REPLY_MAX:
        raise VoiceError(_("Keep the answer short: at most 300 characters."))
    return _handle(
        actor=actor,
        request=request,
        state=RequestState.ANSWERED,
        action=actions.VOICE_REQUEST_ANSWERED,
        reply=reply,
    )


def close_request(*, actor: ActorLike, request: ContactRequest) -> ContactRequest:
    """The school has been in touch: the request is done."""
    return _handle(
        actor=actor,
        request=request,
        state=RequestState.DONE,
        action=actions.VOICE_REQUEST_DONE,
        reply=None,
    )


def close_met_requests(
    *, actor: ActorLike, pupil: Pupil, guardian: Guardian, kind: str, on: date
) -> int:
    """The school has logged a contact of ``kind`` with ``guardian`` on ``on``: if it was a
    conversation (not a written message), their requests to be contacted about ``pupil`` made
    that day or before (open or answered) are done. Each closing is audited; the count."""
    if kind not in CONVERSATION_KINDS:
        return 0
    waiting = ContactRequest.objects.filter(
        pupil=pupil, guardian=guardian, created_at__date__lte=on
    ).exclude(state__in=CLOSED_STATES)
    closed = 0
    for request in waiting:
        close_request(actor=actor, request=request)
        closed += 1
    return closed


def withdraw_request(*, actor: ActorLike, request: ContactRequest) -> ContactRequest:
    """The guardian no longer needs the call: the request leaves the school's lists."""
    return _handle(
        actor=actor,
        request=request,
        state=RequestState.WITHDRAWN,
        action=actions.VOICE_REQUEST_WITHDRAWN,
        reply=None,
    )
