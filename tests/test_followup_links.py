"""The way in to follow-up from the pupil's page and the menu, for those who may go there only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sammen.followup.models import Case
from tests.conftest import World
from tests.followup_support import ola_case

pytestmark = pytest.mark.django_db


def _pupil_page(client: Client, world: World, user: Any) -> str:
    client.force_login(user)
    response = client.get(f"/elev/{world.ola.public_id}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_contact_teacher_and_the_leader_get_the_pupils_follow_up_page(
    client: Client, world: World
) -> None:
    for user in (world.alice, world.leader):
        html = _pupil_page(client, world, user)
        assert f'href="/elev/{world.ola.public_id}/oppfolging/"' in html
        assert 'href="/saker/"' in html


def test_a_guardian_with_parental_responsibility_gets_the_plan_of_the_childs_case(
    client: Client, world: World
) -> None:
    assert f"/elev/{world.ola.public_id}/oppfolging/" not in _pupil_page(
        client, world, world.guardian
    )
    case: Case = ola_case(world)
    html = _pupil_page(client, world, world.guardian)
    assert f'href="/sak/{case.public_id}/foresatt/"' in html
    assert 'href="/saker/"' not in html


def test_a_subject_teacher_gets_no_way_in(client: Client, world: World) -> None:
    case = ola_case(world)
    html = _pupil_page(client, world, world.bob)
    assert "/oppfolging/" not in html and str(case.public_id) not in html
