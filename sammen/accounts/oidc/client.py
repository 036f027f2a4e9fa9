"""Talking to an OpenID provider: discovery, signing keys, the authorization request, the code
exchange, and the checks on every token that comes back.

Built from Authlib's OAuth 2.0 and OpenID Connect pieces (PKCE, request and token parameters,
client assertions, ID token claims) and joserfc, the JOSE library Authlib itself uses for
signatures. HTTP goes through the standard library with a timeout: Authlib's own HTTP clients
need ``requests`` or ``httpx``, which Sammen does not otherwise use.

Every check a relying party owes is here, and a failed one raises ``LoginError``: the state the
callback brings back, the issuer in the authorization response, the ID token's signature (against
the provider's published keys only, never ``none`` or a shared secret), issuer, audience, expiry
and issue time within ``OIDC_LEEWAY_SECONDS``, the nonce, and the level of the login (``acr``).
"""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from authlib.common.security import generate_token, is_secure_transport
from authlib.common.urls import add_params_to_uri
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri, prepare_token_request
from authlib.oauth2.rfc7523 import private_key_jwt_sign
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from django.conf import settings
from django.core.cache import cache
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError, MissingKeyError
from joserfc.jwk import KeySet, RSAKey
from joserfc.jwt import JWTClaimsRegistry

from sammen.accounts.oidc.config import Provider

# Only the asymmetric algorithms: a token signed with a shared secret or not at all is refused.
SIGNING_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
# A logout token is acted on only this soon after it was issued (plus the leeway).
LOGOUT_TOKEN_MAX_AGE = 5 * 60
# An unknown key id makes us fetch the provider's keys again, but not more often than this: a
# stranger posting logout tokens with made-up key ids must not make us hammer the provider.
MIN_KEY_REFRESH_SECONDS = 60


class LoginError(Exception):
    """A login or logout that must be refused. ``reason`` is for the audit log, never the page."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class AcrTooLowError(LoginError):
    """The login was made at a lower level of assurance than Sammen requires."""


class ProviderUnavailableError(LoginError):
    """The provider could not be reached or answered with something that is not OpenID Connect."""


# HTTP ------------------------------------------------------------------------------------------


def _checked_url(url: str) -> str:
    # https everywhere; plain http only on the loopback interface (the test provider).
    if not is_secure_transport(url):
        raise ProviderUnavailableError(f"refusing a non-https provider URL: {url}")
    return url


def _request_json(
    url: str, *, data: bytes | None = None, headers: Mapping[str, str] | None = None
) -> Any:
    request = urllib.request.Request(  # noqa: S310  (the scheme is checked above)
        _checked_url(url),
        data=data,
        headers={"Accept": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=settings.OIDC_HTTP_TIMEOUT_SECONDS
        ) as response:
            body = response.read(1_000_000)
    except urllib.error.HTTPError as exc:
        detail = _error_detail(exc)
        raise LoginError(f"{urllib.parse.urlsplit(url).path} answered {exc.code}{detail}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise ProviderUnavailableError(f"cannot reach {url}: {exc}") from None
    try:
        return json.loads(body)
    except ValueError:
        raise ProviderUnavailableError(f"{url} did not answer with JSON") from None


def _error_detail(exc: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(exc.read(10_000))
    except ValueError:
        return ""
    if isinstance(body, dict) and "error" in body:
        return f" ({body['error']}: {str(body.get('error_description', ''))[:200]})"
    return ""


# Discovery and keys, cached --------------------------------------------------------------------

T = TypeVar("T")


@dataclass
class _Entry:
    value: Any
    expires: float
    fetched: float


_cache: dict[str, _Entry] = {}
_lock = threading.Lock()


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def _cached(key: str, fetch: Callable[[], T], *, refresh: bool = False) -> T:
    """The cached value, or a fresh one when it is missing, stale or ``refresh`` (rate limited)."""
    moment = time.monotonic()
    with _lock:
        entry = _cache.get(key)
    fresh_enough = not refresh or (
        entry is not None and moment - entry.fetched < MIN_KEY_REFRESH_SECONDS
    )
    if entry is not None and moment < entry.expires and fresh_enough:
        value: T = entry.value
        return value
    fresh = fetch()
    with _lock:
        _cache[key] = _Entry(fresh, moment + settings.OIDC_CACHE_SECONDS, moment)
    return fresh


@dataclass(frozen=True)
class Metadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str
    end_session_endpoint: str
    signing_algorithms: tuple[str, ...]


def metadata(provider: Provider) -> Metadata:
    url = f"{provider.issuer.rstrip('/')}/.well-known/openid-configuration"
    document = _cached(url, lambda: _request_json(url))
    if not isinstance(document, dict):
        raise ProviderUnavailableError("the discovery document is not a JSON object")
    # OpenID Connect Discovery 1.0 §4.3: the document must name exactly the issuer we asked.
    if document.get("issuer") != provider.issuer:
        raise ProviderUnavailableError(f"discovery names issuer {document.get('issuer')!r}")
    try:
        endpoints = {
            name: _checked_url(str(document[name]))
            for name in ("authorization_endpoint", "token_endpoint", "jwks_uri")
        }
    except KeyError as exc:
        raise ProviderUnavailableError(f"discovery lacks {exc.args[0]}") from None
    methods = document.get("code_challenge_methods_supported")
    if isinstance(methods, list) and "S256" not in methods:
        raise ProviderUnavailableError("the provider does not support PKCE with S256")
    algorithms = document.get("id_token_signing_alg_values_supported") or ["RS256"]
    return Metadata(
        issuer=provider.issuer,
        userinfo_endpoint=str(document.get("userinfo_endpoint") or ""),
        end_session_endpoint=str(document.get("end_session_endpoint") or ""),
        signing_algorithms=tuple(a for a in algorithms if a in SIGNING_ALGORITHMS),
        **endpoints,
    )


def key_set(provider: Provider, *, refresh: bool = False) -> KeySet:
    uri = metadata(provider).jwks_uri
    document = _cached(f"jwks {uri}", lambda: _request_json(uri), refresh=refresh)
    try:
        return KeySet.import_key_set(document)
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise ProviderUnavailableError(f"the provider's keys cannot be read: {exc}") from None


def _verified(provider: Provider, raw: str) -> jwt.Token:
    """The token, if its signature is good with one of the provider's keys."""
    algorithms = metadata(provider).signing_algorithms
    if not algorithms:
        raise LoginError("the provider offers no signing algorithm Sammen accepts")
    try:
        try:
            return jwt.decode(raw, key_set(provider), algorithms=list(algorithms))
        except (InvalidKeyIdError, MissingKeyError):
            # The provider may have rotated its keys since we cached them.
            return jwt.decode(raw, key_set(provider, refresh=True), algorithms=list(algorithms))
    except JoseError as exc:
        raise LoginError(f"token signature not accepted: {exc.error}") from None
    except ValueError:
        raise LoginError("token is not a JWT") from None


# The authorization request ---------------------------------------------------------------------


@dataclass(frozen=True)
class Pending:
    """What the callback must find again: kept in the (not yet signed-in) session."""

    provider: str
    state: str
    nonce: str
    code_verifier: str
    next: str
    started: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "state": self.state,
            "nonce": self.nonce,
            "code_verifier": self.code_verifier,
            "next": self.next,
            "started": self.started,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Pending:
        return cls(
            provider=str(data["provider"]),
            state=str(data["state"]),
            nonce=str(data["nonce"]),
            code_verifier=str(data["code_verifier"]),
            next=str(data["next"]),
            started=int(data["started"]),
        )


def begin(provider: Provider, *, redirect_uri: str, next_url: str) -> tuple[str, Pending]:
    """The provider's authorization URL (code flow, PKCE S256, state, nonce) and what to keep."""
    pending = Pending(
        provider=provider.name.value,
        state=generate_token(43),
        nonce=generate_token(43),
        code_verifier=generate_token(64),
        next=next_url,
        started=int(time.time()),
    )
    extra: dict[str, str] = {
        "nonce": pending.nonce,
        "code_challenge": create_s256_code_challenge(pending.code_verifier),
        "code_challenge_method": "S256",
    }
    if provider.acr_values:
        extra["acr_values"] = " ".join(provider.acr_values)
    url: str = prepare_grant_uri(
        metadata(provider).authorization_endpoint,
        provider.client_id,
        "code",
        redirect_uri=redirect_uri,
        scope=" ".join(provider.scopes),
        state=pending.state,
        **extra,
    )
    return url, pending


def check_response_issuer(provider: Provider, iss: str | None) -> None:
    """RFC 9207: a provider that names itself in the response must name itself, not another."""
    if iss is not None and iss != provider.issuer:
        raise LoginError(f"the authorization response came from issuer {iss!r}")


# The code exchange -----------------------------------------------------------------------------


def _client_authentication(provider: Provider) -> tuple[dict[str, str], str]:
    """Headers and extra body for the token request: private_key_jwt, else client_secret_basic."""
    if provider.uses_private_key:
        try:
            key = RSAKey.import_key(provider.private_key)
        except (JoseError, ValueError) as exc:
            raise ProviderUnavailableError(f"the private key cannot be read: {exc}") from None
        header = {
            "alg": "RS256",
            **({"kid": provider.private_key_id} if provider.private_key_id else {}),
        }
        # ID-porten wants its issuer as the audience and an assertion that lives two minutes
        # at most; oidc-provider accepts the issuer too.
        assertion = private_key_jwt_sign(
            key, provider.client_id, provider.issuer, alg="RS256", header=header, expires_in=60
        )
        body = urllib.parse.urlencode(
            {
                "client_id": provider.client_id,
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": assertion,
            }
        )
        return {}, body
    # RFC 6749 §2.3.1: both halves form-encoded before they are joined.
    quote = urllib.parse.quote_plus
    pair = f"{quote(provider.client_id)}:{quote(provider.client_secret)}"
    basic = base64.b64encode(pair.encode("utf-8")).decode("ascii")
    return {"Authorization": f"Basic {basic}"}, ""


def exchange_code(
    provider: Provider, *, code: str, redirect_uri: str, code_verifier: str
) -> dict[str, Any]:
    token_endpoint = metadata(provider).token_endpoint
    headers, auth_body = _client_authentication(provider)
    body: str = prepare_token_request(
        "authorization_code",
        body=auth_body,
        redirect_uri=redirect_uri,
        code=code,
        code_verifier=code_verifier,
    )
    response = _request_json(
        token_endpoint,
        data=body.encode("ascii"),
        headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
    )
    if not isinstance(response, dict) or not isinstance(response.get("id_token"), str):
        raise LoginError("the token response has no ID token")
    if str(response.get("token_type", "")).lower() != "bearer":
        raise LoginError("the token response is not a bearer token")
    return response


# Tokens ----------------------------------------------------------------------------------------


def _now() -> int:
    return int(time.time())


def _describe(exc: JoseError) -> str:
    claim = getattr(exc, "claim", "")
    return " ".join(part for part in (exc.error, claim, exc.description) if part)


def validate_id_token(
    provider: Provider, raw: str, *, nonce: str, access_token: str | None
) -> dict[str, Any]:
    """The ID token's claims, after every check OpenID Connect Core §3.1.3.7 asks of a client."""
    token = _verified(provider, raw)
    options: dict[str, Any] = {
        "iss": {"essential": True, "value": provider.issuer},
        "aud": {"essential": True, "value": provider.client_id},
        "sub": {"essential": True},
    }
    claims = CodeIDToken(
        token.claims,
        token.header,
        options,
        {"nonce": nonce, "client_id": provider.client_id, "access_token": access_token},
    )
    try:
        claims.validate(now=_now(), leeway=settings.OIDC_LEEWAY_SECONDS)
    except JoseError as exc:
        raise LoginError(f"ID token refused: {_describe(exc)}") from None
    audience = token.claims["aud"]
    if isinstance(audience, list) and audience != [provider.client_id]:
        # Another audience beside ours would be a party we have no reason to trust.
        raise LoginError("ID token refused: it is also meant for other audiences")
    accepted = provider.accepted_acr()
    acr = token.claims.get("acr")
    if accepted and acr not in accepted:
        raise AcrTooLowError(
            f"ID token refused: acr {acr!r} is below {' '.join(provider.acr_values)}"
        )
    return dict(token.claims)


def validate_logout_token(provider: Provider, raw: str) -> dict[str, Any]:
    """A back-channel logout token's claims (OpenID Connect Back-Channel Logout 1.0 §2.6)."""
    token = _verified(provider, raw)
    now = _now()
    registry = JWTClaimsRegistry(
        now=now,
        leeway=settings.OIDC_LEEWAY_SECONDS,
        iss={"essential": True, "value": provider.issuer},
        aud={"essential": True, "value": provider.client_id},
        iat={"essential": True},
        jti={"essential": True},
        events={"essential": True},
    )
    claims = token.claims
    try:
        registry.validate(claims)
    except JoseError as exc:
        raise LoginError(f"logout token refused: {_describe(exc)}") from None
    events = claims.get("events")
    if not isinstance(events, dict) or BACKCHANNEL_EVENT not in events:
        raise LoginError("logout token refused: not a back-channel logout event")
    if "nonce" in claims:
        raise LoginError("logout token refused: it carries a nonce, so it is an ID token")
    if not claims.get("sid") and not claims.get("sub"):
        raise LoginError("logout token refused: it names neither a session nor a user")
    if claims["iat"] < now - LOGOUT_TOKEN_MAX_AGE - settings.OIDC_LEEWAY_SECONDS:
        raise LoginError("logout token refused: issued too long ago")
    # Each logout token is acted on once (Digdir asks for this; the spec allows it).
    seen = f"sammen.oidc.logout-jti:{provider.name}:{claims['jti']}"
    if not cache.add(seen, True, timeout=LOGOUT_TOKEN_MAX_AGE * 2):
        raise LoginError("logout token refused: already used")
    return dict(claims)


def userinfo(provider: Provider, access_token: str) -> dict[str, Any]:
    url = provider.userinfo_url or metadata(provider).userinfo_endpoint
    if not url:
        raise LoginError("the provider has no userinfo endpoint")
    info = _request_json(url, headers={"Authorization": f"Bearer {access_token}"})
    if not isinstance(info, dict):
        raise LoginError("userinfo is not a JSON object")
    return info


def end_session_url(
    provider: Provider, *, id_token_hint: str | None, post_logout_redirect_uri: str
) -> str | None:
    """Where to send the browser to log out at the provider too (RP-Initiated Logout 1.0)."""
    try:
        endpoint = metadata(provider).end_session_endpoint
    except LoginError:
        return None
    if not endpoint:
        return None
    params = {"client_id": provider.client_id, "post_logout_redirect_uri": post_logout_redirect_uri}
    if id_token_hint:
        params["id_token_hint"] = id_token_hint
    params["state"] = generate_token(20)
    url: str = add_params_to_uri(endpoint, params)
    return url
