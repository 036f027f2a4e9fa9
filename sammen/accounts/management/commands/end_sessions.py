"""End every session of a user at once (a lost phone, a leaver, a suspected break-in)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sammen.accounts import signed_in
from sammen.audit.log import Actor


class Command(BaseCommand):
    help = "Log a user out everywhere: every session of theirs ends now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = get_user_model().objects.get(username=options["username"])
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user named {options['username']!r}") from None
        count = signed_in.end_all_by_administrator(actor=Actor.system("end_sessions"), user=user)
        self.stdout.write(f"Avsluttet {count} økt(er) for {user.username}.")
