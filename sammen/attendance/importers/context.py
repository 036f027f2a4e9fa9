"""What an import needs to know about Sammen: pupils by source id, calendars, lesson times.

Read once per import, in a fixed number of queries (calendars: one per school), so judging a
million rows costs dictionary look-ups, not queries.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time

from django.utils import translation

from sammen.attendance.models import CalendarDay, DayKind, LessonPeriod
from sammen.lib.dates import norwegian_date
from sammen.roster.models import Group, GroupKind, Pupil, School, SchoolOwner, SchoolYear

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True)
class PupilInfo:
    pk: int
    public_id: uuid.UUID
    name: str
    school_id: int


@dataclass(frozen=True, slots=True)
class SchoolInfo:
    pk: int
    public_id: uuid.UUID
    name: str
    source_id: str
    owner_id: int


@dataclass(frozen=True, slots=True)
class Day:
    kind: str
    name: str
    lessons: int
    year_id: int


@dataclass(frozen=True, slots=True)
class NoSchool:
    """Why a date is not a school day; ``day_off`` when the calendar says so (not a gap in it)."""

    reason: str
    day_off: bool


@dataclass(frozen=True, slots=True)
class Lesson:
    number: int
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class GroupInfo:
    pk: int
    school_id: int
    subject: str
    name: str


class Context:
    """Sammen's side of an import, for one school owner or (``owner=None``) all of them."""

    def __init__(self, owner: SchoolOwner | None = None) -> None:
        pupils = Pupil.objects.exclude(source_id="")
        schools = School.objects.all()
        years = SchoolYear.objects.all()
        if owner is not None:
            pupils, schools, years = (
                pupils.filter(owner=owner),
                schools.filter(owner=owner),
                years.filter(owner=owner),
            )
        self.owner = owner
        self.schools = {
            pk: SchoolInfo(pk, public_id, name, source_id, owner_id)
            for pk, public_id, name, source_id, owner_id in schools.values_list(
                "pk", "public_id", "name", "source_id", "owner_id"
            )
        }
        self._pupils: dict[str, PupilInfo] = {}
        self._by_pk: dict[int, PupilInfo] = {}
        self._ambiguous: dict[str, set[int]] = {}
        owners: dict[str, int] = {}
        for pk, public_id, given, family, school_id, sid, owner_id in pupils.values_list(
            "pk", "public_id", "given_name", "family_name", "school_id", "source_id", "owner_id"
        ):
            if sid in owners and owners[sid] != owner_id:
                self._ambiguous.setdefault(sid, {owners[sid]}).add(owner_id)
            owners[sid] = owner_id
            info = PupilInfo(pk, public_id, f"{given} {family}".strip(), school_id)
            self._pupils[sid] = info
            self._by_pk[pk] = info
        self.years: dict[int, list[tuple[int, str, date, date]]] = defaultdict(list)
        for pk, name, start, end, owner_id in years.values_list(
            "pk", "name", "start_date", "end_date", "owner_id"
        ).order_by("start_date"):
            self.years[owner_id].append((pk, name, start, end))
        self.lessons: dict[int, list[Lesson]] = defaultdict(list)
        for school_id, number, begins, ends in (
            LessonPeriod.objects.filter(school_id__in=list(self.schools))
            .values_list("school_id", "number", "start", "end")
            .order_by("school_id", "number")
        ):
            self.lessons[school_id].append(Lesson(number, begins, ends))
        self._days: dict[tuple[int, date], Day] = {}
        self._calendar_years: dict[int, set[int]] = {}
        self._groups: dict[str, GroupInfo] | None = None

    # pupils -----------------------------------------------------------------------------------

    def pupil(self, sid: str) -> PupilInfo | str:
        """The pupil with source id ``sid``, or why there is none."""
        found = self._pupils.get(sid)
        if found is not None and sid not in self._ambiguous:
            return found
        if sid in self._ambiguous:
            return (
                f'{len(self._ambiguous[sid])} school owners have a pupil with id "{sid}": '
                "give --owner to say which"
            )
        return f'no pupil with id "{sid}" in Sammen: import the roster first, or check the id'

    def pupil_by_pk(self, pk: int) -> PupilInfo:
        return self._by_pk[pk]

    def group(self, sid: str) -> GroupInfo | None:
        if self._groups is None:
            groups = Group.objects.exclude(source_id="").filter(
                school_id__in=list(self.schools), kind=GroupKind.TEACHING
            )
            self._groups = {
                sid: GroupInfo(pk, school_id, subject, name)
                for pk, sid, school_id, subject, name in groups.values_list(
                    "pk", "source_id", "school_id", "subject", "name"
                )
            }
        return self._groups.get(sid)

    # the calendar -----------------------------------------------------------------------------

    def day(self, school_id: int, day: date) -> Day | None:
        if school_id not in self._calendar_years:
            self._load_calendar(school_id)
        return self._days.get((school_id, day))

    def _load_calendar(self, school_id: int) -> None:
        years: set[int] = set()
        for day, kind, name, lessons, year_id in CalendarDay.objects.filter(
            school_id=school_id
        ).values_list("date", "kind", "name", "lessons", "school_year_id"):
            self._days[(school_id, day)] = Day(kind, name, lessons, year_id)
            years.add(year_id)
        self._calendar_years[school_id] = years

    def school_day(self, school_id: int, day: date) -> Day | NoSchool:
        """The school day ``day`` at the school, or why it is not one."""
        found = self.day(school_id, day)
        if found is not None and found.kind == DayKind.SCHOOL_DAY:
            return found
        school = self.schools[school_id]
        if found is not None:
            with translation.override("en"):  # import reports are in English, as the roster's
                what = str(DayKind(found.kind).label)
            named = f": {found.name}" if found.name else ""
            return NoSchool(
                f"{norwegian_date(day)} is not a school day at {school.name} ({what}{named})", True
            )
        years = self.years.get(school.owner_id, [])
        year = next((y for y in years if y[2] <= day <= y[3]), None)
        if year is None:
            spans = ", ".join(
                f"{name} ({norwegian_date(a)}–{norwegian_date(b)})" for _, name, a, b in years
            )
            reason = f"{norwegian_date(day)} is outside the school year" + (
                f": the school years are {spans}" if spans else ": Sammen has no school year"
            )
            return NoSchool(reason, False)
        if year[0] not in self._calendar_years[school_id]:
            return NoSchool(
                f"{school.name} has no school calendar for {year[1]}: import it first "
                "(sammen import_calendar)",
                False,
            )
        if day.weekday() >= 5:
            return NoSchool(
                f"{norwegian_date(day)} is a {WEEKDAYS[day.weekday()]}, not a school day", True
            )
        return NoSchool(
            f"{norwegian_date(day)} is not in {school.name}'s school calendar for {year[1]}", False
        )
