"""One pupil's school year as the absence model writes it: the pupil's profile, the days, the
week, and the marks and guardian reports placed so far (pure, no database). ``model.py`` decides
what to place."""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sammen.attendance.demo.calendar import SchoolDay
from sammen.attendance.demo.patterns import Pattern
from sammen.attendance.models import GuardianReportReason, Kind, Reason, ReportedBy
from sammen.attendance.services import GUARDIAN_REASONS


@dataclass(frozen=True)
class Lesson:
    """One of the pupil's weekly lessons: its number, teaching group (plan key) and subject."""

    period: int
    group: str
    subject: str


Week = Mapping[int, Sequence[Lesson]]  # weekday (0 = Monday) → that day's lessons


@dataclass(frozen=True)
class DemoMark:
    """An attendance record to be: a whole day (``period`` None) or one lesson."""

    date: date
    period: int | None
    kind: str
    reason: str
    minutes: int | None = None
    documented: bool = False
    reported_by: str = ReportedBy.STAFF
    group: str = ""
    subject: str = ""


@dataclass(frozen=True)
class DemoReport:
    """A guardian's absence report, made at ``made_at`` (local time)."""

    first_day: date
    last_day: date
    reason: str  # a GuardianReportReason value
    made_at: datetime


@dataclass
class PupilYear:
    marks: list[DemoMark] = field(default_factory=list)
    reports: list[DemoReport] = field(default_factory=list)


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method; the demo's means are small)."""
    if mean <= 0:
        return 0
    limit, k, product = math.exp(-min(mean, 600.0)), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def dither(rng: random.Random, expected: Sequence[float]) -> list[int]:
    """Whole numbers whose running total never strays more than about one from the running total
    of ``expected``, at jittered places: planted patterns show in any stretch of weeks."""
    counts = []
    carry = rng.random()
    for x in expected:
        carry += x
        fired = 0
        while carry + 0.4 * (rng.random() - 0.5) >= 1.0:
            carry -= 1.0
            fired += 1
        counts.append(fired)
    return counts


@dataclass(frozen=True)
class Profile:
    pattern: Pattern
    rate: float  # expected absence days in the full year
    reports: float  # chance that the guardians report an illness themselves
    explained: float  # chance that staff get an unreported illness explained afterwards
    late_rate: float  # late arrivals a year, besides any pattern
    activities: int  # school activities (present elsewhere) in the year


# Share of the day's absence that is reported by the guardians, explained to staff later, or left
# unexplained when the guardians do not report it themselves.
EXPLAINED_LATER = 0.5
LATE_MINUTES = (2, 3, 5, 5, 5, 7, 10, 10, 10, 12, 15, 15, 20, 25, 30, 40)


class YearBuilder:
    """Places marks on a pupil's school days; a day holds one day-level event, and a day with
    lesson-level marks holds no more, so absence never stacks by accident into a counted day."""

    def __init__(self, rng: random.Random, days: Sequence[SchoolDay], week: Week) -> None:
        self.rng = rng
        self.days = list(days)
        self.week = week
        self.taken: set[int] = set()
        self.year = PupilYear()

    # Where --------------------------------------------------------------------------------------

    def t(self, index: int) -> float:
        """How far into the year a day is, 0 to 1."""
        return index / max(1, len(self.days) - 1)

    def cumulate(self, weight: Callable[[int], float]) -> list[float]:
        """Running totals of ``weight`` over the days, for ``pick``."""
        cumulative: list[float] = []
        total = 0.0
        for i in range(len(self.days)):
            total += weight(i)
            cumulative.append(total)
        return cumulative

    def pick(self, cumulative: Sequence[float] | None = None) -> int:
        """A day drawn with the weights behind ``cumulative`` (every day alike if None)."""
        if cumulative is None:
            return self.rng.randrange(len(self.days))
        index = bisect.bisect_right(cumulative, self.rng.random() * cumulative[-1])
        return min(index, len(self.days) - 1)

    def free(self, index: int) -> bool:
        return 0 <= index < len(self.days) and index not in self.taken

    def run(self, start: int, length: int) -> list[int]:
        """Up to ``length`` free school days from ``start`` on, stopping at a holiday."""
        out: list[int] = []
        i = start
        while len(out) < length and self.free(i):
            out.append(i)
            if i + 1 >= len(self.days) or (self.days[i + 1].date - self.days[i].date).days > 3:
                break
            i += 1
        return out

    def lessons(self, index: int) -> list[Lesson]:
        day = self.days[index]
        planned = self.week.get(day.date.weekday(), ())
        return sorted((x for x in planned if x.period <= day.lessons), key=lambda x: x.period)

    # What ---------------------------------------------------------------------------------------

    def staff_days(
        self, indexes: Sequence[int], reason: str, *, documented: bool, kind: str = Kind.ABSENT
    ) -> None:
        """Whole days registered by staff."""
        self._days(indexes, kind, reason, documented, ReportedBy.STAFF)

    def guardian_days(self, indexes: Sequence[int], reason: str) -> None:
        """Whole days the guardians report (a ``GuardianReportReason``), as the report page
        records them."""
        if not indexes:
            return
        record_reason, documented = GUARDIAN_REASONS[reason]
        self._days(indexes, Kind.ABSENT, record_reason, documented, ReportedBy.GUARDIAN)
        self.report(indexes, reason)

    def _days(
        self, indexes: Sequence[int], kind: str, reason: str, documented: bool, reporter: str
    ) -> None:
        for i in indexes:
            self.taken.add(i)
            self.year.marks.append(
                DemoMark(
                    self.days[i].date,
                    None,
                    kind,
                    reason,
                    documented=documented,
                    reported_by=reporter,
                )
            )

    def report(self, indexes: Sequence[int], reason: str) -> None:
        first, last = self.days[indexes[0]].date, self.days[indexes[-1]].date
        if reason == GuardianReportReason.LEAVE:
            # Leave is applied for ahead, in the evening.
            made = datetime.combine(first - timedelta(days=self.rng.randint(7, 21)), time(20, 10))
        else:
            made = datetime.combine(first, time(7, 5)) + timedelta(minutes=self.rng.randint(0, 80))
        self.year.reports.append(DemoReport(first, last, reason, made))

    def lesson_marks(
        self,
        index: int,
        periods: Sequence[int],
        kind: str,
        reason: str,
        *,
        documented: bool = False,
        reporter: str = ReportedBy.STAFF,
        minutes: int | None = None,
    ) -> None:
        """Marks on some of a day's lessons (a guardian tells of those by message or phone, not
        by a report, which covers whole days)."""
        by_period = {x.period: x for x in self.lessons(index)}
        self.taken.add(index)
        day = self.days[index].date
        for period in periods:
            lesson = by_period.get(period)
            group, subject = (lesson.group, lesson.subject) if lesson else ("", "")
            self.year.marks.append(
                DemoMark(day, period, kind, reason, minutes, documented, reporter, group, subject)
            )

    def sick(self, indexes: Sequence[int], reports: float, explained_later: float) -> None:
        """A sick episode: reported by the guardians, or registered by staff and perhaps
        explained later."""
        if self.rng.random() < reports:
            self.guardian_days(indexes, GuardianReportReason.SICK)
        elif self.rng.random() < explained_later:
            self.staff_days(indexes, Reason.SICK, documented=True)
        else:
            self.staff_days(indexes, Reason.UNEXPLAINED, documented=False)

    def some_lessons(self, index: int) -> list[int]:
        """One or two lessons in a row, somewhere in the day."""
        periods = [x.period for x in self.lessons(index)]
        start = self.rng.randrange(len(periods))
        return periods[start : start + self.rng.randint(1, 2)]

    def late(self, index: int, minutes: int, period: int | None = None) -> None:
        lessons = self.lessons(index)
        if not lessons:
            return
        first = lessons[0].period
        self.lesson_marks(index, [period or first], Kind.LATE, Reason.UNEXPLAINED, minutes=minutes)

    def late_minutes(self) -> int:
        return self.rng.choice(LATE_MINUTES)

    def free_day(self, cumulative: Sequence[float] | None = None, tries: int = 8) -> int | None:
        for _ in range(tries):
            index = self.pick(cumulative)
            if self.free(index):
                return index
        return None
