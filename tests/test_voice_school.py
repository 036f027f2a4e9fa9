"""The guardian's voice on the school's side: the contact teacher sees new input and open
requests before the next call, on the calls list and the pupil's cooperation page, and marks
requests answered or done. The contact teacher of the class and the leader only; no query per
pupil on the calls list."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from sammen.audit import actions
from sammen.audit.log import Actor
from sammen.audit.models import AuditEvent
from sammen.cooperation.models import Cadence, CooperationStandard, Tone
from sammen.cooperation.services import ContactData, log_contact, set_cadence
from sammen.roster.models import Guardian, Pupil
from sammen.voice import services
from sammen.voice.models import ContactRequest, Input, RequestState
from tests import factories as f
from tests.attendance_fixtures import TODAY, CalendarWorld, calendar_world
from tests.conftest import World, page

__all__ = ["calendar_world"]

CALLS = "/samarbeid/kontakter/"
SYSTEM = Actor.system("test")


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """The assertions read the English texts; Norwegian is the default for everyone else."""


def coop_url(pupil: Pupil) -> str:
    return f"/elev/{pupil.public_id}/samarbeid/"


def handle_url(request: ContactRequest) -> str:
    return f"/elev/{request.pupil.public_id}/samarbeid/kontakt-meg/{request.public_id}/"


def follow(w: World, pupil: Pupil) -> Cadence:
    return set_cadence(
        actor=w.alice,
        pupil=pupil,
        every_days=14,
        channel="phone",
        window="",
        active=True,
        today=TODAY - timedelta(days=30),
    )


def called(w: World, pupil: Pupil, days_ago: int) -> None:
    data = ContactData(
        on=TODAY - timedelta(days=days_ago), kind="phone", initiated_by="school", tone=Tone.NEUTRAL
    )
    log_contact(actor=w.alice, pupil=pupil, data=data, today=TODAY)


def say(pupil: Pupil, guardian: Guardian, days_ago: int, words: str = "Bra uke") -> Input:
    entry = services.give_input(
        actor=SYSTEM,
        pupil=pupil,
        guardian=guardian,
        home_week=4,
        child_tells=words,
        school_should_know="",
    )
    at = timezone.make_aware(datetime.combine(TODAY - timedelta(days=days_ago), time(19)))
    Input.objects.filter(pk=entry.pk).update(created_at=at)
    return entry


def ask(pupil: Pupil, guardian: Guardian, windows: list[str], topic: str = "") -> ContactRequest:
    return services.request_contact(
        actor=SYSTEM,
        pupil=pupil,
        guardian=guardian,
        channel="phone",
        windows=windows,
        topic=topic,
    )


# The calls list ----------------------------------------------------------------------------------


def test_the_calls_list_shows_new_input_and_an_evening_request(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    CooperationStandard.objects.create(school=w.school_a, evening_calls=True)
    follow(w, w.ola)
    say(w.ola, w.ola_mother, 20, "Før samtalen")
    called(w, w.ola, 16)  # due by now: the card shows
    say(w.ola, w.ola_mother, 3)
    say(w.ola, w.ola_mother, 1)
    ask(w.ola, w.ola_mother, ["evening"], topic="Morgenene")
    client.force_login(w.alice)
    html = page(client, CALLS)
    assert "2 new inputs from the home since the last call" in html  # not the one before
    assert "Anne Nordmann asked to be contacted: phone call, evening (17–20)" in html
    assert "Morgenene" in html


def test_input_on_the_day_of_the_call_counts_as_new(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    follow(w, w.ola)
    called(w, w.ola, 15)
    say(w.ola, w.ola_mother, 15)
    client.force_login(w.alice)
    assert "1 new input from the home since the last call" in page(client, CALLS)


def test_a_pupil_not_yet_due_shows_the_request_in_the_later_table(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    follow(w, w.ola)
    called(w, w.ola, 2)
    ask(w.ola, w.ola_mother, ["afternoon"])
    client.force_login(w.alice)
    html = page(client, CALLS)
    assert "asked to be contacted: afternoon (15–17)" in html


def test_a_home_with_no_fixed_contact_is_not_missed(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    ask(w.ola, w.ola_mother, [])  # Ola has no cadence and no flag: not on the list
    client.force_login(w.alice)
    html = page(client, CALLS)
    assert "Heard from other homes" in html and "Ola Nordmann" in html
    assert "asked to be contacted" in html
    client.force_login(w.charlie)  # another school's contact teacher
    assert "Heard from other homes" not in page(client, CALLS)


def test_the_calls_list_runs_the_same_queries_with_input_on_many_pupils(
    client: Client,
    calendar_world: CalendarWorld,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    w = calendar_world.world
    CooperationStandard.objects.create(school=w.school_a, evening_calls=True)
    follow(w, w.ola)
    say(w.ola, w.ola_mother, 2)
    ask(w.ola, w.ola_mother, ["evening"])
    off_list = f.make_pupil(w.school_a, w.class_8a)
    ask(off_list, f.make_guardian(off_list), [])
    client.force_login(w.alice)
    with CaptureQueriesContext(connection) as few:
        page(client, CALLS)
    for n in range(8):
        pupil = f.make_pupil(w.school_a, w.class_8a)
        guardian = f.make_guardian(pupil)
        if n % 2:
            follow(w, pupil)
            called(w, pupil, 15 if n % 4 == 1 else 3)
        say(pupil, guardian, 1)
        say(pupil, guardian, 2)
        ask(pupil, guardian, ["evening", "morning"], topic="Prat")
    with django_assert_max_num_queries(len(few)):
        html = page(client, CALLS)
    assert html.count("asked to be contacted") == 10 + 1  # and once in an introduction
    assert "Heard from other homes" in html


# The pupil's cooperation page ------------------------------------------------------------------


def test_the_pupil_page_shows_input_since_the_last_talk_and_open_requests(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    say(w.ola, w.ola_mother, 20, "Gammelt innspill")
    called(w, w.ola, 10)
    say(w.ola, w.ola_mother, 2, "Nytt innspill")
    ask(w.ola, w.ola_mother, ["morning"], topic="Lekser")
    for persona in ("alice", "leader"):
        client.force_login(getattr(w, persona))
        html = page(client, coop_url(w.ola))
        assert "From the home between calls" in html
        assert "Input since the last talk (16.11.2026)" in html
        new, earlier = html.split("Earlier input")
        assert "Nytt innspill" in new and "Gammelt innspill" in earlier
        assert "Anne Nordmann asked to be contacted on" in html and "Lekser" in html
        assert "Mark answered" in html
    reads = AuditEvent.objects.filter(action=actions.VOICE_INPUTS_VIEWED, pupil_id=w.ola.public_id)
    assert reads.count() == 2


def test_the_pupil_page_has_no_section_when_the_home_has_said_nothing(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    client.force_login(w.alice)
    assert "From the home between calls" not in page(client, coop_url(w.ola))
    assert not AuditEvent.objects.filter(action=actions.VOICE_INPUTS_VIEWED).exists()


@pytest.mark.parametrize("persona", ["bob", "charlie", "nurse", "office", "guardian", "father"])
def test_others_do_not_see_the_section(
    client: Client, calendar_world: CalendarWorld, persona: str
) -> None:
    w = calendar_world.world
    say(w.ola, w.ola_mother, 2)
    client.force_login(getattr(w, persona))
    assert client.get(coop_url(w.ola)).status_code == 404


def test_the_contact_teacher_answers_then_marks_the_request_done(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    request = ask(w.ola, w.ola_mother, ["morning"])
    client.force_login(w.alice)
    response = client.post(handle_url(request), {"answer": "1", "reply": "Ringer fredag kl. 9"})
    assert response.status_code == 302 and response["Location"] == coop_url(w.ola)
    request.refresh_from_db()
    assert request.state == RequestState.ANSWERED and request.reply == "Ringer fredag kl. 9"
    assert request.handled_by == w.alice and request.handled_at is not None
    answered = AuditEvent.objects.get(action=actions.VOICE_REQUEST_ANSWERED)
    assert answered.changes["state"] == {"old": "open", "new": "answered"}
    assert answered.pupil_id == w.ola.public_id
    html = page(client, coop_url(w.ola))
    assert "Ringer fredag kl. 9" in html and "Mark answered" not in html
    client.post(handle_url(request), {"done": "1"})
    request.refresh_from_db()
    assert request.state == RequestState.DONE
    assert AuditEvent.objects.filter(action=actions.VOICE_REQUEST_DONE).count() == 1
    assert "From the home between calls" not in page(client, coop_url(w.ola))
    response = client.post(handle_url(request), {"done": "1"}, follow=True)
    assert "This request is already done." in response.content.decode()
    assert AuditEvent.objects.filter(action=actions.VOICE_REQUEST_DONE).count() == 1


def test_the_leader_may_mark_a_request_done(client: Client, calendar_world: CalendarWorld) -> None:
    w = calendar_world.world
    request = ask(w.ola, w.ola_mother, [])
    client.force_login(w.leader)
    assert client.post(handle_url(request), {"done": "1"}).status_code == 302
    request.refresh_from_db()
    assert request.state == RequestState.DONE


@pytest.mark.parametrize(
    "persona", ["bob", "charlie", "nurse", "office", "guardian", "father", "other_guardian"]
)
def test_no_one_else_can_handle_a_request(
    client: Client, calendar_world: CalendarWorld, persona: str
) -> None:
    w = calendar_world.world
    request = ask(w.ola, w.ola_mother, [])
    client.force_login(getattr(w, persona))
    assert client.post(handle_url(request), {"done": "1"}).status_code == 404
    request.refresh_from_db()
    assert request.state == RequestState.OPEN
    assert not AuditEvent.objects.filter(action=actions.VOICE_REQUEST_DONE).exists()


def test_a_request_of_another_pupil_cannot_be_reached_through_this_one(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    kari_request = ask(w.kari, w.kari_guardian, [])
    client.force_login(w.alice)
    url = f"/elev/{w.ola.public_id}/samarbeid/kontakt-meg/{kari_request.public_id}/"
    assert client.post(url, {"done": "1"}).status_code == 404
    kari_request.refresh_from_db()
    assert kari_request.state == RequestState.OPEN


def test_a_too_long_answer_is_refused(client: Client, calendar_world: CalendarWorld) -> None:
    w = calendar_world.world
    request = ask(w.ola, w.ola_mother, [])
    client.force_login(w.alice)
    response = client.post(handle_url(request), {"answer": "1", "reply": "x" * 301}, follow=True)
    assert "at most 300 characters" in response.content.decode()
    request.refresh_from_db()
    assert request.state == RequestState.OPEN


def test_logging_a_contact_with_the_guardian_completes_her_request(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    request = asked_on(ask(w.ola, w.ola_mother, ["morning"]), TODAY)
    client.force_login(w.alice)
    response = client.post(
        f"/elev/{w.ola.public_id}/samarbeid/kontakt/",
        {"kind": "phone", "tone": "neutral", "on": "2026-11-26", "initiated_by": "school"},
        follow=True,
    )
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.state == RequestState.DONE and request.handled_by == w.alice
    done = AuditEvent.objects.get(action=actions.VOICE_REQUEST_DONE)
    assert done.pupil_id == w.ola.public_id
    assert "The request to be contacted is marked done." in response.content.decode()
    # The next request is a new one.
    assert services.open_request(w.ola, w.ola_mother) is None


@pytest.mark.parametrize(
    ("kind", "on", "why"),
    [
        ("message", "2026-11-26", "a written message is no conversation"),
        ("phone", "2026-11-25", "a call the day before she asked"),
    ],
)
def test_a_contact_that_does_not_answer_the_request_leaves_it_open(
    client: Client, calendar_world: CalendarWorld, kind: str, on: str, why: str
) -> None:
    w = calendar_world.world
    request = asked_on(ask(w.ola, w.ola_mother, ["morning"]), TODAY)
    client.force_login(w.alice)
    response = client.post(
        f"/elev/{w.ola.public_id}/samarbeid/kontakt/",
        {"kind": kind, "tone": "neutral", "on": on, "initiated_by": "school"},
        follow=True,
    )
    assert "The contact is logged." in response.content.decode(), why
    request.refresh_from_db()
    assert request.state == RequestState.OPEN, why
    assert not AuditEvent.objects.filter(action=actions.VOICE_REQUEST_DONE).exists()


def asked_on(request: ContactRequest, day: date) -> ContactRequest:
    """The request as made that morning (the school's clock in these tests is pinned)."""
    at = timezone.make_aware(datetime.combine(day, time(9)))
    ContactRequest.objects.filter(pk=request.pk).update(created_at=at)
    request.refresh_from_db()
    return request
