"""List pages do a fixed number of queries, whatever the number of pupils."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests.conftest import World


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_group_page_does_not_query_per_pupil(client: Client, world: World) -> None:
    client.force_login(world.leader)
    url = f"/gruppe/{world.class_8a.public_id}/"
    _queries(client, url)  # warm the session
    small = _queries(client, url)
    for _ in range(20):
        f.make_pupil(world.school_a, world.class_8a)
    assert _queries(client, url) == small


def test_the_school_page_does_not_query_per_group(client: Client, world: World) -> None:
    client.force_login(world.leader)
    url = f"/skole/{world.school_a.public_id}/"
    _queries(client, url)
    small = _queries(client, url)
    for n in range(10):
        f.make_group(world.school_a, f"Gruppe {n}")
    assert _queries(client, url) == small


def test_the_pupil_page_does_not_query_per_guardian(client: Client, world: World) -> None:
    client.force_login(world.leader)
    url = f"/elev/{world.ola.public_id}/"
    _queries(client, url)
    small = _queries(client, url)
    for _ in range(3):
        f.make_guardian(world.ola)
    assert _queries(client, url) == small


def test_the_staff_page_does_not_query_per_person(client: Client, world: World) -> None:
    client.force_login(world.leader)
    url = f"/skole/{world.school_a.public_id}/ansatte/"
    _queries(client, url)
    small = _queries(client, url)
    for _ in range(10):
        f.make_staff(world.school_a.owner, (world.school_a, "teacher"))
    assert _queries(client, url) == small
