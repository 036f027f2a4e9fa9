"""``sammen notify_absence``: tell guardians the same day about unexplained absence.

Run it often (the scheduler runs it every five minutes): each school's routine decides when its
notices go out, and a notice already sent is never sent again. See docs/notices.md.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sammen.attendance.notices import Status, notify_absence, parse_school
from sammen.roster.models import School


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date: expected YYYY-MM-DD, got {value!r}") from None


class Command(BaseCommand):
    help = (
        "Send guardians the same-day notice of unexplained absence, by each school's routine "
        "(default 09:00, e-mail and text message). Safe to run often: nothing is sent twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            type=_iso_date,
            metavar="YYYY-MM-DD",
            help="the school day to notify about (default today); an earlier day catches up",
        )
        parser.add_argument(
            "--school",
            metavar="S",
            help="only this school: its id, organisation number or exact name",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would be sent; send nothing"
        )
        parser.add_argument("--json", action="store_true", help="print a machine-readable summary")

    def handle(self, *args: Any, **options: Any) -> None:
        schools = School.objects.all()
        if options["school"]:
            schools = parse_school(options["school"], schools)
            if not schools.exists():
                raise CommandError(f"--school: no school is named {options['school']!r}")
            if schools.count() > 1:
                raise CommandError(
                    f"--school: {options['school']!r} names several schools; give its id"
                )
        summary = notify_absence(day=options["date"], schools=schools, dry_run=options["dry_run"])
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_json(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(summary.line())
        failed = summary.counts()[Status.FAILED]
        if failed:
            # A failing exit lets cron, systemd or the scheduler's log raise the alarm.
            raise CommandError(f"{failed} notice(s) failed; the next run tries them again")
