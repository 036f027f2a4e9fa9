"""Ordinary absence: what the absence model spends most pupils' yearly rate on, and what comes on
top of it for everyone (late arrivals, appointments, school activities); pure functions over a
``YearBuilder``."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from sammen.attendance.demo.calendar import SchoolDay
from sammen.attendance.demo.year import Profile, YearBuilder, poisson
from sammen.attendance.models import GuardianReportReason, Kind, Reason, ReportedBy

# Illness by month (more in winter) and the lengths of sick episodes in school days.
SEASON = {8: 0.6, 9: 0.8, 10: 1.0, 11: 1.15, 12: 1.25, 1: 1.4, 2: 1.4, 3: 1.15, 4: 0.9, 5: 0.8}
SICK_LENGTHS = ((1, 38.0), (2, 24.0), (3, 16.0), (4, 10.0), (5, 6.0), (6, 3.0), (8, 2.0), (10, 1.0))
LEAVE_LENGTHS = ((1, 35.0), (2, 25.0), (3, 20.0), (5, 20.0))


def weighted(rng: random.Random, table: Sequence[tuple[int, float]]) -> int:
    return rng.choices([v for v, _ in table], [w for _, w in table])[0]


def mean(table: Sequence[tuple[int, float]]) -> float:
    return sum(v * w for v, w in table) / sum(w for _, w in table)


def near_break(days: Sequence[SchoolDay], i: int) -> bool:
    """One of the two school days before or after a holiday longer than a weekend."""

    def break_after(j: int) -> bool:
        return 0 <= j < len(days) - 1 and (days[j + 1].date - days[j].date).days > 3

    return any(break_after(j) for j in (i - 2, i - 1, i, i + 1))


def ordinary_days(
    b: YearBuilder, p: Profile, rate: float, *, sick: bool = True, max_sick: int = 10
) -> None:
    """Spend ``rate`` expected absence days on illness, leave, unexplained days, family
    matters and half days; more of it unexplained the more a pupil is away."""
    if rate <= 0:
        return
    rng, days = b.rng, b.days
    unexplained = 0.05 + 0.25 * min(1.0, max(0.0, (rate - 6.0) / 30.0))
    shares = {"leave": 0.08, "other": 0.03, "half": 0.06, "unexplained": unexplained}
    shares["sick"] = 1.0 - sum(shares.values()) if sick else 0.0
    if not sick:
        shares["unexplained"] = 1.0 - shares["leave"] - shares["other"] - shares["half"]

    lengths = tuple((n, w) for n, w in SICK_LENGTHS if n <= max_sick)
    seasonal = b.cumulate(
        lambda i: SEASON.get(days[i].date.month, 0.6) * (1.15 if days[i].date.weekday() == 0 else 1)
    )
    for _ in range(poisson(rng, rate * shares["sick"] / mean(lengths))):
        run = b.run(b.pick(seasonal), weighted(rng, lengths))
        if run:
            b.sick(run, p.reports, p.explained)

    holidays = b.cumulate(lambda i: 6.0 if near_break(days, i) else 1.0)
    for _ in range(poisson(rng, rate * shares["leave"] / mean(LEAVE_LENGTHS))):
        run = b.run(b.pick(holidays), weighted(rng, LEAVE_LENGTHS))
        by_guardian(b, p, run, GuardianReportReason.LEAVE)

    edges = b.cumulate(lambda i: {0: 1.4, 4: 1.3}.get(days[i].date.weekday(), 1.0))
    for _ in range(poisson(rng, rate * shares["unexplained"] / 1.15)):
        run = b.run(b.pick(edges), 2 if rng.random() < 0.15 else 1)
        b.staff_days(run, Reason.UNEXPLAINED, documented=False)

    for _ in range(poisson(rng, rate * shares["other"])):
        by_guardian(b, p, b.run(b.pick(), 1), GuardianReportReason.OTHER)

    for _ in range(poisson(rng, rate * shares["half"])):
        half_day(b, b.free_day())


def by_guardian(b: YearBuilder, p: Profile, run: Sequence[int], reason: str) -> None:
    """Days the guardians report; a family that reports nothing leaves them unexplained."""
    if p.reports > 0:
        b.guardian_days(run, reason)
    else:
        b.staff_days(run, Reason.UNEXPLAINED, documented=False)


def half_day(b: YearBuilder, index: int | None) -> None:
    """At least half the day's lessons missed: sent home ill, or a morning not turned up."""
    if index is None:
        return
    periods = [x.period for x in b.lessons(index)]
    if len(periods) < 2:
        return
    missed = b.rng.randint(math.ceil(len(periods) / 2), len(periods) - 1)
    if b.rng.random() < 0.5:
        b.lesson_marks(index, periods[:missed], Kind.ABSENT, Reason.UNEXPLAINED)
    else:
        b.lesson_marks(index, periods[-missed:], Kind.ABSENT, Reason.SICK, documented=True)


def ordinary_lessons(b: YearBuilder, p: Profile, *, late: bool) -> None:
    """Late arrivals, appointments, leaving early, single lessons skipped, school activities:
    none of them an absence day."""
    rng = b.rng
    if late:
        for _ in range(poisson(rng, p.late_rate)):
            index = b.free_day()
            if index is not None:
                first = rng.random() < 0.8
                period = None if first else rng.choice([x.period for x in b.lessons(index)])
                b.late(index, b.late_minutes(), period)
    # Appointments (doctor, dentist, a public office), told the school by the guardians.
    for _ in range(poisson(rng, 0.7 if p.reports > 0 else 0.0)):
        index = b.free_day()
        if index is None:
            continue
        b.lesson_marks(
            index,
            b.some_lessons(index),
            Kind.ABSENT,
            Reason.OTHER,
            documented=True,
            reporter=ReportedBy.GUARDIAN,
        )
    for _ in range(poisson(rng, 0.25)):
        index = b.free_day()
        if index is not None:
            last = b.lessons(index)[-1].period
            minutes = rng.choice((10, 15, 20, 30, 40))
            b.lesson_marks(
                index, [last], Kind.LEFT_EARLY, Reason.OTHER, documented=True, minutes=minutes
            )
    for _ in range(poisson(rng, p.rate * 0.08)):
        index = b.free_day()
        if index is not None:
            periods = [x.period for x in b.lessons(index)][1:]
            if periods:
                b.lesson_marks(index, [rng.choice(periods)], Kind.ABSENT, Reason.UNEXPLAINED)
    activities(b, p.activities)


def activities(b: YearBuilder, count: int, *, early: bool = False) -> None:
    """School activities: a tournament day, or the pupil council for a lesson or two."""
    rng = b.rng
    # The first three within the first ten weeks, so that ten weeks of records show the pattern.
    window = [i for i in range(5, min(50, len(b.days))) if b.free(i)] if early else []
    chosen = rng.sample(window, min(3, len(window)))
    for n in range(count):
        index = chosen[n] if n < len(chosen) else b.free_day()
        if index is None:
            continue
        if rng.random() < 0.4:
            b.staff_days(
                [index], Reason.SCHOOL_ACTIVITY, documented=True, kind=Kind.PRESENT_ELSEWHERE
            )
        else:
            b.lesson_marks(
                index,
                b.some_lessons(index),
                Kind.PRESENT_ELSEWHERE,
                Reason.SCHOOL_ACTIVITY,
                documented=True,
            )
