"""``sammen import_attendance --format csv|edfi|fint PATH``: import attendance records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sammen.attendance.importers.run import FORMATS, import_attendance
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
        report = import_attendance(
            options["path"],
            fmt=options["format"],
            owner_name=options["owner"],
            dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"],
        )
        finish(self, report, as_json=options["json"])
