"""The audit trail: every read and change of a pupil's data, append-only, outliving its subjects."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from sammen.audit import actions
from sammen.audit.log import Actor, diff, log_change
from sammen.audit.models import AuditEvent, AuditKind
from sammen.roster import services
from tests.conftest import World


def _contact_url(world: World) -> str:
    return f"/elev/{world.ola.public_id}/foresatt/{world.ola_mother.public_id}/kontakt/"


def _contact_form(**overrides: str) -> dict[str, str]:
    form = {
        "email": "anne@example.no",
        "phone": "+47 912 34 567",
        "preferred_language": "pl",
        "needs_interpreter": "on",
        "contact_windows": "Etter kl. 16",
    }
    form.update(overrides)
    return form


def test_viewing_a_pupil_page_is_audited_with_who_and_whose(client: Client, world: World) -> None:
    client.force_login(world.alice)
    client.get(f"/elev/{world.ola.public_id}/")
    event = AuditEvent.objects.get(action=actions.PUPIL_VIEWED)
    assert event.kind == AuditKind.READ
    assert event.actor_id == world.alice.public_id
    assert event.pupil_id == world.ola.public_id
    assert event.pupil_label == "Ola Nordmann"
    assert event.school_id == world.school_a.public_id
    assert len(event.request_id) == 32


def test_a_refused_pupil_page_writes_no_read_event(client: Client, world: World) -> None:
    client.force_login(world.charlie)
    assert client.get(f"/elev/{world.ola.public_id}/").status_code == 404
    assert not AuditEvent.objects.filter(action=actions.PUPIL_VIEWED).exists()


def test_a_group_page_records_a_read_for_each_pupil_listed(client: Client, world: World) -> None:
    client.force_login(world.leader)
    client.get(f"/gruppe/{world.class_8a.public_id}/")
    events = AuditEvent.objects.filter(action=actions.GROUP_VIEWED)
    assert [e.pupil_id for e in events] == [world.ola.public_id]


def test_changing_contact_details_records_old_and_new_values(client: Client, world: World) -> None:
    old_email = world.ola_mother.email
    client.force_login(world.alice)
    response = client.post(_contact_url(world), _contact_form())
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=actions.GUARDIAN_CONTACT_CHANGED)
    assert event.kind == AuditKind.CHANGE
    assert event.changes["email"] == {"old": old_email, "new": "anne@example.no"}
    assert event.changes["preferred_language"] == {"old": "nb", "new": "pl"}
    assert event.changes["needs_interpreter"] == {"old": False, "new": True}
    assert event.pupil_id == world.ola.public_id


def test_saving_unchanged_details_writes_no_event(client: Client, world: World) -> None:
    client.force_login(world.alice)
    client.post(_contact_url(world), _contact_form())
    client.post(_contact_url(world), _contact_form())
    assert AuditEvent.objects.filter(action=actions.GUARDIAN_CONTACT_CHANGED).count() == 1


def test_a_change_and_its_audit_event_commit_together(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_log(**kwargs: object) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(services, "log_change", failing_log)
    with pytest.raises(RuntimeError):
        services.change_guardian_contact(
            actor=world.alice,
            pupil=world.ola,
            guardian=world.ola_mother,
            values={"email": "lost@example.no"},
        )
    world.ola_mother.refresh_from_db()
    assert world.ola_mother.email != "lost@example.no"


def test_secrets_are_masked_in_recorded_changes() -> None:
    changes = diff({"password": "old-secret", "name": "a"}, {"password": "new-secret", "name": "b"})
    assert changes["password"] == {"old": "***", "new": "***"}
    assert changes["name"] == {"old": "a", "new": "b"}


def test_an_unregistered_action_cannot_be_logged(world: World) -> None:
    with pytest.raises(ValueError, match="not registered"):
        log_change(actor=Actor.system("test"), action="roster.made_up", obj=world.ola)


def test_the_database_refuses_to_update_or_delete_audit_events(world: World) -> None:
    event = log_change(actor=Actor.system("test"), action=actions.PUPIL_SAVED, obj=world.ola)
    table = AuditEvent._meta.db_table
    for sql in (
        f"UPDATE {table} SET action = 'x' WHERE id = %s",
        f"DELETE FROM {table} WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    event.refresh_from_db()
    assert event.action == actions.PUPIL_SAVED


def test_the_model_refuses_to_save_an_event_twice_or_delete_it(world: World) -> None:
    event = log_change(actor=Actor.system("test"), action=actions.PUPIL_SAVED, obj=world.ola)
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_the_trail_survives_deleting_the_pupil_and_the_actor(client: Client, world: World) -> None:
    client.force_login(world.alice)
    client.get(f"/elev/{world.ola.public_id}/")
    client.logout()
    world.ola.delete()
    world.alice.delete()
    event = AuditEvent.objects.get(action=actions.PUPIL_VIEWED)
    assert event.pupil_label == "Ola Nordmann"
    assert "alice" in event.actor_label


def test_an_update_records_only_the_fields_that_changed(client: Client, world: World) -> None:
    client.force_login(world.alice)
    client.post(_contact_url(world), _contact_form())
    client.post(_contact_url(world), _contact_form(contact_windows="Før kl. 8"))
    last = AuditEvent.objects.filter(action=actions.GUARDIAN_CONTACT_CHANGED).order_by("-id")[0]
    assert last.changes == {"contact_windows": {"old": "Etter kl. 16", "new": "Før kl. 8"}}
