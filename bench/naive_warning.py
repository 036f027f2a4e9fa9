"""The early-warning rules the straightforward way: a loop over pupils, ORM queries per pupil,
plain Python per rule. Only the benchmark uses it, for the ratio against the engine and as a
second, independent reading of the rules (its findings must equal the engine's).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Q

from sammen.attendance.models import (
    NOT_COUNTED_REASONS,
    AttendanceRecord,
    CalendarDay,
    DayKind,
    Kind,
    PupilDay,
    TimetableSlot,
)
from sammen.roster.models import Enrollment, Pupil, SchoolYear
from sammen.warning.rules import CONSECUTIVE_WITHIN, RISING_MIN_BEFORE_DAYS
from sammen.warning.standard import Rule, Standard

Found = tuple[str, int, dict[str, Any]]


@dataclass
class _Day:
    day: date
    lessons: int
    absent: int = 0
    unexplained: int = 0
    sick: int = 0
    late: int = 0
    first_absent: bool = False

    def half(self, part: int) -> bool:
        return part > 0 and 2 * part >= self.lessons


def _pct(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _at_least(part: int, whole: int, percent: float) -> bool:
    return part > 0 and whole > 0 and part * 100 >= percent * whole


def _times(a: int, a_of: int, b: int, b_of: int, ratio: float) -> bool:
    return a * b_of >= ratio * b * a_of


def _runs(days: list[_Day], holds: list[bool]) -> list[tuple[int, int]]:
    """(first index, last index) of each run of consecutive days for which ``holds``."""
    runs: list[tuple[int, int]] = []
    for i, flag in enumerate(holds):
        if not flag:
            continue
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def evaluate_pupil(pupil: Pupil, as_of: date, standard: Standard) -> list[Found]:
    """Every rule for one pupil, reading the pupil's data with the ORM."""
    school = pupil.school
    year = (
        SchoolYear.objects.filter(owner_id=school.owner_id, start_date__lte=as_of)
        .order_by("-start_date")
        .first()
    )
    if year is None:
        return []
    calendar = list(
        CalendarDay.objects.filter(
            school=school, school_year=year, kind=DayKind.SCHOOL_DAY, date__lte=as_of
        )
        .order_by("date")
        .values_list("date", "lessons")
    )
    spans = list(Enrollment.objects.filter(pupil=pupil).values_list("start_date", "end_date"))
    starts = [s for s, _ in spans if s is not None]
    start = min(starts) if starts else None
    end = max(e for _, e in spans if e) if spans and all(e for _, e in spans) else None
    days = [
        _Day(d, n)
        for d, n in calendar
        if (start is None or d >= start) and (end is None or d <= end)
    ]
    if not days:
        return []
    by_date = {d.day: d for d in days}
    for row in PupilDay.objects.filter(pupil=pupil, date__gte=days[0].day, date__lte=as_of):
        found = by_date.get(row.date)
        if found is None:
            continue
        found.absent = min(row.absent_lessons, found.lessons)
        found.unexplained = min(row.unexplained_lessons, found.lessons)
        found.sick = min(row.sick_lessons, found.lessons)
        found.late = row.late_count
        found.first_absent = row.first_lesson_absent
    out: list[Found] = []
    s = standard
    n = len(days)

    def last(k: int) -> list[_Day]:
        """The last ``k`` school days."""
        return days[max(0, n - k) :]

    def since(weeks: int) -> list[_Day]:
        return [d for d in days if d.day > as_of - timedelta(weeks=weeks)]

    if s.rate_year.on and n >= s.rate_year.min_days:
        a, p = sum(d.absent for d in days), sum(d.lessons for d in days)
        if _at_least(a, p, s.rate_year.percent):
            level = 3 if _at_least(a, p, s.rate_year.severe_percent) else 2
            out.append(
                (
                    Rule.RATE_YEAR,
                    level,
                    {
                        "percent": _pct(a, p),
                        "absent_lessons": a,
                        "planned_lessons": p,
                        "school_days": n,
                    },
                )
            )
    k = max(1, s.rate_recent.days)
    if s.rate_recent.on and n >= k:
        window = last(k)
        a, p = sum(d.absent for d in window), sum(d.lessons for d in window)
        if _at_least(a, p, s.rate_recent.percent):
            out.append(
                (
                    Rule.RATE_RECENT,
                    2,
                    {"percent": _pct(a, p), "absent_lessons": a, "planned_lessons": p, "days": k},
                )
            )
    if s.days_in_15_weeks.on:
        count = sum(d.half(d.absent) for d in since(s.days_in_15_weeks.weeks))
        if count >= max(1, s.days_in_15_weeks.days):
            out.append(
                (
                    Rule.DAYS_IN_15_WEEKS,
                    2,
                    {"absence_days": count, "weeks": s.days_in_15_weeks.weeks},
                )
            )
    if s.consecutive.on:
        runs = [
            (i, j)
            for i, j in _runs(days, [d.half(d.absent) for d in days])
            if j - i + 1 >= max(1, s.consecutive.days) and n - 1 - j < CONSECUTIVE_WITHIN
        ]
        if runs:
            i, j = max(runs, key=lambda r: (r[1], r[1] - r[0]))
            out.append(
                (
                    Rule.CONSECUTIVE,
                    2,
                    {
                        "days": j - i + 1,
                        "first": days[i].day.isoformat(),
                        "last": days[j].day.isoformat(),
                    },
                )
            )
    if s.weekday.on:
        out.extend(_weekday(days, s))
    if s.late.on:
        window = last(max(1, s.late.days))
        late = sum(d.late for d in window)
        first = sum(d.first_absent for d in window)
        if late + first >= max(1, s.late.times):
            span = min(n, max(1, s.late.days))
            out.append(
                (
                    Rule.LATE,
                    1,
                    {
                        "times": late + first,
                        "late": late,
                        "first_lesson_absent": first,
                        "days": span,
                        "weeks": max(1, round(span / 5)),
                    },
                )
            )
    if s.subject.on:
        out.extend(_subject(pupil, days, as_of, s))
    if s.sick_episodes.on:
        reach = max(1, s.sick_episodes.days)
        episodes = [
            (i, j)
            for i, j in _runs(days, [d.half(d.sick) for d in days])
            if j - i + 1 <= s.sick_episodes.max_length and n - 1 - i < reach
        ]
        if len(episodes) >= max(1, s.sick_episodes.episodes):
            span = min(n, reach)
            out.append(
                (
                    Rule.SICK_EPISODES,
                    1,
                    {"episodes": len(episodes), "days": span, "weeks": max(1, round(span / 5))},
                )
            )
    if s.rising.on:
        recent_since = as_of - timedelta(weeks=s.rising.recent_weeks)
        before_since = recent_since - timedelta(weeks=s.rising.before_weeks)
        recent = [d for d in days if d.day > recent_since]
        before = [d for d in days if before_since < d.day <= recent_since]
        if len(before) >= RISING_MIN_BEFORE_DAYS:
            a, p = sum(d.absent for d in recent), sum(d.lessons for d in recent)
            b, q = sum(d.absent for d in before), sum(d.lessons for d in before)
            if _at_least(a, p, s.rising.percent) and _times(a, p, b, q, s.rising.ratio):
                out.append(
                    (
                        Rule.RISING,
                        2,
                        {
                            "percent": _pct(a, p),
                            "before_percent": _pct(b, q),
                            "recent_weeks": s.rising.recent_weeks,
                            "before_weeks": s.rising.before_weeks,
                        },
                    )
                )
    if s.unexplained.on:
        reach = max(1, s.unexplained.window)
        count = sum(d.half(d.unexplained) for d in last(reach))
        if count >= max(1, s.unexplained.days):
            out.append((Rule.UNEXPLAINED, 1, {"days": count, "window": min(n, reach)}))
    return out


def _weekday(days: list[_Day], s: Standard) -> list[Found]:
    of_last, times = max(1, s.weekday.of_last), max(1, s.weekday.times)
    best: tuple[Any, ...] | None = None
    for weekday in range(5):
        mine = [i for i, d in enumerate(days) if d.day.weekday() == weekday][-of_last:]
        if len(mine) < times:
            continue
        absent_days = sum(days[i].half(days[i].absent) for i in mine)
        if absent_days < times:
            continue
        a = sum(days[i].absent for i in mine)
        p = sum(days[i].lessons for i in mine)
        others = [d for d in days[mine[0] :] if d.day.weekday() != weekday]
        b, q = sum(d.absent for d in others), sum(d.lessons for d in others)
        if not _times(a, p, b, q, s.weekday.ratio):
            continue
        key = (absent_days, _pct(a, p), -weekday)
        evidence = {
            "weekday": weekday,
            "absent": absent_days,
            "of": len(mine),
            "percent": _pct(a, p),
            "other_percent": _pct(b, q),
        }
        if best is None or key > best[0]:
            best = (key, evidence)
    return [(Rule.WEEKDAY, 1, best[1])] if best else []


def _subject(pupil: Pupil, days: list[_Day], as_of: date, s: Standard) -> list[Found]:
    since = as_of - timedelta(weeks=s.subject.weeks)
    window = [d for d in days if d.day > since]
    present = [d for d in window if d.absent < d.lessons]  # days not missed whole
    on_present = {d.day for d in present}
    registered = list(
        AttendanceRecord.objects.filter(
            pupil=pupil,
            date__gt=since,
            date__lte=as_of,
            period__isnull=False,
            kind=Kind.ABSENT,
        )
        .exclude(reason__in=NOT_COUNTED_REASONS)
        .values_list("date", "period", "subject")
    )
    lessons = {d.day: d.lessons for d in window}
    missed = [
        (day, period, subj)
        for day, period, subj in registered
        if period is not None and day in on_present and 1 <= period <= lessons.get(day, 0)
    ]
    if not missed:
        return []
    slots: dict[tuple[int, int], str] = {}
    for weekday, period, slot_subject, group_subject in (
        TimetableSlot.objects.filter(
            Q(group__enrollments__pupil=pupil)
            & _current("group__enrollments__start_date", "group__enrollments__end_date", as_of)
        )
        .order_by("group_id")
        .values_list("weekday", "period", "subject", "group__subject")
    ):
        slots.setdefault((weekday, period), (slot_subject or group_subject).strip())
    missed_by: dict[str, int] = defaultdict(int)
    for day, period, subj in missed:
        name = slots.get((day.weekday(), period)) or subj.strip()
        if name:
            missed_by[name] += 1
    planned_by: dict[str, int] = defaultdict(int)
    for present_day in present:
        for lesson in range(1, present_day.lessons + 1):
            slot = slots.get((present_day.day.weekday(), lesson))
            if slot:
                planned_by[slot] += 1
    all_missed = len(missed)
    all_planned = sum(d.lessons for d in present)
    best: tuple[Any, ...] | None = None
    for name, m in missed_by.items():
        p = planned_by.get(name, 0)
        if not p:
            continue
        om, op = all_missed - m, all_planned - p
        if _at_least(m, p, s.subject.percent) and _times(m, p, om, op, s.subject.ratio):
            key = (_pct(m, p), [-ord(c) for c in name])
            evidence = {
                "subject": name,
                "percent": _pct(m, p),
                "other_percent": _pct(om, op),
                "weeks": s.subject.weeks,
            }
            if best is None or key > best[0]:
                best = (key, evidence)
    return [(Rule.SUBJECT, 1, best[1])] if best else []


def _current(start: str, end: str, day: date) -> Q:
    return (Q(**{f"{start}__isnull": True}) | Q(**{f"{start}__lte": day})) & (
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": day})
    )
