"""The keyed hash of a national identity number (fødselsnummer or D-number): ``Guardian.pid_hash``.

Sammen never stores the number itself. ID-porten tells us a guardian's number at login; the roster
keeps only HMAC-SHA256(key, number), so the number can be matched but not read back, and a copy of
the database without the key cannot be searched for a known number either.

The key is ``PID_HASH_KEY``. Without it, one is derived from ``SECRET_KEY``; then rotating
``SECRET_KEY`` orphans every stored hash, so production sets ``PID_HASH_KEY`` on its own.
Every writer of ``pid_hash`` (importers, the login) must use this one function.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.utils.crypto import salted_hmac


class InvalidPidError(ValueError):
    pass


def _key() -> bytes:
    configured: str = settings.PID_HASH_KEY
    if configured:
        return configured.encode("utf-8")
    return salted_hmac("sammen.roster.pid_hash", "key", algorithm="sha256").digest()


def normalise(pid: str) -> str:
    """The 11 digits, without the spaces people type; anything else is not a number we match."""
    digits = "".join(pid.split())
    if len(digits) != 11 or not digits.isascii() or not digits.isdigit():
        raise InvalidPidError("a national identity number has 11 digits")
    return digits


def pid_hash(pid: str) -> str:
    """64 hex characters: the value stored in and looked up by ``Guardian.pid_hash``."""
    return hmac.new(_key(), normalise(pid).encode("ascii"), hashlib.sha256).hexdigest()
