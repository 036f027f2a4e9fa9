"""The guardian's voice between calls, from the guardian's side: input on how things are at home
and "please contact me". Only a guardian with parental responsibility gets in; each guardian
sees only their own input; one open request at a time; evenings only where the school offers
them; every write and read is audited."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from sammen.audit import actions
from sammen.audit.log import Actor
from sammen.audit.models import AuditEvent, AuditKind
from sammen.cooperation.models import CooperationStandard
from sammen.roster.models import Guardian
from sammen.voice import queries, services
from sammen.voice.models import ContactRequest, Input, RequestState
from tests import factories as f
from tests.conftest import World, page


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """The assertions read the English texts; Norwegian is the default for everyone else."""


def input_url(w: World) -> str:
    return f"/foresatt/barn/{w.ola.public_id}/innspill/"


def request_url(w: World) -> str:
    return f"/foresatt/barn/{w.ola.public_id}/kontakt-meg/"


def second_mother(w: World) -> tuple[Guardian, Client]:
    """Ola's other guardian with parental responsibility (a stepmother, say), signed in."""
    user = f.make_user("siri", first_name="Siri")
    guardian = f.make_guardian(w.ola, user=user, given_name="Siri")
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return guardian, client


# Input between calls ---------------------------------------------------------------------------


def test_a_guardian_tells_how_the_week_was_in_words_and_sees_it_afterwards(
    client: Client, world: World
) -> None:
    client.force_login(world.guardian)
    html = page(client, input_url(world))
    assert "How has this week been at home?" in html
    assert "Very hard" in html and "Very good" in html  # words, not only faces
    assert "school health nurse" in html  # the notice: health details do not belong here
    response = client.post(
        input_url(world),
        {"home_week": "4", "child_tells": "Liker naturfag", "school_should_know": ""},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == input_url(world)
    html = response.content.decode()
    assert "Thank you! The contact teacher reads it before the next call." in html
    assert "Liker naturfag" in html and "Good (4 of 5)" in html
    entry = Input.objects.get()
    assert (entry.pupil, entry.guardian, entry.school) == (
        world.ola,
        world.ola_mother,
        world.school_a,
    )
    assert entry.home_week == 4 and entry.school_should_know == ""


def test_a_few_words_without_the_scale_are_enough(client: Client, world: World) -> None:
    client.force_login(world.guardian)
    response = client.post(input_url(world), {"school_should_know": "Sov dårlig i natt"})
    assert response.status_code == 302
    assert Input.objects.get().home_week is None


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"home_week": "", "child_tells": "   ", "school_should_know": ""},
        {"home_week": "9"},
        {"child_tells": "x" * 501},
    ],
    ids=["nothing", "blanks", "off-the-scale", "too-long"],
)
def test_an_empty_or_invalid_input_is_refused_with_a_message(
    client: Client, world: World, data: dict[str, str]
) -> None:
    client.force_login(world.guardian)
    response = client.post(input_url(world), data)
    assert response.status_code == 200
    assert "Please correct the following" in response.content.decode()
    assert not Input.objects.exists()


def test_the_service_refuses_an_empty_input_too(world: World) -> None:
    with pytest.raises(services.VoiceError):
        services.give_input(
            actor=world.guardian,
            pupil=world.ola,
            guardian=world.ola_mother,
            home_week=None,
            child_tells=" ",
            school_should_know="",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Input.objects.create(pupil=world.ola, guardian=world.ola_mother, school=world.school_a)


def test_two_guardians_of_one_child_each_see_only_their_own_input(
    client: Client, world: World
) -> None:
    siri, siri_client = second_mother(world)
    client.force_login(world.guardian)
    client.post(input_url(world), {"child_tells": "Annes ord"})
    siri_client.post(input_url(world), {"child_tells": "Siris ord"})
    anne_page = page(client, input_url(world))
    siri_page = page(siri_client, input_url(world))
    assert "Annes ord" in anne_page and "Siris ord" not in anne_page
    assert "Siris ord" in siri_page and "Annes ord" not in siri_page
    assert Input.objects.filter(guardian=siri).count() == 1


def test_giving_and_reading_input_is_audited_without_the_words(
    client: Client, world: World
) -> None:
    client.force_login(world.guardian)
    client.post(input_url(world), {"home_week": "2", "child_tells": "Ensom i friminuttene"})
    given = AuditEvent.objects.get(action=actions.VOICE_INPUT_GIVEN)
    assert given.kind == AuditKind.CHANGE
    assert given.pupil_id == world.ola.public_id and given.school_id == world.school_a.public_id
    assert given.actor_id == world.guardian.public_id
    assert "Ensom" not in str(given.changes)  # the words stay where access rules reach them
    assert given.changes["child_tells"] == {"old": None, "new": True}
    page(client, input_url(world))
    read = AuditEvent.objects.filter(action=actions.VOICE_INPUTS_VIEWED).get()
    assert read.kind == AuditKind.READ and read.pupil_id == world.ola.public_id


# Who gets in -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["father", "other_guardian", "alice", "leader", "bob", "nurse", "office"]
)
@pytest.mark.parametrize("url", [input_url, request_url], ids=["input", "contact-request"])
def test_only_a_guardian_with_parental_responsibility_gets_in(
    client: Client, world: World, persona: str, url: object
) -> None:
    assert callable(url)
    client.force_login(getattr(world, persona))
    assert client.get(url(world)).status_code == 404
    data = {"child_tells": "x", "channel": "phone", "windows": ["afternoon"]}
    assert client.post(url(world), data).status_code == 404
    assert not Input.objects.exists() and not ContactRequest.objects.exists()


def test_another_familys_child_looks_like_a_missing_one(client: Client, world: World) -> None:
    client.force_login(world.other_guardian)
    kari = f"/foresatt/barn/{world.kari.public_id}/innspill/"
    assert client.get(kari).status_code == 200  # her own child
    others = client.get(input_url(world))
    missing = client.get("/foresatt/barn/00000000-0000-4000-8000-000000000000/innspill/")
    assert others.status_code == missing.status_code == 404
    assert others.content == missing.content


# "Please contact me" ---------------------------------------------------------------------------


def test_a_guardian_asks_to_be_contacted_and_sees_it_was_received(
    client: Client, world: World
) -> None:
    client.force_login(world.guardian)
    html = page(client, request_url(world))
    assert "How should the school contact you?" in html and "school health nurse" in html
    response = client.post(
        request_url(world),
        {"channel": "digital", "windows": ["school_hours", "morning"], "topic": "Matteleksene"},
        follow=True,
    )
    html = response.content.decode()
    assert "Thank you! The school has received your request." in html
    assert "Received, not answered yet" in html and "Matteleksene" in html
    request = ContactRequest.objects.get()
    assert request.state == RequestState.OPEN and request.channel == "digital"
    assert request.windows == ["morning", "school_hours"]  # in the order the day runs
    event = AuditEvent.objects.get(action=actions.VOICE_CONTACT_REQUESTED)
    assert event.pupil_id == world.ola.public_id and event.changes["topic"]["new"] is True
    read = AuditEvent.objects.get(action=actions.VOICE_INPUTS_VIEWED)
    assert read.detail == "own requests" and read.pupil_id == world.ola.public_id


def test_one_open_request_at_a_time_and_the_guardian_is_told_so(
    client: Client, world: World
) -> None:
    client.force_login(world.guardian)
    client.post(request_url(world), {"channel": "phone"})
    html = page(client, request_url(world))
    assert "You asked the school to contact you on" in html
    assert "Send the request" not in html  # no second form while one is open
    response = client.post(request_url(world), {"channel": "meeting"})
    assert response.status_code == 200
    assert "You have already asked the school to contact you." in response.content.decode()
    assert ContactRequest.objects.count() == 1
    # The database holds the rule too, against two clicks at once.
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactRequest.objects.create(
            pupil=world.ola, guardian=world.ola_mother, school=world.school_a
        )


def test_the_other_guardian_may_ask_while_one_request_is_open(world: World) -> None:
    siri, _client = second_mother(world)
    for guardian in (world.ola_mother, siri):
        services.request_contact(
            actor=Actor.system("test"),
            pupil=world.ola,
            guardian=guardian,
            channel="phone",
            windows=[],
            topic="",
        )
    assert ContactRequest.objects.filter(state=RequestState.OPEN).count() == 2


def test_once_answered_the_guardian_sees_the_answer_and_may_ask_again(
    client: Client, world: World
) -> None:
    client.force_login(world.guardian)
    client.post(request_url(world), {"channel": "phone"})
    services.answer_request(
        actor=world.alice, request=ContactRequest.objects.get(), reply="Jeg ringer torsdag"
    )
    html = page(client, request_url(world))
    assert "The school has answered" in html and "Jeg ringer torsdag" in html
    assert "Send the request" in html
    assert client.post(request_url(world), {"channel": "meeting"}).status_code == 302
    assert ContactRequest.objects.count() == 2


def test_evenings_are_offered_only_where_the_school_offers_them(
    client: Client, world: World
) -> None:
    client.force_login(world.guardian)
    html = page(client, request_url(world))
    assert 'value="evening"' not in html
    assert "contacts homes in the daytime and in the afternoon" in html
    response = client.post(request_url(world), {"channel": "phone", "windows": ["evening"]})
    assert response.status_code == 200 and not ContactRequest.objects.exists()
    with pytest.raises(services.VoiceError):
        services.request_contact(
            actor=world.guardian,
            pupil=world.ola,
            guardian=world.ola_mother,
            channel="phone",
            windows=["evening"],
            topic="",
        )
    CooperationStandard.objects.create(school=world.school_a, evening_calls=True)
    html = page(client, request_url(world))
    assert 'value="evening"' in html
    response = client.post(request_url(world), {"channel": "phone", "windows": ["evening"]})
    assert response.status_code == 302
    assert ContactRequest.objects.get().windows == ["evening"]


@pytest.mark.parametrize(
    "data",
    [{}, {"channel": "home_visit"}, {"channel": "phone", "topic": "x" * 201}],
    ids=["no-channel", "not-offered-channel", "long-topic"],
)
def test_an_invalid_request_is_refused(client: Client, world: World, data: dict[str, str]) -> None:
    client.force_login(world.guardian)
    response = client.post(request_url(world), data)
    assert response.status_code == 200
    assert "Please correct the following" in response.content.decode()
    assert not ContactRequest.objects.exists()


def test_the_guardian_withdraws_her_open_request_and_the_school_no_longer_sees_it(
    client: Client, world: World
) -> None:
    asked = services.request_contact(
        actor=world.guardian,
        pupil=world.ola,
        guardian=world.ola_mother,
        channel="phone",
        windows=[],
        topic="",
    )
    url = f"/foresatt/barn/{world.ola.public_id}/kontakt-meg/"
    client.force_login(world.guardian)
    assert str(asked.public_id) in page(client, url)  # the withdraw button names it
    # Another family's guardian cannot withdraw it, even with its id.
    other = Client()
    other.force_login(world.other_guardian)
    assert other.post(url, {"withdraw": str(asked.public_id)}).status_code == 404
    response = client.post(url, {"withdraw": str(asked.public_id)})
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.state == RequestState.WITHDRAWN
    event = AuditEvent.objects.get(action=actions.VOICE_REQUEST_WITHDRAWN)
    assert event.pupil_id == world.ola.public_id
    # Gone from the school's side, and she may ask again.
    assert services.open_request(world.ola, world.ola_mother) is None
    client.force_login(world.alice)
    assert "From the home between calls" not in page(
        client, f"/elev/{world.ola.public_id}/samarbeid/"
    )
    # Withdrawing twice, or a made-up id, finds nothing.
    client.force_login(world.guardian)
    assert client.post(url, {"withdraw": str(asked.public_id)}).status_code == 404
    assert client.post(url, {"withdraw": "not-an-id"}).status_code == 404


def test_a_request_the_school_closes_while_she_withdraws_it_says_so(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch, english: None
) -> None:
    asked = services.request_contact(
        actor=world.guardian,
        pupil=world.ola,
        guardian=world.ola_mother,
        channel="phone",
        windows=[],
        topic="",
    )
    url = f"/foresatt/barn/{world.ola.public_id}/kontakt-meg/"
    client.force_login(world.guardian)
    # She found it open; the teacher marks it done before her withdrawal reaches the database.
    found = queries.own_open_request
    monkeypatch.setattr(
        queries,
        "own_open_request",
        lambda *args: (found(*args), services.close_request(actor=world.alice, request=asked))[0],
    )
    response = client.post(url, {"withdraw": str(asked.public_id)}, follow=True)
    assert response.status_code == 200
    assert "This request is already done." in response.content.decode()
    asked.refresh_from_db()
    assert asked.state == RequestState.DONE
    assert not AuditEvent.objects.filter(action=actions.VOICE_REQUEST_WITHDRAWN).exists()
