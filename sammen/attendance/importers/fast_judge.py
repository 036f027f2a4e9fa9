"""The fast path's judging of the rows: against Sammen, within the file, and against the records
already there. What ``checks.check`` and ``apply.Writer.compute`` decide, for the one case the
fast path takes: every row is a new record.

Pupils, school days and lessons are looked up in the same ``Context`` as the row path's, once per
distinct pupil and (school, date). Anything that would make the row path reject, skip, update or
remove declines: an unknown pupil, a day without school, a lesson after the day's last, the same
lesson (or whole day) twice, a whole-day row beside any other row of the same pupil and day
(covered or contradicting: the row path decides which), or any record already on a pupil-day the
file names (the row path updates, keeps or removes it).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from sammen.attendance.importers.context import Context, NoSchool
from sammen.attendance.importers.fast_declined import Declined
from sammen.attendance.importers.fast_pupils import pupil_sets
from sammen.attendance.models import AttendanceRecord
from sammen.attendance.services import counts_on_diploma

# Stored records looked at a time.
_BATCH = 10_000


def judge(rows: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """``rows`` (``fast_read.FIELDS``) with ``pupil_id``, ``school_id``, ``lessons`` (the day's
    planned lessons) and ``counts_on_diploma``; or decline."""
    rows = _with_pupils(rows, ctx)
    # First, so that a file imported again goes to the row path at once.
    _nothing_stored(rows.select("pupil_id", "date").unique())
    rows = _with_school_days(rows, ctx)
    if rows.select((pl.col("period") > pl.col("lessons")).any()).item():
        raise Declined("a lesson after the day's last")
    rows = _with_counts_on_diploma(rows)
    _within_file(rows)
    return rows


def _with_pupils(rows: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    distinct = rows.get_column("pupil").unique()
    found: list[tuple[int, int]] = []
    for sid in distinct.to_list():
        pupil = ctx.pupil(sid)
        if isinstance(pupil, str):
            raise Declined("a pupil Sammen does not know, or cannot tell apart")
        found.append((pupil.pk, pupil.school_id))
    table = pl.DataFrame(
        {
            "pupil": distinct,
            "pupil_id": pl.Series([pk for pk, _ in found], dtype=pl.Int64),
            "school_id": pl.Series([school for _, school in found], dtype=pl.Int64),
        }
    )
    return rows.join(table, on="pupil", how="left", maintain_order="left")


def _with_school_days(rows: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    distinct = rows.select("school_id", "date").unique()
    lessons: list[int] = []
    for school_id, day in distinct.iter_rows():
        found = ctx.school_day(school_id, day)
        if isinstance(found, NoSchool):
            raise Declined("a day that is not a school day")
        lessons.append(found.lessons)
    table = distinct.with_columns(pl.Series("lessons", lessons, dtype=pl.Int64))
    return rows.join(table, on=["school_id", "date"], how="left", maintain_order="left")


def _with_counts_on_diploma(rows: pl.DataFrame) -> pl.DataFrame:
    distinct = rows.select("kind", "reason").unique()
    counts = [counts_on_diploma(kind, reason) for kind, reason in distinct.iter_rows()]
    table = distinct.with_columns(pl.Series("counts_on_diploma", counts, dtype=pl.Boolean))
    return rows.join(table, on=["kind", "reason"], how="left", maintain_order="left")


def _within_file(rows: pl.DataFrame) -> None:
    same_lesson = pl.struct("pupil_id", "date", "period").is_duplicated().any().alias("twice")
    same_day = pl.struct("pupil_id", "date").is_duplicated()
    whole_day_and_more = (same_day & pl.col("period").is_null()).any().alias("beside")
    twice, beside = rows.select(same_lesson, whole_day_and_more).row(0)
    if twice:
        raise Declined("the same pupil, day and lesson (or whole day) twice")
    if beside:
        raise Declined("a whole-day row beside another row of the same pupil and day")


def _nothing_stored(days: pl.DataFrame) -> None:
    """Decline if any record is stored on one of ``days`` (pupil_id, date).

    Read in batches, so a file imported again declines at the first batch.
    """
    first, last = days["date"].min(), days["date"].max()
    assert isinstance(first, date) and isinstance(last, date)
    for pupils in pupil_sets(sorted(days["pupil_id"].unique().to_list())):
        # Unordered, so that the first batch comes at once.
        stored = (
            AttendanceRecord.objects.filter(pupil_id__in=pupils, date__range=(first, last))
            .order_by()
            .values_list("pupil_id", "date")
        )
        batch: list[tuple[Any, ...]] = []
        for row in stored.iterator(chunk_size=_BATCH):
            batch.append(row)
            if len(batch) == _BATCH:
                _none_of(days, batch)
                batch = []
        _none_of(days, batch)


def _none_of(days: pl.DataFrame, stored: list[tuple[Any, ...]]) -> None:
    if not stored:
        return
    found = pl.DataFrame(stored, schema={"pupil_id": pl.Int64, "date": pl.Date}, orient="row")
    if days.join(found, on=["pupil_id", "date"], how="semi").height:
        raise Declined("records already stored on a pupil-day the file names")
