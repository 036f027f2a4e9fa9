"""``sammen early_warning [--school S] [--as-of YYYY-MM-DD] [--json]``: recompute the flags.

Idempotent: a flag that still holds is kept (its evidence refreshed), not raised again; one that
no longer holds is closed with the day. The scheduler runs it nightly; an import runs it for the
pupils it changed (docs/early-warning.md).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sammen.attendance.notices import parse_school
from sammen.roster.models import School
from sammen.warning.explain import sentence
from sammen.warning.models import Flag
from sammen.warning.services import refresh_flags


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of: expected YYYY-MM-DD, got {value!r}") from None


class Command(BaseCommand):
    help = (
        "Recompute the early-warning flags of every school (or one): raise the flags whose rule "
        "now holds, keep those that still hold, close those that no longer do. Safe to run "
        "again: nothing is raised twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--school",
            metavar="S",
            help="only this school: its id, organisation number or exact name",
        )
        parser.add_argument(
            "--as-of",
            type=_iso_date,
            metavar="YYYY-MM-DD",
            help="the day to evaluate, counting school days up to and including it (default today)",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help='print {"as_of", "pupils", "flags": [...]}: the open flags after the run',
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of: date = options["as_of"] or timezone.localdate()
        school_ids: list[int] | None = None
        if options["school"]:
            schools = parse_school(options["school"], School.objects.all())
            found = list(schools.values_list("pk", flat=True))
            if not found:
                raise CommandError(f"--school: no school is named {options['school']!r}")
            if len(found) > 1:
                raise CommandError(
                    f"--school: {options['school']!r} names several schools; give its id"
                )
            school_ids = found
        summary = refresh_flags(school_ids, as_of)
        if not options["json"]:
            self.stdout.write(summary.line())
            return
        flags = Flag.objects.filter(closed_on__isnull=True).select_related("pupil", "school")
        if school_ids is not None:
            flags = flags.filter(school_id__in=school_ids)
        rows = [
            {
                "pupil": flag.pupil.source_id or str(flag.pupil.public_id),
                "school": flag.school.name,
                "rule": flag.rule,
                "level": flag.level,
                "explanation": sentence(flag.rule, flag.evidence),
                "evidence": flag.evidence,
            }
            for flag in flags.order_by("school__name", "pupil__source_id", "pupil_id", "rule")
        ]
        payload = {"as_of": as_of.isoformat(), "pupils": summary.pupils, "flags": rows}
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
