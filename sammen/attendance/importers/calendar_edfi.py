"""``import_calendar --format edfi DIR``: school calendars and lesson times from Ed-Fi.

From ``EducationOrgCalendar.xml``: every weekday inside a school's Sessions is a school day,
a weekday between two Sessions is a holiday, and ``CalendarDate`` entries say otherwise where
they are given (CalendarEventDescriptor: Instructional day, Make-up day and Student late
arrival/early dismissal are school days; Teacher only day is a planning day; Holiday and the
rest are days off). The Grand Bend sample lists no holidays inside its Sessions, so it has more
school days than its ``TotalInstructionalDays``; a note says so.
From ``EducationOrganization.xml`` (optional): each ``ClassPeriod`` is a lesson (its number
from the name, "03 - Traditional" is lesson 3; its first start and last end), and the number of
lessons on a school day. Without it, ``--lessons`` (6) lessons a day and no lesson times.
Schools are found by SchoolId (the roster import's source id), school years by their dates.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time, timedelta
from itertools import pairwise
from pathlib import Path

from sammen.attendance.importers.calendar import DaySpec, SchoolCalendar
from sammen.attendance.models import DayKind
from sammen.lib.dates import norwegian_date
from sammen.lib.edfi import code, find_file
from sammen.lib.importreport import Note, Problem, Report
from sammen.lib.xmlread import Element, XmlError, parse_xml
from sammen.roster.models import School, SchoolYear

CALENDAR_FILE = "EducationOrgCalendar.xml"
ORGANIZATION_FILE = "EducationOrganization.xml"
SCHOOL_DAY_EVENTS = {"Instructional day", "Make-up day", "Student late arrival/early dismissal"}
PLANNING_EVENTS = {"Teacher only day"}
BETWEEN_TERMS = "Between terms"
_NUMBER = re.compile(r"\s*(\d+)")


@dataclass(frozen=True)
class Session:
    line: int
    name: str
    begin: date
    end: date
    instructional_days: int | None


def read_edfi_calendars(
    directory: Path, report: Report, *, lessons: int
) -> list[SchoolCalendar] | None:
    """A calendar per school in the files; None (``report`` failed) if they cannot be read."""
    path = find_file(directory, CALENDAR_FILE) if directory.is_dir() else None
    if path is None:
        report.fail(Problem(directory.name, None, None, None, f"has no {CALENDAR_FILE}"))
        return None
    try:
        root = parse_xml(path)
        organization = find_file(directory, ORGANIZATION_FILE)
        periods = _class_periods(parse_xml(organization), report) if organization else {}
    except XmlError as exc:
        report.fail(Problem(exc.file, exc.line, None, None, exc.message))
        return None
    sessions: dict[str, list[Session]] = defaultdict(list)
    for element in root.findall("Session"):
        session = _session(element, path.name, report)
        if session is not None:
            sessions[element.findtext("SchoolReference/SchoolIdentity/SchoolId")].append(session)
    dates: dict[str, list[Element]] = defaultdict(list)
    for element in root.findall("CalendarDate"):
        school_id = element.findtext(
            "CalendarReference/CalendarIdentity/SchoolReference/SchoolIdentity/SchoolId"
        )
        dates[school_id].append(element)
    calendars = []
    for school_id, school_sessions in sorted(sessions.items()):
        school = _school(school_id, path.name, school_sessions[0].line, report)
        if school is None:
            continue
        calendar = _calendar(school, school_sessions, path.name, report)
        if calendar is None:
            continue
        calendar.lessons = periods.get(school_id, {})
        per_day = len(calendar.lessons) or lessons
        for session in school_sessions:
            _session_days(calendar, session, per_day)
        _between_sessions(calendar, school_sessions)
        for element in dates.get(school_id, []):
            _calendar_date(calendar, element, path.name, per_day, report)
        for session in school_sessions:
            _count_note(calendar, session, path.name, report)
        calendars.append(calendar)
    if not sessions:
        report.fail(Problem(path.name, None, None, None, "has no Session"))
        return None
    return calendars


def _session(element: Element, file: str, report: Report) -> Session | None:
    try:
        begin = date.fromisoformat(element.findtext("BeginDate"))
        end = date.fromisoformat(element.findtext("EndDate"))
    except ValueError:
        report.rejected.append(
            Problem(
                file,
                element.line,
                "BeginDate",
                element.findtext("BeginDate"),
                "BeginDate and EndDate must be dates like 2021-08-23",
            )
        )
        return None
    if end < begin:
        report.rejected.append(
            Problem(file, element.line, "EndDate", str(end), "the session ends before it begins")
        )
        return None
    total = element.findtext("TotalInstructionalDays")
    return Session(
        element.line,
        element.findtext("SessionName"),
        begin,
        end,
        int(total) if total.isdigit() else None,
    )


def _school(school_id: str, file: str, line: int, report: Report) -> School | None:
    found = list(School.objects.filter(source_id=school_id)[:2]) if school_id else []
    if len(found) == 1:
        return found[0]
    reason = (
        f'{len(found)} schools in Sammen have SchoolId "{school_id}"'
        if found
        else f'no school with SchoolId "{school_id}" in Sammen: import the roster first '
        "(sammen import_roster --format edfi)"
    )
    report.rejected.append(Problem(file, line, "SchoolId", school_id, reason))
    return None


def _calendar(
    school: School, sessions: list[Session], file: str, report: Report
) -> SchoolCalendar | None:
    first = min(s.begin for s in sessions)
    last = max(s.end for s in sessions)
    years = list(
        SchoolYear.objects.filter(
            owner_id=school.owner_id, start_date__lte=first, end_date__gte=last
        )[:2]
    )
    if len(years) != 1:
        report.rejected.append(
            Problem(
                file,
                sessions[0].line,
                "SchoolYear",
                f"{norwegian_date(first)}–{norwegian_date(last)}",
                f"{len(years) or 'no'} school years of {school.owner} cover the sessions of "
                f"{school}: import the roster first (sammen import_roster --format edfi)",
            )
        )
        return None
    return SchoolCalendar(school, years[0])


def _weekdays(first: date, last: date) -> list[date]:
    days = []
    day = first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _session_days(calendar: SchoolCalendar, session: Session, lessons: int) -> None:
    for day in _weekdays(session.begin, session.end):
        calendar.days[day] = DaySpec(day, DayKind.SCHOOL_DAY, "", lessons)


def _between_sessions(calendar: SchoolCalendar, sessions: list[Session]) -> None:
    ordered = sorted(sessions, key=lambda s: s.begin)
    for before, after in pairwise(ordered):
        for day in _weekdays(before.end + timedelta(days=1), after.begin - timedelta(days=1)):
            calendar.days.setdefault(day, DaySpec(day, DayKind.HOLIDAY, BETWEEN_TERMS, 0))


def _calendar_date(
    calendar: SchoolCalendar, element: Element, file: str, lessons: int, report: Report
) -> None:
    raw = element.findtext("Date")
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        report.rejected.append(Problem(file, element.line, "Date", raw, "not a date"))
        return
    event = code(element.findtext("CalendarEvent"))
    if day.weekday() >= 5:
        report.notes.append(
            Note(file, element.line, "Date", raw, "a weekend day: never a school day in Sammen")
        )
        return
    year = calendar.year
    if not year.start_date <= day <= year.end_date:
        report.rejected.append(
            Problem(file, element.line, "Date", raw, f"outside the school year {year}")
        )
        return
    if event in SCHOOL_DAY_EVENTS:
        calendar.days[day] = DaySpec(day, DayKind.SCHOOL_DAY, "", lessons)
    elif event in PLANNING_EVENTS:
        calendar.days[day] = DaySpec(day, DayKind.PLANNING_DAY, event, 0)
    else:
        calendar.days[day] = DaySpec(day, DayKind.HOLIDAY, event[:100] or "Holiday", 0)


def _count_note(calendar: SchoolCalendar, session: Session, file: str, report: Report) -> None:
    days = sum(
        1
        for day, spec in calendar.days.items()
        if session.begin <= day <= session.end and spec.kind == DayKind.SCHOOL_DAY
    )
    if session.instructional_days is not None and days != session.instructional_days:
        report.notes.append(
            Note(
                file,
                session.line,
                "TotalInstructionalDays",
                str(session.instructional_days),
                f"{calendar.school}, {session.name}: the calendar has {days} school days "
                "(every weekday of the session that no CalendarDate marks as a day off)",
            )
        )


def _class_periods(root: Element, report: Report) -> dict[str, dict[int, tuple[time, time]]]:
    found: dict[str, list[tuple[int | None, time, time, Element]]] = defaultdict(list)
    file = "EducationOrganization.xml"
    for element in root.findall("ClassPeriod"):
        school_id = element.findtext("SchoolReference/SchoolIdentity/SchoolId")
        try:
            starts = [
                time.fromisoformat(m.findtext("StartTime")) for m in element.findall("MeetingTime")
            ]
            ends = [
                time.fromisoformat(m.findtext("EndTime")) for m in element.findall("MeetingTime")
            ]
        except ValueError:
            report.rejected.append(
                Problem(
                    file,
                    element.line,
                    "MeetingTime",
                    None,
                    "StartTime and EndTime must be times like 08:35:00",
                )
            )
            continue
        if not starts:
            continue
        match = _NUMBER.match(element.findtext("ClassPeriodName"))
        found[school_id].append(
            (int(match.group(1)) if match else None, min(starts), max(ends), element)
        )
    out: dict[str, dict[int, tuple[time, time]]] = {}
    for school_id, periods in found.items():
        periods.sort(key=lambda p: p[1])
        lessons: dict[int, tuple[time, time]] = {}
        for position, (number, start, end, element) in enumerate(periods, start=1):
            key = number or position
            if key in lessons or end <= start:
                report.rejected.append(
                    Problem(
                        file,
                        element.line,
                        "ClassPeriodName",
                        element.findtext("ClassPeriodName"),
                        "the same lesson number twice"
                        if key in lessons
                        else "ends before it starts",
                    )
                )
                continue
            lessons[key] = (start, end)
        out[school_id] = lessons
    return out
