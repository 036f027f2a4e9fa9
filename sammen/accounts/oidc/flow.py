"""A login through Feide or ID-porten from start to signed-in session, and the logout after it.

``start`` keeps what the callback must find again (state, nonce, PKCE verifier) in the session of
the not-yet-signed-in browser; ``complete`` takes it out again (so a callback cannot be replayed),
checks everything the provider sent, finds the person in the roster and signs them in. Anything
wrong raises ``LoginRefusedError``, which says which page the person gets and what the audit log
records.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from sammen.accounts import signed_in
from sammen.accounts.models import User
from sammen.accounts.oidc import client, config, groups, matching, seal
from sammen.accounts.oidc.config import Name, Provider
from sammen.audit import actions
from sammen.audit.log import log_login

logger = logging.getLogger("sammen.oidc")

PENDING = "oidc_pending"
LOGIN = "oidc_login"
# A person may start a login in more than one tab; older starts are forgotten.
MAX_PENDING = 5
BACKEND = "django.contrib.auth.backends.ModelBackend"


class Refusal(enum.StrEnum):
    FAILED = "failed"
    UNAVAILABLE = "unavailable"
    LEVEL = "level"
    NOT_STAFF = "not_staff"
    NOT_GUARDIAN = "not_guardian"


class LoginRefusedError(Exception):
    def __init__(self, kind: Refusal, reason: str, who: str = "") -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.who = who


def _site_url(path: str) -> str:
    # From SITE_URL, not the request's Host header: the provider must see the registered URL.
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def redirect_uri(provider: Provider) -> str:
    return _site_url(reverse("accounts:oidc_callback", args=[provider.name.value]))


def post_logout_redirect_uri() -> str:
    return _site_url(reverse("accounts:login"))


# Starting --------------------------------------------------------------------------------------


def start(request: HttpRequest, provider: Provider, *, next_url: str) -> str:
    """The URL to send the browser to; raises ProviderUnavailableError if discovery fails."""
    url, pending = client.begin(provider, redirect_uri=redirect_uri(provider), next_url=next_url)
    stored: dict[str, Any] = dict(request.session.get(PENDING) or {})
    stored[pending.state] = pending.as_dict()
    newest = sorted(stored.values(), key=lambda p: int(p["started"]))[-MAX_PENDING:]
    request.session[PENDING] = {p["state"]: p for p in newest}
    return url


def _take_pending(session: SessionBase, provider: Provider, state: str) -> client.Pending | None:
    stored: dict[str, Any] = dict(session.get(PENDING) or {})
    raw = stored.pop(state, None) if state else None
    session[PENDING] = stored
    if not isinstance(raw, dict):
        return None
    pending = client.Pending.from_dict(raw)
    if pending.provider != provider.name.value:
        return None
    if int(time.time()) - pending.started > settings.OIDC_LOGIN_TIMEOUT_SECONDS:
        return None
    return pending


# Completing ------------------------------------------------------------------------------------


def _checked_claims(
    provider: Provider, pending: client.Pending, params: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        client.check_response_issuer(provider, params.get("iss"))
        code = params.get("code")
        if not code:
            raise client.LoginError("the callback has no code")
        tokens = client.exchange_code(
            provider,
            code=code,
            redirect_uri=redirect_uri(provider),
            code_verifier=pending.code_verifier,
        )
        claims = client.validate_id_token(
            provider,
            tokens["id_token"],
            nonce=pending.nonce,
            access_token=tokens.get("access_token"),
        )
    except client.AcrTooLowError as exc:
        raise LoginRefusedError(Refusal.LEVEL, exc.reason) from None
    except client.ProviderUnavailableError as exc:
        raise LoginRefusedError(Refusal.UNAVAILABLE, exc.reason) from None
    except client.LoginError as exc:
        raise LoginRefusedError(Refusal.FAILED, exc.reason) from None
    return tokens, claims


def _staff_login(
    provider: Provider, tokens: Mapping[str, Any], claims: dict[str, Any]
) -> matching.Match:
    who = matching.feide_name(claims)
    try:
        found = matching.user_for_staff(matching.find_staff(claims))
    except matching.NoMatchError as exc:
        raise LoginRefusedError(Refusal.NOT_STAFF, exc.reason, who) from None
    assert found.staff is not None
    if groups.synced_schools(found.staff) and isinstance(tokens.get("access_token"), str):
        try:
            info = client.userinfo(provider, tokens["access_token"])
        except client.LoginError as exc:
            # The login stands; the groups wait for the next one.
            logger.warning("Feide groups not read for %s: %s", who, exc.reason)
        else:
            entitlements = info.get("eduPersonEntitlement") or []
            if isinstance(entitlements, str):
                entitlements = [entitlements]
            groups.sync(
                staff=found.staff,
                entitlements=[e for e in entitlements if isinstance(e, str)],
                today=timezone.localdate(),
            )
    return found


def _guardian_login(claims: dict[str, Any]) -> matching.Match:
    try:
        return matching.user_for_guardian(matching.find_guardian(claims))
    except matching.NoMatchError as exc:
        raise LoginRefusedError(Refusal.NOT_GUARDIAN, exc.reason) from None


def complete(
    request: HttpRequest, provider: Provider, params: Mapping[str, str]
) -> tuple[User, str]:
    """Sign the person in; returns the user and where to go next. Raises LoginRefusedError."""
    pending = _take_pending(request.session, provider, params.get("state", ""))
    if pending is None:
        raise LoginRefusedError(Refusal.FAILED, "unknown, used or expired state")
    if params.get("error"):
        raise LoginRefusedError(Refusal.FAILED, f"the provider answered {params['error'][:100]}")
    tokens, claims = _checked_claims(provider, pending, params)
    if provider.name == Name.FEIDE:
        found = _staff_login(provider, tokens, claims)
    else:
        found = _guardian_login(claims)
    user = found.user
    auth.login(request, user, backend=BACKEND)  # a new session key; starts the session clock
    request.session.pop(PENDING, None)  # other logins started in this browser end here
    acr = str(claims.get("acr", ""))
    request.session[LOGIN] = {
        "provider": provider.name.value,
        "acr": acr,
        "strong": provider.requires_strong_login,
        "hint": seal.seal(str(tokens["id_token"])),
    }
    signed_in.remember(
        request,
        user,
        method=provider.name.value,
        issuer=provider.issuer,
        subject=str(claims["sub"]),
        provider_session=str(claims.get("sid", "")),
    )
    log_login(actor=user, action=actions.LOGIN, detail=f"{provider.audit_name} ({acr})".strip())
    return user, pending.next


# After the login -------------------------------------------------------------------------------


def strongly_authenticated(session: SessionBase) -> bool:
    """Whether this session's login already had two factors at the provider."""
    info = session.get(LOGIN)
    return isinstance(info, dict) and info.get("strong") is True


def provider_logout_url(session: SessionBase) -> str | None:
    """Where to log out at the provider too, for a session that logged in through one."""
    info = session.get(LOGIN)
    if not isinstance(info, dict):
        return None
    provider = config.get(str(info.get("provider", "")))
    if provider is None:
        return None
    hint = seal.unseal(str(info.get("hint", "")))
    return client.end_session_url(
        provider, id_token_hint=hint, post_logout_redirect_uri=post_logout_redirect_uri()
    )


def end_sessions_for_provider_logout(
    provider: Provider, *, sid: str | None, sub: str | None, channel: str
) -> int:
    """A provider says someone logged out there: end every session of the users it names."""
    # The provider's session names the user as surely as their `sub` does, and every session of
    # that user ends either way; a provider that left `sid` out of the ID token is found by `sub`.
    users = {
        *(signed_in.users_by_provider_session(provider.issuer, sid) if sid else []),
        *(signed_in.users_by_subject(provider.issuer, sub) if sub else []),
    }
    ended = 0
    for user in sorted(users, key=lambda u: u.pk):
        ended += signed_in.end_all_on_provider_logout(
            user, how=f"logged out at {provider.audit_name} ({channel})"
        )
    return ended
