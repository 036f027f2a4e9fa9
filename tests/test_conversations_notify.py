"""Telling that a message waits: by e-mail through a real SMTP server on 127.0.0.1 (aiosmtpd,
the server of tests/test_notify_absence.py) or by SMS, after the commit, once, in the guardian's
language, and never with the message's text or an address."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client

from sammen.attendance.notices import notice_language
from sammen.audit import actions
from sammen.audit.models import AuditEvent
from sammen.conversations import notify
from sammen.conversations.models import Message, MessageNotice
from sammen.lib import sms
from sammen.roster.models import Guardianship, Staff
from tests.conftest import World
from tests.conversations_support import from_guardian, from_school
from tests.smtp_support import SmtpServer

SECRET = "Ola har fått en diagnose"


@pytest.fixture
def mail(smtp: SmtpServer, settings: Any) -> SmtpServer:
    """The absence notices' aiosmtpd server (SMS kept in memory), with the site's address."""
    settings.SITE_URL = "https://sammen.kommune.example"
    settings.LANGUAGES = [("nb", "Norsk bokmål"), ("en", "English")]
    return smtp


@pytest.fixture
def alice_email(world: World) -> str:
    Staff.objects.filter(user=world.alice).update(email="alice@skole.example")
    return "alice@skole.example"


def seen(received: Any) -> str:
    """Everything a reader of the e-mail sees, decoded, and the raw text as sent."""
    return f"{received.message['Subject']}\n{received.message.get_content()}\n{received.raw}"


def school_writes(world: World, capture: Any, text: str = SECRET, **kwargs: Any) -> Message:
    with capture(execute=True):
        return from_school(world, text, **kwargs)


# The guardian is told ------------------------------------------------------------------------


def test_the_guardian_gets_one_email_without_the_text_or_any_address(
    world: World, mail: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    message = school_writes(world, django_capture_on_commit_callbacks)
    [received] = mail.inbox.messages
    assert received.rcpt_tos == [world.ola_mother.email]
    body = received.message.get_content()
    assert "Nordby skole" in received.message["Subject"]
    assert f"https://sammen.kommune.example/foresatt/barn/{world.ola.public_id}/meldinger/" in body
    for secret in (SECRET, "diagnose", world.ola_mother.address, world.ola_mother.phone, "Ola"):
        assert secret not in seen(received)
    assert received.message["Auto-Submitted"] == "auto-generated"
    notice = MessageNotice.objects.get(message=message)
    assert notice.guardian == world.ola_mother and notice.channel == "email"
    assert notice.sent_at is not None and notice.error == ""
    event = AuditEvent.objects.get(action=actions.CONV_NOTICE_SENT)
    assert event.pupil_id == world.ola.public_id and event.detail == "guardian"


def test_nothing_is_sent_before_the_commit(
    world: World, mail: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        from_school(world)
    assert len(callbacks) == 1
    assert mail.inbox.messages == [] and not MessageNotice.objects.exists()
    callbacks[0]()
    assert len(mail.inbox.messages) == 1


def test_a_message_is_announced_once_however_often_the_sending_runs(
    world: World, mail: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    message = school_writes(world, django_capture_on_commit_callbacks)
    again = notify.send_notices(message.pk)
    assert [o.status for o in again] == [notify.Status.ALREADY]
    assert notify.retry_failed() == []
    assert len(mail.inbox.messages) == 1
    assert MessageNotice.objects.count() == 1


def test_the_guardian_who_prefers_sms_gets_a_short_text(
    world: World, mail: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    world.ola_mother.preferred_channel = "sms"
    world.ola_mother.save()
    school_writes(world, django_capture_on_commit_callbacks)
    assert mail.inbox.messages == []
    [text] = sms.outbox
    assert text.to == world.ola_mother.phone
    assert "Nordby skole" in text.body and "/meldinger/" in text.body
    assert SECRET not in text.body and world.ola_mother.address not in text.body


def test_with_no_channel_chosen_a_guardian_without_email_gets_sms(
    world: World, mail: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    world.ola_mother.email = ""
    world.ola_mother.save()
    school_writes(world, django_capture_on_commit_callbacks)
    assert [m.to for m in sms.outbox] == [world.ola_mother.phone]


def test_the_notice_is_in_the_guardians_language(
    world: World, mail: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    world.ola_mother.preferred_language = "en"
    world.ola_mother.save()
    school_writes(world, django_capture_on_commit_callbacks)
    [received] = mail.inbox.messages
    assert received.message["Subject"] == "A message from Nordby skole waits in Sammen"
    assert received.message["Content-Language"] == "en"
    assert "For your privacy, this e-mail does not contain the message." in seen(received)


def test_a_language_sammen_lacks_falls_back_to_bokmaal(world: World) -> None:
    world.ola_mother.preferred_language = "ti"
    assert notice_language(world.ola_mother) == "nb"


def test_a_confidential_address_leaves_even_the_school_unnamed(
    world: World, mail: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    Guardianship.objects.filter(guardian=world.ola_mother).update(confidential_address=True)
    world.ola_mother.preferred_language = "en"
    world.ola_mother.save()
    school_writes(world, django_capture_on_commit_callbacks)
    [received] = mail.inbox.messages
    assert "Nordby" not in seen(received)
    assert received.message["Subject"] == "A message from the school waits in Sammen"


# Failures keep the message -------------------------------------------------------------------


def test_a_failing_mail_server_keeps_the_message_logs_and_retries(
    client: Client,
    world: World,
    mail: SmtpServer,
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Refused at RCPT, the backend's error names the address.
    mail.inbox.refuse_recipients = True
    client.force_login(world.alice)
    url = f"/elev/{world.ola.public_id}/meldinger/{world.ola_mother.public_id}/"
    with (
        caplog.at_level(logging.WARNING, logger="sammen.conversations"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(url, {"text": "Viktig beskjed"})
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.text == "Viktig beskjed"
    notice = MessageNotice.objects.get()
    assert notice.sent_at is None and "SMTP" in notice.error
    assert world.ola_mother.email in notice.error  # the row keeps the detail, never shown
    assert "failed" in caplog.text and world.ola_mother.email not in caplog.text
    mail.inbox.refuse_recipients = False
    [outcome] = notify.retry_failed()
    assert outcome.status == notify.Status.SENT
    assert len(mail.inbox.messages) == 1
    assert notify.retry_failed() == []


def test_a_guardian_with_no_address_is_logged_not_lost(
    world: World, mail: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    world.ola_mother.email = ""
    world.ola_mother.phone = ""
    world.ola_mother.save()
    school_writes(world, django_capture_on_commit_callbacks)
    notice = MessageNotice.objects.get()
    assert notice.error and notice.sent_at is None
    assert Message.objects.count() == 1


# The contact teacher is told -----------------------------------------------------------------


def test_the_contact_teacher_gets_an_email_with_no_text_and_no_names(
    client: Client,
    world: World,
    mail: SmtpServer,
    alice_email: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(world.guardian)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/foresatt/barn/{world.ola.public_id}/meldinger/", {"text": SECRET})
    [received] = mail.inbox.messages
    assert received.rcpt_tos == [alice_email]
    staff_url = f"/elev/{world.ola.public_id}/meldinger/{world.ola_mother.public_id}/"
    assert staff_url in received.message.get_content()
    for secret in (SECRET, "Ola", "Anne", world.ola_mother.email, world.ola_mother.address):
        assert secret not in seen(received)
    assert sms.outbox == []
    assert MessageNotice.objects.get().staff == Staff.objects.get(user=world.alice)


def test_a_subject_teacher_is_not_told(
    world: World, mail: SmtpServer, alice_email: str, django_capture_on_commit_callbacks: Any
) -> None:
    Staff.objects.filter(user=world.bob).update(email="bob@skole.example")
    with django_capture_on_commit_callbacks(execute=True):
        from_guardian(world)
    assert [m.rcpt_tos for m in mail.inbox.messages] == [[alice_email]]


def test_sharing_tells_no_other_guardian(
    world: World, mail: SmtpServer, alice_email: str, django_capture_on_commit_callbacks: Any
) -> None:
    Guardianship.objects.filter(guardian=world.ola_father).update(parental_responsibility=True)
    with django_capture_on_commit_callbacks(execute=True):
        from_guardian(world, shared=True)
    assert [m.rcpt_tos for m in mail.inbox.messages] == [[alice_email]]
    assert sms.outbox == []


def test_the_scheduled_command_retries_failed_notices(
    world: World, mail: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    import io

    from django.core.management import call_command

    from sammen.web import scheduler

    assert scheduler.Job("message_notices", 600, "message_notices") in scheduler.JOBS
    mail.inbox.refuse = True
    school_writes(world, django_capture_on_commit_callbacks)
    mail.inbox.refuse = False
    out = io.StringIO()
    call_command("message_notices", stdout=out)
    assert "1 sent" in out.getvalue()
    call_command("message_notices", stdout=out)
    assert len(mail.inbox.messages) == 1


def test_a_retry_reaches_a_guardian_who_has_since_given_an_address(
    world: World, mail: SmtpServer, django_capture_on_commit_callbacks: Any
) -> None:
    phone = world.ola_mother.phone
    world.ola_mother.email = world.ola_mother.phone = ""
    world.ola_mother.save()
    school_writes(world, django_capture_on_commit_callbacks)
    assert notify.retry_failed() == []  # still no address: nothing taken over, nothing logged
    world.ola_mother.phone = phone
    world.ola_mother.save()
    [outcome] = notify.retry_failed()
    assert outcome.status == notify.Status.SENT and outcome.channel == "sms"
    assert [m.to for m in sms.outbox] == [phone]
