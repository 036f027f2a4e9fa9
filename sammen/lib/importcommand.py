"""What every import command shares: its options, and how it prints its report and exits."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sammen.lib.importreport import Report


def add_import_options(parser: CommandParser) -> None:
    """``--dry-run``, ``--skip-invalid`` and ``--json`` (DESIGN.md §5)."""
    parser.add_argument(
        "--dry-run", action="store_true", help="check and report, but write nothing"
    )
    parser.add_argument(
        "--skip-invalid",
        action="store_true",
        help="import the valid rows and report the rest (default: one bad row stops all)",
    )
    parser.add_argument("--json", action="store_true", help="print a machine-readable summary")


def finish(command: BaseCommand, report: Report, *, as_json: bool) -> None:
    """Print the report, and fail (exit status 1) when the import did not, or would not, run."""
    if as_json:
        command.stdout.write(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        command.stdout.write(report.as_text())
    if report.fatal or (report.rejected and not report.skip_invalid):
        count = len(report.rejected)
        errors = f"{count} error" if count == 1 else f"{count} errors"
        raise CommandError(
            f"the import would fail: {errors} (see above)"
            if report.dry_run
            else f"nothing was imported: {errors} (see above)"
        )
