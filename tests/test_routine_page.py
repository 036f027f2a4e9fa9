"""The school leader's page for the absence-notice routine."""

from __future__ import annotations

import re
import uuid
from datetime import time

import pytest
from django.test import Client
from django.utils import timezone

from sammen.attendance.models import AbsenceNotice, AttendanceRoutine, NoticeChannel
from sammen.audit import actions
from sammen.audit.models import AuditEvent
from tests.conftest import World


def _input(page: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert found is not None, f"no input named {name}"
    return found.group(0)


def _url(world: World) -> str:
    return f"/skole/{world.school_a.public_id}/fravarsvarsel/"


def test_the_leader_sees_the_default_routine_before_any_is_saved(
    client: Client, world: World
) -> None:
    client.force_login(world.leader)
    response = client.get(_url(world))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'type="time"' in page
    assert 'value="09:00"' in page
    assert "checked" in _input(page, "email")
    assert "checked" in _input(page, "sms")
    assert not AttendanceRoutine.objects.exists()


def test_the_leader_saves_the_routine_and_it_is_audited(client: Client, world: World) -> None:
    client.force_login(world.leader)
    response = client.post(_url(world), {"notify_at": "08:45", "email": "on"})
    assert response.status_code == 302
    assert response["Location"] == _url(world)
    routine = AttendanceRoutine.objects.get(school=world.school_a)
    assert (routine.notify_at, routine.email, routine.sms) == (time(8, 45), True, False)
    event = AuditEvent.objects.get(action=actions.ROUTINE_SAVED)
    assert event.school_id == world.school_a.public_id
    assert event.changes["notify_at"]["new"] == "08:45:00"
    assert event.changes["sms"]["new"] is False
    assert event.actor_label.endswith("(leader)")


def test_saving_the_same_routine_again_changes_and_audits_nothing(
    client: Client, world: World
) -> None:
    client.force_login(world.leader)
    client.post(_url(world), {"notify_at": "08:45", "email": "on"})
    client.post(_url(world), {"notify_at": "08:45", "email": "on"})
    assert AttendanceRoutine.objects.count() == 1
    assert AuditEvent.objects.filter(action=actions.ROUTINE_SAVED).count() == 1


def test_a_changed_routine_is_audited_with_old_and_new_values(client: Client, world: World) -> None:
    client.force_login(world.leader)
    client.post(_url(world), {"notify_at": "08:45", "email": "on"})
    client.post(_url(world), {"notify_at": "10:00", "email": "on", "sms": "on"})
    latest = AuditEvent.objects.filter(action=actions.ROUTINE_SAVED).order_by("-pk").first()
    assert latest is not None
    assert latest.changes["notify_at"] == {"old": "08:45:00", "new": "10:00:00"}
    assert latest.changes["sms"] == {"old": False, "new": True}


def test_a_time_that_is_not_a_time_is_refused_with_a_message(client: Client, world: World) -> None:
    client.force_login(world.leader)
    response = client.post(_url(world), {"notify_at": "25:99", "email": "on"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert not AttendanceRoutine.objects.exists()


@pytest.mark.parametrize("persona", ["alice", "bob", "office", "nurse"])
def test_other_staff_at_the_school_may_not_change_the_routine(
    client: Client, world: World, persona: str
) -> None:
    client.force_login(getattr(world, persona))
    assert client.get(_url(world)).status_code == 403
    assert client.post(_url(world), {"notify_at": "07:00"}).status_code == 403
    assert not AttendanceRoutine.objects.exists()


@pytest.mark.parametrize("persona", ["charlie", "guardian", "analyst", "nobody"])
def test_people_outside_the_school_do_not_learn_it_exists(
    client: Client, world: World, persona: str
) -> None:
    client.force_login(getattr(world, persona))
    assert client.post(_url(world), {"notify_at": "07:00"}).status_code == 404
    assert not AttendanceRoutine.objects.exists()


def test_another_schools_leader_gets_404_like_a_missing_school(
    client: Client, world: World
) -> None:
    client.force_login(world.leader)
    missing = client.get(f"/skole/{uuid.uuid4()}/fravarsvarsel/")
    other = client.get(f"/skole/{world.school_b.public_id}/fravarsvarsel/")
    assert missing.status_code == other.status_code == 404


def test_the_page_counts_todays_notices(client: Client, world: World) -> None:
    today = timezone.localdate()
    AbsenceNotice.objects.create(
        pupil=world.ola,
        guardian=world.ola_mother,
        date=today,
        channel=NoticeChannel.EMAIL,
        language="nb",
        sent_at=timezone.now(),
    )
    AbsenceNotice.objects.create(
        pupil=world.ola,
        guardian=world.ola_mother,
        date=today,
        channel=NoticeChannel.SMS,
        language="nb",
        error="SmsError: gateway unavailable",
    )
    client.force_login(world.leader)
    response = client.get(_url(world))
    assert response.context["counts"] == {"sent": 1, "failed": 1, "in_progress": 0}
    page = response.content.decode()
    assert f"{today.day}.{today.month}.{today.year}" in page
    # The leader sees how many, never to whom: no guardian's details on this page.
    assert world.ola_mother.email not in page
