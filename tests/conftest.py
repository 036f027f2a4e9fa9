"""Named personas, as in healthchecks' tests.

School «Nordby skole» (A) and «Sørby skole» (B) in one municipality:
- alice: contact teacher of class 8A at A (pupil ola, in 8A)
- bob: subject teacher at A, teaches the maths group with ola only
- leader: school leader at A; office: school office at A
- nurse: school health nurse (support service) at A
- charlie: contact teacher at B, class 8B with kari
- guardian: ola's mother with parental responsibility
- father: ola's father without parental responsibility
- other_guardian: kari's guardian
- analyst: municipality analyst; sysadmin: system administrator
- nils: a pupil in 8C at A whom neither alice nor bob teach
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from sammen.accounts.models import User
from sammen.lib import sms
from sammen.roster.models import Group, GroupKind, Guardian, Pupil, Role, School
from tests import factories as f
from tests.smtp_support import Inbox, SmtpServer


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Argon2 is deliberately slow; tests that check the production hasher ask for it themselves.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    school_a: School
    school_b: School
    class_8a: Group
    class_8c: Group
    maths: Group
    class_8b: Group
    ola: Pupil
    nils: Pupil
    kari: Pupil
    ola_mother: Guardian
    ola_father: Guardian
    kari_guardian: Guardian
    alice: User
    bob: User
    charlie: User
    leader: User
    office: User
    nurse: User
    guardian: User
    father: User
    other_guardian: User
    analyst: User
    sysadmin: User
    nobody: User


def page(client: Client, url: str) -> str:
    """The page at ``url`` as text; it must answer 200."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def english(client: Client, settings: Any) -> Iterator[None]:
    """English pages and messages, for tests that read the texts (Norwegian is the default)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def world(db: None) -> World:
    owner = f.make_owner()
    school_a = f.make_school(owner, "Nordby skole")
    school_b = f.make_school(owner, "Sørby skole")
    class_8a = f.make_group(school_a, "8A", grade=8)
    class_8c = f.make_group(school_a, "8C", grade=8)
    maths = f.make_group(school_a, "Matematikk 8", kind=GroupKind.TEACHING, subject="Matematikk")
    class_8b = f.make_group(school_b, "8B", grade=8)
    ola = f.make_pupil(school_a, class_8a, maths, given_name="Ola", family_name="Nordmann")
    nils = f.make_pupil(school_a, class_8c, given_name="Nils", family_name="Olsen")
    kari = f.make_pupil(school_b, class_8b, given_name="Kari", family_name="Berg")

    users = {
        name: f.make_user(name, first_name=name.capitalize())
        for name in (
            "alice",
            "bob",
            "charlie",
            "leader",
            "office",
            "nurse",
            "guardian",
            "father",
            "other_guardian",
            "analyst",
            "sysadmin",
            "nobody",
        )
    }
    alice = f.make_staff(owner, (school_a, Role.CONTACT_TEACHER), user=users["alice"])
    bob = f.make_staff(owner, (school_a, Role.TEACHER), user=users["bob"])
    charlie = f.make_staff(owner, (school_b, Role.CONTACT_TEACHER), user=users["charlie"])
    f.make_staff(owner, (school_a, Role.LEADER), user=users["leader"])
    f.make_staff(owner, (school_a, Role.OFFICE), user=users["office"])
    f.make_staff(owner, (school_a, Role.SUPPORT), user=users["nurse"])
    f.make_staff(owner, (None, Role.ANALYST), user=users["analyst"])
    f.make_staff(owner, (None, Role.SYSADMIN), user=users["sysadmin"])
    f.teach(class_8a, alice, contact=True)
    f.teach(maths, bob)
    f.teach(class_8b, charlie, contact=True)

    ola_mother = f.make_guardian(ola, user=users["guardian"], given_name="Anne")
    ola_father = f.make_guardian(
        ola, user=users["father"], given_name="Per", parental_responsibility=False
    )
    kari_guardian = f.make_guardian(kari, user=users["other_guardian"], given_name="Lise")
    return World(
        school_a=school_a,
        school_b=school_b,
        class_8a=class_8a,
        class_8c=class_8c,
        maths=maths,
        class_8b=class_8b,
        ola=ola,
        nils=nils,
        kari=kari,
        ola_mother=ola_mother,
        ola_father=ola_father,
        kari_guardian=kari_guardian,
        **users,
    )


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 that Django's SMTP backend sends to (tests/smtp_support.py);
    text messages go to ``sammen.lib.sms.outbox``."""
    server = SmtpServer(Inbox())
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "sammen@kommune.example"
    settings.SMS_BACKEND = "sammen.lib.sms.LocmemBackend"
    sms.outbox.clear()
    yield server
    server.stop()
