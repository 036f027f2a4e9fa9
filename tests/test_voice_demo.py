"""The guardian's voice in the demo: the contact teacher persona sees input from the homes and an
evening request on the calls list; the guardian persona sees her own input and an answered
request, and may ask again."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from sammen.accounts.models import User
from sammen.attendance import access as attendance_access
from sammen.roster.demo import personas
from sammen.roster.models import Guardianship
from sammen.voice.models import ContactRequest, Input, RequestState

pytestmark = pytest.mark.django_db
TODAY = "2026-11-26"


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch, client: Client, settings: Any) -> None:
    call_command("demo_data", "--seed", "2026", "--today", TODAY, stdout=io.StringIO())
    monkeypatch.setattr(attendance_access, "today", lambda: date.fromisoformat(TODAY))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def login(client: Client, persona: personas.Persona) -> None:
    client.force_login(User.objects.get(username=persona.username))


def test_the_homes_have_spoken_and_the_contact_teacher_sees_it(demo: None, client: Client) -> None:
    assert Input.objects.count() >= 5
    assert ContactRequest.objects.filter(state=RequestState.OPEN).count() == 2
    login(client, personas.KONTAKTLAERER)
    html = client.get("/samarbeid/kontakter/").content.decode()
    assert "new input from the home" in html
    assert "asked to be contacted: phone call, evening (17–20)" in html


def test_the_guardian_persona_sees_her_own_input_and_may_ask_again(
    demo: None, client: Client
) -> None:
    login(client, personas.FORELDER1)
    link = Guardianship.objects.filter(
        guardian__user__username=personas.FORELDER1.username, pupil__home_inputs__isnull=False
    ).first()
    assert link is not None
    child = link.pupil.public_id
    html = client.get(f"/foresatt/barn/{child}/innspill/").content.decode()
    assert "Vi har fått til en fast morgenrutine som fungerer." in html
    html = client.get(f"/foresatt/barn/{child}/kontakt-meg/").content.decode()
    assert "Jeg ringer deg onsdag etter kl. 15." in html and "Send the request" in html
