"""Who reaches a follow-up case: the contact teacher and the leader; named members with a
school role; support services only while a consent covers the case (granted, expired,
withdrawn, checked against the clock at every request); guardians their child's plan only."""

from __future__ import annotations

import pytest
from django.test import Client

from sammen.followup.cases import add_member, withdraw_consent
from sammen.followup.models import MemberRole
from sammen.roster.models import Staff
from tests import factories as f
from tests.conftest import World
from tests.followup_support import (
    TODAY,
    Clock,
    case_url,
    clock,
    consent_for_nurse,
    nurse_staff,
    ola_case,
)

__all__ = ["clock"]

CASE_PAGES = ["", "kartlegging/", "plan/", "plan/utskrift/", "samtykke/", "moter/", "uenighet/"]


def status(client: Client, user: object, url: str) -> int:
    client.force_login(user)  # type: ignore[arg-type]
    return client.get(url).status_code


@pytest.mark.parametrize("tail", CASE_PAGES)
def test_the_nurse_gets_in_only_while_consent_is_in_force(
    client: Client, world: World, clock: Clock, tail: str
) -> None:
    case = ola_case(world)
    url = case_url(case, tail)
    assert status(client, world.nurse, url) == 404, "without consent"
    consent_for_nurse(world, case, expires_on=TODAY)
    assert status(client, world.nurse, url) == 200, "with consent"
    # The consent runs to the end of its last day: a minute before midnight, still in.
    clock.move(hours=11, minutes=58)
    assert status(client, world.nurse, url) == 200, "the last minute of the consent"
    clock.move(minutes=2)
    assert status(client, world.nurse, url) == 404, "expired"


def test_withdrawing_consent_stops_access_the_same_minute(
    client: Client, world: World, clock: Clock
) -> None:
    case = ola_case(world)
    consent = consent_for_nurse(world, case, expires_on=TODAY.replace(month=12))
    assert status(client, world.nurse, case_url(case)) == 200
    withdraw_consent(user=world.alice, consent=consent)
    assert status(client, world.nurse, case_url(case)) == 404


def test_consent_covers_that_case_only(client: Client, world: World, clock: Clock) -> None:
    ola = ola_case(world)
    consent_for_nurse(world, ola, expires_on=TODAY.replace(month=12))
    from sammen.followup.cases import open_case

    nils = open_case(user=world.leader, pupil=world.nils, today=TODAY)
    assert status(client, world.nurse, case_url(ola)) == 200
    assert status(client, world.nurse, case_url(nils)) == 404
    # The roster still gives the nurse no pupil: consent opens the case, not the pupil's file.
    assert status(client, world.nurse, f"/elev/{world.ola.public_id}/") == 404


def test_the_nurse_sees_the_case_in_her_list_only_with_consent(
    client: Client, world: World, clock: Clock
) -> None:
    case = ola_case(world)
    client.force_login(world.nurse)
    assert "Ola Nordmann" not in client.get("/saker/").content.decode()
    consent_for_nurse(world, case, expires_on=TODAY.replace(month=12))
    assert "Ola Nordmann" in client.get("/saker/").content.decode()


def test_a_named_member_gets_in_and_a_support_worker_named_as_member_does_not(
    client: Client, world: World, clock: Clock
) -> None:
    case = ola_case(world)
    assert status(client, world.bob, case_url(case)) == 404
    add_member(
        user=world.leader,
        case=case,
        staff=Staff.objects.get(user=world.bob),
        role=MemberRole.TEACHER,
        today=TODAY,
    )
    assert status(client, world.bob, case_url(case)) == 200
    # Support services are never members: the service refuses, consent is the only way in.
    from sammen.followup.errors import FollowupError

    with pytest.raises(FollowupError):
        add_member(
            user=world.leader,
            case=case,
            staff=nurse_staff(world),
            role=MemberRole.TEAM,
            today=TODAY,
        )


@pytest.mark.parametrize(
    "persona", ["bob", "charlie", "office", "father", "other_guardian", "analyst", "nobody"]
)
@pytest.mark.parametrize("tail", [*CASE_PAGES, "foresatt/"])
def test_people_outside_the_case_get_404(
    client: Client, world: World, clock: Clock, persona: str, tail: str
) -> None:
    case = ola_case(world)
    assert status(client, getattr(world, persona), case_url(case, tail)) == 404


def test_a_teacher_at_another_school_named_as_coordinator_elsewhere_cannot_get_in(
    client: Client, world: World, clock: Clock
) -> None:
    case = ola_case(world)
    # Charlie works at school B only; even a stray member row would not let him in.
    from sammen.followup.models import CaseMember

    CaseMember.objects.create(
        case=case, staff=Staff.objects.get(user=world.charlie), added_on=TODAY
    )
    assert status(client, world.charlie, case_url(case)) == 404


def test_the_guardian_reads_the_plan_but_not_the_staff_pages(
    client: Client, world: World, clock: Clock
) -> None:
    case = ola_case(world)
    assert status(client, world.guardian, case_url(case, "foresatt/")) == 200
    assert status(client, world.guardian, case_url(case)) == 404
    assert status(client, world.guardian, case_url(case, "plan/")) == 404


def test_a_second_guardian_with_responsibility_reads_too(
    client: Client, world: World, clock: Clock
) -> None:
    case = ola_case(world)
    stepmother = f.make_guardian(world.ola, user=f.make_user("stepmother"))
    assert stepmother.user is not None
    assert status(client, stepmother.user, case_url(case, "foresatt/")) == 200


def test_a_missing_case_looks_exactly_like_someone_elses(
    client: Client, world: World, clock: Clock
) -> None:
    import uuid

    case = ola_case(world)
    client.force_login(world.charlie)
    missing = client.get(f"/sak/{uuid.uuid4()}/")
    other = client.get(case_url(case))
    assert missing.status_code == other.status_code == 404
    assert missing.content == other.content


def test_staff_who_may_read_but_not_steer_are_refused_changes(
    client: Client, world: World, clock: Clock
) -> None:
    case = ola_case(world)
    consent_for_nurse(world, case, expires_on=TODAY.replace(month=12))
    client.force_login(world.nurse)
    response = client.post(case_url(case), {"action": "level", "level-level": "2"})
    assert response.status_code == 403
    client.force_login(world.alice)
    response = client.post(
        case_url(case), {"action": "level", "level-level": "2", "level-reason": "x"}
    )
    assert response.status_code == 403, "only the leader changes the level"
