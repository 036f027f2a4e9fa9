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
from datetime import date, timedelta
from typing import Any

import polars as pl

from sammen.warning.days import Year
from sammen.warning.standard import (
    Consecutive,
    DaysInWeeks,
    Late,
    RateRecent,
    RateYear,
    Rising,
    Rule,
    SickEpisodes,
    Subject,
    Unexplained,
    Weekday,
)

# A run of absence days keeps its flag while it ended within this many school days (two school
# weeks): long enough for the school to answer it, short enough that it does not stay all year.
CONSECUTIVE_WITHIN = 10
# The rising rule compares with the weeks before only when the pupil was enrolled on at least
# this many school days of them: two school weeks, so that a first week alone is no baseline.
RISING_MIN_BEFORE_DAYS = 10
# School days per week, to say a window of school days in weeks ("the last 4 weeks").
WEEK = 5

FINDING_SCHEMA: dict[str, Any] = {"pupil_id": pl.Int64, "level": pl.Int8}


# -- helpers ---------------------------------------------------------------------------------


def _at_least_percent(part: pl.Expr, whole: pl.Expr, percent: float) -> pl.Expr:
    """part / whole >= percent %, on whole numbers; some absence needed."""
    return (part > 0) & (whole > 0) & (part.cast(pl.Float64) * 100 >= percent * whole)


def _at_least_times(a: pl.Expr, a_of: pl.Expr, b: pl.Expr, b_of: pl.Expr, ratio: float) -> pl.Expr:
    """a / a_of >= ratio × b / b_of, multiplied out (b_of 0: nothing else to compare, holds)."""
    return a.cast(pl.Float64) * b_of >= ratio * b.cast(pl.Float64) * a_of


def _percent(part: str, whole: str) -> pl.Expr:
    return (
        pl.when(pl.col(whole) > 0)
        .then(pl.col(part).cast(pl.Float64) * 100 / pl.col(whole))
        .otherwise(0.0)
        .round(1)
    )


def _iso(column: str) -> pl.Expr:
    return pl.col(column).dt.to_string("%Y-%m-%d")


def _findings(frame: pl.DataFrame, level: pl.Expr | int, **evidence: pl.Expr) -> pl.DataFrame:
    level_expr = level if isinstance(level, pl.Expr) else pl.lit(level)
    return frame.select(
        pl.col("pupil_id").cast(pl.Int64),
        level_expr.cast(pl.Int8).alias("level"),
        pl.struct([expr.alias(name) for name, expr in evidence.items()]).alias("evidence"),
    ).sort("pupil_id")


def _with_planned(frame: pl.DataFrame, year: Year, start: str, end: str, name: str) -> pl.DataFrame:
    """Add ``name``: the planned lessons of the school days ``start``..``end`` (idx, inclusive)
    of the row's school; 0 when the range is empty."""
    cal = year.calendar
    first = cal.select("school_id", pl.col("idx").alias(start), pl.col("before").alias("_from"))
    last = cal.select(
        "school_id",
        pl.col("idx").alias(end),
        (pl.col("before") + pl.col("lessons")).alias("_to"),
    )
    return (
        frame.join(first, on=["school_id", start], how="left")
        .join(last, on=["school_id", end], how="left")
        .with_columns(
            pl.when(pl.col(end) >= pl.col(start))
            .then(pl.col("_to") - pl.col("_from"))
            .otherwise(0)
            .fill_null(0)
            .alias(name)
        )
        .drop("_from", "_to")
    )


def _first_after(year: Year, since: date, name: str) -> pl.DataFrame:
    """Per school, the ``idx`` of its first school day after ``since`` (none: no row)."""
    return (
        year.calendar.filter(pl.col("day") > since)
        .group_by("school_id")
        .agg(pl.col("idx").min().alias(name))
    )


def _sum_per_pupil(days: pl.DataFrame, **sums: pl.Expr) -> pl.DataFrame:
    return days.group_by("pupil_id").agg(**sums)


def _join_counts(frame: pl.DataFrame, counts: pl.DataFrame) -> pl.DataFrame:
    columns = [c for c in counts.columns if c != "pupil_id"]
    return frame.join(counts, on="pupil_id", how="left").with_columns(
        [pl.col(c).fill_null(0) for c in columns]
    )


def _runs(days: pl.DataFrame, flag: str) -> pl.DataFrame:
    """Runs of consecutive school days on which ``flag`` holds: pupil_id, length, first, last
    (dates), start_back and end_back (school days from the run's first and last day to the
    pupil's last). ``days`` is sorted by pupil and day (``prepare``), so a run starts wherever
    the pupil changes or a school day is skipped."""
    marked = days.filter(pl.col(flag)).select("pupil_id", "idx", "back", "day")
    starts = (pl.col("pupil_id") != pl.col("pupil_id").shift(1)) | (
        pl.col("idx") != pl.col("idx").shift(1) + 1
    )
    return (
        marked.with_columns(run=starts.fill_null(True).cum_sum())
        .group_by("run")
        .agg(
            pupil_id=pl.col("pupil_id").first(),
            length=pl.len().cast(pl.Int32),
            first=pl.col("day").first(),
            last=pl.col("day").last(),
            start_back=pl.col("back").first(),
            end_back=pl.col("back").last(),
        )
        .drop("run")
    )


def _window_days(n: int) -> int:
    return max(1, n)


# -- the rules -------------------------------------------------------------------------------


def rate_year(year: Year, s: RateYear) -> pl.DataFrame:
    """At least ``percent`` of planned lessons missed over the school year so far (level 2; 3 at
    ``severe_percent``), once the pupil has been enrolled ``min_days`` school days."""
    absent = _sum_per_pupil(year.days, absent=pl.col("absent").sum())
    found = (
        _with_planned(year.pupils.filter(pl.col("n") >= s.min_days), year, "lo", "hi", "planned")
        .pipe(_join_counts, absent)
        .filter(_at_least_percent(pl.col("absent"), pl.col("planned"), s.percent))
    )
    severe = _at_least_percent(pl.col("absent"), pl.col("planned"), s.severe_percent)
    return _findings(
        found,
        pl.when(severe).then(3).otherwise(2),
        percent=_percent("absent", "planned"),
        absent_lessons=pl.col("absent"),
        planned_lessons=pl.col("planned"),
        school_days=pl.col("n"),
    )


def rate_recent(year: Year, s: RateRecent) -> pl.DataFrame:
    """At least ``percent`` of planned lessons missed over the last ``days`` school days; only
    once the pupil has been enrolled that many school days (a whole window)."""
    window = _window_days(s.days)
    absent = _sum_per_pupil(
        year.days.filter(pl.col("back") < window), absent=pl.col("absent").sum()
    )
    found = (
        year.pupils.filter(pl.col("n") >= window)
        .with_columns(start=pl.col("hi") - window + 1)
        .pipe(_with_planned, year, "start", "hi", "planned")
        .pipe(_join_counts, absent)
        .filter(_at_least_percent(pl.col("absent"), pl.col("planned"), s.percent))
    )
    return _findings(
        found,
        2,
        percent=_percent("absent", "planned"),
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
        .filter(pl.col("absence_days") >= _window_days(s.days))
    )
    return _findings(counts, 2, absence_days=pl.col("absence_days"), weeks=pl.lit(s.weeks))


def consecutive(year: Year, s: Consecutive) -> pl.DataFrame:
    """At least ``days`` absence days in a row (school days: a weekend or holiday between does
    not break a run), the run ending within the last ``CONSECUTIVE_WITHIN`` school days. The
    evidence is the latest such run."""
    # Only a pupil absent on one of the last days can have a run ending there.
    recent = year.days.filter(pl.col("absence_day") & (pl.col("back") < CONSECUTIVE_WITHIN))
    days = year.days.filter(pl.col("pupil_id").is_in(recent.get_column("pupil_id").implode()))
    runs = (
        _runs(days, "absence_day")
        .filter(
            (pl.col("length") >= _window_days(s.days)) & (pl.col("end_back") < CONSECUTIVE_WITHIN)
        )
        .sort(["pupil_id", "end_back", "length"], descending=[False, False, True])
        .unique("pupil_id", keep="first")
    )
    return _findings(runs, 2, days=pl.col("length"), first=_iso("first"), last=_iso("last"))


def weekday(year: Year, s: Weekday) -> pl.DataFrame:
    """Absence days on one weekday in at least ``times`` of that weekday's last ``of_last``
    school days, and that weekday's absence rate (lessons) at least ``ratio`` times the rate on
    the other school days since the first of them. With fewer than ``of_last`` of that weekday
    enrolled so far, as many as there are. Of several weekdays, the one with most absence days.
    """
    of_last = _window_days(s.of_last)
    times = _window_days(s.times)
    cal = year.calendar
    # How many of each weekday a school has had up to and including each school day.
    upto = (
        cal.sort("school_id", "idx")
        .select(
            "school_id",
            "idx",
            *[
                (pl.col("weekday") == w).cast(pl.Int32).cum_sum().over("school_id").alias(str(w))
                for w in range(5)
            ],
        )
        .unpivot(index=["school_id", "idx"], variable_name="weekday", value_name="upto")
        .with_columns(pl.col("weekday").cast(pl.Int32))
    )
    windows = (
        year.pupils.select("pupil_id", "school_id", "lo", "hi")
        .join(upto.rename({"idx": "hi", "upto": "end_ord"}), on=["school_id", "hi"])
        .with_columns(lo_before=pl.col("lo") - 1)
        .join(
            upto.rename({"idx": "lo_before", "upto": "before_ord"}),
            on=["school_id", "lo_before", "weekday"],
            how="left",
        )
        .with_columns(pl.col("before_ord").fill_null(0))
        .with_columns(
            of=pl.min_horizontal(pl.col("end_ord") - pl.col("before_ord"), pl.lit(of_last))
        )
        .filter(pl.col("of") >= times)
        .with_columns(start_ord=pl.col("end_ord") - pl.col("of") + 1)
        .select("pupil_id", "school_id", "hi", "weekday", "start_ord", "end_ord", "of")
    )
    # Planned lessons on the weekday's occurrences, and where the span since the first starts.
    occurrences = cal.select(
        "school_id",
        "weekday",
        "wd_ord",
        "idx",
        wd_before=(pl.col("lessons").cum_sum() - pl.col("lessons")).over("school_id", "weekday"),
        wd_through=pl.col("lessons").cum_sum().over("school_id", "weekday"),
    )
    windows = windows.join(
        occurrences.select(
            "school_id",
            "weekday",
            pl.col("wd_ord").alias("start_ord"),
            pl.col("idx").alias("span_start"),
            "wd_before",
        ),
        on=["school_id", "weekday", "start_ord"],
    )
    if windows.is_empty():
        return _empty()
    # Only the last weeks matter: no pupil's span reaches further back than this.
    reach = windows.select((pl.col("hi") - pl.col("span_start")).max()).item()
    recent = year.days.filter(pl.col("back") <= reach)
    on_weekday = (
        recent.join(
            windows.select("pupil_id", "weekday", "start_ord", "end_ord"),
            on=["pupil_id", "weekday"],
        )
        .filter(pl.col("wd_ord").is_between(pl.col("start_ord"), pl.col("end_ord")))
        .group_by("pupil_id", "weekday")
        .agg(
            absent_days=pl.col("absence_day").sum().cast(pl.Int32),
            absent_w=pl.col("absent").sum(),
        )
        .filter(pl.col("absent_days") >= times)
    )
    if on_weekday.is_empty():
        return _empty()
    candidates = (
        on_weekday.join(windows, on=["pupil_id", "weekday"])
        .join(
            occurrences.select(
                "school_id", "weekday", pl.col("wd_ord").alias("end_ord"), "wd_through"
            ),
            on=["school_id", "weekday", "end_ord"],
        )
        .with_columns(planned_w=pl.col("wd_through") - pl.col("wd_before"))
        .pipe(_with_planned, year, "span_start", "hi", "planned_span")
    )
    span_absent = (
        recent.join(candidates.select("pupil_id", "weekday", "span_start"), on="pupil_id")
        .filter(pl.col("idx") >= pl.col("span_start"))
        .group_by("pupil_id", "weekday_right")
        .agg(absent_span=pl.col("absent").sum())
        .rename({"weekday_right": "weekday"})
    )
    found = (
        candidates.join(span_absent, on=["pupil_id", "weekday"], how="left")
        .with_columns(pl.col("absent_span").fill_null(0))
        .with_columns(
            other_absent=pl.col("absent_span") - pl.col("absent_w"),
            other_planned=pl.col("planned_span") - pl.col("planned_w"),
        )
        .filter(
            _at_least_times(
                pl.col("absent_w"),
                pl.col("planned_w"),
                pl.col("other_absent"),
                pl.col("other_planned"),
                s.ratio,
            )
        )
        .with_columns(
            percent=_percent("absent_w", "planned_w"),
            other_percent=_percent("other_absent", "other_planned"),
        )
        .sort(
            ["pupil_id", "absent_days", "percent", "weekday"],
            descending=[False, True, True, False],
        )
        .unique("pupil_id", keep="first")
    )
    return _findings(
        found,
        1,
        weekday=pl.col("weekday"),
        absent=pl.col("absent_days"),
        of=pl.col("of"),
        percent=pl.col("percent"),
        other_percent=pl.col("other_percent"),
    )


def late(year: Year, s: Late) -> pl.DataFrame:
    """At least ``times`` late arrivals or first-lesson absences in the last ``days`` school
    days: each late arrival counts, and each day the pupil missed the first lesson but came
    later (a day missed whole is no first-lesson absence).
    """
    window = _window_days(s.days)
    counts = (
        year.days.filter(pl.col("back") < window)
        .group_by("pupil_id")
        .agg(
            late=pl.col("late").sum().cast(pl.Int32),
            first_lesson_absent=pl.col("first_absent").sum().cast(pl.Int32),
        )
        .with_columns(times=pl.col("late") + pl.col("first_lesson_absent"))
        .filter(pl.col("times") >= _window_days(s.times))
        .join(year.pupils.select("pupil_id", "n"), on="pupil_id")
        .with_columns(days=pl.min_horizontal(pl.col("n"), pl.lit(window)))
    )
    return _findings(
        counts,
        1,
        times=pl.col("times"),
        late=pl.col("late"),
        first_lesson_absent=pl.col("first_lesson_absent"),
        days=pl.col("days"),
        weeks=_weeks(pl.col("days")),
    )


def _weeks(days: pl.Expr) -> pl.Expr:
    return pl.max_horizontal(pl.lit(1), (days.cast(pl.Float64) / WEEK).round(0)).cast(pl.Int32)


def subject(year: Year, s: Subject) -> pl.DataFrame:
    """In one subject at least ``percent`` of its lessons missed in the last ``weeks`` weeks,
    and at least ``ratio`` times the rate in the pupil's other lessons.

    Counted on the days the pupil came to school at all: a day missed whole says nothing about
    a subject (the weekday rule looks at days), so its lessons are neither missed nor planned
    here. A lesson's subject is the pupil's timetable's (else what was registered); lessons
    with no subject count among the other lessons only. Of several subjects, the highest rate.
    """
    since = year.as_of - timedelta(weeks=s.weeks)
    window = (
        year.pupils.join(_first_after(year, since, "first"), on="school_id")
        .with_columns(win_lo=pl.max_horizontal("lo", "first"))
        .filter(pl.col("win_lo") <= pl.col("hi"))
        .select("pupil_id", "school_id", "win_lo", "hi", "timetable_id")
    )
    whole = year.days.filter(
        (pl.col("day") > since) & (pl.col("absent") >= pl.col("lessons"))
    ).select("pupil_id", "idx", "weekday", "lessons")
    slots = year.slots.with_columns(subject=_nonempty("subject"))
    missed = (
        year.lessons.filter(pl.col("day") > since)
        .join(whole.select("pupil_id", "idx"), on=["pupil_id", "idx"], how="anti")
        .join(window.select("pupil_id", "timetable_id"), on="pupil_id")
        .join(
            slots.rename({"subject": "slot_subject"}),
            on=["timetable_id", "weekday", "period"],
            how="left",
        )
        .select("pupil_id", subject=pl.coalesce(pl.col("slot_subject"), _nonempty("subject")))
    )
    pairs = (
        missed.filter(pl.col("subject").is_not_null())
        .group_by("pupil_id", "subject")
        .agg(missed_s=pl.len().cast(pl.Int32))
    )
    if pairs.is_empty():
        return _empty()
    candidates = window.join(pairs.select("pupil_id").unique(), on="pupil_id")
    # Each window (school, first and last day): how many of its days have lesson p on weekday
    # w; then each timetable's lessons of each subject in the window.
    spans = candidates.select("school_id", "win_lo", "hi").unique()
    held = (
        spans.join(year.calendar.select("school_id", "idx", "weekday", "lessons"), on="school_id")
        .filter(pl.col("idx").is_between(pl.col("win_lo"), pl.col("hi")))
        .with_columns(period=pl.int_ranges(1, pl.col("lessons") + 1, dtype=pl.Int32))
        .explode("period")
        .group_by("school_id", "win_lo", "hi", "weekday", "period")
        .agg(held=pl.len().cast(pl.Int32))
    )
    per_timetable = (
        candidates.select("timetable_id", "school_id", "win_lo", "hi")
        .unique()
        .join(slots.filter(pl.col("subject").is_not_null()), on="timetable_id")
        .join(held, on=["school_id", "win_lo", "hi", "weekday", "period"])
        .group_by("timetable_id", "school_id", "win_lo", "hi", "subject")
        .agg(held=pl.col("held").sum())
    )
    # A day missed whole takes its lessons out of the subject's planned ones.
    whole_days = whole.join(candidates.select("pupil_id", "timetable_id"), on="pupil_id")
    whole_subject = (
        whole_days.join(
            slots.filter(pl.col("subject").is_not_null()), on=["timetable_id", "weekday"]
        )
        .filter(pl.col("period") <= pl.col("lessons"))
        .group_by("pupil_id", "subject")
        .agg(whole_s=pl.len().cast(pl.Int32))
    )
    totals = (
        _with_planned(candidates, year, "win_lo", "hi", "planned_all")
        .pipe(_join_counts, whole_days.group_by("pupil_id").agg(whole_all=pl.col("lessons").sum()))
        .pipe(_join_counts, missed.group_by("pupil_id").agg(missed_all=pl.len().cast(pl.Int32)))
        .select(
            "pupil_id",
            "timetable_id",
            "school_id",
            "win_lo",
            "hi",
            "missed_all",
            planned_all=pl.col("planned_all") - pl.col("whole_all"),
        )
    )
    found = (
        pairs.join(totals, on="pupil_id")
        .join(per_timetable, on=["timetable_id", "school_id", "win_lo", "hi", "subject"])
        .join(whole_subject, on=["pupil_id", "subject"], how="left")
        .with_columns(planned_s=pl.col("held") - pl.col("whole_s").fill_null(0))
        .with_columns(
            other_missed=pl.col("missed_all") - pl.col("missed_s"),
            other_planned=pl.col("planned_all") - pl.col("planned_s"),
        )
        .filter(
            _at_least_percent(pl.col("missed_s"), pl.col("planned_s"), s.percent)
            & _at_least_times(
                pl.col("missed_s"),
                pl.col("planned_s"),
                pl.col("other_missed"),
                pl.col("other_planned"),
                s.ratio,
            )
        )
        .with_columns(
            percent=_percent("missed_s", "planned_s"),
            other_percent=_percent("other_missed", "other_planned"),
        )
        .sort(["pupil_id", "percent", "subject"], descending=[False, True, False])
        .unique("pupil_id", keep="first")
    )
    return _findings(
        found,
        1,
        subject=pl.col("subject"),
        percent=pl.col("percent"),
        other_percent=pl.col("other_percent"),
        weeks=pl.lit(s.weeks),
    )


def _nonempty(column: str) -> pl.Expr:
    text = pl.col(column).str.strip_chars()
    return pl.when(text.str.len_chars() > 0).then(text).otherwise(None)


def sick_episodes(year: Year, s: SickEpisodes) -> pl.DataFrame:
    """At least ``episodes`` separate sick episodes of 1 to ``max_length`` sick days in a row,
    each wholly within the last ``days`` school days (a longer illness is not a short episode,
    and an episode cut by the window's start is not counted)."""
    window = _window_days(s.days)
    # A run starting in the window is told from one starting the day before by that day.
    counts = (
        _runs(year.days.filter(pl.col("back") <= window), "sick_day")
        .filter((pl.col("length") <= s.max_length) & (pl.col("start_back") < window))
        .group_by("pupil_id")
        .agg(episodes=pl.len().cast(pl.Int32))
        .filter(pl.col("episodes") >= _window_days(s.episodes))
        .join(year.pupils.select("pupil_id", "n"), on="pupil_id")
        .with_columns(days=pl.min_horizontal(pl.col("n"), pl.lit(window)))
    )
    return _findings(
        counts,
        1,
        episodes=pl.col("episodes"),
        days=pl.col("days"),
        weeks=_weeks(pl.col("days")),
    )


def rising(year: Year, s: Rising) -> pl.DataFrame:
    """The last ``recent_weeks`` weeks at least ``percent`` absence and at least ``ratio``
    times the rate of the ``before_weeks`` weeks before them; only with at least
    ``RISING_MIN_BEFORE_DAYS`` school days enrolled in the weeks before."""
    recent_since = year.as_of - timedelta(weeks=s.recent_weeks)
    before_since = recent_since - timedelta(weeks=s.before_weeks)
    sums = _sum_per_pupil(
        year.days,
        absent_r=pl.col("absent").filter(pl.col("day") > recent_since).sum(),
        absent_b=pl.col("absent")
        .filter((pl.col("day") > before_since) & (pl.col("day") <= recent_since))
        .sum(),
    )
    found = (
        year.pupils.join(_first_after(year, recent_since, "r_first"), on="school_id")
        .join(_first_after(year, before_since, "b_first"), on="school_id")
        .with_columns(
            r_lo=pl.max_horizontal("lo", "r_first"),
            b_lo=pl.max_horizontal("lo", "b_first"),
            b_hi=pl.col("r_first") - 1,
        )
        .filter(pl.col("b_hi") - pl.col("b_lo") + 1 >= RISING_MIN_BEFORE_DAYS)
        .pipe(_with_planned, year, "r_lo", "hi", "planned_r")
        .pipe(_with_planned, year, "b_lo", "b_hi", "planned_b")
        .pipe(_join_counts, sums)
        .filter(
            _at_least_percent(pl.col("absent_r"), pl.col("planned_r"), s.percent)
            & _at_least_times(
                pl.col("absent_r"),
                pl.col("planned_r"),
                pl.col("absent_b"),
                pl.col("planned_b"),
                s.ratio,
            )
        )
    )
    return _findings(
        found,
        2,
        percent=_percent("absent_r", "planned_r"),
        before_percent=_percent("absent_b", "planned_b"),
        recent_weeks=pl.lit(s.recent_weeks),
        before_weeks=pl.lit(s.before_weeks),
    )


def unexplained(year: Year, s: Unexplained) -> pl.DataFrame:
    """At least ``days`` days of unexplained absence (at least half the day's lessons missed
    without explanation) in the last ``window`` school days."""
    window = _window_days(s.window)
    counts = (
        year.days.filter((pl.col("back") < window) & pl.col("unexplained_day"))
        .group_by("pupil_id")
        .agg(days=pl.len().cast(pl.Int32))
        .filter(pl.col("days") >= _window_days(s.days))
        .join(year.pupils.select("pupil_id", "n"), on="pupil_id")
        .with_columns(window=pl.min_horizontal(pl.col("n"), pl.lit(window)))
    )
    return _findings(counts, 1, days=pl.col("days"), window=pl.col("window"))


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema={**FINDING_SCHEMA, "evidence": pl.Struct({})})


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
