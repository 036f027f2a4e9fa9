"""A real SMTP server on 127.0.0.1 (aiosmtpd) for the tests of what Sammen sends by e-mail.

The ``smtp`` fixture (tests/conftest.py) starts one and points Django's SMTP backend at it, with
text messages kept in memory (``sammen.lib.sms.LocmemBackend``).
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: str
    message: EmailMessage


@dataclass
class Inbox:
    """An aiosmtpd handler that keeps what it receives, or refuses it when told to."""

    messages: list[Received] = field(default_factory=list)
    refuse: bool = False  # the message, at DATA
    refuse_recipients: bool = False  # every recipient, at RCPT: the error then names them

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.refuse_recipients:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refuse:
            return "554 5.7.1 Message refused"
        content = envelope.content
        raw = content if isinstance(content, bytes) else (content or "").encode()
        parsed = message_from_bytes(raw, policy=default_policy)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(
            Received(str(envelope.mail_from), list(envelope.rcpt_tos), raw.decode(), parsed)
        )
        return "250 OK"

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.rcpt_tos]


class SmtpServer:
    """aiosmtpd on 127.0.0.1; stop() and start() take it down and up again on the same port."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox
        self.port = _free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        # A stopped controller cannot be started again: its event loop is closed.
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
