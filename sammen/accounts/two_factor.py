"""TOTP second factor (django-otp) for local accounts that need it.

The key is handed out only by an operator with shell access (`sammen two_factor_setup USER`),
never by the web: otherwise whoever first learned an administrator's password could enrol their
own phone. The web page only confirms a device the operator created, with its first code.
"""

from __future__ import annotations

import base64
import time
from typing import Any

from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from sammen.audit import actions
from sammen.audit.log import log_change


def device_for(user: Any) -> TOTPDevice | None:
    """The user's confirmed device, else the unconfirmed one an operator enrolled, else None."""
    device: TOTPDevice | None = (
        TOTPDevice.objects.filter(user=user).order_by("-confirmed", "id").first()
    )
    return device


def enrol(*, actor: Any, user: Any, reset: bool = False) -> TOTPDevice:
    """Create a new, unconfirmed device for ``user``; its first code at login confirms it.

    Refuses to replace a confirmed device unless ``reset`` (a lost phone).
    """
    with transaction.atomic():
        existing = TOTPDevice.objects.filter(user=user)
        if existing.filter(confirmed=True).exists() and not reset:
            raise ValueError("the user already has a confirmed device; use reset")
        existing.delete()
        device = TOTPDevice.objects.create(user=user, name="Sammen", confirmed=False)
        log_change(actor=actor, action=actions.TOTP_DEVICE_ENROLLED, obj=user)
    return device


def verify(device: TOTPDevice, token: str) -> bool:
    return bool(device.verify_token(token))


def confirm(*, actor: Any, device: TOTPDevice) -> None:
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        log_change(actor=actor, action=actions.TOTP_DEVICE_CONFIRMED, obj=device.user)


def base32_key(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii")


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator app shows now (tests and the demo's set-up use it).

    Read from ``time.time()`` like TOTPDevice.verify_token, so both follow the same clock.
    """
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    generator.time = time.time()
    return f"{generator.token():0{device.digits}d}"
