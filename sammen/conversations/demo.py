"""Conversations in the demo, in the contact teacher persona's class (9B):

- the guardian persona «forelder1» and the contact teacher about Sander: a short exchange whose
  latest message, from the school, is not yet read (the guardian's menu shows «Meldinger (1)»);
- the guardian persona «forelder2» about Nora, with a message the teacher has not read, shared
  with Nora's other guardian;
- two more homes of the class, one unread, so the teacher's inbox has both parts.

Written in bulk with one audit event, as the cooperation demo does, and with no notices: loading
a demo must not send e-mail. Deterministic for the same database and ``today``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from sammen.audit import actions
from sammen.audit.log import Actor, Event, record_many
from sammen.audit.models import AuditKind
from sammen.conversations.models import AuthorRole, Message, Side, Thread
from sammen.roster.demo import personas
from sammen.roster.models import GroupKind, GroupTeacher, Guardianship

# (days ago, hour, from the school?, text)
Script = list[tuple[int, int, bool, str]]

FORELDER1_SCRIPT: Script = [
    (6, 19, False, "Hei! Sander sier at gymtimene på fredag er tunge. Kan vi snakke om det?"),
    (5, 8, True, "Takk for at du sier fra. Jeg snakker med gymlæreren og ringer deg torsdag."),
    (2, 20, False, "Det gikk bedre denne uka. Han var med på hele timen!"),
    (1, 14, True, "Så fint å høre. Han virket fornøyd etterpå også. Vi snakkes på torsdag."),
]
FORELDER2_SCRIPT: Script = [
    (4, 9, True, "Hei! Nora fortalte i dag om en fin tur med klassen. Ha en god helg!"),
    (
        0,
        7,
        False,
        "Nora vil gjerne komme litt senere i morgen, vi har en avtale kl. 8. Hun kommer til "
        "andre time.",
    ),
]
# A guardian's message also shown to the child's other guardians with parental responsibility.
SHARED = frozenset({FORELDER2_SCRIPT[-1][3]})
OTHER_SCRIPTS: list[Script] = [
    [
        (3, 18, False, "Hei, kan dere sende hjem ukeplanen på papir? Vi finner den ikke."),
        (2, 11, True, "Selvsagt, den ligger i sekken i morgen."),
    ],
    [(0, 6, False, "Hei! Vi har lagt inn fraværsmelding for i dag. Kan hun få leksene?")],
]


@dataclass(frozen=True)
class ConversationSummary:
    threads: int
    messages: int


def _at(today: date, days_ago: int, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(today - timedelta(days=days_ago), time(hour)))


def load_conversations_demo(today: date) -> ConversationSummary:
    link = (
        GroupTeacher.objects.filter(
            staff__user__username=personas.KONTAKTLAERER.username,
            is_contact_teacher=True,
            group__kind=GroupKind.CLASS,
        )
        .select_related("group__school", "staff")
        .order_by("group__name")
        .first()
    )
    if link is None:
        return ConversationSummary(0, 0)
    group, staff = link.group, link.staff
    guardianships = list(
        Guardianship.objects.filter(pupil__enrollments__group=group, parental_responsibility=True)
        .select_related("guardian__user", "pupil")
        .order_by("pupil__family_name", "pupil__given_name", "pk")
    )
    by_user = {g.guardian.user.username: g for g in guardianships if g.guardian.user is not None}
    chosen: list[tuple[Guardianship, Script]] = []
    for username, script in (
        (personas.FORELDER1.username, FORELDER1_SCRIPT),
        (personas.FORELDER2.username, FORELDER2_SCRIPT),
    ):
        if username in by_user:
            chosen.append((by_user[username], script))
    taken = {g.pupil_id for g, _script in chosen}
    others = iter(OTHER_SCRIPTS)
    for g in guardianships:
        if g.pupil_id in taken:
            continue
        extra = next(others, None)
        if extra is None:
            break
        chosen.append((g, extra))
        taken.add(g.pupil_id)
    threads = Thread.objects.bulk_create(
        Thread(
            pupil=g.pupil,
            guardian=g.guardian,
            last_message_at=max(_at(today, d, h) for d, h, _s, _t in script),
        )
        for g, script in chosen
    )
    messages = []
    for thread, (g, script) in zip(threads, chosen, strict=True):
        last = len(script) - 1
        for n, (days_ago, hour, from_school, text) in enumerate(script):
            sent = _at(today, days_ago, hour)
            # Everything is read by the other side except the latest message of each thread.
            read = None if n == last else sent + timedelta(hours=1)
            messages.append(
                Message(
                    thread=thread,
                    side=Side.SCHOOL if from_school else Side.GUARDIAN,
                    author_staff=staff if from_school else None,
                    author_label=staff.full_name if from_school else g.guardian.full_name,
                    author_role=AuthorRole.CONTACT_TEACHER if from_school else AuthorRole.GUARDIAN,
                    text=text,
                    shared=text in SHARED and not from_school,
                    sent_at=sent,
                    read_by_guardian_at=read if from_school else None,
                    read_by_school_at=None if from_school else read,
                )
            )
    Message.objects.bulk_create(messages)
    record_many(
        [
            Event(
                AuditKind.CHANGE,
                actions.CONV_MESSAGE_WRITTEN,
                Actor.system("demo_data"),
                group,
                group.school,
                detail=f"demo: {len(threads)} conversations, {len(messages)} messages",
            )
        ]
    )
    return ConversationSummary(len(threads), len(messages))
