"""``sammen cooperation_reminders``: overdue fixed contacts past the school's limit are shown to
the school leader. Run daily (the scheduler's ``cooperation_reminders`` job)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from sammen.cooperation.escalation import escalate


class Command(BaseCommand):
    help = "Viser rektor faste kontakter med hjemmet som er forfalt for lenge siden."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=str, default=None, help="ÅÅÅÅ-MM-DD (standard: i dag)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = date.fromisoformat(options["today"]) if options["today"] else timezone.localdate()
        count = escalate(today)
        self.stdout.write(f"{count} forfalte kontakter vist til rektor.")
