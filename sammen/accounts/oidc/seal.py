"""Encrypting the ID token kept in the session for the logout at the provider.

RP-initiated logout wants the ID token back as ``id_token_hint`` (ID-porten returns the browser to
Sammen only with it), but ID-porten's ID token carries the national identity number, which Sammen
must not store in clear. So the session keeps it encrypted (JWE, A256GCM) with a key derived from
``SECRET_KEY``; it lives no longer than the session.
"""

from __future__ import annotations

from django.utils.crypto import salted_hmac
from joserfc import jwe
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

_HEADER = {"alg": "dir", "enc": "A256GCM"}
_ALGORITHMS = ["dir", "A256GCM"]


def _key() -> OctKey:
    secret = salted_hmac("sammen.accounts.oidc.seal", "id-token-hint", algorithm="sha256")
    return OctKey.import_key(secret.digest())


def seal(text: str) -> str:
    return jwe.encrypt_compact(_HEADER, text.encode("utf-8"), _key(), algorithms=_ALGORITHMS)


def unseal(sealed: str) -> str | None:
    try:
        plaintext = jwe.decrypt_compact(sealed, _key(), algorithms=_ALGORITHMS).plaintext
    except (JoseError, ValueError):
        return None
    return plaintext.decode("utf-8") if plaintext is not None else None
