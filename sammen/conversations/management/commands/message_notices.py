"""``sammen message_notices``: try again the notices "a message waits in Sammen" whose sending
failed (a mail server or SMS gateway that was down). Run every few minutes (the scheduler's
``message_notices`` job); a notice is never sent twice."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand

from sammen.conversations.notify import retry_failed


class Command(BaseCommand):
    help = "Prøver igjen varsler om nye meldinger som ikke kom fram."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = Counter(str(outcome.status) for outcome in retry_failed())
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "ingen"
        self.stdout.write(f"Varsler om meldinger prøvd igjen: {summary}.")
