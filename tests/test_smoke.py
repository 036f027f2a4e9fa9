from django.test import Client

from tests.conftest import World


def test_healthz_answers_ok(client: Client, db: None) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_contact_teacher_reaches_own_pupil(client: Client, world: World) -> None:
    client.force_login(world.alice)
    response = client.get(f"/elev/{world.ola.public_id}/")
    assert response.status_code == 200
    assert "Ola Nordmann" in response.content.decode()
