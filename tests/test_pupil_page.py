"""What the pupil page shows to whom: guardians' details as far as the role may see."""

from __future__ import annotations

from django.test import Client

from sammen.roster.models import Guardianship
from tests import factories as f
from tests.conftest import World


def _page(client: Client, world: World) -> str:
    response = client.get(f"/elev/{world.ola.public_id}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_contact_teacher_sees_both_guardians_and_who_lacks_responsibility(
    client: Client, world: World
) -> None:
    client.force_login(world.alice)
    page = _page(client, world)
    assert world.ola_mother.phone in page
    assert world.ola_father.full_name in page
    assert "Ingen foreldreansvar" in page or "No parental responsibility" in page


def test_a_guardian_sees_only_their_own_details_not_the_other_parents(
    client: Client, world: World
) -> None:
    client.force_login(world.guardian)
    page = _page(client, world)
    assert world.ola_mother.email in page
    assert world.ola_father.full_name not in page
    assert world.ola_father.email not in page


def test_a_confidential_address_is_shown_to_the_leader_only(client: Client, world: World) -> None:
    Guardianship.objects.filter(guardian=world.ola_mother).update(confidential_address=True)
    client.force_login(world.alice)
    assert world.ola_mother.address not in _page(client, world)
    client.force_login(world.leader)
    assert world.ola_mother.address in _page(client, world)


def test_a_guardian_with_responsibility_for_two_children_sees_both_on_the_start_page(
    client: Client, world: World
) -> None:
    sibling = f.make_pupil(world.school_b, world.class_8b, given_name="Siri")
    Guardianship.objects.create(pupil=sibling, guardian=world.ola_mother)
    client.force_login(world.guardian)
    page = client.get("/", follow=True).content.decode()
    assert "Ola Nordmann" in page
    assert sibling.full_name in page
    assert "Kari" not in page


def test_the_start_page_lists_the_contact_teachers_groups(client: Client, world: World) -> None:
    client.force_login(world.alice)
    page = client.get("/").content.decode()
    assert "8A" in page
    assert "Matematikk 8" not in page


def test_the_analyst_sees_pupil_counts_but_no_names(client: Client, world: World) -> None:
    client.force_login(world.analyst)
    page = client.get("/").content.decode()
    assert "Nordby skole" in page
    assert "Ola" not in page
