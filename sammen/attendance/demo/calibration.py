"""The calibration of the demo's absence model against the published 10th-grade figures.

Published (Kunnskapsdepartementet/Udir via Kommunal Rapport 2018-09, 10th grade, whole country,
2017–18, 59,856 pupils): the share of pupils by absence days on the diploma, in the bins "0-5",
"5-10", "10-15", "15-30" and ">30". The bins overlap at their edges as published. Absence days are
whole numbers here, and we read the bins as upper-inclusive: 0–5, 6–10, 11–15, 16–30, 31 and more.
Only that reading fits the published median of 6 days for the same year: with 48.9 % at 0–5 days
the median lies above 5, whereas with 48.9 % at 0–4 days it would be 5 unless hardly anyone had
exactly 5.

What we count is an absence day as ``sammen.attendance.rates`` counts it: a school day on which
the pupil missed at least half the lessons, for any reason but a school activity, documented or
not. The diploma may leave out up to 10 documented days a year on request, which the published
figures reflect and the demo does not model; the model is fitted to the published shares as they
stand, so the demo's days are as many as the diploma's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sammen.attendance.demo.calendar import SchoolDay
from sammen.attendance.demo.model import pupil_year
from sammen.attendance.demo.year import DemoMark, PupilYear, Week
from sammen.attendance.rates import Mark, count_day

SOURCE = (
    "Kunnskapsdepartementet/Utdanningsdirektoratet via Kommunal Rapport 2018-09, "
    "«Bekymret over fraværet»: 10. trinn, hele landet, 2017–18"
)
# (label, lowest day, highest day or None, published percent)
PUBLISHED: tuple[tuple[str, int, int | None, float], ...] = (
    ("0-5", 0, 5, 48.9),
    ("5-10", 6, 10, 24.1),
    ("10-15", 11, 15, 12.4),
    ("15-30", 16, 30, 10.5),
    (">30", 31, None, 4.0),
)
TOLERANCE = 2.0  # percentage points per bin


def absence_days(marks: Iterable[DemoMark], days: Sequence[SchoolDay]) -> int:
    """Absence days in ``marks``, counted as the rest of Sammen counts them."""
    lessons = {d.date: d.lessons for d in days}
    by_day: dict[date, list[Mark]] = {}
    for m in marks:
        by_day.setdefault(m.date, []).append(Mark(m.date, m.period, m.kind, m.reason, m.minutes))
    return sum(
        count_day(lessons[day], day_marks).is_absence_day
        for day, day_marks in by_day.items()
        if day in lessons
    )


def year_absence_days(year: PupilYear, days: Sequence[SchoolDay]) -> int:
    return absence_days(year.marks, days)


def distribution(day_counts: Sequence[int]) -> dict[str, float]:
    """Percent of pupils in each published bin."""
    shares = {}
    for label, low, high, _ in PUBLISHED:
        inside = sum(1 for n in day_counts if n >= low and (high is None or n <= high))
        shares[label] = 100.0 * inside / max(1, len(day_counts))
    return shares


def simulate_cohort(
    seed: int, pupils: int, days: Sequence[SchoolDay], week: Week, *, grade: int = 10
) -> list[int]:
    """Absence days over the full year for ``pupils`` pupils drawn as the demo draws them."""
    return [
        year_absence_days(pupil_year(seed, f"cohort:{n}", grade, days, week)[1], days)
        for n in range(pupils)
    ]
