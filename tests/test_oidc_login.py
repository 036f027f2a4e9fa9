"""Logging in through Feide (staff) and ID-porten (guardians), end to end against a real OpenID
provider (npm oidc-provider, started by tests/oidc_support.py): who gets in, as whom, and what
everyone else is told."""

from __future__ import annotations

import urllib.parse
from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext
from pytest_django.fixtures import Settings as SettingsWrapper

from sammen.accounts.models import SignedInSession, User
from sammen.accounts.oidc import flow
from sammen.audit import actions
from sammen.audit.models import AuditEvent
from sammen.roster.models import GroupTeacher, Guardian, Staff
from sammen.roster.pid import pid_hash
from tests import factories as f
from tests.conftest import World
from tests.oidc_support import (
    FEIDE_MFA,
    FEIDE_NAMES,
    ORG_A,
    PIDS,
    Browser,
    Running,
    oidc,
    oidc_provider,
    register_in_roster,
)

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

__all__ = ["oidc", "oidc_provider"]

HOME = reverse("home")
LOGIN = reverse("accounts:login")


@pytest.fixture
def browser(client: Client, oidc: Running, world: World) -> Browser:
    register_in_roster(world)
    return Browser(client, oidc)


def signed_in_user(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


def shown(msgid: str, response: Response) -> bool:
    """Whether the page shows this text, in whichever language the page is in."""
    return escape(gettext(msgid)) in response.content.decode()


def failed_logins() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=actions.LOGIN_FAILED).order_by("id"))


# The login page ---------------------------------------------------------------------------------


def test_the_login_page_offers_each_configured_provider(client: Client, oidc: Running) -> None:
    page = client.get(LOGIN, {"next": "/elev/x/"}).content.decode()
    assert 'href="/logg-inn/feide/?next=/elev/x/"' in page
    assert 'href="/logg-inn/idporten/?next=/elev/x/"' in page


def test_the_login_page_offers_no_provider_that_is_not_configured(client: Client, db: None) -> None:
    page = client.get(LOGIN).content.decode()
    assert "/logg-inn/feide/" not in page
    assert "/logg-inn/idporten/" not in page
    assert client.get("/logg-inn/feide/").status_code == 404


def test_an_unknown_provider_is_404(client: Client, oidc: Running) -> None:
    assert client.get("/logg-inn/facebook/").status_code == 404
    assert client.get("/logg-inn/facebook/tilbake/").status_code == 404


def test_the_authorization_request_uses_pkce_nonce_state_and_asks_for_the_level(
    client: Client, oidc: Running
) -> None:
    response = client.get("/logg-inn/idporten/")
    assert response.status_code == 302
    url = urllib.parse.urlsplit(response["Location"])
    params = dict(urllib.parse.parse_qsl(url.query))
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{oidc.idporten_issuer}/auth"
    assert params["response_type"] == "code"
    assert params["client_id"] == "sammen-idporten"
    assert params["redirect_uri"] == "http://testserver/logg-inn/idporten/tilbake/"
    assert params["code_challenge_method"] == "S256"
    assert len(params["code_challenge"]) == 43
    assert len(params["state"]) >= 32 and len(params["nonce"]) >= 32
    assert params["acr_values"] == "idporten-loa-substantial"
    assert params["scope"] == "openid profile"
    # The verifier stays in Sammen; only its hash travels.
    pending = client.session[flow.PENDING][params["state"]]
    assert pending["code_verifier"] not in response["Location"]


# Staff through Feide ----------------------------------------------------------------------------


def test_a_registered_teacher_logs_in_with_feide(browser: Browser, world: World) -> None:
    login = browser.log_in("feide", "alice")
    assert login.response is not None
    assert login.response.status_code == 302
    assert login.response["Location"] == HOME
    assert signed_in_user(browser.client) == world.alice.pk
    # …and sees her class, as the roster says.
    ola = browser.client.get(reverse("roster:pupil", args=[world.ola.public_id]))
    assert ola.status_code == 200
    kari = browser.client.get(reverse("roster:pupil", args=[world.kari.public_id]))
    assert kari.status_code == 404


def test_a_feide_login_is_audited_with_its_level(browser: Browser, world: World) -> None:
    browser.log_in("feide", "alice")
    [event] = AuditEvent.objects.filter(action=actions.LOGIN)
    assert event.actor_id == world.alice.public_id
    assert event.detail == f"Feide ({FEIDE_MFA})"


def test_the_feide_user_name_matches_whatever_its_case(browser: Browser, world: World) -> None:
    Staff.objects.filter(user=world.alice).update(username=FEIDE_NAMES["alice"].upper())
    browser.log_in("feide", "alice")
    assert signed_in_user(browser.client) == world.alice.pk


def test_a_teacher_without_a_login_gets_one_linked_to_the_roster(
    browser: Browser, world: World
) -> None:
    hanne = f.make_staff(
        world.school_a.owner,
        (world.school_a, f.Role.TEACHER),
        username=FEIDE_NAMES["hanne"],
        given_name="Hanne",
        family_name="Lie",
    )
    users_before = User.objects.count()
    browser.log_in("feide", "hanne")
    hanne.refresh_from_db()
    assert hanne.user is not None
    assert User.objects.count() == users_before + 1
    assert signed_in_user(browser.client) == hanne.user.pk
    assert hanne.user.username == FEIDE_NAMES["hanne"]
    assert hanne.user.get_full_name() == "Hanne Lie"
    assert not hanne.user.has_usable_password()
    # The link is a change to the roster, audited as one.
    [linked] = AuditEvent.objects.filter(action=actions.STAFF_SAVED)
    assert linked.object_id == str(hanne.public_id)
    assert linked.actor_label == "system: Feide login"


def test_the_second_feide_login_reuses_the_linked_login(browser: Browser, world: World) -> None:
    hanne = f.make_staff(world.school_a.owner, username=FEIDE_NAMES["hanne"])
    browser.log_in("feide", "hanne")
    browser.client.post(reverse("accounts:logout"))
    other = Browser(Client(), browser.provider)
    other.log_in("feide", "hanne")
    hanne.refresh_from_db()
    assert signed_in_user(other.client) == hanne.user_id
    assert User.objects.filter(username=FEIDE_NAMES["hanne"]).count() == 1


def test_a_staff_member_registered_by_feide_sub_is_found(browser: Browser, world: World) -> None:
    staff = f.make_staff(world.school_a.owner, username="f7b1e0c2-sub-only")
    browser.log_in("feide", "f7b1e0c2-sub-only")
    staff.refresh_from_db()
    assert staff.user is not None
    assert signed_in_user(browser.client) == staff.user.pk


def test_an_unknown_teacher_is_told_so_and_gets_no_account(browser: Browser, world: World) -> None:
    users_before = User.objects.count()
    login = browser.log_in("feide", "stranger")
    assert login.response is not None
    assert login.response.status_code == 403
    assert "accounts/oidc_not_staff.html" in [t.name for t in login.response.templates]
    assert shown("You are not registered at any school in Sammen", login.response)
    assert signed_in_user(browser.client) is None
    assert User.objects.count() == users_before
    [event] = failed_logins()
    assert event.actor_id is None
    assert FEIDE_NAMES["stranger"] in event.actor_label
    assert event.detail == "Feide: not registered as staff at any school"


def test_two_staff_rows_with_one_feide_name_let_nobody_in(browser: Browser, world: World) -> None:
    f.make_staff(world.school_b.owner, username=FEIDE_NAMES["alice"])
    login = browser.log_in("feide", "alice")
    assert login.response is not None
    assert login.response.status_code == 403
    assert signed_in_user(browser.client) is None
    assert "more than one staff member" in failed_logins()[0].detail


def test_a_deactivated_login_stays_out(browser: Browser, world: World) -> None:
    User.objects.filter(pk=world.alice.pk).update(is_active=False)
    login = browser.log_in("feide", "alice")
    assert login.response is not None
    assert login.response.status_code == 403
    assert signed_in_user(browser.client) is None


def test_a_login_started_in_another_tab_does_not_spoil_the_first(
    browser: Browser, world: World
) -> None:
    first = browser.log_in("feide", "alice", deliver=False)
    second = browser.log_in("feide", "alice", deliver=False)
    assert first.callback_url is not None and second.callback_url is not None
    assert first.params["state"] != second.params["state"]
    response = browser.sammen(first.callback_url)
    assert response.status_code == 302
    assert signed_in_user(browser.client) == world.alice.pk
    # Signing in ends the other half-done logins of this browser.
    assert flow.PENDING not in browser.client.session


def test_the_login_returns_to_the_page_asked_for(browser: Browser, world: World) -> None:
    target = reverse("roster:pupil", args=[world.ola.public_id])
    login = browser.log_in("feide", "alice", next_url=target)
    assert login.response is not None
    assert login.response["Location"] == target


def test_the_login_never_returns_to_another_site(browser: Browser, world: World) -> None:
    login = browser.log_in("feide", "alice", next_url="https://evil.example/")
    assert login.response is not None
    assert login.response["Location"] == HOME


def test_a_system_administrator_with_feide_mfa_is_not_asked_for_totp(
    browser: Browser, world: World
) -> None:
    Staff.objects.filter(user=world.sysadmin).update(username=FEIDE_NAMES["bob"])
    Staff.objects.filter(user=world.bob).update(username="")
    browser.log_in("feide", "bob")
    assert signed_in_user(browser.client) == world.sysadmin.pk
    assert browser.client.get(HOME).status_code == 200


def test_without_a_required_feide_level_a_system_administrator_still_needs_totp(
    browser: Browser, world: World, settings: SettingsWrapper
) -> None:
    feide = {**settings.OIDC_PROVIDERS["feide"], "acr_values": []}
    settings.OIDC_PROVIDERS = {**settings.OIDC_PROVIDERS, "feide": feide}
    Staff.objects.filter(user=world.sysadmin).update(username=FEIDE_NAMES["bob"])
    Staff.objects.filter(user=world.bob).update(username="")
    browser.log_in("feide", "bob")
    assert signed_in_user(browser.client) == world.sysadmin.pk
    response = browser.client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))


# Feide groups -----------------------------------------------------------------------------------


def test_feide_groups_set_what_a_teacher_teaches_where_the_school_turned_it_on(
    browser: Browser, world: World, settings: SettingsWrapper
) -> None:
    settings.FEIDE_GROUP_SYNC_ORGS = [f"NO{ORG_A}"]
    world.class_8c.source_id = "8c"
    world.class_8c.save(update_fields=["source_id"])
    f.teach(world.maths, Staff.objects.get(user=world.alice))
    browser.log_in("feide", "alice")
    alice = Staff.objects.get(user=world.alice)
    links = {(link.group.name, link.is_contact_teacher) for link in alice.group_links.all()}
    # 8C added from Feide; 8A kept (contact teacher, from the roster); maths removed.
    assert links == {("8C", False), ("8A", True)}
    nils = browser.client.get(reverse("roster:pupil", args=[world.nils.public_id]))
    assert nils.status_code == 200
    saved = AuditEvent.objects.filter(action=actions.GROUP_TEACHER_SAVED).get()
    assert saved.actor_label == "system: Feide groups"
    assert AuditEvent.objects.filter(action=actions.GROUP_TEACHER_REMOVED).count() == 1


def test_feide_groups_change_nothing_where_the_school_did_not_turn_them_on(
    browser: Browser, world: World
) -> None:
    assert settings.FEIDE_GROUP_SYNC_ORGS == []
    before = set(GroupTeacher.objects.values_list("group_id", "staff_id"))
    browser.log_in("feide", "alice")
    assert set(GroupTeacher.objects.values_list("group_id", "staff_id")) == before
    nils = browser.client.get(reverse("roster:pupil", args=[world.nils.public_id]))
    assert nils.status_code == 404


# Guardians through ID-porten --------------------------------------------------------------------


def test_a_guardian_logs_in_with_id_porten_and_sees_only_her_child(
    browser: Browser, world: World
) -> None:
    login = browser.log_in("idporten", "anne")
    assert login.response is not None
    assert login.response["Location"] == HOME
    assert signed_in_user(browser.client) == world.guardian.pk
    ola = browser.client.get(reverse("roster:pupil", args=[world.ola.public_id]))
    assert ola.status_code == 200
    for other in (world.kari, world.nils):
        response = browser.client.get(reverse("roster:pupil", args=[other.public_id]))
        assert response.status_code == 404


def test_the_id_porten_login_is_audited_without_the_national_number(
    browser: Browser, world: World
) -> None:
    browser.log_in("idporten", "anne")
    [event] = AuditEvent.objects.filter(action=actions.LOGIN)
    assert event.actor_id == world.guardian.public_id
    assert event.detail == "ID-porten (idporten-loa-substantial)"
    for row in AuditEvent.objects.all():
        assert PIDS["anne"] not in " ".join(str(value) for value in row.__dict__.values())


def test_the_national_number_is_stored_nowhere_in_clear(browser: Browser, world: World) -> None:
    Guardian.objects.filter(pk=world.ola_mother.pk).update(user=None)
    browser.log_in("idporten", "anne")
    assert signed_in_user(browser.client) is not None
    # Not in the roster, the logins, the audit, nor the sessions (whose data is decoded here).
    for session in Session.objects.all():
        assert PIDS["anne"] not in str(session.get_decoded())
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table.startswith(("roster_", "accounts_", "audit_", "django_session")):
                cursor.execute(f'SELECT * FROM "{table}"')
                for row in cursor.fetchall():
                    assert PIDS["anne"] not in " ".join(str(value) for value in row), table
    assert Guardian.objects.get(pk=world.ola_mother.pk).pid_hash == pid_hash(PIDS["anne"])


def test_a_guardian_without_a_login_gets_one_linked_to_the_roster(
    browser: Browser, world: World
) -> None:
    Guardian.objects.filter(pk=world.ola_mother.pk).update(user=None)
    browser.log_in("idporten", "anne")
    mother = Guardian.objects.get(pk=world.ola_mother.pk)
    assert mother.user is not None
    assert mother.user.username == f"idporten-{mother.public_id.hex}"
    assert signed_in_user(browser.client) == mother.user.pk
    assert PIDS["anne"] not in mother.user.username


def test_an_unknown_guardian_is_told_to_contact_the_school(browser: Browser, world: World) -> None:
    users_before = User.objects.count()
    login = browser.log_in("idporten", "ukjent")
    assert login.response is not None
    assert login.response.status_code == 403
    assert "accounts/oidc_not_guardian.html" in [t.name for t in login.response.templates]
    assert shown("Contact your child's school", login.response)
    assert signed_in_user(browser.client) is None
    assert User.objects.count() == users_before
    [event] = failed_logins()
    assert event.actor_label == "anonymous"
    assert event.detail == "ID-porten: no guardian in the roster has this national identity number"


def test_a_parent_without_parental_responsibility_is_told_to_contact_the_school(
    browser: Browser, world: World
) -> None:
    login = browser.log_in("idporten", "per")
    assert login.response is not None
    assert login.response.status_code == 403
    assert "accounts/oidc_not_guardian.html" in [t.name for t in login.response.templates]
    assert signed_in_user(browser.client) is None


def test_a_login_without_a_national_number_matches_nobody(browser: Browser, world: World) -> None:
    login = browser.log_in("idporten", "foreign-eid")
    assert login.response is not None
    assert login.response.status_code == 403
    assert "carries no national identity number" in failed_logins()[0].detail


def test_the_pid_hash_key_matters(
    browser: Browser, world: World, settings: SettingsWrapper
) -> None:
    settings.PID_HASH_KEY = "another key"
    login = browser.log_in("idporten", "anne")
    assert login.response is not None
    assert login.response.status_code == 403


# The session a login starts ---------------------------------------------------------------------


def test_the_login_gives_a_new_session_key(browser: Browser, world: World) -> None:
    browser.client.get(LOGIN)
    before = browser.client.session.session_key
    browser.log_in("feide", "alice")
    after = browser.client.cookies[settings.SESSION_COOKIE_NAME].value
    assert before and after != before


def test_the_login_is_recorded_with_the_providers_session(browser: Browser, world: World) -> None:
    login = browser.log_in("feide", "alice")
    assert login.response is not None
    record = SignedInSession.objects.get(user=world.alice)
    assert record.session_id == browser.client.cookies[settings.SESSION_COOKIE_NAME].value
    assert record.method == "feide"
    assert record.issuer == browser.provider.feide_issuer
    assert record.subject == "alice"
    assert record.provider_session


def test_the_session_cookie_is_host_only_secure_httponly_and_lax(
    browser: Browser, world: World, settings: SettingsWrapper
) -> None:
    settings.SESSION_COOKIE_SECURE = True
    settings.SESSION_COOKIE_NAME = "__Host-sammen-session"
    login = browser.log_in("feide", "alice")
    assert login.response is not None
    cookie = login.response.cookies["__Host-sammen-session"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert not cookie["domain"]
    assert 0 < int(cookie["max-age"]) <= settings.SESSION_COOKIE_AGE
