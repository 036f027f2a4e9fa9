"""The guardian's side of the conversation with the school: their own thread, the notice about
health details, sharing with the child's other guardian, and who must not get in."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sammen.accounts.models import User
from sammen.audit import actions
from sammen.audit.models import AuditEvent, AuditKind
from sammen.conversations.models import Message, Side, Thread
from sammen.roster.models import Guardian
from tests import factories as f
from tests.conftest import World
from tests.conversations_support import from_guardian, from_school


def user_of(guardian: Guardian) -> User:
    assert guardian.user is not None
    return guardian.user


def url(world: World) -> str:
    return f"/foresatt/barn/{world.ola.public_id}/meldinger/"


@pytest.fixture
def second(world: World) -> Guardian:
    """Ola's second guardian with parental responsibility (a stepfather with a user)."""
    user = f.make_user("stepfather", first_name="Jon")
    return f.make_guardian(world.ola, user=user, given_name="Jon", family_name="Dahl")


def test_the_guardian_sees_the_thread_and_a_kind_notice_about_health(
    client: Client, world: World, english: None
) -> None:
    from_guardian(world, "Ola sover dårlig.")
    from_school(world, "Takk for beskjed.")
    client.force_login(world.guardian)
    response = client.get(url(world))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ola sover dårlig." in page and "Takk for beskjed." in page
    assert "Please do not write about health here" in page
    assert "school health nurse" in page
    # The notice is tied to the text box for screen readers.
    assert 'aria-describedby="health-note' in page


def test_writing_a_message_saves_it_and_redirects(client: Client, world: World) -> None:
    client.force_login(world.guardian)
    response = client.post(url(world), {"text": "  Ola kommer sent i morgen.  "})
    assert response.status_code == 302
    assert response["Location"] == url(world)
    thread = Thread.objects.get(pupil=world.ola, guardian=world.ola_mother)
    [message] = thread.messages.all()
    assert message.text == "Ola kommer sent i morgen."
    assert message.side == Side.GUARDIAN
    assert message.author_label == world.ola_mother.full_name
    assert not message.shared
    assert thread.last_message_at == message.sent_at


def test_the_write_is_audited_without_the_text(client: Client, world: World) -> None:
    client.force_login(world.guardian)
    client.post(url(world), {"text": "Hemmelig tekst"})
    event = AuditEvent.objects.get(action=actions.CONV_MESSAGE_WRITTEN)
    assert event.kind == AuditKind.CHANGE
    assert event.pupil_id == world.ola.public_id
    assert "Hemmelig" not in str(event.changes) + event.detail + event.object_label
    assert event.changes["side"]["new"] == "guardian"


def test_an_empty_message_is_refused(client: Client, world: World, english: None) -> None:
    client.force_login(world.guardian)
    response = client.post(url(world), {"text": "   "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Message.objects.exists()


def test_reading_marks_the_schools_messages_read_and_is_audited(
    client: Client, world: World
) -> None:
    message = from_school(world)
    client.force_login(world.guardian)
    client.get(url(world))
    message.refresh_from_db()
    assert message.read_by_guardian_at is not None
    read = AuditEvent.objects.get(action=actions.CONV_THREAD_VIEWED)
    assert read.kind == AuditKind.READ
    assert read.pupil_id == world.ola.public_id
    assert read.detail == "guardian"


def test_the_page_shows_the_new_marker_once(client: Client, world: World, english: None) -> None:
    from_school(world)
    client.force_login(world.guardian)
    assert ">New<" in client.get(url(world)).content.decode()
    assert ">New<" not in client.get(url(world)).content.decode()


def test_there_is_no_share_choice_when_no_other_guardian_has_parental_responsibility(
    client: Client, world: World
) -> None:
    client.force_login(world.guardian)
    assert 'name="shared"' not in client.get(url(world)).content.decode()


# Two guardians with parental responsibility --------------------------------------------------


def test_each_guardian_sees_only_their_own_thread(
    client: Client, world: World, second: Guardian
) -> None:
    from_guardian(world, "Fra mor, bare til skolen.")
    from_school(world, "Svar til mor.")
    from_guardian(world, "Fra Jon, bare til skolen.", guardian=second)
    client.force_login(user_of(second))
    page = client.get(url(world)).content.decode()
    assert "Fra Jon, bare til skolen." in page
    assert "Fra mor" not in page and "Svar til mor." not in page
    client.force_login(world.guardian)
    page = client.get(url(world)).content.decode()
    assert "Fra Jon" not in page


def test_a_shared_message_is_seen_read_only_and_marked_as_from_whom(
    client: Client, world: World, second: Guardian, english: None
) -> None:
    client.force_login(world.guardian)
    page = client.get(url(world)).content.decode()
    assert 'name="shared"' in page
    client.post(url(world), {"text": "Vi to er enige: Ola trenger ro.", "shared": "on"})
    assert Message.objects.get().shared
    client.force_login(user_of(second))
    page = client.get(url(world)).content.decode()
    assert "Vi to er enige: Ola trenger ro." in page
    assert world.ola_mother.full_name in page
    assert "Shared with you, read only" in page
    # The shared message stays in the mother's thread; Jon has none until he writes.
    assert not Thread.objects.filter(guardian=second).exists()


def test_a_school_answer_to_one_guardian_is_not_shared(
    client: Client, world: World, second: Guardian
) -> None:
    from_guardian(world, "Delt melding.", shared=True)
    from_school(world, "Svar bare til mor.")
    client.force_login(user_of(second))
    page = client.get(url(world)).content.decode()
    assert "Delt melding." in page and "Svar bare til mor." not in page


# Who must not get in ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["father", "other_guardian", "alice", "bob", "leader", "office", "nurse", "nobody"]
)
def test_everyone_else_gets_404_reading_and_writing(
    client: Client, world: World, persona: str
) -> None:
    from_guardian(world, "Privat.")
    client.force_login(getattr(world, persona))
    assert client.get(url(world)).status_code == 404
    assert client.post(url(world), {"text": "Inntrenger"}).status_code == 404
    assert Message.objects.count() == 1


def test_a_missing_child_looks_like_someone_elses(client: Client, world: World) -> None:
    client.force_login(world.guardian)
    other = client.get(f"/foresatt/barn/{world.kari.public_id}/meldinger/")
    missing = client.get("/foresatt/barn/00000000-0000-4000-8000-000000000000/meldinger/")
    assert other.status_code == missing.status_code == 404
    assert other.content == missing.content


def test_the_father_without_parental_responsibility_cannot_write_by_service(
    world: World,
) -> None:
    from sammen.conversations.services import ConversationError

    with pytest.raises(ConversationError):
        from_guardian(world, guardian=world.ola_father)
    assert not Thread.objects.exists()


# The guardian's list -----------------------------------------------------------------------


def test_one_child_goes_straight_to_the_thread(client: Client, world: World) -> None:
    client.force_login(world.guardian)
    response = client.get("/foresatt/meldinger/")
    assert response.status_code == 302
    assert response["Location"] == url(world)


def test_two_children_are_listed_with_their_unread_counts(
    client: Client, world: World, english: None, django_assert_max_num_queries: Any
) -> None:
    sister = f.make_pupil(world.school_a, world.class_8a, given_name="Ida", family_name="Nordmann")
    from sammen.roster.models import Guardianship

    Guardianship.objects.create(pupil=sister, guardian=world.ola_mother)
    from_school(world)
    from_school(world, "To")
    client.force_login(world.guardian)
    with django_assert_max_num_queries(8):
        page = client.get("/foresatt/meldinger/").content.decode()
    assert "Messages about Ida" in page and "Messages about Ola" in page
    assert "2 new" in page
    assert "Messages (2" in page  # the navigation's unread count
    listed = AuditEvent.objects.filter(action=actions.CONV_INBOX_VIEWED, kind=AuditKind.READ)
    assert sorted(str(e.pupil_id) for e in listed) == sorted(
        [str(sister.public_id), str(world.ola.public_id)]
    )


def test_a_parent_without_parental_responsibility_has_no_message_list(
    client: Client, world: World, english: None
) -> None:
    client.force_login(world.father)
    assert client.get("/foresatt/meldinger/").status_code == 404
    assert "/foresatt/meldinger/" not in client.get("/", follow=True).content.decode()
    client.force_login(world.guardian)
    assert "/foresatt/meldinger/" in client.get("/", follow=True).content.decode()
