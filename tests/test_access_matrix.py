"""Every roster URL against every persona: who gets in (200), who may only read (403), and who
must not learn that the object exists (404, exactly like a missing one)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

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

# Expected status per URL and persona; anything not listed must be 404.
ALLOWED: dict[str, dict[str, int]] = {
    "home": {p: 200 for p in PERSONAS},
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
}

# URLs that need no login or are Django's own; everything else must be in URLS above.
PUBLIC = {"healthz", "set_language", "accounts:login", "accounts:logout", "accounts:two_factor"}


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
