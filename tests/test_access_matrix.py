"""Every roster URL against every persona: who gets in (200), who may only read (403), and who
must not learn that the object exists (404, exactly like a missing one)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from sammen.cooperation.models import HomeVisit, ReviewSetup
from sammen.followup.cases import open_case
from sammen.followup.meetings import plan_meeting
from sammen.followup.models import Case, MeetingKind
from sammen.warning.models import Flag
from sammen.warning.standard import Rule
from tests.conftest import World

Url = Callable[[World], str]

URLS: dict[str, Url] = {
    "home": lambda w: "/",
    "roster:school": lambda w: f"/skole/{w.school_a.public_id}/",
    "roster:school_staff": lambda w: f"/skole/{w.school_a.public_id}/ansatte/",
    "roster:group": lambda w: f"/gruppe/{w.class_8a.public_id}/",
    "roster:pupil": lambda w: f"/elev/{w.ola.public_id}/",
    "roster:guardian_contact": (
        lambda w: f"/elev/{w.ola.public_id}/foresatt/{w.ola_mother.public_id}/kontakt/"
    ),
    "attendance_routine:edit": lambda w: f"/skole/{w.school_a.public_id}/fravarsvarsel/",
    "attendance:today": lambda w: "/i-dag/",
    "attendance:lesson": lambda w: f"/gruppe/{w.class_8a.public_id}/time/2026-11-26/1/",
    "attendance:class_day": lambda w: f"/gruppe/{w.class_8a.public_id}/dag/2026-11-26/",
    "attendance:pupil": lambda w: f"/elev/{w.ola.public_id}/fravaer/",
    "attendance:pupil_day": lambda w: f"/elev/{w.ola.public_id}/fravaer/dag/",
    "attendance:reports": lambda w: f"/elev/{w.ola.public_id}/fravaersmeldinger/",
    "attendance:report": lambda w: "/meld-fravaer/",
    "warning:queue": lambda w: "/trenger-oppmerksomhet/",
    "warning:answer": lambda w: f"/varsel/{_ola_flag(w).public_id}/svar/",
    "warning:overview": lambda w: f"/skole/{w.school_a.public_id}/tidlig-varsling/",
    "warning:standard": lambda w: f"/skole/{w.school_a.public_id}/tidlig-varsling/standard/",
    "warning:preview": (
        lambda w: f"/skole/{w.school_a.public_id}/tidlig-varsling/standard/forhandsvisning/"
    ),
    "cooperation:calls": lambda w: "/samarbeid/kontakter/",
    "cooperation:overview": lambda w: f"/skole/{w.school_a.public_id}/samarbeid/",
    "cooperation:standard": lambda w: f"/skole/{w.school_a.public_id}/samarbeid/standard/",
    "cooperation:routines": lambda w: f"/skole/{w.school_a.public_id}/samarbeid/rutiner/",
    "cooperation:pupil": lambda w: f"/elev/{w.ola.public_id}/samarbeid/",
    "cooperation:log_contact": lambda w: f"/elev/{w.ola.public_id}/samarbeid/kontakt/",
    "cooperation:lysglimt": lambda w: f"/elev/{w.ola.public_id}/samarbeid/lysglimt/",
    "cooperation:cadence": lambda w: f"/elev/{w.ola.public_id}/samarbeid/fast-kontakt/",
    "cooperation:needs": lambda w: f"/elev/{w.ola.public_id}/samarbeid/behov/",
    "cooperation:home_visits": lambda w: f"/elev/{w.ola.public_id}/samarbeid/hjemmebesok/",
    "cooperation:home_visit": (
        lambda w: f"/elev/{w.ola.public_id}/samarbeid/hjemmebesok/{_ola_visit(w).public_id}/"
    ),
    "cooperation:profile": lambda w: f"/elev/{w.ola.public_id}/samarbeid/24-timersmennesket/",
    "cooperation:network": lambda w: f"/elev/{w.ola.public_id}/samarbeid/nettverk/",
    "cooperation:family": lambda w: f"/elev/{w.ola.public_id}/hjem-og-skole/",
    "cooperation:review": lambda w: f"/gruppe/{w.class_8a.public_id}/elevgjennomgang/",
    "cooperation:review_setup": (
        lambda w: f"/gruppe/{w.class_8a.public_id}/elevgjennomgang/oppsett/"
    ),
    "cooperation:review_pupil": (
        lambda w: (
            f"/gruppe/{_review_setup(w).group.public_id}/elevgjennomgang/elev/{w.ola.public_id}/"
        )
    ),
    "followup:pupil_cases": lambda w: f"/elev/{w.ola.public_id}/oppfolging/",
    "followup:my_cases": lambda w: "/saker/",
    "followup:school_cases": lambda w: f"/skole/{w.school_a.public_id}/oppfolging/",
    "followup:case": lambda w: f"/sak/{_ola_case(w).public_id}/",
    "followup:mapping": lambda w: f"/sak/{_ola_case(w).public_id}/kartlegging/",
    "followup:plan": lambda w: f"/sak/{_ola_case(w).public_id}/plan/",
    "followup:print_plan": lambda w: f"/sak/{_ola_case(w).public_id}/plan/utskrift/",
    "followup:consents": lambda w: f"/sak/{_ola_case(w).public_id}/samtykke/",
    "followup:withdraw_consent": (
        lambda w: f"/sak/{_ola_case(w).public_id}/samtykke/{uuid.uuid4()}/trekk-tilbake/"
    ),
    "followup:meetings": lambda w: f"/sak/{_ola_case(w).public_id}/moter/",
    "followup:meeting": lambda w: f"/sak/{_ola_case(w).public_id}/mote/{_ola_meeting(w)}/",
    "followup:print_minutes": (
        lambda w: f"/sak/{_ola_case(w).public_id}/mote/{_ola_meeting(w)}/utskrift/"
    ),
    "followup:trouble": lambda w: f"/sak/{_ola_case(w).public_id}/uenighet/",
    "followup:guardian_plan": lambda w: f"/sak/{_ola_case(w).public_id}/foresatt/",
    "conversations:guardian_thread": lambda w: f"/foresatt/barn/{w.ola.public_id}/meldinger/",
    "conversations:guardian_inbox": lambda w: "/foresatt/meldinger/",
    "conversations:inbox": lambda w: "/meldinger/",
    "conversations:staff_thread": (
        lambda w: f"/elev/{w.ola.public_id}/meldinger/{w.ola_mother.public_id}/"
    ),
    "voice:input": lambda w: f"/foresatt/barn/{w.ola.public_id}/innspill/",
    "voice:contact_request": lambda w: f"/foresatt/barn/{w.ola.public_id}/kontakt-meg/",
    "voice:handle_request": (
        lambda w: f"/elev/{w.ola.public_id}/samarbeid/kontakt-meg/{uuid.uuid4()}/"
    ),
    "portal:home": lambda w: "/foresatt/",
    "portal:settings": lambda w: "/foresatt/innstillinger/",
    "portal:child": lambda w: f"/foresatt/barn/{w.ola.public_id}/",
    "portal:looked": lambda w: f"/foresatt/barn/{w.ola.public_id}/innsyn/",
}

PERSONAS = [
    "alice",
    "bob",
    "charlie",
    "leader",
    "office",
    "nurse",
    "guardian",
    "father",
    "other_guardian",
    "analyst",
    "sysadmin",
    "nobody",
]

GUARDIANS = ("guardian", "father", "other_guardian")

# Expected status per URL and persona; anything not listed must be 404.
ALLOWED: dict[str, dict[str, int]] = {
    # Guardians with no staff role start in the portal.
    "home": {p: 302 if p in GUARDIANS else 200 for p in PERSONAS},
    "roster:school": {"alice": 200, "bob": 200, "leader": 200, "office": 200, "nurse": 200},
    "roster:school_staff": {"leader": 200, "alice": 403, "bob": 403, "office": 403, "nurse": 403},
    "roster:group": {"alice": 200, "leader": 200, "office": 200},
    "roster:pupil": {"alice": 200, "bob": 200, "leader": 200, "office": 200, "guardian": 200},
    "roster:guardian_contact": {
        "alice": 200,
        "leader": 200,
        "office": 200,
        "bob": 403,
        "guardian": 403,
    },
    "attendance_routine:edit": {
        "leader": 200,
        "alice": 403,
        "bob": 403,
        "office": 403,
        "nurse": 403,
    },
    "attendance:today": {"alice": 200, "bob": 200, "charlie": 200, "leader": 200, "office": 200},
    "attendance:lesson": {"alice": 200, "leader": 200, "office": 200},
    "attendance:class_day": {"alice": 200, "leader": 200, "office": 200},
    "attendance:pupil": {"alice": 200, "bob": 200, "leader": 200, "office": 200, "guardian": 200},
    # Corrections of today: the contact teacher, the office and the leader; read-only viewers 403.
    "attendance:pupil_day": {
        "alice": 200,
        "leader": 200,
        "office": 200,
        "bob": 403,
        "guardian": 403,
    },
    "attendance:reports": {"alice": 200, "bob": 200, "leader": 200, "office": 200, "guardian": 200},
    "attendance:report": {"guardian": 200, "other_guardian": 200},
    # Flags: the contact teacher of the pupil's class and the school leader; nobody else.
    "warning:queue": {"alice": 200, "charlie": 200, "leader": 200},
    "warning:answer": {"alice": 200, "leader": 200},
    "warning:overview": {"leader": 200},
    "warning:standard": {"leader": 200},
    "warning:preview": {"leader": 200},
    # Cooperation with the home: the contact teacher of the pupil's class and the leader; the
    # guardian (with parental responsibility) only their child's family page; the routines are
    # for the school's staff and its families.
    "cooperation:calls": {"alice": 200, "charlie": 200, "leader": 200},
    "cooperation:overview": {"leader": 200},
    "cooperation:standard": {"leader": 200},
    "cooperation:routines": {
        "alice": 200,
        "bob": 200,
        "leader": 200,
        "office": 200,
        "nurse": 200,
        "guardian": 200,
    },
    "cooperation:pupil": {"alice": 200, "leader": 200},
    "cooperation:log_contact": {"alice": 200, "leader": 200},
    "cooperation:lysglimt": {"alice": 200, "leader": 200},
    "cooperation:cadence": {"alice": 200, "leader": 200},
    "cooperation:needs": {"alice": 200, "leader": 200},
    "cooperation:home_visits": {"alice": 200, "leader": 200},
    "cooperation:home_visit": {"alice": 200, "leader": 200},
    "cooperation:profile": {"alice": 200, "leader": 200},
    "cooperation:network": {"alice": 200, "leader": 200},
    "cooperation:family": {"guardian": 200},
    "cooperation:review": {"alice": 200, "leader": 200},
    "cooperation:review_setup": {"alice": 200, "leader": 200},
    "cooperation:review_pupil": {"alice": 200, "leader": 200},
    # Follow-up cases: the contact teacher of the pupil's class and the leader (named members and
    # consented support services are tested in tests/test_followup_access.py); the guardian
    # with parental responsibility reads the plan on the guardian's page only.
    "followup:pupil_cases": {"alice": 200, "leader": 200},
    "followup:my_cases": {p: 200 for p in ("alice", "bob", "charlie", "leader", "office", "nurse")},
    "followup:school_cases": {"leader": 200},
    "followup:case": {"alice": 200, "leader": 200},
    "followup:mapping": {"alice": 200, "leader": 200},
    "followup:plan": {"alice": 200, "leader": 200},
    "followup:print_plan": {"alice": 200, "leader": 200},
    "followup:consents": {"alice": 200, "leader": 200},
    # POST only: a GET is refused the same way for everyone signed in.
    "followup:withdraw_consent": {p: 405 for p in PERSONAS},
    "followup:meetings": {"alice": 200, "leader": 200},
    "followup:meeting": {"alice": 200, "leader": 200},
    "followup:print_minutes": {"alice": 200, "leader": 200},
    "followup:trouble": {"alice": 200, "leader": 200},
    "followup:guardian_plan": {"guardian": 200},
    # The guardian's voice between calls: the guardian with parental responsibility; the
    # school's answer is POST only (refused the same way for everyone signed in on GET; who may
    # post is tested in tests/test_voice_school.py).
    # Messages between home and school: the guardian with parental responsibility (the list
    # redirects a one-child family to the child's thread); the contact teacher of the pupil's
    # class and the leader on the school's side (charlie's inbox holds only his own classes).
    "conversations:guardian_thread": {"guardian": 200},
    "conversations:guardian_inbox": {"guardian": 302, "other_guardian": 302},
    "conversations:inbox": {"alice": 200, "charlie": 200, "leader": 200},
    "conversations:staff_thread": {"alice": 200, "leader": 200},
    "voice:input": {"guardian": 200},
    "voice:contact_request": {"guardian": 200},
    "voice:handle_request": {p: 405 for p in PERSONAS},
    # The guardian portal: a child's pages for the guardian with parental responsibility only;
    # the portal's start and settings for every guardian (a kind page for one with no children).
    "portal:home": {p: 200 for p in GUARDIANS},
    "portal:settings": {p: 200 for p in GUARDIANS},
    "portal:child": {"guardian": 200},
    "portal:looked": {"guardian": 200},
}


def _ola_case(w: World) -> Case:
    """An open follow-up case on Ola, at level 1, opened by alice."""
    found = Case.objects.filter(pupil=w.ola).first()
    if found is not None:
        return found
    return open_case(user=w.alice, pupil=w.ola, today=date(2026, 11, 26))


def _ola_meeting(w: World) -> uuid.UUID:
    case = _ola_case(w)
    meeting = case.meetings.first()
    if meeting is None:
        values = {"kind": MeetingKind.GUARDIANS, "held_on": date(2026, 11, 26)}
        meeting = plan_meeting(user=w.alice, case=case, values=values)
    return meeting.public_id


def _ola_visit(w: World) -> HomeVisit:
    visit, _ = HomeVisit.objects.get_or_create(
        pupil=w.ola,
        defaults={"planned_on": date(2026, 11, 30), "purpose": "Bli kjent", "who_goes": "Alice"},
    )
    return visit


def _review_setup(w: World) -> ReviewSetup:
    setup, _ = ReviewSetup.objects.get_or_create(
        group=w.class_8a, defaults={"first_monday": date(2026, 11, 23)}
    )
    return setup


def _ola_flag(w: World) -> Flag:
    """An open early-warning flag on Ola (alice's class 8A at school A)."""
    flag, _ = Flag.objects.get_or_create(
        pupil=w.ola,
        rule=Rule.CONSECUTIVE,
        closed_on=None,
        defaults={
            "school": w.school_a,
            "level": 2,
            "evidence": {"days": 3, "first": "2026-11-23", "last": "2026-11-25"},
            "opened_on": date(2026, 11, 26),
            "seen_on": date(2026, 11, 26),
            "due_on": date(2026, 12, 1),
        },
    )
    return flag


# URLs that need no login or are Django's own; everything else must be in URLS above.
PUBLIC = {"healthz", "set_language", "accounts:login", "accounts:logout", "accounts:two_factor"}
# Login through Feide and ID-porten: reached before anyone is signed in (the provider's redirects
# and logout calls); their refusals are tested in tests/test_oidc_*.py.
# The guardian's "felt heard" answer by signed link: the signature is the permission
# (tests/test_cooperation_family.py tests forged, expired and used links).
PUBLIC |= {"cooperation:felt_heard"}
PUBLIC |= {
    "accounts:oidc_start",
    "accounts:oidc_callback",
    "accounts:oidc_frontchannel_logout",
    "accounts:oidc_backchannel_logout",
}


def _named_patterns(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names |= _named_patterns(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{prefix}{entry.name}")
    return names


def test_every_url_is_in_the_access_matrix() -> None:
    untested = _named_patterns() - set(URLS) - PUBLIC
    assert not untested, f"URLs with no access test: {sorted(untested)}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(URLS))
def test_each_persona_gets_what_the_policy_says(
    client: Client, world: World, name: str, persona: str
) -> None:
    client.force_login(getattr(world, persona))
    if persona == "sysadmin":
        _verify_two_factor(client, world)
    response = client.get(URLS[name](world))
    expected = ALLOWED[name].get(persona, 404)
    assert response.status_code == expected, f"{persona} on {name}"


@pytest.mark.parametrize("name", sorted(set(URLS) - {"home"}))
def test_anonymous_visitors_are_sent_to_login(client: Client, world: World, name: str) -> None:
    response = client.get(URLS[name](world))
    assert response.status_code == 302
    assert response["Location"].startswith("/logg-inn/")


@pytest.mark.parametrize("persona", ["alice", "leader", "guardian"])
def test_a_missing_pupil_looks_exactly_like_someone_elses(
    client: Client, world: World, persona: str
) -> None:
    client.force_login(getattr(world, persona))
    missing = client.get(f"/elev/{uuid.uuid4()}/")
    others = client.get(f"/elev/{world.kari.public_id}/")
    assert missing.status_code == others.status_code == 404
    assert missing.content == others.content


def test_the_contact_teacher_cannot_see_a_pupil_in_another_class(
    client: Client, world: World
) -> None:
    client.force_login(world.alice)
    assert client.get(f"/elev/{world.nils.public_id}/").status_code == 404
    assert client.get(f"/gruppe/{world.class_8c.public_id}/").status_code == 404


def test_the_subject_teacher_sees_the_group_they_teach_only(client: Client, world: World) -> None:
    client.force_login(world.bob)
    assert client.get(f"/gruppe/{world.maths.public_id}/").status_code == 200
    assert client.get(f"/gruppe/{world.class_8a.public_id}/").status_code == 404


def test_the_leader_sees_every_pupil_of_the_school_and_none_elsewhere(
    client: Client, world: World
) -> None:
    client.force_login(world.leader)
    assert client.get(f"/elev/{world.nils.public_id}/").status_code == 200
    assert client.get(f"/elev/{world.kari.public_id}/").status_code == 404


def test_a_guardian_cannot_change_someone_elses_contact_details_by_post(
    client: Client, world: World
) -> None:
    client.force_login(world.other_guardian)
    url = URLS["roster:guardian_contact"](world)
    response = client.post(url, {"email": "x@example.no", "preferred_language": "nb"})
    assert response.status_code == 404
    world.ola_mother.refresh_from_db()
    assert world.ola_mother.email != "x@example.no"


def test_the_subject_teacher_cannot_change_contact_details_by_post(
    client: Client, world: World
) -> None:
    client.force_login(world.bob)
    url = URLS["roster:guardian_contact"](world)
    response = client.post(url, {"email": "x@example.no", "preferred_language": "nb"})
    assert response.status_code == 403
    world.ola_mother.refresh_from_db()
    assert world.ola_mother.email != "x@example.no"


def _verify_two_factor(client: Client, world: World) -> None:
    from sammen.accounts import two_factor
    from sammen.audit.log import Actor

    device = two_factor.enrol(actor=Actor.system("test"), user=world.sysadmin)
    response = client.post("/tofaktor/", {"token": two_factor.current_code(device)})
    assert response.status_code == 302, "the sysadmin could not complete two-factor"
