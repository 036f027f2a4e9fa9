"""The early-warning rules that compare parts of the pupil's week: a weekday, a subject.

Pure functions like the rest of ``rules`` (whose docstring says what is counted); apart only
because they are the longest.
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from sammen.warning.days import Year
from sammen.warning.rule_parts import (
    as_findings,
    at_least_percent,
    at_least_times,
    first_after,
    join_counts,
    no_findings,
    nonempty,
    percent_of,
    window_days,
    with_planned,
)
from sammen.warning.standard import Subject, Weekday


def weekday(year: Year, s: Weekday) -> pl.DataFrame:
    """Absence days on one weekday in at least ``times`` of that weekday's last ``of_last``
    school days, and that weekday's absence rate (lessons) at least ``ratio`` times the rate on
    the other school days since the first of them. With fewer than ``of_last`` of that weekday
    enrolled so far, as many as there are. Of several weekdays, the one with most absence days.
    """
    of_last = window_days(s.of_last)
    times = window_days(s.times)
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
        return no_findings()
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
        return no_findings()
    candidates = (
        on_weekday.join(windows, on=["pupil_id", "weekday"])
        .join(
            occurrences.select(
                "school_id", "weekday", pl.col("wd_ord").alias("end_ord"), "wd_through"
            ),
            on=["school_id", "weekday", "end_ord"],
        )
        .with_columns(planned_w=pl.col("wd_through") - pl.col("wd_before"))
        .pipe(with_planned, year, "span_start", "hi", "planned_span")
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
            at_least_times(
                pl.col("absent_w"),
                pl.col("planned_w"),
                pl.col("other_absent"),
                pl.col("other_planned"),
                s.ratio,
            )
        )
        .with_columns(
            percent=percent_of("absent_w", "planned_w"),
            other_percent=percent_of("other_absent", "other_planned"),
        )
        .sort(
            ["pupil_id", "absent_days", "percent", "weekday"],
            descending=[False, True, True, False],
        )
        .unique("pupil_id", keep="first")
    )
    return as_findings(
        found,
        1,
        weekday=pl.col("weekday"),
        absent=pl.col("absent_days"),
        of=pl.col("of"),
        percent=pl.col("percent"),
        other_percent=pl.col("other_percent"),
    )


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
        year.pupils.join(first_after(year, since, "first"), on="school_id")
        .with_columns(win_lo=pl.max_horizontal("lo", "first"))
        .filter(pl.col("win_lo") <= pl.col("hi"))
        .select("pupil_id", "school_id", "win_lo", "hi", "timetable_id")
    )
    whole = year.days.filter(
        (pl.col("day") > since) & (pl.col("absent") >= pl.col("lessons"))
    ).select("pupil_id", "idx", "weekday", "lessons")
    slots = year.slots.with_columns(subject=nonempty("subject"))
    missed = (
        year.lessons.filter(pl.col("day") > since)
        .join(whole.select("pupil_id", "idx"), on=["pupil_id", "idx"], how="anti")
        .join(window.select("pupil_id", "timetable_id"), on="pupil_id")
        .join(
            slots.rename({"subject": "slot_subject"}),
            on=["timetable_id", "weekday", "period"],
            how="left",
        )
        .select("pupil_id", subject=pl.coalesce(pl.col("slot_subject"), nonempty("subject")))
    )
    pairs = (
        missed.filter(pl.col("subject").is_not_null())
        .group_by("pupil_id", "subject")
        .agg(missed_s=pl.len().cast(pl.Int32))
    )
    if pairs.is_empty():
        return no_findings()
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
        with_planned(candidates, year, "win_lo", "hi", "planned_all")
        .pipe(join_counts, whole_days.group_by("pupil_id").agg(whole_all=pl.col("lessons").sum()))
        .pipe(join_counts, missed.group_by("pupil_id").agg(missed_all=pl.len().cast(pl.Int32)))
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
            at_least_percent(pl.col("missed_s"), pl.col("planned_s"), s.percent)
            & at_least_times(
                pl.col("missed_s"),
                pl.col("planned_s"),
                pl.col("other_missed"),
                pl.col("other_planned"),
                s.ratio,
            )
        )
        .with_columns(
            percent=percent_of("missed_s", "planned_s"),
            other_percent=percent_of("other_missed", "other_planned"),
        )
        .sort(["pupil_id", "percent", "subject"], descending=[False, True, False])
        .unique("pupil_id", keep="first")
    )
    return as_findings(
        found,
        1,
        subject=pl.col("subject"),
        percent=pl.col("percent"),
        other_percent=pl.col("other_percent"),
        weeks=pl.lit(s.weeks),
    )
