"""The early-warning rules: one pure function per rule, all pupils at once (Polars, no database).

Each takes the prepared ``Year`` (``sammen.warning.days``) and the rule's settings from the
school's ``Standard`` and returns a frame of findings, one row per pupil for whom the rule holds:
``pupil_id``, ``level`` (1–3) and ``evidence``, a struct whose fields are the evidence keys of
docs/early-warning.md (the explanation is generated from them, ``sammen.warning.explain``).

What is counted (docs/early-warning.md says it with examples):

- Absence is lessons missed for any reason but a school activity ("present elsewhere"); lateness
  is not absence. Rates are lessons missed over lessons planned on the pupil's school days.
- An absence day is a school day with at least half its lessons missed; a sick day and an
  unexplained day likewise, counting only lessons missed through illness, or unexplained.
- "The last N school days" are the school's school days up to and including the evaluation day
  on which the pupil was enrolled; "the last N weeks" are the calendar days after the evaluation
  day minus N weeks, school days among them only.
- A threshold is met at the boundary: 10 % absence meets "at least 10 %"; 3 days meet "at least
  3". Comparisons are made on whole numbers (absent × 100 ≥ percent × planned), so a boundary is
  never missed by a rounding error.
- Every rule needs some absence (or lateness) to speak: a threshold set to 0 does not flag
  everyone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import polars as pl

from sammen.warning.days import Year
from sammen.warning.pattern_rules import subject, weekday
from sammen.warning.rule_parts import (
    as_findings,
    at_least_percent,
    at_least_times,
    first_after,
    in_weeks,
    iso_date,
    join_counts,
    percent_of,
    runs_of,
    sum_per_pupil,
    window_days,
    with_planned,
)
from sammen.warning.standard import (
    Consecutive,
    DaysInWeeks,
    Late,
    RateRecent,
    RateYear,
    Rising,
    Rule,
    SickEpisodes,
    Unexplained,
)

# A run of absence days keeps its flag while it ended within this many school days (two school
# weeks): long enough for the school to answer it, short enough that it does not stay all year.
CONSECUTIVE_WITHIN = 10
# The rising rule compares with the weeks before only when the pupil was enrolled on at least
# this many school days of them: two school weeks, so that a first week alone is no baseline.
RISING_MIN_BEFORE_DAYS = 10


def rate_year(year: Year, s: RateYear) -> pl.DataFrame:
    """At least ``percent`` of planned lessons missed over the school year so far (level 2; 3 at
    ``severe_percent``), once the pupil has been enrolled ``min_days`` school days."""
    absent = sum_per_pupil(year.days, absent=pl.col("absent").sum())
    found = (
        with_planned(year.pupils.filter(pl.col("n") >= s.min_days), year, "lo", "hi", "planned")
        .pipe(join_counts, absent)
        .filter(at_least_percent(pl.col("absent"), pl.col("planned"), s.percent))
    )
    severe = at_least_percent(pl.col("absent"), pl.col("planned"), s.severe_percent)
    return as_findings(
        found,
        pl.when(severe).then(3).otherwise(2),
        percent=percent_of("absent", "planned"),
        absent_lessons=pl.col("absent"),
        planned_lessons=pl.col("planned"),
        school_days=pl.col("n"),
    )


def rate_recent(year: Year, s: RateRecent) -> pl.DataFrame:
    """At least ``percent`` of planned lessons missed over the last ``days`` school days; only
    once the pupil has been enrolled that many school days (a whole window)."""
    window = window_days(s.days)
    absent = sum_per_pupil(year.days.filter(pl.col("back") < window), absent=pl.col("absent").sum())
    found = (
        year.pupils.filter(pl.col("n") >= window)
        .with_columns(start=pl.col("hi") - window + 1)
        .pipe(with_planned, year, "start", "hi", "planned")
        .pipe(join_counts, absent)
        .filter(at_least_percent(pl.col("absent"), pl.col("planned"), s.percent))
    )
    return as_findings(
        found,
        2,
        percent=percent_of("absent", "planned"),
        absent_lessons=pl.col("absent"),
        planned_lessons=pl.col("planned"),
        days=pl.lit(window),
    )


def days_in_weeks(year: Year, s: DaysInWeeks) -> pl.DataFrame:
    """At least ``days`` absence days in the last ``weeks`` weeks."""
    since = year.as_of - timedelta(weeks=s.weeks)
    counts = (
        year.days.filter((pl.col("day") > since) & pl.col("absence_day"))
        .group_by("pupil_id")
        .agg(absence_days=pl.len().cast(pl.Int32))
        .filter(pl.col("absence_days") >= window_days(s.days))
    )
    return as_findings(counts, 2, absence_days=pl.col("absence_days"), weeks=pl.lit(s.weeks))


def consecutive(year: Year, s: Consecutive) -> pl.DataFrame:
    """At least ``days`` absence days in a row (school days: a weekend or holiday between does
    not break a run), the run ending within the last ``CONSECUTIVE_WITHIN`` school days. The
    evidence is the latest such run."""
    # Only a pupil absent on one of the last days can have a run ending there.
    recent = year.days.filter(pl.col("absence_day") & (pl.col("back") < CONSECUTIVE_WITHIN))
    days = year.days.filter(pl.col("pupil_id").is_in(recent.get_column("pupil_id").implode()))
    runs = (
        runs_of(days, "absence_day")
        .filter(
            (pl.col("length") >= window_days(s.days)) & (pl.col("end_back") < CONSECUTIVE_WITHIN)
        )
        .sort(["pupil_id", "end_back", "length"], descending=[False, False, True])
        .unique("pupil_id", keep="first")
    )
    return as_findings(
        runs, 2, days=pl.col("length"), first=iso_date("first"), last=iso_date("last")
    )


def late(year: Year, s: Late) -> pl.DataFrame:
    """At least ``times`` late arrivals or first-lesson absences in the last ``days`` school
    days: each late arrival counts, and each day the pupil missed the first lesson but came
    later (a day missed whole is no first-lesson absence).
    """
    window = window_days(s.days)
    counts = (
        year.days.filter(pl.col("back") < window)
        .group_by("pupil_id")
        .agg(
            late=pl.col("late").sum().cast(pl.Int32),
            first_lesson_absent=pl.col("first_absent").sum().cast(pl.Int32),
        )
        .with_columns(times=pl.col("late") + pl.col("first_lesson_absent"))
        .filter(pl.col("times") >= window_days(s.times))
        .join(year.pupils.select("pupil_id", "n"), on="pupil_id")
        .with_columns(days=pl.min_horizontal(pl.col("n"), pl.lit(window)))
    )
    return as_findings(
        counts,
        1,
        times=pl.col("times"),
        late=pl.col("late"),
        first_lesson_absent=pl.col("first_lesson_absent"),
        days=pl.col("days"),
        weeks=in_weeks(pl.col("days")),
    )


def sick_episodes(year: Year, s: SickEpisodes) -> pl.DataFrame:
    """At least ``episodes`` separate sick episodes of 1 to ``max_length`` sick days in a row,
    each wholly within the last ``days`` school days (a longer illness is not a short episode,
    and an episode cut by the window's start is not counted)."""
    window = window_days(s.days)
    # A run starting in the window is told from one starting the day before by that day.
    counts = (
        runs_of(year.days.filter(pl.col("back") <= window), "sick_day")
        .filter((pl.col("length") <= s.max_length) & (pl.col("start_back") < window))
        .group_by("pupil_id")
        .agg(episodes=pl.len().cast(pl.Int32))
        .filter(pl.col("episodes") >= window_days(s.episodes))
        .join(year.pupils.select("pupil_id", "n"), on="pupil_id")
        .with_columns(days=pl.min_horizontal(pl.col("n"), pl.lit(window)))
    )
    return as_findings(
        counts,
        1,
        episodes=pl.col("episodes"),
        days=pl.col("days"),
        weeks=in_weeks(pl.col("days")),
    )


def rising(year: Year, s: Rising) -> pl.DataFrame:
    """The last ``recent_weeks`` weeks at least ``percent`` absence and at least ``ratio``
    times the rate of the ``before_weeks`` weeks before them; only with at least
    ``RISING_MIN_BEFORE_DAYS`` school days enrolled in the weeks before."""
    recent_since = year.as_of - timedelta(weeks=s.recent_weeks)
    before_since = recent_since - timedelta(weeks=s.before_weeks)
    sums = sum_per_pupil(
        year.days,
        absent_r=pl.col("absent").filter(pl.col("day") > recent_since).sum(),
        absent_b=pl.col("absent")
        .filter((pl.col("day") > before_since) & (pl.col("day") <= recent_since))
        .sum(),
    )
    found = (
        year.pupils.join(first_after(year, recent_since, "r_first"), on="school_id")
        .join(first_after(year, before_since, "b_first"), on="school_id")
        .with_columns(
            r_lo=pl.max_horizontal("lo", "r_first"),
            b_lo=pl.max_horizontal("lo", "b_first"),
            b_hi=pl.col("r_first") - 1,
        )
        .filter(pl.col("b_hi") - pl.col("b_lo") + 1 >= RISING_MIN_BEFORE_DAYS)
        .pipe(with_planned, year, "r_lo", "hi", "planned_r")
        .pipe(with_planned, year, "b_lo", "b_hi", "planned_b")
        .pipe(join_counts, sums)
        .filter(
            at_least_percent(pl.col("absent_r"), pl.col("planned_r"), s.percent)
            & at_least_times(
                pl.col("absent_r"),
                pl.col("planned_r"),
                pl.col("absent_b"),
                pl.col("planned_b"),
                s.ratio,
            )
        )
    )
    return as_findings(
        found,
        2,
        percent=percent_of("absent_r", "planned_r"),
        before_percent=percent_of("absent_b", "planned_b"),
        recent_weeks=pl.lit(s.recent_weeks),
        before_weeks=pl.lit(s.before_weeks),
    )


def unexplained(year: Year, s: Unexplained) -> pl.DataFrame:
    """At least ``days`` days of unexplained absence (at least half the day's lessons missed
    without explanation) in the last ``window`` school days."""
    window = window_days(s.window)
    counts = (
        year.days.filter((pl.col("back") < window) & pl.col("unexplained_day"))
        .group_by("pupil_id")
        .agg(days=pl.len().cast(pl.Int32))
        .filter(pl.col("days") >= window_days(s.days))
        .join(year.pupils.select("pupil_id", "n"), on="pupil_id")
        .with_columns(window=pl.min_horizontal(pl.col("n"), pl.lit(window)))
    )
    return as_findings(counts, 1, days=pl.col("days"), window=pl.col("window"))


RuleFunction = Callable[[Year, Any], pl.DataFrame]

# Rule code -> its function; the settings are ``getattr(standard, code)``.
RULES: dict[str, RuleFunction] = {
    Rule.RATE_YEAR: rate_year,
    Rule.RATE_RECENT: rate_recent,
    Rule.DAYS_IN_15_WEEKS: days_in_weeks,
    Rule.CONSECUTIVE: consecutive,
    Rule.WEEKDAY: weekday,
    Rule.LATE: late,
    Rule.SUBJECT: subject,
    Rule.SICK_EPISODES: sick_episodes,
    Rule.RISING: rising,
    Rule.UNEXPLAINED: unexplained,
}
