"""``sammen demo_data --seed N``: load the demo municipality «Fjordvik kommune» (docs/demo.md)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sammen.roster.demo.plan import MAX_SCHOOLS
from sammen.roster.demo.planner import minimum_pupils, plan_demo
from sammen.roster.demo.write import load_demo
from sammen.roster.models import School


class Command(BaseCommand):
    help = "Laster demokommunen «Fjordvik kommune» med skoler, elever, foresatte og ansatte."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=2026, help="Frø: samme frø gir samme data (standard 2026)."
        )
        parser.add_argument(
            "--schools",
            type=int,
            default=2,
            help=f"Antall skoler, annenhver barneskole og ungdomsskole (2–{MAX_SCHOOLS}).",
        )
        parser.add_argument(
            "--pupils",
            type=int,
            default=None,
            help="Antall elever i alt (standard 35 per trinn og skole: 350 for to skoler).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Gjør ingenting hvis databasen allerede har skoler.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seed: int = options["seed"]
        schools: int = options["schools"]
        pupils: int | None = options["pupils"]
        if School.objects.exists():
            if options["if_empty"]:
                self.stdout.write(
                    "Databasen har allerede skoler, så demodata lastes ikke (--if-empty)."
                )
                return
            # Audit events cannot be deleted, so demo data is never layered over other data.
            raise CommandError(
                "Databasen har allerede skoler. Demodata lastes bare i en tom database "
                "(bruk --if-empty for å hoppe over)."
            )
        if not 2 <= schools <= MAX_SCHOOLS:
            raise CommandError(f"--schools må være mellom 2 og {MAX_SCHOOLS}.")
        if pupils is not None and pupils < minimum_pupils(schools):
            raise CommandError(
                f"--pupils må være minst {minimum_pupils(schools)} med {schools} skoler."
            )

        started = time.perf_counter()
        plan = plan_demo(seed, schools=schools, pupils=pupils)
        summary = load_demo(plan, password=settings.DEMO_PASSWORD)
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Demodata lastet (frø {seed}): {summary.schools} skoler, "
                f"{summary.groups} grupper, {summary.pupils} elever, "
                f"{summary.guardians} foresatte, {summary.staff} ansatte, "
                f"{summary.audit_events} revisjonshendelser på {_decimal(seconds)} s."
            )
        )


def _decimal(value: float) -> str:
    """Norwegian decimal comma: 1,4."""
    return f"{value:.1f}".replace(".", ",")
