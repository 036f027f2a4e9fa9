"""Judging what a file asks for: against Sammen (pupil, school day, lesson) and within the file.

Within one file, for one pupil:
- the same lesson (or the whole day) twice with the same values is a duplicate: the later row
  is rejected; with different values the rows contradict each other and both are rejected;
- a whole-day ``absent`` or ``present_elsewhere`` record covers the day's lessons: a lesson
  record of the same kind and reason adds nothing and is skipped; any other lesson record on that
  day contradicts it, and both are rejected. ``late`` and ``left_early`` are lesson records and
  sit beside lesson absences freely (late for lesson 1, absent in lesson 5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from sammen.attendance.importers.context import Context, Day, NoSchool, PupilInfo
from sammen.attendance.importers.rows import Read, Wanted
from sammen.attendance.models import Kind
from sammen.attendance.services import PRESENT, counts_on_diploma
from sammen.lib.dates import norwegian_date
from sammen.lib.importreport import Problem, Skip

Key = tuple[int, date, int | None]
PupilDay = tuple[int, date]
COVERED, CLASH, FINE = "covered", "clash", "fine"
_AWAY = frozenset({Kind.ABSENT, Kind.PRESENT_ELSEWHERE})


class Mark(Protocol):
    kind: str
    reason: str
    period: int | None


def relation(whole: Mark, lesson: Mark) -> str:
    """How a whole-day record and a lesson record of the same pupil and day go together.

    Away all day (absent, present elsewhere): a lesson record of the same kind and reason is
    ``COVERED`` by it; any other lesson record (late, another reason) is a ``CLASH``. Present all
    day (Ed-Fi "In Attendance") clashes with a lesson absence and sits ``FINE`` beside lateness.
    """
    if whole.kind == PRESENT:
        return CLASH if lesson.kind in _AWAY else FINE
    if whole.kind not in _AWAY:
        return FINE
    if (lesson.kind, lesson.reason) == (whole.kind, whole.reason):
        return COVERED
    return CLASH


@dataclass(slots=True)
class Accepted:
    wanted: Wanted
    pupil: PupilInfo
    group_id: int | None
    counts_on_diploma: bool

    @property
    def key(self) -> Key:
        return (self.pupil.pk, self.wanted.date, self.wanted.period)

    def values(self) -> tuple[object, ...]:
        w = self.wanted
        return (
            w.kind,
            w.minutes,
            w.reason,
            w.documented,
            w.subject,
            w.comment,
            self.counts_on_diploma,
            self.group_id,
        )


@dataclass
class Checked:
    accepted: list[Accepted] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    # (pupil pk, date) with a rejected entry, and where the first one is: such a day is left
    # as it is (see ``apply``).
    doubtful: dict[PupilDay, str] = field(default_factory=dict)


def describe(kind: str, period: int | None) -> str:
    if kind == PRESENT:
        return "present all day"
    what = kind.replace("_", " ")
    return f"{what} in lesson {period}" if period is not None else f"{what} all day"


def check(read: Read, ctx: Context) -> Checked:
    out = Checked()
    for (sid, day), where in read.doubtful.items():
        pupil = ctx.pupil(sid)
        if not isinstance(pupil, str):
            out.doubtful.setdefault((pupil.pk, day), where)
    judge = _Judge(ctx, read, out)
    singles = [a for a in map(judge, read.wanted) if a is not None]
    _within_file(singles, out)
    return out


class _Judge:
    """Judges one row against Sammen; remembers pupils and days, which repeat row after row."""

    def __init__(self, ctx: Context, read: Read, out: Checked) -> None:
        self.ctx, self.read, self.out = ctx, read, out
        self.pupils: dict[str, PupilInfo | str] = {}
        self.days: dict[tuple[int, date], Day | NoSchool] = {}
        self.counts: dict[tuple[str, str], bool] = {}

    def __call__(self, w: Wanted) -> Accepted | None:
        pupil = self.pupils.get(w.pupil)
        if pupil is None:
            pupil = self.pupils[w.pupil] = self.ctx.pupil(w.pupil)
        if isinstance(pupil, str):
            self.out.problems.append(w.problem("pupil_id", w.pupil, pupil))
            return None
        key = (pupil.school_id, w.date)
        day = self.days.get(key)
        if day is None:
            day = self.days[key] = self.ctx.school_day(*key)
        if (
            w.school
            or w.group
            or isinstance(day, NoSchool)
            or (w.period is not None and w.period > day.lessons)
        ):
            return _against_sammen(w, pupil, day, self.ctx, self.read, self.out)
        counts = w.counts_on_diploma
        if counts is None:
            found = self.counts.get((w.kind, w.reason))
            if found is None:
                found = self.counts[(w.kind, w.reason)] = counts_on_diploma(w.kind, w.reason)
            counts = found
        return Accepted(w, pupil, None, counts)


def _against_sammen(
    w: Wanted, pupil: PupilInfo, day: Day | NoSchool, ctx: Context, read: Read, out: Checked
) -> Accepted | None:
    """The slow path: a school to compare, a group to find, or something wrong."""
    school = ctx.schools[pupil.school_id]
    problems: list[Problem] = []
    if w.school and w.school != school.source_id:
        problems.append(
            w.problem(
                "school",
                w.school,
                f"{pupil.name} is a pupil at {school.name} (id {school.source_id or 'none'}) "
                "in Sammen, not at this school",
            )
        )
    if isinstance(day, NoSchool):
        if read.skip_non_school_days and day.day_off:
            out.skipped.append(w.skip(w.pupil, f"{day.reason}: left out"))
            return None
        problems.append(w.problem("date", norwegian_date(w.date), day.reason))
    elif w.period is not None and w.period > day.lessons:
        problems.append(
            w.problem(
                "period",
                w.period,
                f"{norwegian_date(w.date)} has {day.lessons} lessons at {school.name}: "
                f"there is no lesson {w.period}",
            )
        )
    group_id = None
    if w.group:
        group = ctx.group(w.group)
        if group is None:
            problems.append(
                w.problem(
                    "group",
                    w.group,
                    f'no teaching group with id "{w.group}" in Sammen: import the roster first',
                )
            )
        else:
            group_id = group.pk
    if problems:
        out.problems.extend(problems)
        out.doubtful.setdefault((pupil.pk, w.date), w.where)
        return None
    counts = w.counts_on_diploma
    if counts is None:
        counts = counts_on_diploma(w.kind, w.reason)
    return Accepted(w, pupil, group_id, counts)


def _within_file(rows: list[Accepted], out: Checked) -> None:
    first_of: dict[Key, Accepted] = {}
    repeated: dict[Key, list[Accepted]] = {}
    for row in rows:
        key = row.key
        if key in first_of:
            repeated.setdefault(key, [first_of[key]]).append(row)
        else:
            first_of[key] = row
    kept = [row for key, row in first_of.items() if key not in repeated]
    rejected: set[int] = set()
    for same in repeated.values():
        first = same[0]
        if all(other.values() == first.values() for other in same[1:]):
            kept.append(first)
            # A copy of a row says nothing new: the day stays the file's, with the first.
            out.problems.extend(
                other.wanted.problem(
                    "pupil_id", other.wanted.pupil, f"duplicate of {first.wanted.where}"
                )
                for other in same[1:]
            )
            continue
        for row in same:
            others = ", ".join(o.wanted.where for o in same if o is not row)
            out.problems.append(
                row.wanted.problem(
                    "kind",
                    row.wanted.kind,
                    f"contradicts {others}: the same pupil, day and "
                    + ("lesson" if row.wanted.period is not None else "whole day"),
                )
            )
            rejected.add(id(row))
            out.doubtful.setdefault((row.pupil.pk, row.wanted.date), row.wanted.where)
    whole_days = {(row.pupil.pk, row.wanted.date): row for row in kept if row.wanted.period is None}
    covered: set[int] = set()
    for row in kept:
        whole = whole_days.get((row.pupil.pk, row.wanted.date)) if row.wanted.period else None
        if whole is None:
            continue
        w, cover = row.wanted, whole.wanted
        how = relation(cover, w)
        if how == COVERED:
            out.skipped.append(w.skip(w.pupil, f"covered by the whole-day record ({cover.where})"))
            covered.add(id(row))
        elif how == CLASH:
            for one, other in ((row, whole), (whole, row)):
                out.problems.append(
                    one.wanted.problem(
                        "kind",
                        one.wanted.kind,
                        f"{describe(one.wanted.kind, one.wanted.period)} contradicts "
                        f"{describe(other.wanted.kind, other.wanted.period)} "
                        f"({other.wanted.where}) for the same pupil and day",
                    )
                )
            rejected.update((id(row), id(whole)))
            for one in (row, whole):
                out.doubtful.setdefault((one.pupil.pk, one.wanted.date), one.wanted.where)
    out.accepted.extend(row for row in kept if id(row) not in rejected and id(row) not in covered)
