"""The cooperation practice in the demo: the contact teacher persona's class (9B, where the
absence patterns are planted) has a fortnightly review running since the start of the year, and
the pupils with the most absence (the planted ones) and the guardian persona's child have a fixed
contact, a contact log with a realistic mix of tones, a 24-hour person and a network.

Written in bulk, with one audit event saying what was loaded (as the attendance demo does);
deterministic for the same database and ``today``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Sum

from sammen.attendance.models import PupilWeek
from sammen.audit import actions
from sammen.audit.log import Actor, Event, record_many
from sammen.audit.models import AuditKind
from sammen.cooperation import rhythm
from sammen.cooperation.models import (
    ActionItem,
    Adjustment,
    Author,
    Barrier,
    Cadence,
    Channel,
    Contact,
    ContactKind,
    CooperationStandard,
    FamilyNeeds,
    FeltHeard,
    HomeVisit,
    Initiator,
    NetworkMember,
    Part,
    ProfileEntry,
    Review,
    ReviewPlacement,
    ReviewSetup,
    Sphere,
    TimeAvailable,
    TimeWindow,
    Tone,
    Visibility,
)
from sammen.roster.demo import personas
from sammen.roster.models import GroupKind, GroupTeacher, Guardianship, Pupil

FOLLOWED = 6  # pupils of the class with a fixed contact (the most absence so far)

POSITIVE = [
    "Møtte presis hele uka og tok ordet i norsktimen.",
    "Har fått en ny venn i klassen og spiser lunsj sammen med dem.",
    "Leverte matteinnlevering i tide for første gang i høst.",
    "Var med på hele kroppsøvingstimen og virket stolt etterpå.",
]
MADE_POSSIBLE = [
    "Fast avtale med kontaktlærer om morgenen.",
    "Oppgaver delt opp i mindre biter.",
    "Mor kjørte til skolen de første dagene.",
]
SUPPORT = [
    "Daglig innsjekk med kontaktlærer før første time.",
    "Egen plan for matteleksene, sjekkes på fredag.",
    "Trygg plass i gruppearbeid; ingen framføring foran klassen ennå.",
]
AT_HOME = [
    "Sover bedre nå, men er sliten etter skolen.",
    "Snakker mer om venner hjemme.",
    "Har vondt i magen på søndagskvelder.",
]
TELLS = [
    "Liker den nye læreren i naturfag.",
    "Syns friminuttene er lange og ensomme.",
    "Forteller om prosjektet i samfunnsfag.",
]
NETWORK = [
    (Sphere.SCHOOL, "Ingrid Haugland", "kontaktlærer"),
    (Sphere.SCHOOL, "Silje Rønning", "helsesykepleier"),
    (Sphere.FAMILY, "Mormor", "henter på torsdager"),
    (Sphere.FAMILY, "Storebror", "gamer sammen i helgene"),
    (Sphere.COMMUNITY, "Fjordvik IL", "fotballtrener"),
    (Sphere.COMMUNITY, "Ungdomsklubben", "miljøarbeider"),
]
PROFILE = [
    (Part.ACADEMIC, Author.STAFF, "Sterk muntlig, trenger ro for å skrive."),
    (Part.FAMILY, Author.GUARDIAN, "Yngst av tre søsken, tett på mormor."),
    (Part.LEISURE, Author.PUPIL, "Spiller fotball og tegner manga."),
    (Part.PAST, Author.GUARDIAN, "Byttet skole i 6. klasse og savnet vennene."),
    (Part.FUTURE, Author.PUPIL, "Vil bli bilmekaniker."),
]


@dataclass(frozen=True)
class CooperationSummary:
    reviews: int
    contacts: int
    followed: int


def load_cooperation_demo(today: date) -> CooperationSummary:
    link = (
        GroupTeacher.objects.filter(
            staff__user__username=personas.KONTAKTLAERER.username,
            is_contact_teacher=True,
            group__kind=GroupKind.CLASS,
        )
        .select_related("group__school", "staff__user")
        .order_by("group__name")
        .first()
    )
    if link is None:
        return CooperationSummary(0, 0, 0)
    group, school, staff = link.group, link.group.school, link.staff
    teacher = staff.user
    label = staff.full_name
    rng = random.Random(2026)  # noqa: S311 - demo texts, not secrets
    pupils = list(
        Pupil.objects.filter(enrollments__group=group).order_by("family_name", "given_name", "pk")
    )
    CooperationStandard.objects.create(
        school=school,
        evening_calls=True,
        start_of_year=(
            "Kontaktlæreren ringer hjem fast hver 14. dag når en elev trenger ekstra "
            "oppfølging, og forteller også når det går bra. Meld fravær før kl. 08.00. "
            "Er dere bekymret, ring oss: vi heller tar en samtale for mye enn for lite."
        ),
    )
    # The review, running since the first week of school.
    first = rhythm.monday_of(today - timedelta(days=7 * 14))
    setup = ReviewSetup.objects.create(group=group, first_monday=first, created_by=teacher)
    halves = rhythm.split_halves([(p.pk, p.sort_name) for p in pupils])
    ReviewPlacement.objects.bulk_create(
        ReviewPlacement(setup=setup, pupil_id=pid, half=h) for pid, h in halves.items()
    )
    reviews = []
    for weeks_ago in range(6, 0, -1):
        wednesday = rhythm.monday_of(today) - timedelta(days=7 * weeks_ago - 2)
        half = rhythm.half_of_week(first, wednesday)
        for p in pupils:
            if halves[p.pk] == half:
                reviews.append(
                    Review(
                        pupil=p,
                        group=group,
                        held_on=wednesday,
                        positive=rng.choice(POSITIVE),
                        made_possible=rng.choice(MADE_POSSIBLE),
                        support=rng.choice(SUPPORT),
                        created_by=teacher,
                    )
                )
    reviews = Review.objects.bulk_create(reviews)
    latest: dict[int, Review] = {}
    for r in reviews:
        latest[r.pupil_id] = r
    ActionItem.objects.bulk_create(
        ActionItem(
            pupil_id=r.pupil_id,
            review=r,
            text=r.support,
            owner=staff,
            due_on=r.held_on + timedelta(days=14),
        )
        for r in list(latest.values())[:8]
    )

    # The fixed contacts: the pupils with the most absence, and the guardian persona's child.
    absent = dict(
        PupilWeek.objects.filter(pupil__in=pupils)
        .values("pupil_id")
        .annotate(n=Sum("absent_lessons"))
        .values_list("pupil_id", "n")
    )
    followed = sorted(pupils, key=lambda p: (-(absent.get(p.pk) or 0), p.pk))[:FOLLOWED]
    persona_child = next(
        (
            p
            for p in pupils
            if Guardianship.objects.filter(
                pupil=p, guardian__user__username=personas.FORELDER1.username
            ).exists()
        ),
        None,
    )
    if persona_child is not None and persona_child not in followed:
        followed.append(persona_child)
    guardians: dict[int, list[int]] = {}
    for pupil_id, guardian_id in Guardianship.objects.filter(
        pupil__in=followed, parental_responsibility=True
    ).values_list("pupil_id", "guardian_id"):
        guardians.setdefault(pupil_id, []).append(guardian_id)
    start = today - timedelta(days=56)
    Cadence.objects.bulk_create(
        Cadence(
            pupil=p,
            every_days=14,
            channel=Channel.PHONE,
            window=TimeWindow.EVENING if i % 2 else TimeWindow.AFTERNOON,
            started_on=start,
        )
        for i, p in enumerate(followed)
    )
    contacts: list[Contact] = []
    for i, p in enumerate(followed):
        # The most absent pupil's family has heard only concerns lately, and the call is
        # overdue; the others alternate, some due now, some later.
        only_concerns = i == 0
        last_gap = 20 if i == 0 else (14 if i % 3 == 1 else 6 + i)
        day = today - timedelta(days=last_gap)
        calls = []
        while day >= start:
            calls.append(day)
            day -= timedelta(days=14)
        for n, on in enumerate(sorted(calls)):
            if only_concerns:
                tone = Tone.CONCERN if on > today - timedelta(days=40) else Tone.NEUTRAL
            else:
                tone = [Tone.POSITIVE, Tone.NEUTRAL, Tone.CONCERN, Tone.POSITIVE][(n + i) % 4]
            contacts.append(
                Contact(
                    pupil=p,
                    school=school,
                    guardian_id=(guardians.get(p.pk) or [0])[0] or None,
                    on=on,
                    kind=ContactKind.PHONE if n % 3 else ContactKind.MEETING,
                    initiated_by=Initiator.SCHOOL if n % 4 else Initiator.HOME,
                    tone=tone,
                    at_home=rng.choice(AT_HOME),
                    tells_at_home=rng.choice(TELLS),
                    agreements="Ny samtale om to uker.",
                    next_contact_on=on + timedelta(days=14),
                    created_by=teacher,
                    created_by_label=label,
                )
            )
        if not only_concerns:
            contacts.append(
                Contact(
                    pupil=p,
                    school=school,
                    on=today - timedelta(days=2 + i),
                    kind=ContactKind.LYSGLIMT,
                    tone=Tone.POSITIVE,
                    note=rng.choice(POSITIVE),
                    shared_with_family=True,
                    created_by=teacher,
                    created_by_label=label,
                )
            )
    if persona_child is not None and guardians.get(persona_child.pk):
        # A call two days ago the guardian persona has not yet said whether she felt heard.
        contacts.append(
            Contact(
                pupil=persona_child,
                school=school,
                guardian_id=guardians[persona_child.pk][0],
                on=today - timedelta(days=2),
                kind=ContactKind.PHONE,
                tone=Tone.POSITIVE,
                at_home="Gleder seg til skoleturen.",
                created_by=teacher,
                created_by_label=label,
            )
        )
    contacts = Contact.objects.bulk_create(contacts)
    FeltHeard.objects.bulk_create(
        FeltHeard(
            contact=c,
            guardian_id=c.guardian_id,
            school=school,
            score=rng.choice([3, 4, 4, 5, 5]),
            comment="",
        )
        for c in contacts
        if c.guardian_id and c.kind != ContactKind.LYSGLIMT and c.on < today - timedelta(days=3)
    )
    most = followed[0]
    FamilyNeeds.objects.create(
        pupil=most,
        time_available=TimeAvailable.LIMITED,
        channel=Channel.PHONE,
        window=TimeWindow.EVENING,
        barriers=[Barrier.OWN_SCHOOL, Barrier.WORK_HOURS],
        family_told=True,
        adjustments=[Adjustment.RIGHT_HOUR, Adjustment.POSITIVE_FIRST, Adjustment.HOME_VISITS],
    )
    HomeVisit.objects.create(
        pupil=most,
        planned_on=today + timedelta(days=5),
        purpose="Bli bedre kjent og lage en plan for morgenene sammen",
        who_goes=f"{label} og sosiallærer",
        family_agreed=True,
        created_by=teacher,
    )
    for p in followed:
        ProfileEntry.objects.bulk_create(
            ProfileEntry(
                pupil=p,
                part=part,
                text=text,
                author=author,
                author_label=label if author == Author.STAFF else str(Author(author).label),
                visibility=Visibility.FAMILY,
                is_goal=part == Part.FUTURE,
                created_by=teacher,
            )
            for part, author, text in PROFILE
        )
        NetworkMember.objects.bulk_create(
            NetworkMember(pupil=p, sphere=sphere, name=name, role=role, created_by=teacher)
            for sphere, name, role in NETWORK
        )
    record_many(
        [
            Event(
                AuditKind.CHANGE,
                actions.COOP_REVIEW_SETUP_SAVED,
                Actor.system("demo_data"),
                group,
                school,
                detail=(
                    f"demo: {len(reviews)} reviews, {len(contacts)} contacts, "
                    f"{len(followed)} pupils with a fixed contact"
                ),
            )
        ]
    )
    return CooperationSummary(len(reviews), len(contacts), len(followed))
