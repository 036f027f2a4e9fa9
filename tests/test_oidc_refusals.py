"""Every way a login through Feide or ID-porten must be refused, each driven through the real
provider and Sammen's own callback: too low a level, a tampered state, a replayed callback or
nonce, an expired or not-yet-valid ID token, a token meant for another client, a response from
another issuer."""

from __future__ import annotations

import time
import urllib.parse
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.utils.html import escape
from django.utils.translation import gettext

from sammen.accounts.models import User
from sammen.accounts.oidc import client as oidc_client
from sammen.accounts.oidc import config
from sammen.audit import actions
from sammen.audit.models import AuditEvent
from tests.conftest import World
from tests.oidc_support import (
    FEIDE_PASSWORD_ONLY,
    Browser,
    Login,
    Running,
    oidc,
    oidc_provider,
    register_in_roster,
)

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

__all__ = ["oidc", "oidc_provider"]

ID_TOKEN_TTL = 120  # the ID-porten-like issuer's, as ID-porten's own


@pytest.fixture
def browser(client: Client, oidc: Running, world: World) -> Browser:
    register_in_roster(world)
    return Browser(client, oidc)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def refused(response: Response | None, status: int = 400) -> str:
    """The refusal's audit detail, after checking the page and that nobody is signed in."""
    assert response is not None
    assert response.status_code == status, response.content[:400]
    assert "_auth_user_id" not in response.wsgi_request.session
    event = AuditEvent.objects.filter(action=actions.LOGIN_FAILED).latest("id")
    return event.detail


def shown(msgid: str, response: Response) -> bool:
    """Whether the page shows this text, in whichever language the page is in."""
    return escape(gettext(msgid)) in response.content.decode()


def with_params(url: str, **changes: str) -> str:
    parts = urllib.parse.urlsplit(url)
    params = dict(urllib.parse.parse_qsl(parts.query))
    params.update(changes)
    return parts._replace(query=urllib.parse.urlencode(params)).geturl()


def shift_clock(monkeypatch: pytest.MonkeyPatch, seconds: int) -> None:
    real = time.time
    monkeypatch.setattr("time.time", lambda: real() + seconds)


# The level of the login (acr) -------------------------------------------------------------------


def test_a_guardian_login_below_substantial_is_refused(browser: Browser, world: World) -> None:
    # The browser strips the level Sammen asked for, and the person uses a low-level e-ID: the
    # provider obliges, so only Sammen's own check of `acr` stands in the way.
    def downgrade(params: dict[str, str]) -> None:
        params["acr_values"] = "idporten-loa-low"

    login = browser.log_in("idporten", "anne", acr="idporten-loa-low", tamper=downgrade)
    detail = refused(login.response, 403)
    assert "idporten-loa-low" in detail
    assert login.response is not None
    assert shown("Log in again with MinID, BankID, Buypass or Commfides.", login.response)


def test_a_guardian_login_at_high_is_accepted(browser: Browser, world: World) -> None:
    login = browser.log_in("idporten", "anne", acr="idporten-loa-high")
    assert login.response is not None
    assert login.response.status_code == 302
    assert signed_in(browser.client)


def test_a_staff_login_without_mfa_is_refused(browser: Browser, world: World) -> None:
    def downgrade(params: dict[str, str]) -> None:
        del params["acr_values"]

    login = browser.log_in("feide", "alice", acr=FEIDE_PASSWORD_ONLY, tamper=downgrade)
    assert FEIDE_PASSWORD_ONLY in refused(login.response, 403)


def test_a_provider_that_refuses_the_level_is_a_failed_login(
    browser: Browser, world: World
) -> None:
    # Untampered, the provider itself will not log in at a lower level than asked for.
    login = browser.log_in("idporten", "anne", acr="idporten-loa-low")
    assert login.params["error"] == "access_denied"
    assert refused(login.response) == "ID-porten: the provider answered access_denied"


# State ------------------------------------------------------------------------------------------


def test_a_tampered_state_is_refused(browser: Browser, world: World) -> None:
    login = browser.log_in("feide", "alice", deliver=False)
    assert login.callback_url is not None
    response = browser.sammen(with_params(login.callback_url, state="x" + login.params["state"]))
    assert refused(response) == "Feide: unknown, used or expired state"


def test_a_callback_without_state_is_refused(browser: Browser, world: World) -> None:
    login = browser.log_in("feide", "alice", deliver=False)
    assert login.callback_url is not None
    parts = urllib.parse.urlsplit(login.callback_url)
    params = {k: v for k, v in urllib.parse.parse_qsl(parts.query) if k != "state"}
    response = browser.sammen(parts._replace(query=urllib.parse.urlencode(params)).geturl())
    assert refused(response) == "Feide: unknown, used or expired state"


def test_a_callback_in_another_browser_is_refused(browser: Browser, world: World) -> None:
    # Someone who got hold of the callback URL cannot use it from their own browser.
    login = browser.log_in("feide", "alice", deliver=False)
    assert login.callback_url is not None
    thief = Browser(Client(), browser.provider)
    response = thief.sammen(login.callback_url)
    assert refused(response) == "Feide: unknown, used or expired state"
    assert not signed_in(thief.client)


def test_a_callback_for_one_provider_is_refused_at_the_other(
    browser: Browser, world: World
) -> None:
    login = browser.log_in("feide", "alice", deliver=False)
    assert login.callback_url is not None
    response = browser.sammen(login.callback_url.replace("/feide/", "/idporten/"))
    assert refused(response) == "ID-porten: unknown, used or expired state"


def test_a_login_left_too_long_at_the_provider_is_refused(
    browser: Browser, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.conf import settings

    login = browser.log_in("feide", "alice", deliver=False)
    assert login.callback_url is not None
    shift_clock(monkeypatch, settings.OIDC_LOGIN_TIMEOUT_SECONDS + 1)
    assert refused(browser.sammen(login.callback_url)) == "Feide: unknown, used or expired state"


# Replays ----------------------------------------------------------------------------------------


def test_a_replayed_callback_is_refused(browser: Browser, world: World) -> None:
    login = browser.log_in("feide", "alice")
    assert login.callback_url is not None and signed_in(browser.client)
    browser.client.post("/logg-ut/")
    response = browser.sammen(login.callback_url)
    assert refused(response) == "Feide: unknown, used or expired state"


def test_a_replayed_nonce_is_refused(browser: Browser, world: World) -> None:
    first = browser.log_in("idporten", "anne")
    used_nonce = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(first.authorization_url).query))[
        "nonce"
    ]
    browser.client.post("/logg-ut/")

    # A new login whose request carries the earlier login's nonce: the provider puts that nonce
    # in the new ID token, and Sammen, expecting the nonce it made for this login, refuses it.
    def replay(params: dict[str, str]) -> None:
        params["nonce"] = used_nonce

    second = browser.log_in("idporten", "anne", tamper=replay)
    assert "nonce" in refused(second.response)


def test_the_same_callback_twice_in_one_session_finds_its_state_spent(
    browser: Browser, world: World
) -> None:
    # Delivered again in the same browser, signed in by the first: the state was taken out of
    # the session at the first delivery (and were it not, the provider would refuse the code).
    login = browser.log_in("feide", "alice", deliver=False)
    assert login.callback_url is not None
    first = browser.sammen(login.callback_url)
    assert first.status_code == 302
    second = browser.sammen(login.callback_url)
    assert second.status_code == 400
    event = AuditEvent.objects.filter(action=actions.LOGIN_FAILED).latest("id")
    assert event.detail == "Feide: unknown, used or expired state"


# Time -------------------------------------------------------------------------------------------


def test_an_expired_id_token_is_refused(
    browser: Browser, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.conf import settings

    login = browser.log_in("idporten", "anne", deliver=False)
    assert login.callback_url is not None
    shift_clock(monkeypatch, ID_TOKEN_TTL + settings.OIDC_LEEWAY_SECONDS + 5)
    detail = refused(browser.sammen(login.callback_url))
    assert "expired_token" in detail


def test_clock_skew_within_the_leeway_is_tolerated(
    browser: Browser, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.conf import settings

    login = browser.log_in("idporten", "anne", deliver=False)
    assert login.callback_url is not None
    shift_clock(monkeypatch, ID_TOKEN_TTL + settings.OIDC_LEEWAY_SECONDS - 10)
    response = browser.sammen(login.callback_url)
    assert response.status_code == 302
    assert signed_in(browser.client)


def test_an_id_token_from_the_future_is_refused(
    browser: Browser, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.conf import settings

    login = browser.log_in("idporten", "anne", deliver=False)
    assert login.callback_url is not None
    shift_clock(monkeypatch, -(settings.OIDC_LEEWAY_SECONDS + 10))
    assert "iat" in refused(browser.sammen(login.callback_url))
    assert not signed_in(browser.client)


# Who the token is for and from ------------------------------------------------------------------


def test_an_id_token_issued_to_another_client_is_refused(browser: Browser, world: World) -> None:
    # The provider hands Sammen an ID token it issued to another application (same person,
    # same nonce, the provider's real signature): only Sammen's audience check catches it.
    browser.provider_json(
        "/_harness/substitute-audience",
        {"issuer": "feide", "client_id": "sammen-feide", "audience": "other-app"},
    )
    login = browser.log_in("feide", "alice")
    assert "aud" in refused(login.response)
    assert User.objects.filter(pk=world.alice.pk).get().last_login is None


def test_a_response_naming_another_issuer_is_refused(browser: Browser, world: World) -> None:
    login = browser.log_in("feide", "alice", deliver=False)
    assert login.callback_url is not None
    other = with_params(login.callback_url, iss=browser.provider.idporten_issuer)
    assert "authorization response came from issuer" in refused(browser.sammen(other))


def test_a_token_not_signed_by_the_provider_is_refused(oidc: Running) -> None:
    from joserfc import jwt
    from joserfc.jwk import RSAKey

    provider = config.get("feide")
    assert provider is not None
    now = int(time.time())
    claims = {
        "iss": provider.issuer,
        "aud": provider.client_id,
        "sub": "alice",
        "iat": now,
        "exp": now + 60,
        "nonce": "n",
        "acr": "urn:mace:feide.no:auth:level:fad08:3",
    }
    forged = jwt.encode({"alg": "RS256"}, claims, RSAKey.generate_key(2048, private=True))
    with pytest.raises(oidc_client.LoginError, match="signature"):
        oidc_client.validate_id_token(provider, forged, nonce="n", access_token=None)
    unsigned = forged.rsplit(".", 1)[0].split(".", 1)[1]
    none_token = f"eyJhbGciOiJub25lIn0.{unsigned}."
    with pytest.raises(oidc_client.LoginError):
        oidc_client.validate_id_token(provider, none_token, nonce="n", access_token=None)


def test_an_unreachable_provider_gets_a_clear_page(
    client: Client, oidc: Running, settings: object
) -> None:
    from django.conf import settings as live

    live.OIDC_PROVIDERS = {
        **live.OIDC_PROVIDERS,
        "feide": {**live.OIDC_PROVIDERS["feide"], "issuer": "http://127.0.0.1:9/feide"},
    }
    oidc_client.clear_cache()
    response = client.get("/logg-inn/feide/")
    assert response.status_code == 503
    assert "accounts/oidc_failed.html" in [t.name for t in response.templates]
    assert response.context["kind"] == "unavailable"


def test_a_provider_over_plain_http_elsewhere_than_this_machine_is_refused(
    client: Client, oidc: Running, settings: object
) -> None:
    from django.conf import settings as live

    live.OIDC_PROVIDERS = {
        **live.OIDC_PROVIDERS,
        "feide": {**live.OIDC_PROVIDERS["feide"], "issuer": "http://auth.dataporten.no"},
    }
    oidc_client.clear_cache()
    assert client.get("/logg-inn/feide/").status_code == 503
    [event] = AuditEvent.objects.filter(action=actions.LOGIN_FAILED)
    assert "non-https" in event.detail


def test_the_provider_logins_left_nothing_half_done(browser: Browser, world: World) -> None:
    # After a refused login the browser can still log in properly.
    def downgrade(params: dict[str, str]) -> None:
        params["acr_values"] = "idporten-loa-low"

    browser.log_in("idporten", "anne", acr="idporten-loa-low", tamper=downgrade)
    fresh = Browser(browser.client, browser.provider)
    login: Login = fresh.log_in("idporten", "anne")
    assert login.response is not None
    assert login.response.status_code == 302
    assert signed_in(browser.client)
