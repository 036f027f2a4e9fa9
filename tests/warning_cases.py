"""The early-warning rules at and around their thresholds, as a table of cases.

One pupil per case, in a school whose calendar has ``N_DAYS`` school days of ``LESSONS`` lessons
(every weekday from Monday 17 August 2026 to Friday 4 December 2026, the evaluation day). A
pupil's days are given by ``back``: school days before the evaluation day (0 is the day itself,
4 the Monday of that week). The same table runs through the pure rules
(``tests/test_warning_rules.py``) and through the database and the engine
(``tests/test_warning_engine.py``), on SQLite and PostgreSQL.

Windows with these defaults: the last 10 school days are backs 0–9, the last 20 are 0–19 and
the last 30 are 0–29; the last 15 weeks are backs 0–74; the last 6 weeks 0–29; the rising rule's
last 4 weeks are 0–19 and the 8 weeks before them 20–59. Mondays are backs 4, 9, 14, …;
Wednesdays 2, 7, 12, ….
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import polars as pl

from sammen.attendance.models import (
    AttendanceRecord,
    CalendarDay,
    DayKind,
    Kind,
    PupilDay,
    Reason,
    TimetableSlot,
)
from sammen.roster.models import Enrollment, GroupKind, Pupil, School, SchoolYear
from sammen.warning.days import (
    CALENDAR_SCHEMA,
    DAY_SCHEMA,
    LESSON_SCHEMA,
    PUPIL_SCHEMA,
    SLOT_SCHEMA,
    Inputs,
)
from sammen.warning.standard import Rule, Standard
from tests import factories as f

LESSONS = 6
N_DAYS = 80
FIRST = date(2026, 8, 17)  # a Monday


def school_days(n: int = N_DAYS, first: date = FIRST, skip: Iterable[date] = ()) -> list[date]:
    """``n`` school days from ``first``: every weekday but those in ``skip``."""
    skipped = set(skip)
    out: list[date] = []
    day = first
    while len(out) < n:
        if day.weekday() < 5 and day not in skipped:
            out.append(day)
        day += timedelta(days=1)
    return out


DAYS = school_days()
AS_OF = DAYS[-1]


def on(back: int) -> date:
    """The school day ``back`` school days before the evaluation day."""
    return DAYS[len(DAYS) - 1 - back]


@dataclass(frozen=True)
class Day:
    """One pupil's totals on one school day (what ``PupilDay`` holds)."""

    back: int
    absent: int = 0
    unexplained: int = 0
    sick: int = 0
    late: int = 0
    first_absent: bool = False


def _reason(back: int, lessons: int, reason: str) -> Day:
    return Day(
        back,
        absent=lessons,
        unexplained=lessons if reason == Reason.UNEXPLAINED else 0,
        sick=lessons if reason == Reason.SICK else 0,
    )


def away(*backs: int, reason: str = Reason.OTHER) -> list[Day]:
    """Whole days missed."""
    return [_reason(b, LESSONS, reason) for b in backs]


def part(back: int, lessons: int, reason: str = Reason.OTHER) -> list[Day]:
    """Some lessons of a day missed (not the first)."""
    return [_reason(back, lessons, reason)]


def late(*backs: int) -> list[Day]:
    return [Day(b, late=1) for b in backs]


def first(*backs: int) -> list[Day]:
    """The first lesson missed, the rest of the day at school."""
    return [Day(b, absent=1, first_absent=True) for b in backs]


def days(*groups: list[Day]) -> tuple[Day, ...]:
    return tuple(d for group in groups for d in group)


@dataclass(frozen=True)
class Case:
    id: str
    rule: str
    days: tuple[Day, ...]
    level: int | None  # None: the rule does not hold
    evidence: Mapping[str, Any] = field(default_factory=dict)  # expected, in part
    enrolled_from_back: int | None = None
    # The pupil's timetable: (weekday, lesson, subject); single lessons missed: (back, lesson).
    slots: tuple[tuple[int, int, str], ...] = ()
    missed: tuple[tuple[int, int], ...] = ()
    settings: Mapping[str, Any] = field(default_factory=dict)

    def standard(self) -> Standard:
        base = Standard()
        if not self.settings:
            return base
        return replace(base, **{self.rule: replace(getattr(base, self.rule), **self.settings)})

    def merged_days(self) -> list[Day]:
        """The pupil's day totals, single missed lessons included."""
        by_back: dict[int, Day] = {}
        extra = [Day(b, absent=1, first_absent=p == 1) for b, p in self.missed]
        for d in [*self.days, *extra]:
            old = by_back.get(d.back)
            by_back[d.back] = (
                d
                if old is None
                else Day(
                    d.back,
                    min(LESSONS, old.absent + d.absent),
                    min(LESSONS, old.unexplained + d.unexplained),
                    min(LESSONS, old.sick + d.sick),
                    old.late + d.late,
                    old.first_absent or d.first_absent,
                )
            )
        return [by_back[b] for b in sorted(by_back)]


PE = "Kroppsøving"
# Kroppsøving on Wednesdays, lessons 1 and 2: 12 lessons in the last 6 weeks; 168 others.
TIMETABLE = tuple(
    (weekday, period, PE if weekday == 2 and period <= 2 else "Norsk")
    for weekday in range(5)
    for period in range(1, LESSONS + 1)
)
S = Reason.SICK
U = Reason.UNEXPLAINED
# Fourteen single lessons (lessons 3 and 4 of seven days, none a Wednesday) in the last 6 weeks.
OTHER_14 = tuple((b, p) for b in (0, 1, 3, 4, 5, 6, 8) for p in (3, 4))

CASES: tuple[Case, ...] = (
    # rate_year: 480 lessons planned so far; 10 % is chronic (level 2), 20 % severe (level 3).
    Case(
        "rate_year exactly 10 %",
        Rule.RATE_YEAR,
        days(away(*range(8))),
        2,
        {"percent": 10.0, "absent_lessons": 48, "planned_lessons": 480, "school_days": 80},
    ),
    Case("rate_year just under 10 %", Rule.RATE_YEAR, days(away(*range(7)), part(8, 5)), None),
    Case("rate_year exactly 20 %", Rule.RATE_YEAR, days(away(*range(16))), 3, {"percent": 20.0}),
    Case(
        "rate_year just under 20 %",
        Rule.RATE_YEAR,
        days(away(*range(15)), part(20, 5)),
        2,
        {"percent": 19.8, "absent_lessons": 95},
    ),
    Case("rate_year lateness is not absence", Rule.RATE_YEAR, days(late(*range(60))), None),
    Case(
        "rate_year days before enrolment never count",
        Rule.RATE_YEAR,
        days(away(0, 1), away(*range(30, 60))),
        2,
        {"percent": 10.0, "absent_lessons": 12, "planned_lessons": 120, "school_days": 20},
        enrolled_from_back=19,
    ),
    Case(
        "rate_year 19 school days enrolled are too few",
        Rule.RATE_YEAR,
        days(away(0, 1)),
        None,
        enrolled_from_back=18,
    ),
    Case(
        "rate_year the school's own threshold: 5 %",
        Rule.RATE_YEAR,
        days(away(0, 1, 2, 3)),
        2,
        {"percent": 5.0},
        settings={"percent": 5.0},
    ),
    # rate_recent: the last 10 school days, 60 lessons; 25 % is 15 lessons.
    Case(
        "rate_recent exactly 25 %",
        Rule.RATE_RECENT,
        days(away(0, 1), part(2, 3)),
        2,
        {"percent": 25.0, "absent_lessons": 15, "planned_lessons": 60, "days": 10},
    ),
    Case("rate_recent just under 25 %", Rule.RATE_RECENT, days(away(0, 1), part(2, 2)), None),
    Case(
        "rate_recent the 11th day back is outside",
        Rule.RATE_RECENT,
        days(away(0, 1), part(2, 2), part(10, 1)),
        None,
    ),
    Case(
        "rate_recent 9 days enrolled are too few",
        Rule.RATE_RECENT,
        days(away(0, 1, 2)),
        None,
        enrolled_from_back=8,
    ),
    Case(
        "rate_recent 10 days enrolled are enough",
        Rule.RATE_RECENT,
        days(away(0, 1, 2)),
        2,
        {"percent": 30.0},
        enrolled_from_back=9,
    ),
    # days_in_15_weeks: 10 absence days; the last 15 weeks are backs 0–74.
    Case(
        "days_in_15_weeks exactly 10 days",
        Rule.DAYS_IN_15_WEEKS,
        days(away(*range(0, 70, 7))),
        2,
        {"absence_days": 10, "weeks": 15},
    ),
    Case("days_in_15_weeks 9 days", Rule.DAYS_IN_15_WEEKS, days(away(*range(0, 63, 7))), None),
    Case(
        "days_in_15_weeks the 75th day back is outside",
        Rule.DAYS_IN_15_WEEKS,
        days(away(*range(0, 63, 7)), away(75)),
        None,
    ),
    Case(
        "days_in_15_weeks the 74th day back is inside",
        Rule.DAYS_IN_15_WEEKS,
        days(away(*range(0, 63, 7)), away(74)),
        2,
    ),
    Case(
        "days_in_15_weeks half a day is an absence day",
        Rule.DAYS_IN_15_WEEKS,
        days(away(*range(0, 63, 7)), part(50, 3)),
        2,
    ),
    Case(
        "days_in_15_weeks a third of a day is not",
        Rule.DAYS_IN_15_WEEKS,
        days(away(*range(0, 63, 7)), part(50, 2)),
        None,
    ),
    # consecutive: 3 absence days in a row, ending within the last 10 school days.
    Case(
        "consecutive exactly 3 days",
        Rule.CONSECUTIVE,
        days(away(0, 1, 2)),
        2,
        {"days": 3, "first": on(2).isoformat(), "last": on(0).isoformat()},
    ),
    Case("consecutive 2 days", Rule.CONSECUTIVE, days(away(0, 1)), None),
    Case(
        "consecutive across a weekend (Thursday to Monday)",
        Rule.CONSECUTIVE,
        days(away(4, 5, 6)),
        2,
        {"days": 3, "first": "2026-11-26", "last": "2026-11-30"},
    ),
    Case("consecutive ended 9 school days back", Rule.CONSECUTIVE, days(away(9, 10, 11)), 2),
    Case("consecutive ended 10 school days back", Rule.CONSECUTIVE, days(away(10, 11, 12)), None),
    Case(
        "consecutive half days count", Rule.CONSECUTIVE, days(*(part(b, 3) for b in (0, 1, 2))), 2
    ),
    Case(
        "consecutive a third of a day breaks the run",
        Rule.CONSECUTIVE,
        days(away(0, 2), part(1, 2)),
        None,
    ),
    Case(
        "consecutive the latest run is the evidence",
        Rule.CONSECUTIVE,
        days(away(0, 1, 2), away(4, 5, 6, 7)),
        2,
        {"days": 3, "last": on(0).isoformat()},
    ),
    # weekday: Mondays are backs 4, 9, 14, 19, 24, 29 (the last six), 34 (the seventh).
    Case(
        "weekday 3 of the last 6 Mondays",
        Rule.WEEKDAY,
        days(away(4, 14, 24)),
        1,
        {"weekday": 0, "absent": 3, "of": 6, "percent": 50.0, "other_percent": 0.0},
    ),
    Case("weekday 2 of the last 6 Mondays", Rule.WEEKDAY, days(away(4, 14)), None),
    Case("weekday the 7th Monday back is outside", Rule.WEEKDAY, days(away(4, 14, 34)), None),
    Case(
        "weekday exactly twice the other days' rate",
        Rule.WEEKDAY,
        # 18 of 36 Monday lessons; 36 of the 144 other lessons since the first of the Mondays.
        days(away(4, 14, 24), away(3, 8, 2, 7, 1, 0)),
        1,
        {"percent": 50.0, "other_percent": 25.0},
    ),
    Case(
        "weekday just under twice",
        Rule.WEEKDAY,
        days(away(4, 14, 24), away(3, 8, 2, 7, 1, 0), part(6, 1)),
        None,
    ),
    Case(
        "weekday fewer than 6 Mondays enrolled",
        Rule.WEEKDAY,
        days(away(4, 9, 14)),
        1,
        {"absent": 3, "of": 3},
        enrolled_from_back=14,
    ),
    Case(
        "weekday half days count",
        Rule.WEEKDAY,
        days(*(part(b, 3) for b in (4, 14, 24))),
        1,
        {"absent": 3, "percent": 25.0},
    ),
    # late: 5 late arrivals or first-lesson absences in the last 20 school days.
    Case(
        "late exactly 5",
        Rule.LATE,
        days(late(0, 2, 4, 6, 8)),
        1,
        {"times": 5, "late": 5, "first_lesson_absent": 0, "days": 20, "weeks": 4},
    ),
    Case("late 4", Rule.LATE, days(late(0, 2, 4, 6)), None),
    Case(
        "late 4 and a first lesson missed",
        Rule.LATE,
        days(late(0, 2, 4, 6), first(10)),
        1,
        {"times": 5, "late": 4, "first_lesson_absent": 1},
    ),
    Case("late the 21st day back is outside", Rule.LATE, days(late(0, 2, 4, 6, 20)), None),
    Case("late twice in a day counts twice", Rule.LATE, days([Day(0, late=2)], late(2, 4, 6)), 1),
    Case(
        "late a day missed whole is no first lesson",
        Rule.LATE,
        days(late(0, 2, 4, 6), away(8)),
        None,
    ),
    # subject: Kroppsøving 12 lessons in the last 6 weeks (backs 0–29), 168 other lessons.
    Case(
        "subject exactly 25 %",
        Rule.SUBJECT,
        (),
        1,
        {"subject": PE, "percent": 25.0, "other_percent": 0.0, "weeks": 6},
        slots=TIMETABLE,
        missed=((2, 1), (2, 2), (7, 1)),
    ),
    Case("subject under 25 %", Rule.SUBJECT, (), None, slots=TIMETABLE, missed=((2, 1), (2, 2))),
    Case(
        "subject exactly 3 times the other lessons' rate",
        Rule.SUBJECT,
        (),
        1,
        {"percent": 25.0, "other_percent": 8.3},
        slots=TIMETABLE,
        missed=((2, 1), (2, 2), (7, 1), *OTHER_14),
    ),
    Case(
        "subject just under 3 times",
        Rule.SUBJECT,
        (),
        None,
        slots=TIMETABLE,
        missed=((2, 1), (2, 2), (7, 1), *OTHER_14, (9, 3)),
    ),
    Case(
        "subject days missed whole are left out",
        Rule.SUBJECT,
        days(away(2, 7)),
        1,
        {"percent": 25.0},
        slots=TIMETABLE,
        missed=((12, 1), (12, 2)),
    ),
    Case(
        "subject a lesson 7 weeks back is outside",
        Rule.SUBJECT,
        (),
        None,
        slots=TIMETABLE,
        missed=((2, 1), (2, 2), (32, 1)),
    ),
    # sick_episodes: 3 episodes of 1–2 sick days within the last 30 school days.
    Case(
        "sick_episodes exactly 3",
        Rule.SICK_EPISODES,
        days(away(1, 5, 10, reason=S)),
        1,
        {"episodes": 3, "days": 30, "weeks": 6},
    ),
    Case("sick_episodes 2", Rule.SICK_EPISODES, days(away(1, 5, reason=S)), None),
    Case(
        "sick_episodes of two days",
        Rule.SICK_EPISODES,
        days(away(1, 2, 5, 6, 10, 11, reason=S)),
        1,
        {"episodes": 3},
    ),
    Case(
        "sick_episodes three days are no short episode",
        Rule.SICK_EPISODES,
        days(away(1, 2, 3, 6, 10, reason=S)),
        None,
    ),
    Case(
        "sick_episodes one starting 30 days back is outside",
        Rule.SICK_EPISODES,
        days(away(5, 10, 29, 30, reason=S)),
        None,
    ),
    Case(
        "sick_episodes one starting 29 days back is inside",
        Rule.SICK_EPISODES,
        days(away(5, 10, 28, 29, reason=S)),
        1,
    ),
    Case(
        "sick_episodes other reasons are not illness",
        Rule.SICK_EPISODES,
        days(away(1, 5, 10, reason=U)),
        None,
    ),
    # rising: last 4 weeks (backs 0–19, 120 lessons) against the 8 before (20–59, 240 lessons).
    Case(
        "rising exactly 10 % and twice",
        Rule.RISING,
        days(away(0, 5, 30, 40)),
        2,
        {"percent": 10.0, "before_percent": 5.0, "recent_weeks": 4, "before_weeks": 8},
    ),
    Case("rising just under 10 %", Rule.RISING, days(away(0, 30, 40), part(5, 5)), None),
    Case(
        "rising just under twice",
        Rule.RISING,
        days(away(0, 5, 30, 40), part(45, 1)),
        None,
    ),
    Case(
        "rising absence 13 weeks back is not compared",
        Rule.RISING,
        days(away(0, 5, 30, 40, 60)),
        2,
        {"before_percent": 5.0},
    ),
    Case(
        "rising from nothing",
        Rule.RISING,
        days(away(0, 5)),
        2,
        {"percent": 10.0, "before_percent": 0.0},
    ),
    Case(
        "rising 10 school days before are enough",
        Rule.RISING,
        days(away(0, 5)),
        2,
        enrolled_from_back=29,
    ),
    Case(
        "rising 9 school days before are too few",
        Rule.RISING,
        days(away(0, 5)),
        None,
        enrolled_from_back=28,
    ),
    # unexplained: 2 days of unexplained absence in the last 20 school days.
    Case(
        "unexplained exactly 2 days",
        Rule.UNEXPLAINED,
        days(away(0, 10, reason=U)),
        1,
        {"days": 2, "window": 20},
    ),
    Case("unexplained 1 day", Rule.UNEXPLAINED, days(away(0, reason=U)), None),
    Case(
        "unexplained the 21st day back is outside",
        Rule.UNEXPLAINED,
        days(away(0, 20, reason=U)),
        None,
    ),
    Case(
        "unexplained half a day counts",
        Rule.UNEXPLAINED,
        days(part(0, 3, reason=U), away(10, reason=U)),
        1,
    ),
    Case(
        "unexplained a third of a day does not",
        Rule.UNEXPLAINED,
        days(part(0, 2, reason=U), away(10, reason=U)),
        None,
    ),
    Case(
        "unexplained illness is explained",
        Rule.UNEXPLAINED,
        days(away(0, 10, reason=S)),
        None,
    ),
)


# -- rendering: frames -------------------------------------------------------------------------

PUPIL_ID = 1
SCHOOL_ID = 1


def case_inputs(case: Case, pupil_id: int = PUPIL_ID) -> Inputs:
    """The case as the engine's inputs (what ``frames.load`` would read)."""
    enrolled = on(case.enrolled_from_back) if case.enrolled_from_back is not None else None
    rows = case.merged_days()
    return Inputs(
        AS_OF,
        pl.DataFrame([(SCHOOL_ID, d, LESSONS) for d in DAYS], schema=CALENDAR_SCHEMA, orient="row"),
        pl.DataFrame(
            [(pupil_id, SCHOOL_ID, enrolled, None, pupil_id if case.slots else None)],
            schema=PUPIL_SCHEMA,
            orient="row",
        ),
        pl.DataFrame(
            [
                (pupil_id, on(d.back), d.absent, d.unexplained, d.sick, d.late, d.first_absent)
                for d in rows
            ],
            schema=DAY_SCHEMA,
            orient="row",
        ),
        pl.DataFrame(
            [(pupil_id, w, p, s) for w, p, s in case.slots], schema=SLOT_SCHEMA, orient="row"
        ),
        pl.DataFrame(
            [(pupil_id, on(b), p, "") for b, p in case.missed], schema=LESSON_SCHEMA, orient="row"
        ),
    )


# -- rendering: the database -------------------------------------------------------------------


def make_school_with_calendar(skip: Iterable[date] = ()) -> tuple[School, SchoolYear]:
    owner = f.make_owner()
    year = f.make_school_year(owner)
    school = f.make_school(owner)
    add_calendar(school, year, DAYS, skip)
    return school, year


def add_calendar(
    school: School, year: SchoolYear, dates: Iterable[date], holidays: Iterable[date] = ()
) -> None:
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(
                school=school, school_year=year, date=d, kind=DayKind.SCHOOL_DAY, lessons=LESSONS
            )
            for d in dates
        ]
        + [
            CalendarDay(school=school, school_year=year, date=d, kind=DayKind.HOLIDAY, name="Ferie")
            for d in holidays
        ]
    )


def load_case(case: Case, school: School) -> Pupil:
    """The case's pupil in the database: enrolment, day totals, timetable, missed lessons."""
    pupil = f.make_pupil(school)
    group = f.make_group(school, kind=GroupKind.TEACHING)
    enrolled = on(case.enrolled_from_back) if case.enrolled_from_back is not None else None
    Enrollment.objects.create(group=group, pupil=pupil, start_date=enrolled)
    PupilDay.objects.bulk_create(
        PupilDay(
            pupil=pupil,
            school=school,
            date=on(d.back),
            planned_lessons=LESSONS,
            absent_lessons=d.absent,
            unexplained_lessons=d.unexplained,
            sick_lessons=d.sick,
            late_count=d.late,
            late_minutes=5 * d.late,
            first_lesson_absent=d.first_absent,
        )
        for d in case.merged_days()
    )
    TimetableSlot.objects.bulk_create(
        TimetableSlot(group=group, weekday=w, period=p, subject=s) for w, p, s in case.slots
    )
    AttendanceRecord.objects.bulk_create(
        AttendanceRecord(
            pupil=pupil,
            school=school,
            date=on(b),
            period=p,
            kind=Kind.ABSENT,
            reason=Reason.OTHER,
        )
        for b, p in case.missed
    )
    return pupil
