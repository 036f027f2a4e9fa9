"""Reads of the guardian's voice. The calls list asks for all its pupils at once (two queries
whatever the number of pupils); the pupil page and the guardian's pages ask for one child."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from sammen.cooperation import access
from sammen.cooperation.queries import CallRow, last_conversations
from sammen.roster.models import Guardian, Pupil
from sammen.voice.models import CLOSED_STATES, ContactRequest, Input, RequestState

# Without a call logged yet, "new input" means the last four weeks: two fixed-contact periods.
NO_CALL_LOOKBACK_DAYS = 28
EARLIER_SHOWN = 10
OWN_SHOWN = 20


def _start_of(day: date) -> datetime:
    """Midnight at the school, starting ``day``.

    An input counts as new from the day of the last call on: one written after the call that
    same day must not be missed, and showing one too many is the cheaper mistake.
    """
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def since_of(last_call: date | None, today: date) -> date:
    return last_call if last_call is not None else today - timedelta(days=NO_CALL_LOOKBACK_DAYS)


@dataclass
class CallNote:
    """What the home has said since the last call, for one pupil on the calls list."""

    new_inputs: int = 0
    requests: list[ContactRequest] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.new_inputs or self.requests)


def notes_for_calls(rows: Sequence[CallRow], today: date) -> dict[int, CallNote]:
    """Per pupil on the list: new inputs since their last call and their open requests."""
    since = {r.pupil.pk: since_of(r.last_contact, today) for r in rows}
    if not since:
        return {}
    notes: dict[int, CallNote] = defaultdict(CallNote)
    earliest = _start_of(min(since.values()))
    for pupil_id, at in Input.objects.filter(
        pupil_id__in=list(since), created_at__gte=earliest
    ).values_list("pupil_id", "created_at"):
        if at >= _start_of(since[pupil_id]):
            notes[pupil_id].new_inputs += 1
    for request in (
        ContactRequest.objects.filter(pupil_id__in=list(since), state=RequestState.OPEN)
        .select_related("guardian")
        .order_by("created_at", "pk")
    ):
        notes[request.pupil_id].requests.append(request)
    return dict(notes)


@dataclass
class PupilVoice:
    """The section on a pupil's cooperation page."""

    since: date
    last_call: date | None
    new: list[Input]
    earlier: list[Input]
    requests: list[ContactRequest]

    def __bool__(self) -> bool:
        return bool(self.new or self.earlier or self.requests)


def pupil_voice(pupil: Pupil, today: date) -> PupilVoice:
    last_call = last_conversations([pupil.pk]).get(pupil.pk)
    since = since_of(last_call, today)
    inputs = Input.objects.filter(pupil=pupil).select_related("guardian")
    start = _start_of(since)
    return PupilVoice(
        since=since,
        last_call=last_call,
        new=list(inputs.filter(created_at__gte=start)),
        earlier=list(inputs.filter(created_at__lt=start)[:EARLIER_SHOWN]),
        requests=list(
            ContactRequest.objects.filter(pupil=pupil)
            .exclude(state__in=CLOSED_STATES)
            .select_related("guardian")
            .order_by("created_at", "pk")
        ),
    )


def own_inputs(pupil: Pupil, guardian: Guardian) -> list[Input]:
    """A guardian's own inputs only: two guardians of one child do not read each other's."""
    return list(Input.objects.filter(pupil=pupil, guardian=guardian)[:OWN_SHOWN])


def own_requests(pupil: Pupil, guardian: Guardian) -> list[ContactRequest]:
    return list(ContactRequest.objects.filter(pupil=pupil, guardian=guardian)[:OWN_SHOWN])


def own_open_request(pupil: Pupil, guardian: Guardian, public_id: str) -> ContactRequest | None:
    """The guardian's own open request with this id (anything else, or a malformed id: None)."""
    try:
        wanted = uuid.UUID(public_id)
    except ValueError:
        return None
    return ContactRequest.objects.filter(
        pupil=pupil, guardian=guardian, public_id=wanted, state=RequestState.OPEN
    ).first()


def request_of(pupil: Pupil, public_id: uuid.UUID) -> ContactRequest | None:
    return ContactRequest.objects.filter(pupil=pupil, public_id=public_id).first()


@dataclass
class OffList:
    """A pupil not on the calls list whose home has spoken: a request must never go unseen
    because no fixed contact was set."""

    pupil: Pupil
    note: CallNote


def off_the_list(user: Any, rows: Sequence[CallRow], today: date) -> list[OffList]:
    on_list = [r.pupil.pk for r in rows]
    mine = access.coop_pupils(user).exclude(pk__in=on_list).values("pk")
    since = _start_of(today - timedelta(days=NO_CALL_LOOKBACK_DAYS))
    notes: dict[int, CallNote] = defaultdict(CallNote)
    for pupil_id in Input.objects.filter(pupil_id__in=mine, created_at__gte=since).values_list(
        "pupil_id", flat=True
    ):
        notes[pupil_id].new_inputs += 1
    for request in (
        ContactRequest.objects.filter(pupil_id__in=mine, state=RequestState.OPEN)
        .select_related("guardian")
        .order_by("created_at", "pk")
    ):
        notes[request.pupil_id].requests.append(request)
    if not notes:
        return []
    pupils = Pupil.objects.filter(pk__in=list(notes)).select_related("school")
    found = [OffList(p, notes[p.pk]) for p in pupils]
    found.sort(key=lambda o: (not o.note.requests, o.pupil.family_name, o.pupil.given_name))
    return found
