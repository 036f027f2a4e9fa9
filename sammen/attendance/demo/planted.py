"""The planted patterns (``patterns.py``): how each spends the pupil's rate, so that its
signature shows in any stretch of weeks; pure functions over a ``YearBuilder``."""

from __future__ import annotations

from datetime import date

from sammen.attendance.demo.ordinary import mean, weighted
from sammen.attendance.demo.patterns import AVOIDED_SUBJECT
from sammen.attendance.demo.year import Profile, YearBuilder, dither
from sammen.attendance.models import GuardianReportReason, Kind, Reason, ReportedBy
from sammen.attendance.rates import week_start

SHORT_SICK_LENGTHS = ((1, 70.0), (2, 30.0))
# How many of the avoided subject's lessons the SUBJECT_AVOIDED pupil misses.
AVOIDED_SHARE = 0.65


def mondays(b: YearBuilder, p: Profile) -> float:
    """Away on many Mondays; returns the expected days spent."""
    on_monday = [i for i, d in enumerate(b.days) if d.date.weekday() == 0]
    share = min(0.85, 0.8 * p.rate / max(1, len(on_monday)))
    for index, fired in zip(on_monday, dither(b.rng, [share] * len(on_monday)), strict=True):
        if not fired:
            continue
        if b.rng.random() < 0.6:
            b.staff_days([index], Reason.UNEXPLAINED, documented=False)
        else:
            b.sick([index], 1.0, 0.0)
    return share * len(on_monday)


def short_sick(b: YearBuilder, p: Profile) -> None:
    """Ill for a day or two, again and again, always reported by the guardians."""
    per_day = 0.9 * p.rate / mean(SHORT_SICK_LENGTHS) / max(1, len(b.days))
    for index, fired in enumerate(dither(b.rng, [per_day] * len(b.days))):
        run = b.run(index, weighted(b.rng, SHORT_SICK_LENGTHS)) if fired else []
        if run:
            b.sick(run, 1.0, 0.0)


def rising(b: YearBuilder, p: Profile) -> None:
    """Like the pupil in the thesis: a little absence at first, then more every week, Mondays
    and mornings first, more and more of it unexplained; late more often too."""
    weeks: dict[date, list[int]] = {}
    for i, d in enumerate(b.days):
        weeks.setdefault(week_start(d.date), []).append(i)
    plan = list(weeks.values())
    lessons_per_day = b.days[0].lessons if b.days else 0
    expected = [
        p.rate * lessons_per_day * len(w) / len(b.days) * (0.1 + 1.8 * b.t(w[0])) for w in plan
    ]
    for week, lessons in zip(plan, dither(b.rng, expected), strict=True):
        # Mondays and Fridays first, more often than not.
        order = sorted(
            week, key=lambda i: b.rng.random() / {0: 3, 4: 2}.get(b.days[i].date.weekday(), 1)
        )
        whole, rest = divmod(lessons, lessons_per_day)
        for index in order[:whole]:
            if b.rng.random() < _unexplained_share(b, index):
                b.staff_days([index], Reason.UNEXPLAINED, documented=False)
            else:
                b.sick([index], 1.0, 0.0)
        left = [i for i in order[whole:] if b.free(i)]
        if rest and left:
            # A morning missed: "he had a stomach ache", or no word at all.
            periods = [x.period for x in b.lessons(left[0])][:rest]
            if b.rng.random() < _unexplained_share(b, left[0]):
                b.lesson_marks(left[0], periods, Kind.ABSENT, Reason.UNEXPLAINED)
            else:
                b.lesson_marks(
                    left[0],
                    periods,
                    Kind.ABSENT,
                    Reason.SICK,
                    documented=True,
                    reporter=ReportedBy.GUARDIAN,
                )
    chance = [0.03 + 0.25 * b.t(i) if b.free(i) else 0.0 for i in range(len(b.days))]
    for index, fired in enumerate(dither(b.rng, chance)):
        if fired and b.free(index):
            b.late(index, b.late_minutes())


def _unexplained_share(b: YearBuilder, index: int) -> float:
    """The rising pupil's absence is explained less and less as the year goes on."""
    return 0.15 + 0.5 * b.t(index)


def first_lessons_late(b: YearBuilder) -> None:
    chance = [0.3 if b.free(i) else 0.0 for i in range(len(b.days))]
    for index, fired in enumerate(dither(b.rng, chance)):
        if fired and b.free(index):
            b.late(index, b.rng.choice((5, 7, 10, 10, 12, 15, 15, 20, 25, 30)), 1)


def subject_avoided(b: YearBuilder) -> None:
    """Stays away from most lessons of one subject, on days otherwise at school."""
    occasions = []
    for i in range(len(b.days)):
        periods = [x.period for x in b.lessons(i) if x.subject == AVOIDED_SUBJECT]
        if periods and b.free(i):
            occasions.append((i, periods))
    for (index, periods), fired in zip(
        occasions, dither(b.rng, [AVOIDED_SHARE] * len(occasions)), strict=True
    ):
        if not fired:
            continue
        if b.rng.random() < 0.6:
            b.lesson_marks(index, periods, Kind.ABSENT, Reason.UNEXPLAINED)
        else:
            b.lesson_marks(
                index,
                periods,
                Kind.ABSENT,
                Reason.OTHER,
                documented=True,
                reporter=ReportedBy.GUARDIAN,
            )


def long_illness(b: YearBuilder) -> int:
    """One longer illness in September or October, reported and documented."""
    window = [i for i, d in enumerate(b.days) if (9, 7) <= (d.date.month, d.date.day) <= (10, 16)]
    length = b.rng.randint(5, 8)
    for _ in range(50):
        run = b.run(b.rng.choice(window), length) if window else []
        if len(run) >= 5:
            b.sick(run, 1.0, 0.0)
            return len(run)
    return 0


def leave_before_autumn_break(b: YearBuilder) -> int:
    """Two to four days of leave ending the day before the first break of the year."""
    last = next(
        (i for i in range(len(b.days) - 1) if (b.days[i + 1].date - b.days[i].date).days > 3),
        None,
    )
    if last is None:
        return 0
    run = list(range(last - b.rng.randint(2, 4) + 1, last + 1))
    b.guardian_days(run, GuardianReportReason.LEAVE)
    return len(run)


def unreported(b: YearBuilder) -> int:
    """Three early illnesses the guardians never report, so the school notices them."""
    spent = 0
    for start in sorted(b.rng.sample(range(5, min(50, len(b.days))), 3)):
        run = b.run(start, b.rng.randint(1, 2))
        b.staff_days(run, Reason.UNEXPLAINED, documented=False)
        spent += len(run)
    return spent
