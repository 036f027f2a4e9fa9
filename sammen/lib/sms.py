"""Sending text messages (SMS) through a pluggable backend, the way Django sends e-mail.

The setting ``SMS_BACKEND`` names a class by dotted path; ``get_sms_backend()`` builds it. Two
backends ship with Sammen: ``ConsoleBackend`` (writes each message to the log and stdout, for the
demo and development) and ``LocmemBackend`` (keeps messages in ``sms.outbox``, for tests).

A real gateway (the national one, or a commercial provider) is a class with a ``send`` method
taking a list of ``SmsMessage`` and returning how many were accepted, and raising ``SmsError``
when the gateway refuses or cannot be reached; point ``SMS_BACKEND`` at it. It owns its
credentials (read them from the environment in its ``__init__``) and the number format the
gateway wants (``to`` is the number as the roster holds it, e.g. ``+47 912 34 567``).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TextIO

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("sammen.sms")


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str


class SmsError(Exception):
    """The message was not accepted; the caller records the failure and may retry."""


class SmsBackend(Protocol):
    def send(self, messages: Sequence[SmsMessage]) -> int:
        """Hand ``messages`` to the gateway; return how many it accepted, or raise SmsError."""
        ...


def _check(message: SmsMessage) -> None:
    # A backend must refuse what no gateway could deliver, so tests see the same failure.
    if not message.to.strip():
        raise SmsError("no phone number")
    if not message.body.strip():
        raise SmsError("empty message")


class ConsoleBackend:
    """Writes messages to stdout (and the log) instead of sending them."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def send(self, messages: Sequence[SmsMessage]) -> int:
        stream = self.stream or sys.stdout
        for message in messages:
            _check(message)
            stream.write(f"SMS to {message.to}\n{message.body}\n{'-' * 40}\n")
            logger.info("SMS written to the console (%d characters)", len(message.body))
        stream.flush()
        return len(messages)


outbox: list[SmsMessage] = []


class LocmemBackend:
    """Keeps messages in ``sammen.lib.sms.outbox``, like Django's locmem mail backend."""

    def send(self, messages: Sequence[SmsMessage]) -> int:
        for message in messages:
            _check(message)
        outbox.extend(messages)
        return len(messages)


def get_sms_backend(path: str | None = None) -> SmsBackend:
    backend_class = import_string(path or settings.SMS_BACKEND)
    backend: SmsBackend = backend_class()
    return backend
