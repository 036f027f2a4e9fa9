"""The school's side: the contact teacher's inbox (unread first, no query per row), one thread
with a guardian, the leader who reads and may answer, and everyone else who gets 404."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sammen.audit import actions
from sammen.audit.models import AuditEvent, AuditKind
from sammen.conversations.models import AuthorRole, Message, Side, Thread
from sammen.roster.models import Guardianship
from tests import factories as f
from tests.conftest import World
from tests.conversations_support import from_guardian

INBOX = "/meldinger/"


def thread_url(world: World, guardian: Any = None) -> str:
    guardian = guardian or world.ola_mother
    return f"/elev/{world.ola.public_id}/meldinger/{guardian.public_id}/"


# The thread ------------------------------------------------------------------------------------


def test_the_contact_teacher_reads_marks_read_and_the_read_is_audited(
    client: Client, world: World
) -> None:
    message = from_guardian(world, "Ola gruer seg.")
    client.force_login(world.alice)
    response = client.get(thread_url(world))
    assert response.status_code == 200
    assert "Ola gruer seg." in response.content.decode()
    message.refresh_from_db()
    assert message.read_by_school_at is not None
    read = AuditEvent.objects.get(action=actions.CONV_THREAD_VIEWED)
    assert read.kind == AuditKind.READ
    assert read.pupil_id == world.ola.public_id
    assert read.actor_id == world.alice.public_id
    assert read.object_id == str(message.thread.public_id)


def test_the_contact_teacher_writes_and_it_is_signed_as_contact_teacher(
    client: Client, world: World
) -> None:
    client.force_login(world.alice)
    response = client.post(thread_url(world), {"text": "Hei! Ola hadde en fin dag."})
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.side == Side.SCHOOL
    assert message.author_role == AuthorRole.CONTACT_TEACHER
    assert message.thread.guardian == world.ola_mother
    assert AuditEvent.objects.filter(action=actions.CONV_MESSAGE_WRITTEN).count() == 1


def test_the_leader_reads_without_hiding_new_messages_from_the_teacher(
    client: Client, world: World
) -> None:
    message = from_guardian(world)
    client.force_login(world.leader)
    assert client.get(thread_url(world)).status_code == 200
    message.refresh_from_db()
    assert message.read_by_school_at is None
    assert AuditEvent.objects.filter(
        action=actions.CONV_THREAD_VIEWED, actor_id=world.leader.public_id
    ).exists()


def test_the_leader_may_answer_signed_as_school_leader(
    client: Client, world: World, english: None
) -> None:
    client.force_login(world.leader)
    page = client.get(thread_url(world)).content.decode()
    assert "You read this as the school leader" in page
    client.post(thread_url(world), {"text": "Rektor her: vi følger opp."})
    assert Message.objects.get().author_role == AuthorRole.LEADER
    client.force_login(world.guardian)
    page = client.get(f"/foresatt/barn/{world.ola.public_id}/meldinger/").content.decode()
    assert "school leader" in page


def test_the_thread_shows_the_guardian_but_never_address_phone_or_email(
    client: Client, world: World
) -> None:
    Guardianship.objects.filter(guardian=world.ola_mother).update(confidential_address=True)
    from_guardian(world)
    client.force_login(world.leader)  # the one who may see a confidential address elsewhere
    page = client.get(thread_url(world)).content.decode()
    assert world.ola_mother.full_name in page
    for secret in (world.ola_mother.address, world.ola_mother.phone, world.ola_mother.email):
        assert secret and secret not in page


def test_there_is_no_thread_with_a_parent_without_parental_responsibility(
    client: Client, world: World
) -> None:
    client.force_login(world.alice)
    assert client.get(thread_url(world, world.ola_father)).status_code == 404
    assert client.post(thread_url(world, world.ola_father), {"text": "x"}).status_code == 404
    assert not Message.objects.exists()


def test_a_guardian_of_another_child_is_404_even_with_the_right_pupil(
    client: Client, world: World
) -> None:
    client.force_login(world.alice)
    assert client.get(thread_url(world, world.kari_guardian)).status_code == 404
    url = f"/elev/{world.ola.public_id}/meldinger/{uuid.uuid4()}/"
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "persona",
    ["bob", "office", "nurse", "charlie", "guardian", "father", "other_guardian", "analyst"],
)
def test_everyone_else_gets_404_on_the_thread_reading_and_writing(
    client: Client, world: World, persona: str
) -> None:
    from_guardian(world, "Privat.")
    client.force_login(getattr(world, persona))
    assert client.get(thread_url(world)).status_code == 404
    assert client.post(thread_url(world), {"text": "Inntrenger"}).status_code == 404
    assert Message.objects.count() == 1


def test_the_contact_teacher_of_another_class_gets_404(client: Client, world: World) -> None:
    guardian = f.make_guardian(world.nils, given_name="Mona")
    client.force_login(world.alice)
    url = f"/elev/{world.nils.public_id}/meldinger/{guardian.public_id}/"
    assert client.get(url).status_code == 404


# The inbox -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["bob", "office", "nurse", "guardian", "father", "analyst", "nobody"]
)
def test_the_inbox_is_404_for_those_who_do_not_talk_with_the_homes(
    client: Client, world: World, persona: str
) -> None:
    client.force_login(getattr(world, persona))
    assert client.get(INBOX).status_code == 404


def _family(world: World, n: int) -> Any:
    pupil = f.make_pupil(world.school_a, world.class_8a, given_name=f"Elev{n}")
    return pupil, f.make_guardian(pupil, given_name=f"Forelder{n}")


def test_the_inbox_lists_unread_first_with_a_fixed_number_of_queries(
    client: Client, world: World, english: None, django_assert_max_num_queries: Any
) -> None:
    from sammen.conversations import services

    now = timezone.now()
    families = [_family(world, n) for n in range(6)]
    for n, (pupil, guardian) in enumerate(families):
        services.write_as_guardian(
            actor=world.alice,
            pupil=pupil,
            guardian=guardian,
            text=f"Melding {n}",
            now=now - timedelta(hours=10 - n),
        )
    # Read the three newest: the older three stay unread and must come first.
    Message.objects.filter(text__in=["Melding 3", "Melding 4", "Melding 5"]).update(
        read_by_school_at=now
    )
    client.force_login(world.alice)
    with django_assert_max_num_queries(14):
        page = client.get(INBOX).content.decode()
    order = [page.index(f"Forelder{n}") for n in (2, 1, 0, 5, 4, 3)]
    assert order == sorted(order), "unread first, each part newest first"
    assert page.index("Unread") < page.index("Forelder2") < page.index(">Read<")
    assert "Melding" not in page, "the inbox shows no message text"
    # Twice as many threads, the same number of queries.
    for n in range(6, 12):
        pupil, guardian = _family(world, n)
        services.write_as_guardian(actor=world.alice, pupil=pupil, guardian=guardian, text="x")
    with django_assert_max_num_queries(14):
        assert client.get(INBOX).status_code == 200


def test_the_inbox_read_is_audited_per_pupil(client: Client, world: World) -> None:
    from_guardian(world)
    client.force_login(world.alice)
    client.get(INBOX)
    events = AuditEvent.objects.filter(action=actions.CONV_INBOX_VIEWED)
    assert {e.pupil_id for e in events} == {world.ola.public_id}


def test_the_contact_teacher_sees_only_their_classes_the_leader_the_school(
    client: Client, world: World
) -> None:
    from sammen.conversations import services

    nils_guardian = f.make_guardian(world.nils, given_name="Mona")
    services.write_as_guardian(
        actor=world.alice, pupil=world.nils, guardian=nils_guardian, text="Fra Mona"
    )
    from_guardian(world)
    kari_thread = services.write_as_guardian(
        actor=world.other_guardian, pupil=world.kari, guardian=world.kari_guardian, text="Fra Lise"
    )
    client.force_login(world.alice)
    page = client.get(INBOX).content.decode()
    assert world.ola_mother.full_name in page and "Mona" not in page and "Lise" not in page
    client.force_login(world.leader)
    page = client.get(INBOX).content.decode()
    assert world.ola_mother.full_name in page and "Mona" in page and "Lise" not in page
    client.force_login(world.charlie)
    page = client.get(INBOX).content.decode()
    assert "Lise" in page and world.ola_mother.full_name not in page
    assert kari_thread.thread.pupil == world.kari


def test_the_contact_teacher_can_begin_a_conversation_from_the_inbox(
    client: Client, world: World
) -> None:
    client.force_login(world.alice)
    page = client.get(INBOX).content.decode()
    assert thread_url(world) in page
    assert thread_url(world, world.ola_father) not in page


def test_a_thread_disappears_when_parental_responsibility_ends(
    client: Client, world: World
) -> None:
    from_guardian(world)
    Guardianship.objects.filter(guardian=world.ola_mother).update(parental_responsibility=False)
    client.force_login(world.alice)
    assert world.ola_mother.full_name not in client.get(INBOX).content.decode()
    assert client.get(thread_url(world)).status_code == 404
    assert Thread.objects.count() == 1  # kept, not shown


# The navigation --------------------------------------------------------------------------------


def test_the_navigation_shows_the_unread_count_for_one_query(
    client: Client, world: World, english: None, django_assert_num_queries: Any
) -> None:
    from django.template import Context, Template
    from django.test import RequestFactory

    from_guardian(world)
    from_guardian(world, "To")
    client.force_login(world.alice)
    assert "Messages (2" in client.get("/", follow=True).content.decode()
    # Once the user's roles are known (every page knows them), the count is one query.
    from sammen.conversations.access import may_cooperate
    from sammen.roster.access import viewer_for

    viewer_for(world.alice)
    may_cooperate(world.alice)
    template = Template("{% load conversation_tags %}{% message_links user as l %}{{ l.0.unread }}")
    request = RequestFactory().get("/")
    with django_assert_num_queries(1):
        assert template.render(Context({"user": world.alice, "request": request})) == "2"
    client.get(thread_url(world))
    assert "Messages (" not in client.get("/", follow=True).content.decode()


def test_the_pupils_cooperation_page_links_to_each_responsible_guardians_thread(
    client: Client, world: World
) -> None:
    client.force_login(world.alice)
    page = client.get(f"/elev/{world.ola.public_id}/samarbeid/").content.decode()
    mother = f"/elev/{world.ola.public_id}/meldinger/{world.ola_mother.public_id}/"
    father = f"/elev/{world.ola.public_id}/meldinger/{world.ola_father.public_id}/"
    assert mother in page
    assert father not in page  # no parental responsibility: no thread
    assert client.get(mother).status_code == 200
