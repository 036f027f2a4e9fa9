"""The demo's «hvem har sett»: a guardian persona finds the contact teacher named among those who
looked at the child in her class, and not at the child she does not teach."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from sammen.accounts.models import User
from sammen.roster.demo import personas
from sammen.roster.models import Pupil

pytestmark = pytest.mark.django_db
TEACHER = f"{personas.KONTAKTLAERER.given_name} {personas.KONTAKTLAERER.family_name}"


@pytest.fixture
def demo(client: Client, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("demo_data", "--seed", "2026", "--today", "2026-11-26", stdout=io.StringIO())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def looked(client: Client, persona: personas.Persona, child: tuple[str, str]) -> str:
    client.force_login(User.objects.get(username=persona.username))
    pupil = Pupil.objects.get(given_name=child[0], family_name=child[1])
    response = client.get(f"/foresatt/barn/{pupil.public_id}/innsyn/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_contact_teacher_is_named_on_her_pupils_pages_only(demo: None, client: Client) -> None:
    sander = looked(client, personas.FORELDER1, personas.FORELDER1_OLDER_CHILD)
    ella = looked(client, personas.FORELDER1, personas.FORELDER1_YOUNGER_CHILD)
    nora_page = looked(client, personas.FORELDER2, personas.FORELDER2_CHILD)

    assert TEACHER in sander and "Viewed the pupil&#x27;s attendance" in sander
    assert TEACHER in nora_page
    assert TEACHER not in ella
