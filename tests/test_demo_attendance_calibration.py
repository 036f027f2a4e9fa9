"""The demo's absence model against the published 10th-grade distribution of absence days
(``sammen.attendance.demo.calibration``): a full simulated year lands within two percentage
points of every published bin, and the demo's own small cohorts look like it."""

from __future__ import annotations

import csv
import io
import statistics
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from sammen.attendance.demo.calendar import SchoolDay, school_days
from sammen.attendance.demo.calibration import (
    PUBLISHED,
    TOLERANCE,
    absence_days,
    distribution,
    simulate_cohort,
)
from sammen.attendance.demo.generate import plan_attendance, pupil_weeks
from sammen.attendance.demo.timetable import plan_timetable
from sammen.attendance.demo.year import DemoMark, Week
from sammen.attendance.models import Kind, PupilWeek, Reason
from sammen.roster.demo.planner import plan_demo
from sammen.roster.models import Pupil

SEED = 2026
COHORT = 5000
AFTER_THE_YEAR = date(2027, 6, 30)
PUBLISHED_CSV = (
    Path(__file__).resolve().parents[1].parent
    / "shared/data/published-figures/norway_10trinn_2017_18_absence_days_distribution.csv"
)


def tenth_grade_week() -> Week:
    """The week of a pupil in the demo's 10A: the lessons the model's 10th-graders have."""
    plan = plan_demo(SEED)
    pupil = next(x for x in plan.pupils if x.class_name == "10A")
    return pupil_weeks(plan, plan_timetable(plan))[pupil.key]


@pytest.fixture(scope="module")
def full_year() -> list[int]:
    """Absence days over every school day of 2026–2027 for 5,000 simulated 10th-graders."""
    return simulate_cohort(SEED, COHORT, school_days(True), tenth_grade_week())


def test_the_published_shares_are_those_of_the_published_file() -> None:
    if not PUBLISHED_CSV.is_file():
        pytest.skip("../shared/data/published-figures is not here")
    lines = [x for x in PUBLISHED_CSV.read_text(encoding="utf-8").splitlines() if x[:1] != "#"]
    shares = {
        row["bin_days"]: float(row["percent"])
        for row in csv.DictReader(io.StringIO("\n".join(lines)))
        if row["percent"]
    }
    assert shares == {label: percent for label, _, _, percent in PUBLISHED}


def test_the_bins_are_read_with_their_upper_edge_included() -> None:
    shares = distribution([0, 5, 6, 10, 11, 15, 16, 30, 31, 120])
    assert shares == {"0-5": 20.0, "5-10": 20.0, "10-15": 20.0, "15-30": 20.0, ">30": 20.0}


def test_a_full_year_of_tenth_graders_matches_every_published_bin_within_two_points(
    full_year: list[int],
) -> None:
    shares = distribution(full_year)
    for label, _, _, published in PUBLISHED:
        assert abs(shares[label] - published) <= TOLERANCE, (label, shares[label], published)


def test_the_median_is_the_published_six_days(full_year: list[int]) -> None:
    # Udir's median for 10th grade in 2017–18 was 6 days (docs/demo.md).
    assert statistics.median(full_year) == 6


def test_whole_and_half_days_count_and_school_activities_and_lateness_do_not() -> None:
    days = [SchoolDay(date(2026, 9, d), 6) for d in (7, 8, 9, 10, 11)]

    def mark(day: int, period: int | None, kind: str, reason: str) -> DemoMark:
        return DemoMark(date(2026, 9, day), period, kind, reason, 10 if kind == "late" else None)

    marks = [
        mark(7, None, Kind.ABSENT, Reason.SICK),
        *(mark(8, p, Kind.ABSENT, Reason.UNEXPLAINED) for p in (1, 2, 3)),  # half the day
        *(mark(9, p, Kind.ABSENT, Reason.OTHER) for p in (5, 6)),  # a third
        mark(10, None, Kind.PRESENT_ELSEWHERE, Reason.SCHOOL_ACTIVITY),
        mark(11, 1, Kind.LATE, Reason.UNEXPLAINED),
    ]
    assert absence_days(marks, days) == 2


def test_the_demos_tenth_graders_over_the_whole_year_are_plausible(db: None) -> None:
    today = AFTER_THE_YEAR.isoformat()
    call_command("demo_data", "--seed", str(SEED), "--today", today, stdout=io.StringIO())
    days: dict[int, int] = defaultdict(int)
    for pupil_id, absent in PupilWeek.objects.values_list("pupil_id", "absent_days"):
        days[pupil_id] += absent
    tenth = list(Pupil.objects.filter(grade=10).values_list("pk", flat=True))
    counts = [days.get(pk, 0) for pk in tenth]
    shares = distribution(counts)
    # About 35 pupils: each bin within sampling error of the published share, roughly.
    assert 25 <= shares["0-5"] <= 75
    assert shares["5-10"] + shares["10-15"] >= 15
    assert shares[">30"] <= 15
    assert 3 <= statistics.mean(counts) <= 16
    # The database counts what the model counts.
    plan = plan_attendance(plan_demo(SEED), today=AFTER_THE_YEAR)
    by_key = dict(Pupil.objects.values_list("source_id", "pk"))
    for item in plan.pupils:
        expected = absence_days(item.marks, school_days(item.pupil.grade >= 8))
        assert days.get(by_key[item.pupil.key], 0) == expected, item.pupil.key
