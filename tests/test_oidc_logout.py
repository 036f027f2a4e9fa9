"""Ending sessions: logging out of Sammen logs out at the provider too; a logout at the provider
(back-channel or front-channel) ends every session of that user in Sammen; an administrator can
do the same. Driven through the real provider; its back-channel POSTs are caught by the test
provider's harness and delivered to Sammen's endpoint, since the Sammen under test runs
in-process."""

from __future__ import annotations

import base64
import io
import json
import time
import urllib.parse
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from sammen.accounts import two_factor
from sammen.accounts.models import SignedInSession
from sammen.audit import actions
from sammen.audit.log import Actor
from sammen.audit.models import AuditEvent
from tests import factories as f
from tests.conftest import World
from tests.oidc_support import SITE, Browser, Running, oidc, oidc_provider, register_in_roster

__all__ = ["oidc", "oidc_provider"]

HOME = reverse("home")
LOGOUT = reverse("accounts:logout")
BACKCHANNEL = {
    "feide": reverse("accounts:oidc_backchannel_logout", args=["feide"]),
    "idporten": reverse("accounts:oidc_backchannel_logout", args=["idporten"]),
}
FRONTCHANNEL = reverse("accounts:oidc_frontchannel_logout", args=["feide"])


@pytest.fixture
def browser(client: Client, oidc: Running, world: World) -> Browser:
    register_in_roster(world)
    return Browser(client, oidc)


def signed_in(client: Client) -> bool:
    response = client.get(HOME)
    # A guardian's start page sends them on to the portal: signed in all the same.
    return response.status_code == 200 or response.get("Location") == reverse("portal:home")


def payload(token: str) -> dict[str, Any]:
    part = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded


def local_login(username: str) -> Client:
    other = Client()
    response = other.post(reverse("accounts:login"), {"username": username, "password": f.PASSWORD})
    assert response.status_code == 302
    return other


def logout_at_provider(browser: Browser, issuer: str) -> None:
    """The person logs out at the provider itself (or in another application using it)."""
    done = browser.log_out_at_provider(f"{issuer}/session/end")
    assert done.status in (302, 303), done.body[:300]


# Logging out of Sammen --------------------------------------------------------------------------


def test_logging_out_of_sammen_logs_out_at_feide_too(browser: Browser, world: World) -> None:
    browser.log_in("feide", "alice")
    response = browser.client.post(LOGOUT)
    assert response.status_code == 302
    assert not signed_in(browser.client)
    target = urllib.parse.urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == (
        f"{browser.provider.feide_issuer}/session/end"
    )
    params = dict(urllib.parse.parse_qsl(target.query))
    assert params["client_id"] == "sammen-feide"
    assert params["post_logout_redirect_uri"] == f"{SITE}/logg-inn/"
    assert payload(params["id_token_hint"])["aud"] == "sammen-feide"
    # At the provider: its logout page, then back to Sammen's login page.
    back = browser.log_out_at_provider(response["Location"])
    assert back.location is not None
    assert back.location.startswith(f"{SITE}/logg-inn/?state=")
    assert browser.sammen(back.location).status_code == 200
    # The provider's session is over: the next login asks who the person is again.
    [token] = browser.caught_logout_tokens("sammen-feide")
    assert payload(token)["sub"] == "alice"
    event = AuditEvent.objects.filter(action=actions.LOGOUT).latest("id")
    assert event.actor_id == world.alice.public_id
    assert event.detail == "by the user"


def test_logging_out_of_sammen_logs_out_at_id_porten_with_the_id_token(
    browser: Browser, world: World
) -> None:
    browser.log_in("idporten", "anne")
    response = browser.client.post(LOGOUT)
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(response["Location"]).query))
    hint = payload(params["id_token_hint"])
    assert hint["aud"] == "sammen-idporten"
    assert hint["iss"] == browser.provider.idporten_issuer
    back = browser.log_out_at_provider(response["Location"])
    assert back.location is not None and back.location.startswith(f"{SITE}/logg-inn/")


def test_a_local_logout_goes_back_to_the_login_page(client: Client, world: World) -> None:
    client.force_login(world.alice)
    assert client.post(LOGOUT)["Location"] == reverse("accounts:login")


# Back-channel logout ----------------------------------------------------------------------------


def test_a_logout_at_feide_ends_every_session_of_the_user(browser: Browser, world: World) -> None:
    browser.log_in("feide", "alice")
    elsewhere = local_login("alice")  # the same person, another device, a local login
    bystander = local_login("bob")
    logout_at_provider(browser, browser.provider.feide_issuer)
    [token] = browser.caught_logout_tokens("sammen-feide")
    response = Client().post(BACKCHANNEL["feide"], {"logout_token": token})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert not signed_in(browser.client)
    assert not signed_in(elsewhere)
    assert signed_in(bystander)
    assert not SignedInSession.objects.filter(user=world.alice).exists()
    event = AuditEvent.objects.filter(action=actions.LOGOUT).latest("id")
    assert event.actor_id == world.alice.public_id
    assert event.detail == "logged out at Feide (back-channel)"


def test_a_logout_token_finds_the_user_by_sub_when_the_session_id_is_unknown(
    browser: Browser, world: World
) -> None:
    browser.log_in("feide", "alice")
    # As if the provider had left `sid` out of the ID token.
    SignedInSession.objects.filter(user=world.alice).update(provider_session="")
    logout_at_provider(browser, browser.provider.feide_issuer)
    [token] = browser.caught_logout_tokens("sammen-feide")
    assert payload(token)["sid"] and payload(token)["sub"] == "alice"
    assert Client().post(BACKCHANNEL["feide"], {"logout_token": token}).status_code == 200
    assert not signed_in(browser.client)


def test_a_logout_at_id_porten_ends_the_guardians_sessions(browser: Browser, world: World) -> None:
    browser.log_in("idporten", "anne")
    logout_at_provider(browser, browser.provider.idporten_issuer)
    [token] = browser.caught_logout_tokens("sammen-idporten")
    assert Client().post(BACKCHANNEL["idporten"], {"logout_token": token}).status_code == 200
    assert not signed_in(browser.client)


def test_a_logout_token_for_another_application_is_refused(browser: Browser, world: World) -> None:
    browser.log_in("feide", "alice")
    browser.log_in_elsewhere(
        browser.provider.feide_issuer, "other-app", "http://other-app.example/callback", "alice"
    )
    logout_at_provider(browser, browser.provider.feide_issuer)
    [foreign] = browser.caught_logout_tokens("other-app")
    response = Client().post(BACKCHANNEL["feide"], {"logout_token": foreign})
    assert response.status_code == 400
    assert "aud" in response.json()["error_description"]
    assert signed_in(browser.client)


def test_a_logout_token_is_acted_on_once(browser: Browser, world: World) -> None:
    browser.log_in("feide", "alice")
    logout_at_provider(browser, browser.provider.feide_issuer)
    [token] = browser.caught_logout_tokens("sammen-feide")
    assert Client().post(BACKCHANNEL["feide"], {"logout_token": token}).status_code == 200
    again = Client().post(BACKCHANNEL["feide"], {"logout_token": token})
    assert again.status_code == 400
    assert "already used" in again.json()["error_description"]


def test_a_logout_token_from_the_other_provider_is_refused(browser: Browser, world: World) -> None:
    browser.log_in("feide", "alice")
    logout_at_provider(browser, browser.provider.feide_issuer)
    [token] = browser.caught_logout_tokens("sammen-feide")
    assert Client().post(BACKCHANNEL["idporten"], {"logout_token": token}).status_code == 400
    assert signed_in(browser.client)


def test_a_forged_logout_token_is_refused(browser: Browser, world: World) -> None:
    from joserfc import jwt
    from joserfc.jwk import RSAKey

    login = browser.log_in("feide", "alice")
    assert login.response is not None
    record = SignedInSession.objects.get(user=world.alice)
    now = int(time.time())
    forged = jwt.encode(
        {"alg": "RS256", "typ": "logout+jwt"},
        {
            "iss": browser.provider.feide_issuer,
            "aud": "sammen-feide",
            "iat": now,
            "jti": "forged",
            "sid": record.provider_session,
            "events": {"http://schemas.openid.net/event/backchannel-logout": {}},
        },
        RSAKey.generate_key(2048, private=True),
    )
    assert Client().post(BACKCHANNEL["feide"], {"logout_token": forged}).status_code == 400
    assert Client().post(BACKCHANNEL["feide"], {}).status_code == 400
    assert signed_in(browser.client)


def test_the_back_channel_takes_only_post(client: Client, oidc: Running) -> None:
    assert client.get(BACKCHANNEL["feide"]).status_code == 405


# Front-channel logout ---------------------------------------------------------------------------


def test_a_front_channel_logout_ends_every_session_of_the_user(
    browser: Browser, world: World
) -> None:
    browser.log_in("feide", "alice")
    elsewhere = local_login("alice")
    sid = SignedInSession.objects.get(user=world.alice, method="feide").provider_session
    # The provider's logout page loads this in a frame, without Sammen's cookie.
    frame = Client().get(FRONTCHANNEL, {"iss": browser.provider.feide_issuer, "sid": sid})
    assert frame.status_code == 200
    assert "X-Frame-Options" not in frame
    assert f"frame-ancestors {browser.provider.origin}" in frame["Content-Security-Policy"]
    assert not signed_in(browser.client)
    assert not signed_in(elsewhere)
    event = AuditEvent.objects.filter(action=actions.LOGOUT).latest("id")
    assert event.detail == "logged out at Feide (front-channel)"


@pytest.mark.parametrize(
    "params",
    [{"sid": "unknown"}, {"iss": "https://evil.example", "sid": "from-test"}, {}],
    ids=["no issuer", "another issuer", "nothing"],
)
def test_a_front_channel_logout_without_the_issuer_and_session_changes_nothing(
    browser: Browser, world: World, params: dict[str, str]
) -> None:
    browser.log_in("feide", "alice")
    if params.get("sid") == "from-test":
        params["sid"] = SignedInSession.objects.get(user=world.alice).provider_session
    assert Client().get(FRONTCHANNEL, params).status_code == 400
    assert signed_in(browser.client)


# By an administrator, and the record behind it --------------------------------------------------


def test_an_administrator_ends_every_session_of_a_user(client: Client, world: World) -> None:
    first = local_login("alice")
    second = local_login("alice")
    bystander = local_login("bob")
    out = io.StringIO()
    call_command("end_sessions", "alice", stdout=out)
    assert "2" in out.getvalue()
    assert not signed_in(first)
    assert not signed_in(second)
    assert signed_in(bystander)
    [event] = AuditEvent.objects.filter(action=actions.SESSIONS_ENDED)
    assert event.actor_label == "system: end_sessions"
    assert event.object_id == str(world.alice.public_id)
    assert event.detail == "2 session(s) ended"


def test_the_record_follows_the_session_key_through_two_factor(
    client: Client, world: World
) -> None:
    device = two_factor.enrol(actor=Actor.system("test"), user=world.sysadmin)
    client.post(reverse("accounts:login"), {"username": "sysadmin", "password": f.PASSWORD})
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("accounts:two_factor"), {"token": two_factor.current_code(device)})
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert SignedInSession.objects.get(user=world.sysadmin).session_id == after
    call_command("end_sessions", "sysadmin", stdout=io.StringIO())
    assert not signed_in(client)


def test_the_record_goes_with_its_session(client: Client, world: World) -> None:
    client.force_login(world.alice)
    assert SignedInSession.objects.filter(user=world.alice).count() == 1
    client.post(LOGOUT)
    assert not SignedInSession.objects.exists()
    client.force_login(world.alice)
    Session.objects.update(expire_date="2000-01-01T00:00:00Z")
    call_command("clearsessions")
    assert not SignedInSession.objects.exists()


def test_end_sessions_names_an_unknown_user(db: None) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="nobody-here"):
        call_command("end_sessions", "nobody-here", stdout=io.StringIO())
