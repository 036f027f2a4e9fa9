"""What the early-warning rules share: the findings frame, whole-number thresholds, windows of
school days and weeks, planned lessons (``rules``, ``pattern_rules``)."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from sammen.warning.days import Year

# School days per week, to say a window of school days in weeks ("the last 4 weeks").
WEEK = 5

FINDING_SCHEMA: dict[str, Any] = {"pupil_id": pl.Int64, "level": pl.Int8}


def at_least_percent(part: pl.Expr, whole: pl.Expr, percent: float) -> pl.Expr:
    """part / whole >= percent %, on whole numbers; some absence needed."""
    return (part > 0) & (whole > 0) & (part.cast(pl.Float64) * 100 >= percent * whole)


def at_least_times(a: pl.Expr, a_of: pl.Expr, b: pl.Expr, b_of: pl.Expr, ratio: float) -> pl.Expr:
    """a / a_of >= ratio × b / b_of, multiplied out (b_of 0: nothing else to compare, holds)."""
    return a.cast(pl.Float64) * b_of >= ratio * b.cast(pl.Float64) * a_of


def percent_of(part: str, whole: str) -> pl.Expr:
    return (
        pl.when(pl.col(whole) > 0)
        .then(pl.col(part).cast(pl.Float64) * 100 / pl.col(whole))
        .otherwise(0.0)
        .round(1)
    )


def iso_date(column: str) -> pl.Expr:
    return pl.col(column).dt.to_string("%Y-%m-%d")


def as_findings(frame: pl.DataFrame, level: pl.Expr | int, **evidence: pl.Expr) -> pl.DataFrame:
    level_expr = level if isinstance(level, pl.Expr) else pl.lit(level)
    return frame.select(
        pl.col("pupil_id").cast(pl.Int64),
        level_expr.cast(pl.Int8).alias("level"),
        pl.struct([expr.alias(name) for name, expr in evidence.items()]).alias("evidence"),
    ).sort("pupil_id")


def with_planned(frame: pl.DataFrame, year: Year, start: str, end: str, name: str) -> pl.DataFrame:
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


def first_after(year: Year, since: date, name: str) -> pl.DataFrame:
    """Per school, the ``idx`` of its first school day after ``since`` (none: no row)."""
    return (
        year.calendar.filter(pl.col("day") > since)
        .group_by("school_id")
        .agg(pl.col("idx").min().alias(name))
    )


def sum_per_pupil(days: pl.DataFrame, **sums: pl.Expr) -> pl.DataFrame:
    return days.group_by("pupil_id").agg(**sums)


def join_counts(frame: pl.DataFrame, counts: pl.DataFrame) -> pl.DataFrame:
    columns = [c for c in counts.columns if c != "pupil_id"]
    return frame.join(counts, on="pupil_id", how="left").with_columns(
        [pl.col(c).fill_null(0) for c in columns]
    )


def runs_of(days: pl.DataFrame, flag: str) -> pl.DataFrame:
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


def window_days(n: int) -> int:
    return max(1, n)


# -- the rules -------------------------------------------------------------------------------


def in_weeks(days: pl.Expr) -> pl.Expr:
    return pl.max_horizontal(pl.lit(1), (days.cast(pl.Float64) / WEEK).round(0)).cast(pl.Int32)


def nonempty(column: str) -> pl.Expr:
    text = pl.col(column).str.strip_chars()
    return pl.when(text.str.len_chars() > 0).then(text).otherwise(None)


def no_findings() -> pl.DataFrame:
    return pl.DataFrame(schema={**FINDING_SCHEMA, "evidence": pl.Struct({})})
