"""``--format edfi``: Ed-Fi ``StudentSchoolAttendanceEvent``, as interchange XML or API JSON.

PATH is ``StudentSchoolAttendance.xml`` (the interchange), a JSON array of the API resource
``studentSchoolAttendanceEvents``, or a directory holding one of them. The mapping
(docs/import-attendance.md has the table):

- In Attendance: no record (Sammen stores only absence), reported as skipped; it makes the day
  the file's, so an absence an earlier Ed-Fi import wrote that day is removed.
- Excused Absence: absent, documented; the reason from AttendanceEventReason (sick, leave,
  school activity by keyword, else other). Unexcused Absence: absent, unexplained.
  A whole day unless EventDuration is below 1; then it is a part-day absence, as Partial.
- Tardy: late in the lesson running at ArrivalTime, by the minutes since it began (the school's
  lesson times, from ClassPeriod). Early departure: left early in the lesson running at
  DepartureTime, by the minutes left of it.
- Partial: the lessons before ArrivalTime and/or after DepartureTime (``spans.place``); on a day
  the file already marks as a whole-day absence it adds nothing and is skipped.
- An event on a day that is not a school day (a Sunday, a holiday) is skipped, not rejected:
  absence from a day without school cannot count, and one stray date should not stop a file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sammen.attendance.importers.context import Context, NoSchool
from sammen.attendance.importers.rows import Origin, Read, Wanted
from sammen.attendance.importers.spans import WHOLE_DAY, clock, lesson_at, minute, place
from sammen.attendance.models import Kind, Reason
from sammen.attendance.services import PRESENT
from sammen.lib.edfi import code, find_file
from sammen.lib.importreport import Note, Problem
from sammen.lib.xmlread import XmlError, parse_xml

XML_FILE = "StudentSchoolAttendance.xml"
JSON_FILE = "studentSchoolAttendanceEvents.json"
IN_ATTENDANCE, EXCUSED, UNEXCUSED = "In Attendance", "Excused Absence", "Unexcused Absence"
TARDY, EARLY, PARTIAL = "Tardy", "Early departure", "Partial"
CATEGORIES = (IN_ATTENDANCE, EXCUSED, UNEXCUSED, TARDY, EARLY, PARTIAL)
# AttendanceEventReason is free text; these words give an excused absence its reason.
REASON_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (Reason.SICK, ("sick", "ill", "medical", "doctor", "dentist", "health")),
    (Reason.LEAVE, ("leave", "vacation", "family", "religious", "funeral")),
    (Reason.SCHOOL_ACTIVITY, ("field trip", "school activity", "school event", "competition")),
)
XML_NAMES = {
    "pupil_id": "StudentReference/StudentIdentity/StudentUniqueId",
    "school": "SchoolReference/SchoolIdentity/SchoolId",
    "date": "AttendanceEvent/EventDate",
    "kind": "AttendanceEvent/AttendanceEventCategory",
    "reason": "AttendanceEvent/AttendanceEventReason",
    "duration": "AttendanceEvent/EventDuration",
    "arrival": "ArrivalTime",
    "departure": "DepartureTime",
    "minutes": "SchoolAttendanceDuration",
}
JSON_NAMES = {
    "pupil_id": "studentReference.studentUniqueId",
    "school": "schoolReference.schoolId",
    "date": "eventDate",
    "kind": "attendanceEventCategoryDescriptor",
    "reason": "attendanceEventReason",
    "duration": "eventDuration",
    "arrival": "arrivalTime",
    "departure": "departureTime",
    "minutes": "schoolAttendanceDuration",
}


@dataclass
class Event:
    """One attendance event as read, its values still text."""

    origin: Origin
    line: int | None
    prefix: str
    values: dict[str, str]
    source: str

    def problem(self, name: str, reason: str) -> Problem:
        return Problem(
            self.origin.file,
            self.line,
            self.prefix + self.origin.name(name),
            self.values.get(name, ""),
            reason,
        )

    @property
    def where(self) -> str:
        return f"line {self.line}" if self.line is not None else self.prefix.rstrip(".")


def read_edfi(path: Path, ctx: Context) -> Read:
    read = Read(skip_non_school_days=True)
    target = path
    if path.is_dir():
        found = find_file(path, XML_FILE) or find_file(path, JSON_FILE)
        if found is None:
            read.fatal.append(
                Problem(path.name, None, None, None, f"has neither {XML_FILE} nor {JSON_FILE}")
            )
            return read
        target = found
    events = _json_events(target, read) if target.suffix.lower() == ".json" else None
    if events is None and not read.fatal:
        events = _xml_events(target, read)
    if read.fatal or events is None:
        return read
    _convert_all(events, ctx, read)
    return read


def _xml_events(path: Path, read: Read) -> list[Event] | None:
    try:
        root = parse_xml(path)
    except XmlError as exc:
        read.fatal.append(Problem(exc.file, exc.line, None, None, exc.message))
        return None
    origin = Origin(path.name, XML_NAMES)
    events: list[Event] = []
    others: set[str] = set()
    for element in root:
        if element.tag != "StudentSchoolAttendanceEvent":
            if element.tag not in others:
                others.add(element.tag)
                read.notes.append(
                    Note(
                        path.name,
                        element.line,
                        element.tag,
                        None,
                        "not read: only "
                        "StudentSchoolAttendanceEvent is attendance for the whole school day",
                    )
                )
            continue
        values = {name: element.findtext(where) for name, where in XML_NAMES.items()}
        events.append(Event(origin, element.line, "", values, "edfi"))
    if not events and not others:
        read.fatal.append(
            Problem(path.name, None, None, None, "has no StudentSchoolAttendanceEvent")
        )
    return events


def _json_events(path: Path, read: Read) -> list[Event] | None:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        read.fatal.append(Problem(path.name, None, None, None, f"is not JSON: {exc}"))
        return None
    items = data if isinstance(data, list) else [data]
    origin = Origin(path.name, JSON_NAMES)
    events: list[Event] = []
    for number, item in enumerate(items):
        prefix = f"[{number}]."
        if not isinstance(item, dict):
            read.problems.append(
                Problem(
                    path.name,
                    None,
                    prefix.rstrip("."),
                    None,
                    "not a studentSchoolAttendanceEvent object",
                )
            )
            continue
        values = {name: _text(_dig(item, where)) for name, where in JSON_NAMES.items()}
        ident = _text(item.get("id"))
        events.append(Event(origin, None, prefix, values, f"edfi:{ident}" if ident else "edfi"))
    return events


def _dig(item: dict[str, Any], path: str) -> Any:
    value: Any = item
    for step in path.split("."):
        value = value.get(step) if isinstance(value, dict) else None
    return value


def _text(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def _time(raw: str) -> int | str | None:
    if not raw:
        return None
    try:
        return minute(time.fromisoformat(raw))
    except ValueError:
        return "not a time of day like 09:35:00"


def _convert_all(events: list[Event], ctx: Context, read: Read) -> None:
    whole_days: dict[tuple[str, str], str] = {}
    for event in events:
        category = code(event.values["kind"])
        if category in (EXCUSED, UNEXCUSED) and not _part_of_day(event):
            whole_days.setdefault((event.values["pupil_id"], event.values["date"]), event.where)
    for event in events:
        _convert(event, ctx, read, whole_days)


def _part_of_day(event: Event) -> bool:
    try:
        return Decimal(event.values["duration"] or "1") < 1
    except InvalidOperation:
        return False


def _reason(category: str, text: str) -> tuple[str, bool]:
    """(reason, documented) of an absence."""
    lowered = text.lower()
    if category == UNEXCUSED or "unexcused" in lowered:
        return Reason.UNEXPLAINED, False
    if category == PARTIAL and "excused" not in lowered:
        return Reason.UNEXPLAINED, False
    for reason, words in REASON_WORDS:
        if any(word in lowered for word in words):
            return reason, True
    return Reason.OTHER, True


def _convert(
    event: Event, ctx: Context, read: Read, whole_days: dict[tuple[str, str], str]
) -> None:
    values = event.values
    bad: list[Problem] = []
    category = code(values["kind"])
    if category not in CATEGORIES:
        bad.append(event.problem("kind", f"unknown category; Sammen reads {', '.join(CATEGORIES)}"))
    if not values["pupil_id"]:
        bad.append(event.problem("pupil_id", "the student's id is missing"))
    day: date | None = None
    try:
        day = date.fromisoformat(values["date"][:10])
    except ValueError:
        bad.append(event.problem("date", "not a date like 2021-08-31"))
    arrival, departure = _time(values["arrival"]), _time(values["departure"])
    for name, moment in (("arrival", arrival), ("departure", departure)):
        if isinstance(moment, str):
            bad.append(event.problem(name, moment))
    if category in (EXCUSED, UNEXCUSED, PARTIAL) and _bad_duration(values["duration"]):
        bad.append(event.problem("duration", "not a number of days like 1 or 0.5"))
    if bad or day is None or isinstance(arrival, str) or isinstance(departure, str):
        if values["pupil_id"] and day is not None:
            read.doubtful.setdefault((values["pupil_id"], day), event.where)
        read.problems.extend(bad)
        return
    pupil = ctx.pupil(values["pupil_id"])
    wanted = _wanted(event, day, category)
    if isinstance(pupil, str):
        read.wanted.append(wanted)  # the checks name the unknown pupil
        return
    school_day = ctx.school_day(pupil.school_id, day)
    if isinstance(school_day, NoSchool) or (
        category in (EXCUSED, UNEXCUSED) and not _part_of_day(event)
    ):
        read.wanted.append(wanted)  # the checks judge the day; a whole day needs no lessons
        return
    if category == IN_ATTENDANCE:
        read.wanted.append(wanted)
        return
    covered = whole_days.get((values["pupil_id"], values["date"]))
    lessons = ctx.lessons.get(pupil.school_id, [])
    if category in (TARDY, EARLY):
        moment = arrival if category == TARDY else departure
        name = "arrival" if category == TARDY else "departure"
        if moment is None:
            read.problems.append(
                event.problem(name, f"a {category} event needs its {XML_NAMES[name]}")
            )
            read.doubtful.setdefault((values["pupil_id"], day), event.where)
            return
        lesson = lesson_at(moment, lessons, school_day.lessons)
        if lesson is None:
            read.problems.append(
                event.problem(
                    name,
                    f"{clock(moment)} is not during a lesson"
                    + (
                        ""
                        if lessons
                        else ": the school has no lesson times (import the "
                        "calendar with EducationOrganization.xml's ClassPeriods)"
                    ),
                )
            )
            read.doubtful.setdefault((values["pupil_id"], day), event.where)
            return
        minutes = (
            moment - minute(lesson.start) if category == TARDY else minute(lesson.end) - moment
        )
        if minutes < 1:
            read.skipped.append(
                wanted.skip(
                    values["pupil_id"],
                    f"{clock(moment)} is when lesson {lesson.number} begins: not late",
                )
            )
            return
        _note_duration(event, minutes, read)
        wanted.period, wanted.minutes = lesson.number, minutes
        read.wanted.append(wanted)
        return
    if covered is not None:
        read.skipped.append(
            wanted.skip(values["pupil_id"], f"covered by the whole-day absence ({covered})")
        )
        return
    if arrival is None and departure is None:
        read.problems.append(
            event.problem(
                "kind",
                "a part-day absence needs ArrivalTime or DepartureTime to "
                "say which lessons were missed",
            )
        )
        read.doubtful.setdefault((values["pupil_id"], day), event.where)
        return
    spans = []
    if arrival is not None:
        spans.append((WHOLE_DAY[0], arrival))
    if departure is not None:
        spans.append((departure, WHOLE_DAY[1]))
    for start, end in spans:
        pieces = place(start, end, lessons, school_day.lessons)
        if isinstance(pieces, str):
            read.problems.append(
                event.problem("arrival" if end == arrival else "departure", pieces)
            )
            read.doubtful.setdefault((values["pupil_id"], day), event.where)
            return
        for piece in pieces:
            read.wanted.append(
                _wanted(
                    event,
                    day,
                    category,
                    period=piece.period,
                    kind=piece.kind,
                    minutes=piece.minutes,
                )
            )


def _bad_duration(raw: str) -> bool:
    if not raw:
        return False
    try:
        return not 0 < Decimal(raw) <= 1
    except InvalidOperation:
        return True


def _note_duration(event: Event, minutes: int, read: Read) -> None:
    given = event.values["minutes"]
    if given and given != str(minutes):
        read.notes.append(
            Note(
                event.origin.file,
                event.line,
                event.origin.name("minutes"),
                given,
                f"differs from the {minutes} minutes the time gives; the time is used",
            )
        )


def _wanted(
    event: Event,
    day: date,
    category: str,
    *,
    period: int | None = None,
    kind: str | None = None,
    minutes: int | None = None,
) -> Wanted:
    text = event.values["reason"]
    if category == IN_ATTENDANCE:
        reason, documented, kind = "", False, PRESENT
    elif category in (TARDY, EARLY):
        reason, documented = Reason.UNEXPLAINED, False
        kind = Kind.LATE if category == TARDY else Kind.LEFT_EARLY
    else:
        reason, documented = _reason(category, text)
        kind = kind or Kind.ABSENT
        if kind != Kind.ABSENT and reason == Reason.SCHOOL_ACTIVITY:
            reason = Reason.OTHER
    return Wanted(
        event.origin,
        event.line,
        event.prefix,
        event.values["pupil_id"],
        day,
        period,
        kind,
        minutes,
        reason,
        documented,
        "",
        text[:500],
        None,
        "",
        event.source,
        event.values["school"],
    )
