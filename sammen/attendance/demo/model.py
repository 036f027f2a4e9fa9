"""The demo's absence model: a profile drawn per pupil, then a full school year simulated from it
(pure functions of the seed and the pupil's key; ``random.Random`` only, no database).

A profile's ``rate`` is the pupil's expected number of absence days over the whole year, counted
as ``sammen.attendance.rates`` counts them. It is drawn from a mixture of two log-normals whose
parameters were fitted so that a large cohort of 10th-graders, simulated over every school day of
2026–2027, lands in the published 10th-grade distribution (``calibration.py``); younger grades
are scaled down (``GRADE_FACTOR``). The rate is then spent on the pupil's pattern
(``patterns.py``): ordinary pupils (``ordinary.py``) on illness (episodes of one day to two
weeks, more in winter), leave near the holidays, unexplained days, family matters and days left
half-way; the patterned pupils (``planted.py``) on Mondays, short sick episodes, a rising trend
and so on. Late arrivals, single lessons missed, appointments and school activities come on top
and are not absence days.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import replace

from sammen.attendance.demo import ordinary, planted
from sammen.attendance.demo.calendar import SchoolDay
from sammen.attendance.demo.patterns import Pattern
from sammen.attendance.demo.year import EXPLAINED_LATER, Profile, PupilYear, Week, YearBuilder

# A 10th-grader's yearly rate is a mixture of two log-normals, exp(MU + SIGMA * Z): most pupils
# (median exp(RATE_MU) days), and a small group with worrying absence (median
# exp(TAIL_MU) days). Fitted (see calibration.py) against the published distribution; one
# log-normal alone cannot give both the thin 16–30 bin and the 4 % above 30 days.
RATE_MU = 1.8
RATE_SIGMA = 0.65
TAIL_SHARE = 0.05
TAIL_MU = 3.6
TAIL_SIGMA = 0.4
# Absence rises through compulsory school; the published figures are for grade 10.
GRADE_FACTOR = {1: 0.7, 2: 0.7, 3: 0.7, 4: 0.72, 5: 0.75, 6: 0.78, 7: 0.82, 8: 0.86, 9: 0.92}

# The rate band a pattern planted in 9B is drawn from, so that its signature shows within ten
# weeks (see patterns.SIGNATURES).
BANDS: dict[Pattern, tuple[float, float]] = {
    Pattern.ORDINARY: (0.0, 12.0),
    Pattern.MONDAYS: (22.0, 32.0),
    Pattern.FIRST_LESSON_LATE: (0.0, 12.0),
    Pattern.SHORT_SICK: (24.0, 30.0),
    Pattern.SUBJECT_AVOIDED: (0.0, 12.0),
    Pattern.RISING: (30.0, 45.0),
    Pattern.LONG_ILLNESS: (8.0, 16.0),
    Pattern.LEAVE: (4.0, 12.0),
    Pattern.SCHOOL_ACTIVITY: (0.0, 8.0),
    Pattern.UNREPORTED: (8.0, 16.0),
}


def draw_rate(rng: random.Random, grade: int) -> float:
    if rng.random() < TAIL_SHARE:
        rate = math.exp(TAIL_MU + TAIL_SIGMA * rng.gauss())
    else:
        rate = math.exp(RATE_MU + RATE_SIGMA * rng.gauss())
    return rate * GRADE_FACTOR.get(grade, 1.0)


def draw_profile(rng: random.Random, grade: int, pattern: Pattern | None = None) -> Profile:
    """A pupil's profile; ``pattern`` plants one (its rate from ``BANDS``), else chance decides."""
    rate = draw_rate(rng, grade)
    if pattern is None:
        pattern = _natural_pattern(rng, rate)
    else:
        low, high = BANDS[pattern]
        for _ in range(2000):
            if low <= rate <= high:
                break
            rate = draw_rate(rng, grade)
        else:
            rate = rng.uniform(low, high)
    reports = rng.choices((0.95, 0.75, 0.4), (0.7, 0.2, 0.1))[0]
    late_rate = rng.choices((0.5, 2.0, 5.0, 12.0), (0.45, 0.35, 0.15, 0.05))[0]
    activities = rng.randint(1, 3) if rng.random() < 0.12 else 0
    profile = Profile(pattern, rate, reports, EXPLAINED_LATER, late_rate, activities)
    if pattern == Pattern.UNREPORTED:
        profile = replace(profile, reports=0.0, explained=0.0)
    if pattern == Pattern.SCHOOL_ACTIVITY:
        profile = replace(profile, activities=rng.randint(4, 6))
    return profile


def _natural_pattern(rng: random.Random, rate: float) -> Pattern:
    """How often the worrying patterns turn up among pupils with that much absence."""
    if rate >= 30 and rng.random() < 0.15:
        return Pattern.RISING
    if rate >= 20 and rng.random() < 0.1:
        return Pattern.MONDAYS
    if rate >= 12 and rng.random() < 0.08:
        return Pattern.SHORT_SICK
    if rate < 12:
        draw = rng.random()
        if draw < 0.04:
            return Pattern.FIRST_LESSON_LATE
        if draw < 0.06:
            return Pattern.SUBJECT_AVOIDED
    return Pattern.ORDINARY


def pupil_year(
    seed: int,
    pupil_key: str,
    grade: int,
    days: Sequence[SchoolDay],
    week: Week,
    pattern: Pattern | None = None,
) -> tuple[Profile, PupilYear]:
    """The pupil's profile and full school year; the same for the same seed and key."""
    # Not for secrets: the demo must follow from its seed. One stream per pupil, so adding
    # pupils to the demo does not change the others.
    rng = random.Random(f"attendance:{seed}:{pupil_key}")  # noqa: S311
    profile = draw_profile(rng, grade, pattern)
    return profile, simulate_year(rng, profile, days, week)


def simulate_year(
    rng: random.Random, profile: Profile, days: Sequence[SchoolDay], week: Week
) -> PupilYear:
    b = YearBuilder(rng, days, week)
    rate = profile.rate
    late = True
    match profile.pattern:
        case Pattern.MONDAYS:
            rate -= planted.mondays(b, profile)
            ordinary.ordinary_days(b, profile, rate, max_sick=2)
        case Pattern.SHORT_SICK:
            planted.short_sick(b, profile)
            ordinary.ordinary_days(b, profile, rate * 0.1, sick=False)
        case Pattern.RISING:
            planted.rising(b, profile)
            late = False
        case Pattern.LONG_ILLNESS:
            rate -= planted.long_illness(b)
            ordinary.ordinary_days(b, profile, rate)
        case Pattern.LEAVE:
            rate -= planted.leave_before_autumn_break(b)
            ordinary.ordinary_days(b, profile, rate)
        case Pattern.UNREPORTED:
            rate -= planted.unreported(b)
            ordinary.ordinary_days(b, profile, rate)
        case _:
            ordinary.ordinary_days(b, profile, rate)
    if profile.pattern == Pattern.FIRST_LESSON_LATE:
        planted.first_lessons_late(b)
        late = False
    if profile.pattern == Pattern.SUBJECT_AVOIDED:
        planted.subject_avoided(b)
    if profile.pattern == Pattern.SCHOOL_ACTIVITY:
        ordinary.activities(b, 3, early=True)
    ordinary.ordinary_lessons(b, profile, late=late)
    b.year.marks.sort(key=lambda m: (m.date, m.period or 0))
    b.year.reports.sort(key=lambda r: r.first_day)
    return b.year
