"""Give a user a TOTP key from the server's shell: the only place a key is ever shown."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sammen.accounts import two_factor
from sammen.audit.log import Actor


class Command(BaseCommand):
    help = "Create a two-factor (TOTP) key for a user and print it for their authenticator app."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--reset", action="store_true", help="replace a confirmed device (a lost phone)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = get_user_model().objects.get(username=options["username"])
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user named {options['username']!r}") from None
        try:
            device = two_factor.enrol(
                actor=Actor.system("two_factor_setup"), user=user, reset=options["reset"]
            )
        except ValueError:
            raise CommandError(
                f"{user.username} already has a confirmed two-factor device; "
                "give --reset to replace it"
            ) from None
        self.stdout.write(f"Nøkkel for {user.username}: {two_factor.base32_key(device)}")
        self.stdout.write(f"Lenke for appen: {device.config_url}")
        self.stdout.write("Den første koden ved innlogging bekrefter appen.")
