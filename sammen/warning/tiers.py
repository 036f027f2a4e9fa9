"""The school's pupils by attendance tier, month by month through the school year so far.

At the end of each month each pupil's absence share of the year to date (lessons missed of
lessons planned since the year began, or since the pupil started) puts them in a tier
(``standard.tier``: satisfactory under 5 %, at risk 5–10 %, chronic 10–20 %, severe 20 % or
more, after Attendance Works). Only the stored weekly totals are read (``PupilWeek``), so the
whole school costs four queries whatever its size.

A month's point counts whole weeks: the weeks that end in the month (the current month: every
week up to today), so the lessons missed and the lessons planned always cover the same days.
"""

from __future__ import annotations

import calendar
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from django.db.models import Min

from sammen.attendance.models import CalendarDay, DayKind, PupilWeek
from sammen.attendance.queries import school_year_of
from sammen.attendance.rates import week_start
from sammen.roster.models import Pupil, School
from sammen.warning.standard import TIERS, tier

TIER_NAMES = tuple(name for name, _ in TIERS)


@dataclass(frozen=True)
class TierPoint:
    month: date  # the first of the month
    as_of: date  # the last day counted
    counts: tuple[int, ...]  # pupils per tier, in the order of ``TIERS``

    @property
    def pupils(self) -> int:
        return sum(self.counts)

    def count(self, name: str) -> int:
        return self.counts[TIER_NAMES.index(name)]


def month_cutoffs(first: date, last: date) -> list[tuple[date, date]]:
    """(first of month, last day counted) for each month from ``first`` to ``last``: the Sunday
    ending the month's last whole week, or ``last`` itself in the last month."""
    points = []
    month = first.replace(day=1)
    while month <= last:
        end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
        if end >= last:
            points.append((month, last))
            break
        sunday = end - timedelta(days=(end.weekday() + 1) % 7)
        if sunday >= first:
            points.append((month, sunday))
        month = end + timedelta(days=1)
    return points


def tier_points(
    *,
    school_days: Mapping[date, int],
    enrolled_from: Mapping[int, date | None],
    absent: Mapping[tuple[int, date], int],
    cutoffs: Sequence[tuple[date, date]],
) -> list[TierPoint]:
    """Pure: each pupil's tier at each cut-off, from the calendar (school day -> lessons), the
    pupils (id -> first day enrolled, None for always) and lessons missed per (pupil, Monday)."""
    days = sorted(school_days)
    planned_before = list(accumulate((school_days[d] for d in days), initial=0))

    def planned_through(day: date) -> int:
        return planned_before[bisect_right(days, day)]

    missed_weeks: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for (pupil_id, monday), lessons in absent.items():
        missed_weeks[pupil_id].append((monday, lessons))
    missed: dict[int, tuple[list[date], list[int]]] = {}
    for pupil_id, rows in missed_weeks.items():
        rows.sort()
        missed[pupil_id] = ([m for m, _ in rows], list(accumulate((n for _, n in rows), initial=0)))
    points = []
    for month, as_of in cutoffs:
        counts = [0] * len(TIERS)
        for pupil_id, start in enrolled_from.items():
            planned = planned_through(as_of)
            if start is not None:
                planned -= planned_through(start - timedelta(days=1))
            if planned <= 0:
                continue
            mondays, sums = missed.get(pupil_id, ([], [0]))
            share = 100.0 * sums[bisect_right(mondays, as_of)] / planned
            counts[TIER_NAMES.index(tier(share))] += 1
        points.append(TierPoint(month, as_of, tuple(counts)))
    return points


def school_tiers(school: School, today: date) -> list[TierPoint]:
    """The school's tier counts for each month of the current school year up to ``today``."""
    year = school_year_of(school, today)
    if year is None or today < year.start_date:
        return []
    last = min(today, year.end_date)
    school_days = dict(
        CalendarDay.objects.filter(
            school=school, kind=DayKind.SCHOOL_DAY, date__range=(year.start_date, last)
        ).values_list("date", "lessons")
    )
    enrolled_from: dict[int, date | None] = dict(
        Pupil.objects.filter(school=school, active=True)
        .annotate(first=Min("enrollments__start_date"))
        .values_list("pk", "first")
    )
    absent = {
        (pupil_id, monday): lessons
        for pupil_id, monday, lessons in PupilWeek.objects.filter(
            pupil__school=school,
            pupil__active=True,
            week_start__range=(week_start(year.start_date), last),
        ).values_list("pupil_id", "week_start", "absent_lessons")
    }
    return tier_points(
        school_days=school_days,
        enrolled_from=enrolled_from,
        absent=absent,
        cutoffs=month_cutoffs(year.start_date, last),
    )
