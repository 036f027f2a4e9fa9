"""``sammen import_roster --format oneroster DIR``: import a roster from OneRoster CSV files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sammen.roster.importers.run import import_oneroster


class Command(BaseCommand):
    help = (
        "Import schools, groups, pupils, guardians and staff from a directory of OneRoster 1.1 "
        "or 1.2 CSV files. All or nothing unless --skip-invalid; see docs/import-roster.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="the directory holding orgs.csv etc.")
        parser.add_argument(
            "--format", choices=["oneroster"], default="oneroster", help="the files' format"
        )
        parser.add_argument(
            "--owner",
            metavar="NAME",
            help="the school owner to import into when orgs.csv names none (made if missing)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, but write nothing"
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the valid rows and report the rest (default: one bad row stops all)",
        )
        parser.add_argument("--json", action="store_true", help="print a machine-readable summary")

    def handle(self, *args: Any, **options: Any) -> None:
        report = import_oneroster(
            options["directory"],
            owner_name=options["owner"],
            dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(report.as_text())
        if report.fatal or (report.rejected and not report.skip_invalid):
            count = len(report.rejected)
            errors = f"{count} error" if count == 1 else f"{count} errors"
            raise CommandError(
                f"the import would fail: {errors} (see above)"
                if report.dry_run
                else f"nothing was imported: {errors} (see above)"
            )
