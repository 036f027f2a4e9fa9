"""``import_calendar --format csv FILE --school S --year Y`` and ``--default``.

The CSV (docs/import-attendance.md): ``date,kind,name,lessons`` (``dato,type,navn,timer``), one
row per weekday the file sets. ``kind`` is school_day, holiday, public_holiday or planning_day
(skoledag, ferie, helligdag, planleggingsdag); ``lessons`` is required on a school day and empty
(or 0) on other days. ``--default`` writes the Norwegian default calendar instead (autumn,
Christmas, winter and Easter breaks, the public holidays and 17 May): the days the school
does not have yet, and the default lesson times it lacks
(``calendar_setup.ensure_default_calendar``).
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from sammen.attendance.calendar_setup import ensure_default_calendar
from sammen.attendance.importers.calendar import MAX_LESSONS, DaySpec, SchoolCalendar
from sammen.attendance.importers.context import WEEKDAYS
from sammen.attendance.importers.values import parse_date
from sammen.attendance.models import CalendarDay, DayKind, LessonPeriod
from sammen.audit.log import Actor
from sammen.lib.csvread import CsvError, CsvReader
from sammen.lib.dates import norwegian_date
from sammen.lib.importreport import Note, Problem, Report
from sammen.roster.models import School, SchoolYear

COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("date", "dato"),
    "kind": ("kind", "type"),
    "name": ("name", "navn"),
    "lessons": ("lessons", "timer", "økter"),
}
DAY_KINDS: dict[str, str] = {
    **{k: k for k in DayKind.values},
    "skoledag": DayKind.SCHOOL_DAY,
    "ferie": DayKind.HOLIDAY,
    "fridag": DayKind.HOLIDAY,
    "helligdag": DayKind.PUBLIC_HOLIDAY,
    "planleggingsdag": DayKind.PLANNING_DAY,
}
MAX_NAME = 100


def read_calendar_csv(
    path: Path, school: School, year: SchoolYear, report: Report
) -> SchoolCalendar | None:
    """The calendar the file sets; None (with ``report`` failed) when it cannot be read."""
    calendar = SchoolCalendar(school, year)
    try:
        with CsvReader(path) as reader:
            by_alias = {a: c for c, aliases in COLUMNS.items() for a in aliases}
            names = {by_alias[h.lower()]: h for h in reader.header if h.lower() in by_alias}
            for column in reader.header:
                if column.lower() not in by_alias:
                    report.notes.append(
                        Note(reader.name, 1, column, None, "unknown column; it is not read")
                    )
            missing = [c for c in ("date", "kind") if c not in names]
            if missing:
                report.fail(
                    *(
                        Problem(reader.name, 1, None, None, f"the header has no column {c}")
                        for c in missing
                    )
                )
                return None
            seen: dict[object, int] = {}
            for line, values, extra in reader:
                _row(calendar, report, reader.name, line, names, values, extra, seen)
    except CsvError as exc:
        report.fail(Problem(exc.file, exc.line, None, None, exc.message))
        return None
    return calendar


def _row(
    calendar: SchoolCalendar,
    report: Report,
    file: str,
    line: int,
    names: dict[str, str],
    values: dict[str, str],
    extra: tuple[str, ...],
    seen: dict[object, int],
) -> None:
    bad: list[tuple[str | None, str, str]] = []
    if extra:
        bad.append((None, ",".join(extra), "more values than the header has columns"))
    raw_date = values[names["date"]]
    day = parse_date(raw_date) if raw_date else "the date is missing"
    year = calendar.year
    if isinstance(day, str):
        bad.append(("date", raw_date, day))
    elif not year.start_date <= day <= year.end_date:
        bad.append(
            (
                "date",
                raw_date,
                f"outside {year} "
                f"({norwegian_date(year.start_date)}–{norwegian_date(year.end_date)})",
            )
        )
    elif day.weekday() >= 5:
        bad.append(
            ("date", raw_date, f"a {WEEKDAYS[day.weekday()]}: weekends are never school days")
        )
    elif day in seen:
        bad.append(("date", raw_date, f"the same date as line {seen[day]}"))
    raw_kind = values[names["kind"]]
    kind = DAY_KINDS.get(raw_kind.lower(), "")
    if not kind:
        bad.append(
            ("kind", raw_kind, "must be school_day, holiday, public_holiday or planning_day")
        )
    raw_lessons = values.get(names.get("lessons", ""), "")
    lessons = int(raw_lessons) if raw_lessons.isascii() and raw_lessons.isdigit() else None
    if raw_lessons and lessons is None:
        bad.append(("lessons", raw_lessons, "not a whole number"))
    elif kind == DayKind.SCHOOL_DAY and not lessons:
        bad.append(("lessons", raw_lessons, "a school day needs its number of lessons"))
    elif kind == DayKind.SCHOOL_DAY and lessons and lessons > MAX_LESSONS:
        bad.append(("lessons", raw_lessons, f"at most {MAX_LESSONS} lessons a day"))
    elif kind and kind != DayKind.SCHOOL_DAY and lessons:
        bad.append(("lessons", raw_lessons, "only a school day has lessons"))
    name = values.get(names.get("name", ""), "")
    if len(name) > MAX_NAME:
        bad.append(("name", name[:40], f"longer than {MAX_NAME} characters"))
    if bad:
        report.rejected.extend(
            Problem(file, line, names.get(column, column) if column else None, value, why)
            for column, value, why in bad
        )
        return
    assert not isinstance(day, str)
    seen[day] = line
    calendar.days[day] = DaySpec(day, kind, name, lessons or 0)


def write_default(
    school: School, year: SchoolYear, lessons: int, report: Report, *, dry_run: bool
) -> Report:
    """The Norwegian default calendar for ``school``'s year: the days and lesson times it lacks."""
    with transaction.atomic():
        days_before = CalendarDay.objects.filter(
            school=school, date__range=(year.start_date, year.end_date)
        ).count()
        lessons_before = LessonPeriod.objects.filter(school=school).count()
        created = ensure_default_calendar(
            actor=Actor.system("import_calendar"),
            school=school,
            school_year=year,
            lessons_per_day=lessons,
        )
        report.created["calendar_day"] += created
        report.unchanged["calendar_day"] += days_before
        new_lessons = LessonPeriod.objects.filter(school=school).count() - lessons_before
        report.created["lesson_period"] += new_lessons
        report.unchanged["lesson_period"] += lessons_before
        report.applied = not dry_run
        if dry_run:
            transaction.set_rollback(True)
    return report
