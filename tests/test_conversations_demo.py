"""The demo's conversations: the guardian persona has an unread answer from the contact teacher,
the contact teacher has unread messages from homes, and loading the demo sends no e-mail."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from sammen.accounts.models import User
from sammen.conversations.models import Message, MessageNotice, Side, Thread
from sammen.roster.demo import personas

pytestmark = pytest.mark.django_db
TODAY = "2026-11-26"


@pytest.fixture
def demo(client: Client, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("demo_data", "--seed", "2026", "--today", TODAY, stdout=io.StringIO())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def login(client: Client, persona: personas.Persona) -> None:
    client.force_login(User.objects.get(username=persona.username))


def test_the_demo_has_threads_and_sent_nothing(demo: None) -> None:
    assert Thread.objects.count() == 4
    assert Message.objects.filter(side=Side.GUARDIAN, read_by_school_at__isnull=True).exists()
    assert not MessageNotice.objects.exists()
    assert mail.outbox == []


def test_the_guardian_persona_has_an_unread_answer(demo: None, client: Client) -> None:
    login(client, personas.FORELDER1)
    # Two children: the list, with the one unread answer about Sander.
    html = client.get("/foresatt/meldinger/").content.decode()
    assert "Messages (1" in html and "1 new" in html
    thread = Thread.objects.get(guardian__user__username=personas.FORELDER1.username)
    assert thread.pupil.given_name == personas.FORELDER1_OLDER_CHILD[0]
    html = client.get(f"/foresatt/barn/{thread.pupil.public_id}/meldinger/").content.decode()
    assert "Han var med på hele timen!" in html and ">New<" in html


def test_the_contact_teacher_sees_unread_messages_first(demo: None, client: Client) -> None:
    login(client, personas.KONTAKTLAERER)
    html = client.get("/meldinger/").content.decode()
    assert "Unread" in html and ">Read<" in html
    assert f"{personas.FORELDER2.given_name} {personas.FORELDER2.family_name}" in html
