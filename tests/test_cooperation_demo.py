"""The cooperation practice in the demo: the contact teacher can run the fortnightly review and
make the due calls from one list, the leader sees who is due or overdue, and a guardian persona
can add to the profile and answer "felt heard"."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from sammen.accounts.models import User
from sammen.attendance import access as attendance_access
from sammen.cooperation.models import Cadence, Contact, FeltHeard, Review, Tone
from sammen.roster.demo import personas
from sammen.roster.models import GroupTeacher, School

pytestmark = pytest.mark.django_db
TODAY = "2026-11-26"


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch, client: Client, settings: Any) -> None:
    from datetime import date

    call_command("demo_data", "--seed", "2026", "--today", TODAY, stdout=io.StringIO())
    monkeypatch.setattr(attendance_access, "today", lambda: date.fromisoformat(TODAY))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def login(client: Client, persona: personas.Persona) -> None:
    client.force_login(User.objects.get(username=persona.username))


def test_the_planted_pupils_have_reviews_a_cadence_and_a_mix_of_tones(demo: None) -> None:
    assert Cadence.objects.count() >= 6
    tones = set(Contact.objects.values_list("tone", flat=True))
    assert tones == {Tone.POSITIVE, Tone.NEUTRAL, Tone.CONCERN}
    assert Review.objects.count() > 20
    assert FeltHeard.objects.exists()


def test_the_contact_teacher_reviews_and_calls_from_one_list(demo: None, client: Client) -> None:
    login(client, personas.KONTAKTLAERER)
    html = client.get("/samarbeid/kontakter/").content.decode()
    assert "overdue" in html and "only heard concerns" in html and "From the review" in html
    group = GroupTeacher.objects.filter(
        staff__user__username=personas.KONTAKTLAERER.username, is_contact_teacher=True
    ).first()
    assert group is not None
    review = client.get(f"/gruppe/{group.group.public_id}/elevgjennomgang/")
    assert review.status_code == 200 and "Start the review" in review.content.decode()


def test_the_leader_sees_who_is_due_or_overdue(demo: None, client: Client) -> None:
    login(client, personas.REKTOR)
    school = GroupTeacher.objects.filter(
        staff__user__username=personas.KONTAKTLAERER.username
    ).values_list("group__school", flat=True)[0]
    public_id = School.objects.get(pk=school).public_id
    html = client.get(f"/skole/{public_id}/samarbeid/").content.decode()
    assert "Overdue contacts" in html and "days overdue" in html


def test_the_guardian_persona_adds_to_the_profile_and_answers_felt_heard(
    demo: None, client: Client
) -> None:
    login(client, personas.FORELDER1)
    child = Cadence.objects.filter(
        pupil__guardianships__guardian__user__username=personas.FORELDER1.username
    ).first()
    assert child is not None
    url = f"/elev/{child.pupil.public_id}/hjem-og-skole/"
    html = client.get(url).content.decode()
    assert "Did you feel seen and heard?" in html
    question = Contact.objects.filter(pupil=child.pupil, on="2026-11-24").get()
    client.post(url, {"felt_heard": "1", "contact": str(question.public_id), "score": "5"})
    assert FeltHeard.objects.filter(contact=question).exists()
    client.post(url, {"profile": "1", "part": "future", "text": "Vil bli sykepleier"})
    assert "Vil bli sykepleier" in client.get(url).content.decode()
