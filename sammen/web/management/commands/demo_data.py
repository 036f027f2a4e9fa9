"""``sammen demo_data --seed N``: load the demo municipality «Fjordvik kommune» with its school
calendar, timetables and attendance (docs/demo.md).

It lives in ``web`` because it loads two apps' demos: the roster must not depend on attendance,
and ``web`` may depend on every app.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from sammen.attendance.demo.generate import plan_attendance
from sammen.attendance.demo.personas import lessons_on
from sammen.attendance.demo.write import load_attendance
from sammen.audit.models import AuditEvent
from sammen.conversations.demo import load_conversations_demo
from sammen.cooperation.demo import load_cooperation_demo
from sammen.followup.demo import load_followup_demo
from sammen.lib.dates import norwegian_date
from sammen.portal.demo import load_looked_demo
from sammen.roster.demo import personas
from sammen.roster.demo.plan import MAX_SCHOOLS
from sammen.roster.demo.planner import minimum_pupils, plan_demo
from sammen.roster.demo.write import load_demo
from sammen.roster.models import School
from sammen.voice.demo import load_voice_demo
from sammen.warning.services import refresh_flags


def iso_date(value: str) -> date:
    """The ``--today`` option of the demo commands."""
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--today må være en dato som 2026-11-26, ikke «{value}».") from error


class Command(BaseCommand):
    help = (
        "Laster demokommunen «Fjordvik kommune» med skoler, elever, foresatte, ansatte, "
        "skolerute, timeplaner og fravær fram til i dag."
    )

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
            "--today",
            type=str,
            default=None,
            help="Dagen fraværet føres fram til, ÅÅÅÅ-MM-DD (standard: dagens dato).",
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
        today = iso_date(options["today"]) if options["today"] else date.today()
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
        events_before = AuditEvent.objects.count()
        plan = plan_demo(seed, schools=schools, pupils=pupils)
        attendance = plan_attendance(plan, today=today)
        with transaction.atomic():
            summary = load_demo(plan, password=settings.DEMO_PASSWORD)
            absence = load_attendance(plan, attendance)
            # The nightly early-warning run, as it would have run today: the queue has flags.
            flags = refresh_flags(None, today)
            load_followup_demo(plan, today)
            load_cooperation_demo(today)
            load_voice_demo(today)
            load_conversations_demo(today)
            load_looked_demo()
        events = AuditEvent.objects.count() - events_before
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Demodata lastet (frø {seed}): {summary.schools} skoler, "
                f"{summary.groups} grupper, {summary.pupils} elever, "
                f"{summary.guardians} foresatte, {summary.staff} ansatte, "
                f"{events} revisjonshendelser "
                f"på {_decimal(seconds)} s."
            )
        )
        self.stdout.write(
            f"Skolerute {absence.school_days} skoledager, {absence.timetable_slots} "
            f"timeplanøkter, {absence.records} fraværsføringer og {absence.reports} meldinger fra "
            f"foresatte til og med {norwegian_date(today)}; {flags.open} åpne varsler."
        )
        lessons = lessons_on(plan, personas.FAGLAERER.username, today)
        if lessons:
            first = lessons[0]
            self.stdout.write(
                f"{personas.FAGLAERER.username} har {first.group} i {first.period}. time "
                f"({first.start:%H:%M}–{first.end:%H:%M}) {norwegian_date(today)}."
            )


def _decimal(value: float) -> str:
    """Norwegian decimal comma: 1,4."""
    return f"{value:.1f}".replace(".", ",")
