"""Builders for the follow-up tests: a case on Ola (alice's class 8A at school A), consent for
the nurse, and a pinned clock (``django.utils.timezone.now`` and the school's today)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from sammen.attendance import access as attendance_access
from sammen.followup.cases import open_case, record_consent
from sammen.followup.models import Case, Consent, Service
from sammen.roster.models import Staff
from tests.conftest import World

TODAY = date(2026, 11, 26)
OSLO = ZoneInfo("Europe/Oslo")
NOON = datetime(2026, 11, 26, 12, 0, tzinfo=OSLO)


class Clock:
    """The one clock the follow-up pages read, moved by the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = NOON
        monkeypatch.setattr(timezone, "now", lambda: self.now)
        # The school's day in the school's zone, whatever zone an earlier test left active.
        monkeypatch.setattr(attendance_access, "today", lambda: self.now.astimezone(OSLO).date())

    def move(self, **delta: Any) -> None:
        self.now = self.now + timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


def ola_case(world: World, **kwargs: Any) -> Case:
    return open_case(user=world.alice, pupil=world.ola, today=TODAY, **kwargs)


def nurse_staff(world: World) -> Staff:
    return Staff.objects.get(user=world.nurse)


def consent_for_nurse(world: World, case: Case, *, expires_on: date = TODAY) -> Consent:
    """Ola's mother (the only guardian with parental responsibility) admits the nurse."""
    return record_consent(
        user=world.alice,
        case=case,
        staff=nurse_staff(world),
        service=Service.NURSE,
        guardians=[world.ola_mother],
        pupil_consented=False,
        given_on=TODAY,
        expires_on=expires_on,
    )


def case_url(case: Case, tail: str = "") -> str:
    return f"/sak/{case.public_id}/{tail}"
