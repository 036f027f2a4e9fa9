"""From a stretch of time on a school day to the lessons it took: FINT periods, Ed-Fi partials.

Times are minutes after midnight (0–1440), local school time. A lesson the stretch covers
entirely is an absence from it; a stretch that covers a lesson's start but ends inside it is
lateness (its minutes); one that begins inside a lesson and covers its end is leaving early.
A stretch strictly inside one lesson is an error (Sammen records lateness and leaving early,
not a gap in the middle of a lesson). When every planned lesson of the day is missed, the day
is one whole-day absence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from sammen.attendance.importers.context import Lesson
from sammen.attendance.models import Kind

WHOLE_DAY = (0, 24 * 60)


def minute(value: time) -> int:
    return value.hour * 60 + value.minute


def clock(minutes: int) -> str:
    return "24:00" if minutes >= 24 * 60 else f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class Piece:
    period: int | None  # None: the whole day
    kind: str
    minutes: int | None


def place(start: int, end: int, lessons: list[Lesson], planned: int) -> list[Piece] | str:
    """What [start, end) took from a day with ``planned`` lessons; or why it cannot be placed."""
    if (start, end) == WHOLE_DAY:
        return [Piece(None, Kind.ABSENT, None)]
    today = [lesson for lesson in lessons if lesson.number <= planned]
    if len(today) < planned:
        return (
            f"the school's lesson times are needed to tell which lessons {clock(start)}–"
            f"{clock(end)} took, and it has times for {len(today)} of the day's {planned} "
            "lessons (import_calendar --lesson-times, or Ed-Fi ClassPeriods)"
        )
    pieces: list[Piece] = []
    for lesson in today:
        first, last = minute(lesson.start), minute(lesson.end)
        if end <= first or start >= last:
            continue
        if start <= first and end >= last:
            pieces.append(Piece(lesson.number, Kind.ABSENT, None))
        elif start <= first:
            pieces.append(Piece(lesson.number, Kind.LATE, end - first))
        elif end >= last:
            pieces.append(Piece(lesson.number, Kind.LEFT_EARLY, last - start))
        else:
            return (
                f"{clock(start)}–{clock(end)} lies inside lesson {lesson.number} "
                f"({clock(first)}–{clock(last)}): Sammen records coming late and leaving "
                "early, not a gap in the middle of a lesson"
            )
    if not pieces:
        return f"{clock(start)}–{clock(end)} is outside every lesson of the day"
    if len(pieces) == planned and all(p.kind == Kind.ABSENT for p in pieces):
        return [Piece(None, Kind.ABSENT, None)]
    return pieces


def lesson_at(moment: int, lessons: list[Lesson], planned: int) -> Lesson | None:
    """The lesson running at ``moment`` (start included, end not), if any."""
    for lesson in lessons:
        if lesson.number <= planned and minute(lesson.start) <= moment < minute(lesson.end):
            return lesson
    return None
