"""The guardian's voice in the demo: in the contact teacher persona's class, some homes of the
pupils with a fixed contact have written between calls and two have asked to be contacted (one in
the evening, which the demo school offers), so the calls list shows it. The guardian persona has
written twice and had an earlier request answered, and can try asking again.

Written in bulk with one audit event, as the cooperation demo does; deterministic for the same
database and ``today``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from sammen.audit import actions
from sammen.audit.log import Actor, Event, record_many
from sammen.audit.models import AuditKind
from sammen.cooperation.models import Cadence, Channel, TimeWindow
from sammen.roster.demo import personas
from sammen.roster.models import Guardianship
from sammen.voice.models import ContactRequest, HomeWeek, Input, RequestState

# (days ago, scale, what the child tells, what the school should know)
INPUTS = [
    (9, HomeWeek.HARD, "Sier at friminuttene er lange.", ""),
    (3, HomeWeek.MIXED, "Gleder seg til naturfag på torsdag.", "Han legger seg sent i helgene."),
    (2, HomeWeek.GOOD, "Har spist lunsj med to i klassen.", ""),
    (1, HomeWeek.VERY_GOOD, "", "Vi har fått til en fast morgenrutine som fungerer."),
]


TEACHER = f"{personas.KONTAKTLAERER.given_name} {personas.KONTAKTLAERER.family_name}"


@dataclass(frozen=True)
class VoiceSummary:
    inputs: int
    requests: int


def _at(today: date, days_ago: int, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(today - timedelta(days=days_ago), time(hour)))


def load_voice_demo(today: date) -> VoiceSummary:
    followed = list(
        Cadence.objects.filter(active=True)
        .select_related("pupil__school")
        .order_by("pupil__family_name", "pupil__given_name", "pk")
    )
    if not followed:
        return VoiceSummary(0, 0)
    pupils = [c.pupil for c in followed]
    first_guardian: dict[int, int] = {}
    persona_links: dict[int, int] = {}
    for pupil_id, guardian_id, username in (
        Guardianship.objects.filter(pupil__in=pupils, parental_responsibility=True)
        .order_by("pk")
        .values_list("pupil_id", "guardian_id", "guardian__user__username")
    ):
        first_guardian.setdefault(pupil_id, guardian_id)
        if username == personas.FORELDER1.username:
            persona_links[pupil_id] = guardian_id
    inputs: list[Input] = []
    times: list[datetime] = []
    for i, pupil in enumerate(pupils):
        writer = persona_links.get(pupil.pk) or first_guardian.get(pupil.pk)
        if writer is None or (i % 3 == 2 and pupil.pk not in persona_links):
            continue  # not every home writes
        chosen = INPUTS if pupil.pk in persona_links else [INPUTS[(i + 1) % len(INPUTS)]]
        for days_ago, week, tells, know in chosen:
            inputs.append(
                Input(
                    pupil=pupil,
                    guardian_id=writer,
                    school=pupil.school,
                    home_week=week,
                    child_tells=tells,
                    school_should_know=know,
                )
            )
            times.append(_at(today, days_ago, 20))
    inputs = Input.objects.bulk_create(inputs)
    # ``created_at`` is set to now on insert; the demo spreads the inputs over the last weeks.
    for entry, at in zip(inputs, times, strict=True):
        entry.created_at = at
    Input.objects.bulk_update(inputs, ["created_at"])

    requests: list[ContactRequest] = []
    asking = [p for p in pupils if p.pk not in persona_links and p.pk in first_guardian][:2]
    for n, pupil in enumerate(asking):
        requests.append(
            ContactRequest(
                pupil=pupil,
                guardian_id=first_guardian[pupil.pk],
                school=pupil.school,
                channel=Channel.PHONE if n == 0 else Channel.MEETING,
                windows=[TimeWindow.EVENING] if n == 0 else [TimeWindow.AFTERNOON],
                topic="Morgenene er vanskelige igjen" if n == 0 else "",
            )
        )
    for pupil_id, guardian_id in persona_links.items():
        pupil = next(p for p in pupils if p.pk == pupil_id)
        requests.append(
            ContactRequest(
                pupil=pupil,
                guardian_id=guardian_id,
                school=pupil.school,
                channel=Channel.PHONE,
                windows=[TimeWindow.AFTERNOON],
                topic="Skoleturen",
                state=RequestState.DONE,
                reply="Jeg ringer deg onsdag etter kl. 15.",
                handled_at=_at(today, 12, 14),
                handled_by_label=TEACHER,
            )
        )
    requests = ContactRequest.objects.bulk_create(requests)
    for n, request in enumerate(requests):
        request.created_at = _at(today, 13 if request.state == RequestState.DONE else 1 + n, 19)
    ContactRequest.objects.bulk_update(requests, ["created_at"])
    record_many(
        [
            Event(
                AuditKind.CHANGE,
                actions.VOICE_INPUT_GIVEN,
                Actor.system("demo_data"),
                detail=f"demo: {len(inputs)} inputs from the homes, {len(requests)} requests",
            )
        ]
    )
    return VoiceSummary(len(inputs), len(requests))
