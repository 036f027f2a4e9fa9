"""The guardian portal's start page and a child's start page: who gets in, what they say."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from sammen.attendance.models import GuardianReportReason, Reason
from sammen.attendance.services import record_guardian_report
from sammen.audit import actions
from sammen.audit.models import AuditEvent
from sammen.cooperation.models import Cadence, Channel, Contact, ContactKind, TimeWindow
from sammen.followup.cases import open_case
from sammen.portal.child import percent_text
from sammen.roster.models import Guardianship
from tests import factories as f
from tests.conftest import World
from tests.portal_support import SCHOOL_DAYS, TODAY, SmallYear, away, late, small_year

__all__ = ["small_year"]

HOME = "/foresatt/"


def child_url(world: World) -> str:
    return f"/foresatt/barn/{world.ola.public_id}/"


# The portal's start page ----------------------------------------------------------------------


def test_a_guardian_with_no_staff_role_starts_in_the_portal(client: Client, world: World) -> None:
    client.force_login(world.guardian)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == HOME


def test_staff_keep_their_start_page(client: Client, world: World) -> None:
    client.force_login(world.alice)
    assert client.get("/").status_code == 200


def test_a_guardian_who_also_works_at_a_school_keeps_the_staff_start_page(
    client: Client, world: World
) -> None:
    f.make_guardian(world.nils, user=world.alice)
    client.force_login(world.alice)
    assert client.get("/").status_code == 200
    assert client.get(HOME).status_code == 200


def test_the_portal_lists_the_guardians_child_as_a_card(
    client: Client, world: World, english: None
) -> None:
    client.force_login(world.guardian)
    page = client.get(HOME).content.decode()
    assert "Ola Nordmann" in page
    assert child_url(world) in page
    assert "Kari" not in page
    assert "Nils" not in page


def test_the_portal_start_is_audited_as_a_read_of_each_child(client: Client, world: World) -> None:
    client.force_login(world.guardian)
    client.get(HOME)
    event = AuditEvent.objects.get(action=actions.PORTAL_CHILDREN_LISTED)
    assert event.pupil_id == world.ola.public_id


def test_a_parent_without_parental_responsibility_gets_a_kind_page_and_no_names(
    client: Client, world: World, english: None
) -> None:
    client.force_login(world.father)
    response = client.get(HOME)
    assert response.status_code == 200
    page = response.content.decode()
    assert "No children to show" in page
    assert "contact your child's school office" in page
    assert "Ola" not in page
    assert world.school_a.name not in page


def test_someone_who_is_no_guardian_finds_no_portal(client: Client, world: World) -> None:
    for user in (world.alice, world.nobody):
        client.force_login(user)
        assert client.get(HOME).status_code == 404


def test_the_start_page_runs_the_same_queries_for_one_child_or_three(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    client.force_login(world.guardian)
    with django_assert_max_num_queries(12) as one:
        client.get(HOME)
    for name in ("Siri", "Jon"):
        sibling = f.make_pupil(world.school_a, world.class_8c, given_name=name)
        Guardianship.objects.create(pupil=sibling, guardian=world.ola_mother)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(HOME).content.decode()
    assert "Siri" in page and "Jon" in page


# Who gets a child's page ----------------------------------------------------------------------


def test_the_guardian_with_parental_responsibility_sees_the_childs_page(
    client: Client, world: World
) -> None:
    client.force_login(world.guardian)
    assert client.get(child_url(world)).status_code == 200


@pytest.mark.parametrize("persona", ["father", "other_guardian", "alice", "leader", "nobody"])
def test_everyone_else_gets_404_for_the_childs_page(
    client: Client, world: World, persona: str
) -> None:
    client.force_login(getattr(world, persona))
    for url in (child_url(world), f"/foresatt/barn/{world.ola.public_id}/innsyn/"):
        assert client.get(url).status_code == 404, f"{persona} on {url}"


def test_someone_elses_child_looks_exactly_like_a_missing_one(client: Client, world: World) -> None:
    client.force_login(world.guardian)
    missing = client.get(f"/foresatt/barn/{uuid.uuid4()}/")
    others = client.get(f"/foresatt/barn/{world.kari.public_id}/")
    assert missing.status_code == others.status_code == 404
    assert missing.content == others.content


def test_anonymous_visitors_are_sent_to_login(client: Client, world: World) -> None:
    for url in (HOME, child_url(world), "/foresatt/innstillinger/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/logg-inn/")


def test_two_guardians_with_parental_responsibility_both_see_the_child(
    client: Client, world: World
) -> None:
    second = f.make_user("ola_far2")
    f.make_guardian(world.ola, user=second, given_name="Jens")
    for user in (world.guardian, second):
        client.force_login(user)
        assert client.get(child_url(world)).status_code == 200


def test_a_child_who_has_left_the_school_is_not_shown(client: Client, world: World) -> None:
    world.ola.active = False
    world.ola.save(update_fields=["active"])
    client.force_login(world.guardian)
    assert client.get(child_url(world)).status_code == 404


def test_reading_the_childs_page_is_audited(client: Client, world: World) -> None:
    client.force_login(world.guardian)
    client.get(child_url(world))
    event = AuditEvent.objects.get(action=actions.PORTAL_CHILD_VIEWED)
    assert event.kind == "read"
    assert event.pupil_id == world.ola.public_id
    assert event.actor_id == world.guardian.public_id


# What the child's page says -------------------------------------------------------------------


def test_the_school_year_in_plain_words_with_exact_numbers(
    client: Client, small_year: SmallYear, english: None
) -> None:
    world = small_year.world
    away(world.ola, SCHOOL_DAYS[0])
    away(world.ola, SCHOOL_DAYS[4], Reason.UNEXPLAINED)
    late(world.ola, SCHOOL_DAYS[5], 10)
    late(world.ola, SCHOOL_DAYS[6], 5)
    client.force_login(world.guardian)
    page = client.get(child_url(world)).content.decode()
    assert "Ola has been away 2 days of 10 school days (20 %)." in page
    assert "In all, 12 lessons of 60 were missed (20.0 %)." in page
    assert "Late 2 times (15 minutes in all)." in page


def test_one_day_away_reads_in_the_singular(
    client: Client, small_year: SmallYear, english: None
) -> None:
    world = small_year.world
    away(world.ola, SCHOOL_DAYS[3])
    client.force_login(world.guardian)
    page = client.get(child_url(world)).content.decode()
    assert "Ola has been away 1 day of 10 school days (10 %)." in page
    assert "No lateness is registered this school year." in page


def test_shares_are_written_the_norwegian_way() -> None:
    with translation.override("nb"):
        assert percent_text(6, 58) == "10"
        assert percent_text(1, 200) == "0,5"
        assert percent_text(0, 0) == "0"
    with translation.override("en"):
        assert percent_text(1, 200) == "0.5"


def test_the_calendar_is_shown_with_its_key(
    client: Client, small_year: SmallYear, english: None
) -> None:
    client.force_login(small_year.world.guardian)
    page = client.get(child_url(small_year.world)).content.decode()
    assert "<svg" in page
    assert "November 2026" in page
    assert "Month by month" in page


def test_today_shows_that_the_school_received_the_guardians_report(
    client: Client, small_year: SmallYear, english: None
) -> None:
    world = small_year.world
    record_guardian_report(
        actor=world.guardian,
        guardian=world.ola_mother,
        pupil=world.ola,
        first_day=TODAY,
        last_day=TODAY,
        reason=GuardianReportReason.SICK,
    )
    client.force_login(world.guardian)
    page = client.get(child_url(world)).content.decode()
    assert "The school has received the report of absence: ill, 26.11.2026–26.11.2026" in page
    assert "The whole school day: absent" in page


def test_unexplained_absence_today_asks_the_guardian_to_report_it(
    client: Client, small_year: SmallYear, english: None
) -> None:
    world = small_year.world
    away(world.ola, TODAY, Reason.UNEXPLAINED)
    client.force_login(world.guardian)
    page = client.get(child_url(world)).content.decode()
    assert "The whole school day: absent (unexplained)" in page
    assert "If you know why, please report it." in page


def test_a_quiet_day_says_nothing_is_registered(
    client: Client, small_year: SmallYear, english: None
) -> None:
    client.force_login(small_year.world.guardian)
    page = client.get(child_url(small_year.world)).content.decode()
    assert "No absence or lateness is registered today so far." in page


def test_without_a_calendar_the_page_says_so(client: Client, world: World, english: None) -> None:
    client.force_login(world.guardian)
    page = client.get(child_url(world)).content.decode()
    assert "has not set up this school year's calendar" in page


def test_the_next_fixed_contact_is_shown_with_channel_and_time(
    client: Client, small_year: SmallYear, english: None
) -> None:
    world = small_year.world
    Cadence.objects.create(
        pupil=world.ola,
        every_days=14,
        channel=Channel.PHONE,
        window=TimeWindow.EVENING,
        started_on=SCHOOL_DAYS[0],
    )
    Contact.objects.create(pupil=world.ola, school=world.school_a, on=TODAY, kind=ContactKind.PHONE)
    client.force_login(world.guardian)
    page = client.get(child_url(world)).content.decode()
    assert "Around Thursday 10.12.2026, evening (17–20)" in page
    assert "Phone call" in page
    assert "14 days between contacts" in page


def test_without_a_fixed_contact_the_page_says_so(
    client: Client, small_year: SmallYear, english: None
) -> None:
    client.force_login(small_year.world.guardian)
    page = client.get(child_url(small_year.world)).content.decode()
    assert "The school has not agreed a fixed contact with you." in page


def test_the_schools_routines_about_absence_are_shown(
    client: Client, small_year: SmallYear, english: None
) -> None:
    client.force_login(small_year.world.guardian)
    page = client.get(child_url(small_year.world)).content.decode()
    assert "the school tells you by e-mail and text message the same day, around 09:00" in page
    assert "within 3 school days" in page
    assert f"/skole/{small_year.world.school_a.public_id}/samarbeid/rutiner/" in page


def test_the_plan_is_linked_only_when_a_case_is_open(client: Client, world: World) -> None:
    client.force_login(world.guardian)
    assert "/sak/" not in client.get(child_url(world)).content.decode()
    case = open_case(user=world.alice, pupil=world.ola, today=TODAY)
    page = client.get(child_url(world)).content.decode()
    assert f"/sak/{case.public_id}/foresatt/" in page


def test_the_page_links_to_the_guardians_other_pages(client: Client, world: World) -> None:
    client.force_login(world.guardian)
    page = client.get(child_url(world)).content.decode()
    for url in (
        "/meld-fravaer/",
        f"/elev/{world.ola.public_id}/hjem-og-skole/",
        f"/foresatt/barn/{world.ola.public_id}/innsyn/",
        "/foresatt/innstillinger/",
    ):
        assert url in page, url


def test_the_childs_page_runs_a_fixed_number_of_queries(
    client: Client, small_year: SmallYear, django_assert_max_num_queries: Any
) -> None:
    world = small_year.world
    client.force_login(world.guardian)
    with django_assert_max_num_queries(40) as few:
        client.get(child_url(world))
    for day in SCHOOL_DAYS[:6]:
        away(world.ola, day)
        late(world.ola, day, 5, period=2)
    Cadence.objects.create(pupil=world.ola, started_on=SCHOOL_DAYS[0])
    with django_assert_max_num_queries(len(few.captured_queries) + 1):
        client.get(child_url(world))


# No address, anywhere --------------------------------------------------------------------------


def test_no_portal_page_shows_an_address(
    client: Client, small_year: SmallYear, english: None
) -> None:
    world = small_year.world
    Guardianship.objects.filter(guardian=world.ola_mother).update(confidential_address=True)
    addresses = [world.ola_mother.address, world.ola_father.address]
    assert all(addresses)
    client.get("/")
    client.force_login(world.alice)
    client.get(f"/elev/{world.ola.public_id}/")
    client.force_login(world.guardian)
    for url in (
        HOME,
        child_url(world),
        f"/foresatt/barn/{world.ola.public_id}/innsyn/",
        "/foresatt/innstillinger/",
    ):
        page = client.get(url).content.decode()
        for address in addresses:
            assert address not in page, url
            assert address.split(",")[0] not in page, url
