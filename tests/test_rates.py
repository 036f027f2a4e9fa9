"""The counting rules of one pupil's school day (``rates.count_day``), table in, counts out."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sammen.attendance.rates import Mark, count_day

DAY = date(2026, 11, 23)


def m(
    period: int | None,
    kind: str = "absent",
    reason: str = "unexplained",
    minutes: int | None = None,
) -> Mark:
    return Mark(DAY, period, kind, reason, minutes)


@pytest.mark.parametrize(
    ("marks", "absent", "sick", "unexplained", "first_absent", "absence_day"),
    [
        ([], 0, 0, 0, False, False),
        ([m(1, reason="sick")], 1, 1, 0, True, False),
        ([m(2, reason="sick"), m(3)], 2, 1, 1, False, False),
        # Half of six lessons is an absence day: the boundary belongs to absence.
        ([m(1), m(2), m(3)], 3, 0, 3, True, True),
        ([m(1), m(2)], 2, 0, 2, True, False),
        # A whole day away misses every lesson, and is not a hard morning.
        ([m(None, reason="sick")], 6, 6, 0, False, True),
        ([m(None), m(1, reason="sick")], 6, 1, 6, False, True),
        # Every lesson missed one by one is the same as the whole day.
        ([m(p) for p in range(1, 7)], 6, 0, 6, False, True),
        # With the school somewhere else, or present elsewhere, is not absence.
        ([m(1, reason="school_activity"), m(2, kind="present_elsewhere")], 0, 0, 0, False, False),
        # A lesson after the day's last does not count.
        ([m(7)], 0, 0, 0, False, False),
    ],
)
def test_a_days_absence(
    marks: list[Mark],
    absent: int,
    sick: int,
    unexplained: int,
    first_absent: bool,
    absence_day: bool,
) -> None:
    count = count_day(6, marks)
    assert (
        count.absent_lessons,
        count.sick_lessons,
        count.unexplained_lessons,
        count.first_lesson_absent,
        count.is_absence_day,
    ) == (absent, sick, unexplained, first_absent, absence_day)


def test_lateness_is_counted_apart_from_absence() -> None:
    count = count_day(6, [m(1, kind="late", minutes=12), m(4, kind="left_early", minutes=20)])
    assert (count.absent_lessons, count.late_count, count.late_minutes) == (0, 1, 32)
    assert not count.first_lesson_absent


_MARKS = st.builds(
    Mark,
    st.dates(),
    st.one_of(st.none(), st.integers(1, 8)),
    st.sampled_from(["absent", "late", "left_early", "present_elsewhere"]),
    st.sampled_from(["sick", "leave", "school_activity", "home_teaching", "unexplained", "other"]),
    st.one_of(st.none(), st.integers(1, 480)),
)


@given(st.integers(1, 8), st.lists(_MARKS, max_size=8), st.randoms(use_true_random=False))
def test_a_day_is_counted_from_its_marks_whatever_their_order_and_dates(
    planned: int, marks: list[Mark], random: Random
) -> None:
    # The import's fast path counts each distinct pattern of a day once and gives the count to
    # every day with that pattern (sammen/attendance/importers/fast_totals.py).
    shuffled = [replace(mark, date=DAY) for mark in marks]
    random.shuffle(shuffled)

    assert count_day(planned, shuffled) == count_day(planned, marks)
