"""``sammen import_attendance --format csv|edfi|fint PATH``: import attendance records."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from sammen.attendance.importers.run import FORMATS, import_attendance
from sammen.attendance.signals import attendance_imported
from sammen.audit.log import request_id_var
from sammen.lib.importcommand import add_import_options, finish


class Command(BaseCommand):
    help = (
        "Import attendance (absence, lateness, leaving early) from Sammen's CSV, Ed-Fi "
        "attendance events or FINT Fravarsregistrering. All or nothing unless --skip-invalid; "
        "see docs/import-attendance.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the file (or, for edfi and fint, directory)")
        parser.add_argument("--format", choices=FORMATS, default="csv", help="the file's format")
        parser.add_argument(
            "--owner", metavar="NAME", help="the school owner whose pupils the file names"
        )
        add_import_options(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        # One request id for the import's audit events, so what follows can find the pupils
        # the import changed (the early warning re-evaluates them).
        token = request_id_var.set(request_id_var.get() or f"import:{uuid.uuid4().hex}")
        started = timezone.now()
        try:
            report = import_attendance(
                options["path"],
                fmt=options["format"],
                owner_name=options["owner"],
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
            )
            if report.applied and report.changed:
                for _, failed in attendance_imported.send_robust(
                    type(self), request_id=request_id_var.get(), since=started
                ):
                    if isinstance(failed, Exception):
                        # The import is saved; the nightly run catches up with the rest.
                        self.stderr.write(f"after the import: {type(failed).__name__}: {failed}")
        finally:
            request_id_var.reset(token)
        finish(self, report, as_json=options["json"])
