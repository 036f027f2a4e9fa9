"""``sammen import_roster --format oneroster|edfi DIR``: import a roster from OneRoster CSV files
or Ed-Fi interchange XML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sammen.lib.importcommand import add_import_options, finish
from sammen.roster.importers.edfi import import_edfi_roster
from sammen.roster.importers.run import import_oneroster


class Command(BaseCommand):
    help = (
        "Import schools, groups, pupils, guardians and staff from a directory of OneRoster 1.1 "
        "or 1.2 CSV files, or of Ed-Fi interchange XML files. All or nothing unless "
        "--skip-invalid; see docs/import-roster.md and docs/import-attendance.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="the directory holding orgs.csv etc.")
        parser.add_argument(
            "--format", choices=["oneroster", "edfi"], default="oneroster", help="the files' format"
        )
        parser.add_argument(
            "--owner",
            metavar="NAME",
            help="the school owner to import into when orgs.csv names none (made if missing)",
        )
        add_import_options(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        importer = import_edfi_roster if options["format"] == "edfi" else import_oneroster
        report = importer(
            options["directory"],
            owner_name=options["owner"],
            dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"],
        )
        finish(self, report, as_json=options["json"])
