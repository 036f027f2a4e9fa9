"""``sammen import_calendar``: a school's calendar and lesson times (docs/import-attendance.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sammen.attendance.importers.calendar import (
    MAX_LESSONS,
    SchoolCalendar,
    calendar_report,
    find_school,
    find_year,
    parse_lesson_times,
    write_calendars,
)
from sammen.attendance.importers.calendar_csv import read_calendar_csv, write_default
from sammen.attendance.importers.calendar_edfi import read_edfi_calendars
from sammen.lib.importcommand import add_import_options, finish


class Command(BaseCommand):
    help = (
        "Import a school calendar: --format csv FILE --school S --year Y, --default --school S "
        "--year Y [--lessons 6], or --format edfi DIR (EducationOrgCalendar.xml). "
        "See docs/import-attendance.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", type=Path, help="the CSV file or Ed-Fi directory")
        parser.add_argument("--format", choices=["csv", "edfi"], default="csv")
        parser.add_argument(
            "--default", action="store_true", help="write the Norwegian default calendar"
        )
        parser.add_argument("--school", help="the school's name or source id (csv, --default)")
        parser.add_argument(
            "--year", help='the school year: its name ("2026–2027") or first year ("2026")'
        )
        parser.add_argument(
            "--lessons",
            type=int,
            default=6,
            help="planned lessons on a school day (--default; edfi without ClassPeriods)",
        )
        parser.add_argument(
            "--lesson-times",
            metavar="08:30-09:15,09:25-10:10,…",
            help="the school's lesson times, lesson 1 first (csv)",
        )
        add_import_options(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path | None = options["path"]
        fmt = "default" if options["default"] else options["format"]
        report = calendar_report(
            fmt,
            str(path or ""),
            dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"],
        )
        if not 1 <= options["lessons"] <= MAX_LESSONS:
            raise CommandError(f"--lessons: give 1 to {MAX_LESSONS}")
        if fmt == "edfi":
            if path is None:
                raise CommandError("give the directory with EducationOrgCalendar.xml")
            calendars = read_edfi_calendars(path, report, lessons=options["lessons"])
        else:
            calendars = self._one_school(fmt, path, options, report)
        if calendars is not None:
            write_calendars(
                calendars,
                report,
                detail=f"{fmt} from {path.name if path else 'the default'}",
                dry_run=options["dry_run"],
            )
        finish(self, report, as_json=options["json"])

    def _one_school(
        self, fmt: str, path: Path | None, options: dict[str, Any], report: Any
    ) -> list[SchoolCalendar] | None:
        if not options["school"] or not options["year"]:
            raise CommandError("give --school and --year")
        school = find_school(options["school"])
        if isinstance(school, str):
            raise CommandError(f"--school: {school}")
        year = find_year(school, options["year"])
        if isinstance(year, str):
            raise CommandError(f"--year: {year}")
        if fmt == "default":
            write_default(school, year, options["lessons"], report, dry_run=options["dry_run"])
            return None
        if path is None:
            raise CommandError("give the CSV file, or --default")
        calendar = read_calendar_csv(path, school, year, report)
        if calendar is None:
            return None
        if options["lesson_times"]:
            times = parse_lesson_times(options["lesson_times"])
            if isinstance(times, str):
                raise CommandError(f"--lesson-times: {times}")
            calendar.lessons = times
        return [calendar]
