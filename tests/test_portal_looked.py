"""Who has looked at my child's data: the audit trail as the guardian reads it."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from sammen.audit import actions
from sammen.audit.log import Actor, log_change, log_read
from sammen.audit.models import AuditEvent
from sammen.portal.looked import looked_lines
from tests import factories as f
from tests.conftest import World


def looked_url(world: World) -> str:
    return f"/foresatt/barn/{world.ola.public_id}/innsyn/"


def rows(page: str) -> list[str]:
    return re.findall(r'<li class="looked-line">.*?</li>', page, flags=re.S)


def read_by(user: Any, world: World, action: str = actions.PUPIL_VIEWED) -> None:
    log_read(actor=user, action=action, obj=world.ola, school=world.school_a, pupil=world.ola)


def test_the_contact_teachers_read_of_the_pupil_page_is_listed_by_name_and_role(
    client: Client, world: World, english: None
) -> None:
    client.force_login(world.alice)
    assert client.get(f"/elev/{world.ola.public_id}/").status_code == 200
    client.force_login(world.guardian)
    page = client.get(looked_url(world)).content.decode()
    [line] = rows(page)
    alice = world.alice.staff
    assert f"{alice.full_name}, contact teacher" in line
    assert "Viewed the pupil&#x27;s page" in line


def test_the_guardians_own_reads_and_this_page_itself_are_left_out(
    client: Client, world: World, english: None
) -> None:
    client.force_login(world.guardian)
    client.get(f"/foresatt/barn/{world.ola.public_id}/")
    client.get(f"/elev/{world.ola.public_id}/hjem-og-skole/")
    page = client.get(looked_url(world)).content.decode()
    assert rows(page) == []
    assert "Nobody else has opened or changed" in page
    assert "What you and the child's other guardians do yourselves is not listed." in page
    # The read of this page is audited all the same.
    assert AuditEvent.objects.filter(action=actions.PORTAL_LOOKED_VIEWED).count() == 1


def test_the_other_guardians_reads_are_left_out_too(client: Client, world: World) -> None:
    second = f.make_user("ola_far2")
    f.make_guardian(world.ola, user=second, given_name="Jens")
    read_by(second, world, actions.PORTAL_CHILD_VIEWED)
    assert looked_lines(world.ola, timezone.now()) == []


def test_reads_one_after_the_other_on_one_day_make_one_line_with_a_count(
    world: World, english: None
) -> None:
    for _ in range(3):
        read_by(world.alice, world)
    read_by(world.leader, world)
    read_by(world.alice, world, actions.ATTENDANCE_VIEWED)
    lines = looked_lines(world.ola, timezone.now())
    # Newest first: alice's last read, the leader, alice's first three.
    assert [(line.count, line.role) for line in lines] == [
        (1, "contact teacher"),
        (1, "school leader"),
        (3, "contact teacher"),
    ]


def test_a_change_is_its_own_line_and_automatic_jobs_are_the_system(
    client: Client, world: World, english: None
) -> None:
    read_by(world.alice, world)
    log_change(
        actor=Actor.system("import_attendance"),
        action=actions.ATTENDANCE_IMPORTED_FOR_PUPIL,
        obj=world.ola,
        school=world.school_a,
        pupil=world.ola,
    )
    log_change(actor=world.alice, action=actions.PUPIL_SAVED, obj=world.ola, pupil=world.ola)
    client.force_login(world.guardian)
    found = rows(client.get(looked_url(world)).content.decode())
    assert len(found) == 3
    assert ">changed</span> Saved pupil" in found[0]
    assert "automatic job (the system)" in found[1]
    assert "changed" not in found[2]


def test_a_parent_who_works_at_the_school_is_listed_for_what_they_read(
    world: World, english: None
) -> None:
    """Being the other parent never hides a read of the child's file made as staff: not for the
    father without parental responsibility who works in the school's office, nor for a mother
    with it who is a teacher."""
    f.make_staff(world.school_a.owner, (world.school_a, f.Role.OFFICE), user=world.father)
    f.make_staff(
        world.school_a.owner,
        (world.school_a, f.Role.TEACHER),
        user=world.guardian,
        given_name="Anne",
    )
    read_by(world.father, world)
    read_by(world.guardian, world, actions.ATTENDANCE_VIEWED)
    lines = looked_lines(world.ola, timezone.now())
    assert sorted(line.role for line in lines) == ["school office", "teacher"]


def test_staff_without_a_role_at_the_school_are_shown_by_role_only(
    world: World, english: None
) -> None:
    read_by(world.charlie, world)
    read_by(world.sysadmin, world)
    lines = looked_lines(world.ola, timezone.now())
    assert [(line.role, line.name) for line in lines] == [
        ("system administrator", ""),
        ("staff at another school", ""),
    ]


def test_events_older_than_a_year_are_not_listed(world: World) -> None:
    read_by(world.alice, world)
    assert looked_lines(world.ola, timezone.now() + timedelta(days=366)) == []


def test_the_list_is_paginated_by_fifty_with_a_constant_number_of_queries(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    client.force_login(world.guardian)
    read_by(world.alice, world)
    with django_assert_max_num_queries(20) as few:
        client.get(looked_url(world))
    for _ in range(60):
        read_by(world.leader, world)
        read_by(world.alice, world)
    with django_assert_max_num_queries(len(few.captured_queries)):
        first = client.get(looked_url(world)).content.decode()
    assert len(rows(first)) == 50
    third = client.get(looked_url(world) + "?side=3").content.decode()
    assert len(rows(third)) == 121 - 100
    assert "?side=2" in third


def test_the_page_shows_how_many_times_a_line_stands_for(
    client: Client, world: World, english: None
) -> None:
    for _ in range(3):
        read_by(world.alice, world)
    client.force_login(world.guardian)
    [line] = rows(client.get(looked_url(world)).content.decode())
    assert "(3 times)" in line
