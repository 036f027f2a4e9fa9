"""The SMS interface: the backend named by SMS_BACKEND, the console and in-memory backends."""

from __future__ import annotations

from collections.abc import Sequence
from io import StringIO
from typing import Any

import pytest
from django.conf import settings as django_settings

from sammen.lib import sms
from sammen.lib.sms import ConsoleBackend, LocmemBackend, SmsError, SmsMessage, get_sms_backend


class RecordingGateway:
    """What a real gateway looks like to Sammen: any class with this ``send``."""

    sent: list[SmsMessage] = []

    def send(self, messages: Sequence[SmsMessage]) -> int:
        RecordingGateway.sent.extend(messages)
        return len(messages)


def test_the_console_backend_is_the_default() -> None:
    assert django_settings.SMS_BACKEND == "sammen.lib.sms.ConsoleBackend"


def test_the_backend_is_the_one_the_setting_names(settings: Any) -> None:
    settings.SMS_BACKEND = "sammen.lib.sms.LocmemBackend"
    assert isinstance(get_sms_backend(), LocmemBackend)
    assert isinstance(get_sms_backend("sammen.lib.sms.ConsoleBackend"), ConsoleBackend)


def test_a_gateway_of_ones_own_plugs_in_by_its_dotted_path(settings: Any) -> None:
    settings.SMS_BACKEND = f"{__name__}.RecordingGateway"
    RecordingGateway.sent = []
    message = SmsMessage(to="+47 911 11 111", body="Hei")
    assert get_sms_backend().send([message]) == 1
    assert RecordingGateway.sent == [message]


def test_the_console_backend_writes_the_number_and_the_text() -> None:
    stream = StringIO()
    sent = ConsoleBackend(stream).send([SmsMessage(to="+47 911 11 111", body="Ola er borte")])
    assert sent == 1
    assert "SMS to +47 911 11 111" in stream.getvalue()
    assert "Ola er borte" in stream.getvalue()


def test_the_locmem_backend_keeps_messages_in_the_outbox() -> None:
    sms.outbox.clear()
    messages = [SmsMessage(to="+47 911 11 111", body="én"), SmsMessage(to="+47 922", body="to")]
    assert LocmemBackend().send(messages) == 2
    assert sms.outbox == messages
    sms.outbox.clear()


@pytest.mark.parametrize("backend", [ConsoleBackend(StringIO()), LocmemBackend()])
@pytest.mark.parametrize(
    ("to", "body", "error"), [(" ", "Hei", "no phone number"), ("+47 911", "  ", "empty message")]
)
def test_a_message_no_gateway_could_deliver_is_refused(
    backend: sms.SmsBackend, to: str, body: str, error: str
) -> None:
    sms.outbox.clear()
    with pytest.raises(SmsError, match=error):
        backend.send([SmsMessage(to=to, body=body)])
    assert sms.outbox == []


def test_a_misnamed_backend_fails_loudly(settings: Any) -> None:
    settings.SMS_BACKEND = "sammen.lib.sms.NoSuchBackend"
    with pytest.raises(ImportError):
        get_sms_backend()
