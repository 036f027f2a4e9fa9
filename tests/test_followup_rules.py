"""The rules the follow-up services enforce: consent from every guardian with parental
responsibility (and from 15 the pupil), the path when cooperation meets trouble (both views,
mediation offered, a referral only documented), the guardian's page, the printouts, the
reminders, and the before/after arithmetic."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client

from sammen.audit import actions
from sammen.audit.models import AuditEvent
from sammen.followup.cases import (
    age_on,
    name_coordinator,
    record_consent,
)
from sammen.followup.errors import FollowupError
from sammen.followup.models import GuardianComment, MeasureKind, Referral, Service
from sammen.followup.plans import save_measure
from sammen.followup.timeline import Week, before_after
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

pytestmark = pytest.mark.usefixtures("english")

__all__ = ["clock"]


def post(client: Client, url: str, action: str, **fields: str) -> tuple[int, str]:
    data = {"action": action, **{f"{action}-{k}": v for k, v in fields.items()}}
    response = client.post(url, data)
    return response.status_code, response.content.decode()


# Consent ---------------------------------------------------------------------------------------


def test_every_guardian_with_parental_responsibility_must_consent(
    world: World, clock: Clock
) -> None:
    case = ola_case(world)
    second = f.make_guardian(world.ola, given_name="Kjersti")
    kwargs = {
        "user": world.alice,
        "case": case,
        "staff": nurse_staff(world),
        "service": Service.NURSE,
        "pupil_consented": False,
        "given_on": TODAY,
        "expires_on": TODAY + timedelta(days=90),
    }
    with pytest.raises(FollowupError, match="Every guardian"):
        record_consent(guardians=[world.ola_mother], **kwargs)  # type: ignore[arg-type]
    with pytest.raises(FollowupError, match="Only guardians with parental"):
        record_consent(guardians=[world.ola_mother, second, world.ola_father], **kwargs)  # type: ignore[arg-type]
    consent = record_consent(guardians=[world.ola_mother, second], **kwargs)  # type: ignore[arg-type]
    assert set(consent.guardians.all()) == {world.ola_mother, second}
    [event] = AuditEvent.objects.filter(action=actions.CONSENT_RECORDED)
    assert event.pupil_id == world.ola.public_id


def test_from_fifteen_the_pupil_must_consent_too(world: World, clock: Clock) -> None:
    world.ola.birth_date = date(2011, 11, 26)  # 15 today
    world.ola.save()
    case = ola_case(world)
    with pytest.raises(FollowupError, match="15"):
        consent_for_nurse(world, case)
    consent = record_consent(
        user=world.alice,
        case=case,
        staff=nurse_staff(world),
        service=Service.NURSE,
        guardians=[world.ola_mother],
        pupil_consented=True,
        given_on=TODAY,
        expires_on=TODAY,
    )
    assert consent.pupil_consented


def test_ages_count_from_the_birthday() -> None:
    assert age_on(date(2011, 11, 27), TODAY) == 14
    assert age_on(date(2011, 11, 26), TODAY) == 15
    assert age_on(None, TODAY) is None


def test_consent_is_recorded_and_withdrawn_through_the_page(
    client: Client, world: World, clock: Clock
) -> None:
    case = ola_case(world)
    client.force_login(world.alice)
    url = case_url(case, "samtykke/")
    code, page = post(
        client,
        url,
        "consent",
        staff=str(nurse_staff(world).pk),
        service="nurse",
        given_on="2026-11-26",
        expires_on="2027-06-18",
    )
    assert code == 200 and "required" in page, "no guardian ticked"
    response = client.post(
        url,
        {
            "action": "consent",
            "consent-staff": str(nurse_staff(world).pk),
            "consent-service": "nurse",
            "consent-guardians": [str(world.ola_mother.pk)],
            "consent-given_on": "2026-11-26",
            "consent-expires_on": "2027-06-18",
        },
    )
    assert response.status_code == 302
    consent = case.consents.get()
    nurse = Client()
    nurse.force_login(world.nurse)
    assert nurse.get(case_url(case)).status_code == 200
    response = client.post(f"{url}{consent.public_id}/trekk-tilbake/")
    assert response.status_code == 302
    assert nurse.get(case_url(case)).status_code == 404
    assert AuditEvent.objects.filter(action=actions.CONSENT_WITHDRAWN).count() == 1


def test_the_nurse_with_consent_may_work_but_not_steer(
    client: Client, world: World, clock: Clock
) -> None:
    case = ola_case(world)
    consent_for_nurse(world, case, expires_on=TODAY + timedelta(days=30))
    client.force_login(world.nurse)
    code, _ = post(
        client, case_url(case, "moter/"), "meeting", kind="cross_service", held_on="2026-11-27"
    )
    assert code == 302, "takes part in meetings"
    response = client.post(case_url(case, "samtykke/"), {"action": "consent"})
    assert response.status_code == 403, "does not admit others"
    with pytest.raises(PermissionDenied):
        name_coordinator(user=world.nurse, case=case, staff=nurse_staff(world))


# When cooperation meets trouble -----------------------------------------------------------------

GROUNDS = "Ola has missed most days since October and the home has declined every meeting offered."


def test_a_referral_is_refused_until_documented_and_the_path_is_followed(
    client: Client, world: World, clock: Clock
) -> None:
    case = ola_case(world)
    url = case_url(case, "uenighet/")
    client.force_login(world.alice)
    code, _ = post(
        client, url, "disagreement", topic="Whether Ola must come", school_view="x", home_view=""
    )
    assert code == 200, "both views are needed"
    code, _ = post(
        client,
        url,
        "disagreement",
        topic="Whether Ola must come every day",
        school_view="Daily attendance with support.",
        home_view="He is too anxious; first rest.",
    )
    assert code == 302
    disagreement = case.disagreements.get()
    # Alice may not refer: only the leader.
    assert client.post(url, {"action": "referral"}).status_code == 403
    leader = Client()
    leader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    leader.force_login(world.leader)
    code, page = post(
        leader, url, "referral", grounds="Worried.", measures_tried="", how_informed=""
    )
    assert code == 200
    for reason in (
        "Write the grounds",
        "which measures have been tried",
        "guardians must be informed first",
        "No measures have been tried",
        "no mediation offered",
    ):
        assert reason in page, reason
    assert not Referral.objects.exists()
    # Follow the path: mediation offered, a measure tried, the guardians told.
    code, _ = post(
        client, url, "mediation", disagreement=str(disagreement.pk), led_by="Inspector Hansen"
    )
    assert code == 302
    save_measure(
        user=world.alice,
        case=case,
        values={
            "title": "Home visits every week",
            "kind": MeasureKind.HOME_VISIT,
            "owner_kind": "school",
            "starts_on": TODAY - timedelta(days=30),
            "frequency": "weekly",
            "evaluate_on": TODAY,
        },
    )
    code, page = post(
        leader,
        url,
        "referral",
        grounds=GROUNDS,
        measures_tried="Home visits weekly since October; declined after two.",
        guardians_informed_on="2026-11-27",
        how_informed="Meeting with both parents",
    )
    assert code == 200 and "before the referral is sent" in page
    code, _ = post(
        leader,
        url,
        "referral",
        grounds=GROUNDS,
        measures_tried="Home visits weekly since October; declined after two.",
        guardians_informed_on="2026-11-25",
        how_informed="Meeting with both parents",
    )
    assert code == 302
    assert Referral.objects.get(case=case).guardians_informed_on == date(2026, 11, 25)
    assert AuditEvent.objects.filter(action=actions.REFERRAL_SENT).count() == 1


# The guardian ----------------------------------------------------------------------------------


def test_the_guardian_reads_the_plan_and_comments(
    client: Client, world: World, clock: Clock
) -> None:
    case = ola_case(world)
    staff = Client()
    staff.force_login(world.alice)
    post(
        staff, case_url(case, "plan/"), "agreement", text="We call at 08:15", agreed_on="2026-11-26"
    )
    post(staff, case_url(case, "plan/"), "goal", text="Drive an excavator", pupil_own="on")
    client.force_login(world.guardian)
    url = case_url(case, "foresatt/")
    page = client.get(url).content.decode()
    assert "We call at 08:15" in page and "Drive an excavator" in page
    response = client.post(url, {"comment-text": "Mornings are hard for us too."})
    assert response.status_code == 302
    comment = GuardianComment.objects.get(case=case)
    assert comment.guardian == world.ola_mother
    assert "Mornings are hard for us too." in staff.get(case_url(case, "plan/")).content.decode()


# Printouts -------------------------------------------------------------------------------------


def test_the_plan_prints_in_the_familys_language_where_there_is_one(
    client: Client, world: World, clock: Clock
) -> None:
    world.ola_mother.preferred_language = "en"
    world.ola_mother.save()
    case = ola_case(world)
    client.force_login(world.alice)
    page = client.get(case_url(case, "plan/utskrift/")).content.decode()
    assert '<html lang="en" dir="ltr">' in page
    assert "Plan for follow-up of school attendance" in page
    page = client.get(case_url(case, "plan/utskrift/?sprak=nb")).content.decode()
    assert '<html lang="nb" dir="ltr">' in page
    # Arabic is printed right to left.
    page = client.get(case_url(case, "plan/utskrift/?sprak=ar")).content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    # A language the app has no translation for (Tigrinya) falls back to Norwegian.
    world.ola_mother.preferred_language = "ti"
    world.ola_mother.save()
    page = client.get(case_url(case, "plan/utskrift/")).content.decode()
    assert '<html lang="nb" dir="ltr">' in page


# Reminders -------------------------------------------------------------------------------------


def test_reminders_mail_the_coordinator_counts_but_no_names(world: World, clock: Clock) -> None:
    case = ola_case(world)
    alice = Staff.objects.get(user=world.alice)
    alice.email = "alice@example.no"
    alice.save()
    name_coordinator(user=world.alice, case=case, staff=alice)
    save_measure(
        user=world.alice,
        case=case,
        values={
            "title": "Trusted adult",
            "kind": MeasureKind.TRUSTED_ADULT,
            "owner_kind": "school",
            "starts_on": TODAY - timedelta(days=20),
            "frequency": "daily",
            "evaluate_on": TODAY - timedelta(days=1),
        },
    )
    out = io.StringIO()
    call_command("followup_reminders", "--date", "2026-11-26", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"date": "2026-11-26", "recipients": 1, "sent": True}
    [message] = mail.outbox
    assert message.to == ["alice@example.no"]
    assert "Ola" not in message.body and "1" in message.body


def test_the_reminder_job_is_scheduled_daily() -> None:
    from sammen.web.scheduler import JOBS

    assert any(j.command == "followup_reminders" and j.interval_seconds == 86400 for j in JOBS)


# Before and after ------------------------------------------------------------------------------


def test_before_and_after_count_school_weeks_around_the_start() -> None:
    weeks = [
        Week(date(2026, 10, 5), 30, 30),
        Week(date(2026, 10, 12), 0, 0),  # autumn break: not a school week
        Week(date(2026, 10, 19), 30, 15),
        Week(date(2026, 10, 26), 30, 6),
        Week(date(2026, 11, 2), 30, 3),
    ]
    start = date(2026, 10, 21)  # a Wednesday in the week of 19 October
    n_before, before, n_after, after = before_after(weeks, start, date(2026, 11, 26), span=4)
    assert (n_before, str(before), n_after, str(after)) == (1, "100.0", 3, "26.7")
    n_before, before, n_after, after = before_after(weeks, start, date(2026, 10, 19), span=4)
    assert (n_after, str(after)) == (1, "50.0")
    assert before_after([], start, start) == (0, None, 0, None)
