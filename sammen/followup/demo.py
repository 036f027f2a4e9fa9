"""Follow-up cases for the demo's planted pupils in 9B (docs/demo.md), one at each level and one
where cooperation met trouble, written through the same services the pages use, as the personas
who would do the work (``kontaktlaerer``, ``rektor``), so the audit reads like a real case:

- the ``rising`` pupil (like the thesis' Jonas): level 3, with the school health nurse
  (``helsesykepleier``) admitted by the guardians' consent, the pupil's own goal first, measures,
  a gradual return, agreements, a guardian meeting and a meeting across services;
- the ``mondays`` pupil: level 2, a team meeting with an action item and an evaluation overdue,
  which the leader sees;
- the ``unreported`` pupil: level 1, the contact teacher with the home;
- the ``subject_avoided`` pupil: level 2, where the home and the school disagree, both views
  recorded and mediation offered;
- Nora Nilsen, the child of the guardian persona ``forelder2``: level 1 at the home's request,
  so the guardian can read the plan and agreements and comment.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sammen.accounts.models import User
from sammen.attendance.demo.generate import planted_patterns
from sammen.attendance.demo.patterns import Pattern
from sammen.followup import cases, meetings, plans, trouble
from sammen.followup.models import Case, MeasureKind, Service
from sammen.roster.demo import personas
from sammen.roster.demo.plan import YEAR_START, DemoPlan
from sammen.roster.models import Pupil, Staff

# Cases are opened this many days before the demo's today (never before the school year).
OPENED_DAYS_AGO = 42


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _staff(username: str) -> Staff:
    return Staff.objects.get(user__username=username)


def load_followup_demo(plan: DemoPlan, today: date) -> list[Case]:
    """The demo cases, dated up to ``today``; none in the school year's first week (or before)."""
    planted = {pattern: key for key, pattern in planted_patterns(plan).items()}
    pupils = {
        p.source_id: p
        for p in Pupil.objects.filter(source_id__in=planted.values()).select_related("school")
    }
    teacher, leader = _user(personas.KONTAKTLAERER.username), _user(personas.REKTOR.username)
    opened = max(today - timedelta(days=OPENED_DAYS_AGO), YEAR_START + timedelta(days=7))
    if opened >= today:
        return []

    def pupil(pattern: Pattern) -> Pupil | None:
        return pupils.get(planted.get(pattern, ""))

    made: list[Case] = []
    for pattern, build in (
        (Pattern.RISING, _level_three),
        (Pattern.MONDAYS, _level_two),
        (Pattern.UNREPORTED, _level_one),
        (Pattern.SUBJECT_AVOIDED, _trouble),
    ):
        found = pupil(pattern)
        if found is not None:
            case = cases.open_case(user=teacher, pupil=found, today=opened)
            cases.name_coordinator(
                user=teacher, case=case, staff=_staff(personas.KONTAKTLAERER.username)
            )
            build(case, teacher, leader, opened, today)
            made.append(case)
    # The guardian persona forelder2's child: a light level-1 case the guardian can read and
    # comment on (her attendance is ordinary; the home asked for help with mornings).
    given, family = personas.FORELDER2_CHILD
    nora = Pupil.objects.filter(given_name=given, family_name=family, grade=9).first()
    if nora is not None:
        case = cases.open_case(user=teacher, pupil=nora, today=opened)
        _level_one(case, teacher, leader, opened, today)
        made.append(case)
    return made


def _between(opened: date, today: date, share: float) -> date:
    return opened + timedelta(days=int((today - opened).days * share))


def _measure(user: User, case: Case, **values: Any) -> None:
    values.setdefault("status", "active")
    plans.save_measure(user=user, case=case, values=values)


def _level_three(case: Case, teacher: User, leader: User, opened: date, today: date) -> None:
    name = case.pupil.given_name
    cases.save_mapping(
        user=teacher,
        case=case,
        values={
            "factors": ["anxiety", "sleep", "gaming", "peers", "somatic"],
            "reasons": ["refusal"],
            "questions": "Hva er det beste med skoledagen? Når er det vanskeligst å gå?",
            "at_school": f"{name} trives i praktiske fag. Friminuttene er vanskelige.",
            "at_home": "Mor forteller om vonde morgener og sene kvelder.",
            "strengths": "Glad i maskiner og å skru. God venn med én i klassen.",
        },
    )
    cases.record_pupil_view(
        user=teacher,
        case=case,
        words="Jeg vil bli gravemaskinfører. Det er morgenene som er verst.",
        heard_how="talk",
        heard_on=_between(opened, today, 0.1),
    )
    cases.record_best_interest(
        user=leader,
        case=case,
        assessment=(
            f"Det er til {name}s beste å komme tilbake gradvis, med en trygg voksen, og at "
            "skolearbeid hjemme holder kontakten med faget."
        ),
        assessed_on=_between(opened, today, 0.15),
    )
    plans.add_goal(
        user=teacher, case=case, text="Kjøre gravemaskin en dag", pupil_own=True, today=opened
    )
    plans.add_goal(
        user=teacher,
        case=case,
        text="Hele skoledager før vinterferien",
        pupil_own=False,
        today=opened,
    )
    start = _between(opened, today, 0.3)
    _measure(
        teacher,
        case,
        title="Trygg voksen tar imot ved døra",
        kind=MeasureKind.TRUSTED_ADULT,
        owner_kind="school",
        owner_name=personas.KONTAKTLAERER.full_name,
        starts_on=start,
        frequency="daily",
        evaluate_on=today + timedelta(days=7),
    )
    _measure(
        teacher,
        case,
        title="Fast telefon med foresatte",
        kind=MeasureKind.CONTACT,
        owner_kind="school",
        owner_name=personas.KONTAKTLAERER.full_name,
        starts_on=opened,
        frequency="fortnightly",
        evaluate_on=today + timedelta(days=14),
    )
    _measure(
        teacher,
        case,
        title="Faste leggetider og mobil ut av soverommet",
        kind=MeasureKind.ROUTINES,
        owner_kind="home",
        starts_on=start,
        frequency="daily",
        evaluate_on=today + timedelta(days=7),
    )
    for text, share in (
        ("Én time med trygg voksen", 0.3),
        ("Formiddager", 0.6),
        ("Hele dager", 1.2),
    ):
        plans.add_return_step(
            user=teacher,
            case=case,
            description=text,
            from_on=_between(opened, today, share),
            status="reached" if share < 0.5 else "planned",
        )
    plans.add_agreement(
        user=teacher,
        case=case,
        text="Skolen ringer hjem kl. 08.15 de dagene han ikke er kommet.",
        agreed_on=start,
    )
    plans.save_plan(
        user=teacher,
        case=case,
        version=1,
        values={
            "problem": "Økende fravær siden høsten, mest morgener og mandager, uten kjent årsak.",
            "school_work_at_home": "Ukeplan på Teams; kontaktlærer går gjennom den på fredager.",
        },
    )
    cases.change_level(
        user=leader,
        case=case,
        level=2,
        reason="Fraværet øker tross tiltak; teamet tar saken.",
        today=_between(opened, today, 0.4),
    )
    cases.change_level(
        user=leader,
        case=case,
        level=3,
        reason="Helsesykepleier inn etter samtykke fra foresatte.",
        today=_between(opened, today, 0.5),
    )
    guardians = cases.responsible_guardians(case)
    cases.record_consent(
        user=teacher,
        case=case,
        staff=_staff(personas.HELSESYKEPLEIER.username),
        service=Service.NURSE,
        guardians=guardians,
        pupil_consented=cases.pupil_must_consent(case.pupil, today),
        given_on=_between(opened, today, 0.5),
        expires_on=date(2027, 6, 18),
    )
    meeting = meetings.plan_meeting(
        user=teacher,
        case=case,
        values={
            "kind": "guardians",
            "held_on": _between(opened, today, 0.25),
            "agenda": "Hvordan har han det? Hva sier han om skolen? Plan for oppstart.",
            "participants": f"Foresatte, {personas.KONTAKTLAERER.full_name} (kontaktlærer)",
        },
    )
    meetings.save_minutes(
        user=teacher,
        meeting=meeting,
        version=1,
        minutes="Vi startet med det som har gått bra. Enige om trygg voksen og telefon kl. 08.15.",
    )
    meetings.plan_meeting(
        user=leader,
        case=case,
        values={
            "kind": "cross_service",
            "held_on": today + timedelta(days=5),
            "agenda": "Samarbeid med helsesykepleier; evaluering av opptrappingen.",
            "participants": "Foresatte, kontaktlærer, rektor, helsesykepleier",
        },
    )


def _level_two(case: Case, teacher: User, leader: User, opened: date, today: date) -> None:
    cases.save_mapping(
        user=teacher,
        case=case,
        values={"factors": ["home_routines", "demands"], "reasons": ["truancy"]},
    )
    _measure(
        teacher,
        case,
        title="Samtale med eleven hver fredag om uka som kommer",
        kind=MeasureKind.TALKS,
        owner_kind="school",
        starts_on=_between(opened, today, 0.2),
        frequency="weekly",
        # Past due: the leader's page shows it as overdue.
        evaluate_on=today - timedelta(days=3),
    )
    cases.change_level(
        user=leader,
        case=case,
        level=2,
        reason="Mandagsfraværet fortsetter; teamet og ledelsen inn.",
        today=_between(opened, today, 0.5),
    )
    meeting = meetings.plan_meeting(
        user=leader,
        case=case,
        values={"kind": "team", "held_on": _between(opened, today, 0.5), "agenda": "Mandager."},
    )
    meetings.add_action(
        user=leader,
        meeting=meeting,
        what="Ring hjem søndag kveld før skoleuka",
        who=personas.KONTAKTLAERER.full_name,
        owner_kind="school",
        due_on=today - timedelta(days=1),
    )


def _level_one(case: Case, teacher: User, leader: User, opened: date, today: date) -> None:
    _measure(
        teacher,
        case,
        title="Foresatte melder fravær før kl. 08.30",
        kind=MeasureKind.CONTACT,
        owner_kind="home",
        starts_on=_between(opened, today, 0.3),
        frequency="daily",
        evaluate_on=today + timedelta(days=10),
    )
    plans.add_agreement(
        user=teacher,
        case=case,
        text="Foresatte melder fravær i Sammen samme morgen.",
        agreed_on=_between(opened, today, 0.3),
    )


def _trouble(case: Case, teacher: User, leader: User, opened: date, today: date) -> None:
    cases.change_level(
        user=leader,
        case=case,
        level=2,
        reason="Uenighet med hjemmet om kroppsøving; ledelsen inn.",
        today=_between(opened, today, 0.3),
    )
    disagreement = trouble.record_disagreement(
        user=teacher,
        case=case,
        topic="Om eleven skal fritas fra kroppsøving",
        school_view="Faget kan tilpasses; fritak hjelper ikke eleven tilbake.",
        home_view="Garderoben er et mareritt for henne. Skolen hører ikke på oss.",
        today=_between(opened, today, 0.5),
    )
    trouble.offer_mediation(
        user=teacher,
        disagreement=disagreement,
        led_by="Inspektør (utenfor klassen)",
        today=_between(opened, today, 0.6),
    )
