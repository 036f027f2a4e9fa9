"""The demo's follow-up cases: one at each level and one where cooperation met trouble, and each
persona can do their part (contact teacher, leader, school health nurse by consent, guardian)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client

from sammen.accounts.models import User
from sammen.followup.models import Case, Disagreement, Mediation
from sammen.roster.demo import personas
from sammen.roster.models import Guardianship

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 26)


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> None:
    from sammen.attendance import access

    monkeypatch.setattr(access, "today", lambda: TODAY)
    call_command("demo_data", "--seed", "2026", "--today", TODAY.isoformat(), stdout=io.StringIO())


def login(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_the_demo_has_a_case_at_each_level_and_one_in_trouble(demo: None) -> None:
    found = list(Case.objects.order_by("level"))
    assert sorted({c.level for c in found}) == [1, 2, 3]
    assert len(found) == 5
    assert Disagreement.objects.count() == 1 and Mediation.objects.count() == 1
    level_three = Case.objects.get(level=3)
    assert level_three.goals.first().pupil_own  # type: ignore[union-attr]
    assert level_three.consents.filter(withdrawn_at__isnull=True).exists()


def test_each_persona_does_their_part_in_the_demo(demo: None) -> None:
    level_three = Case.objects.get(level=3)
    teacher = login(personas.KONTAKTLAERER.username)
    for tail in ("", "plan/", "kartlegging/", "moter/", "samtykke/", "uenighet/"):
        assert teacher.get(f"/sak/{level_three.public_id}/{tail}").status_code == 200
    leader = login(personas.REKTOR.username)
    school = level_three.school
    overview = leader.get(f"/skole/{school.public_id}/oppfolging/").content.decode()
    assert "Samtale med eleven hver fredag" in overview, "the overdue evaluation"
    nurse = login(personas.HELSESYKEPLEIER.username)
    assert nurse.get(f"/sak/{level_three.public_id}/").status_code == 200
    others = Case.objects.exclude(pk=level_three.pk)
    assert all(nurse.get(f"/sak/{c.public_id}/").status_code == 404 for c in others)
    link = Guardianship.objects.filter(
        pupil=level_three.pupil, parental_responsibility=True, guardian__user__isnull=False
    ).first()
    if link is not None:
        guardian = Client()
        guardian.force_login(link.guardian.user)  # type: ignore[arg-type]
        assert guardian.get(f"/sak/{level_three.public_id}/foresatt/").status_code == 200


def test_the_guardian_persona_reads_her_childs_plan_and_comments(demo: None) -> None:
    forelder = User.objects.get(username=personas.FORELDER2.username)
    case = Case.objects.get(pupil__guardianships__guardian__user=forelder)
    client = Client()
    client.force_login(forelder)
    url = f"/sak/{case.public_id}/foresatt/"
    assert "Sammen samme morgen" in client.get(url).content.decode()
    assert client.post(url, {"comment-text": "Takk, det hjelper."}).status_code == 302
    assert case.guardian_comments.count() == 1
    # The other guardian persona has no case to see.
    other = User.objects.get(username=personas.FORELDER1.username)
    assert not Case.objects.filter(pupil__guardianships__guardian__user=other).exists()
