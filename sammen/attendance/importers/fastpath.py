"""A columnar fast path for the common attendance import: a CSV whose every row is a new record.

A nightly export, and the benchmark, name pupil-days that have no record yet, and every row is
valid. For such a file the row path (``csv_format`` → ``checks`` → ``apply.Writer`` →
``totals``) spends its time in Python, row by row; here Polars reads the file, the row path's own
functions judge each distinct value, pupil and school day once (``fast_read``, ``fast_judge``),
and the records, the audit events (``fast_audit``) and the daily and weekly totals
(``fast_totals``) are written with COPY from text Polars wrote (``fast_write``).

The fast path writes exactly what the row path would write, and reports the same: when it
cannot be sure of that it raises ``Declined`` before writing anything, and the row path imports
the file as it always has (a wrong value, a duplicate or contradicting row, a record already on a
named day, a quotation mark in the file ...). ``tests/test_import_fastpath.py`` runs files
through both paths and compares everything they write.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

import polars as pl
from django.utils import timezone

from sammen.attendance.importers.apply import ACTOR, INSERT_FIELDS, MODEL, summary_event
from sammen.attendance.importers.audit_rows import FIELDS, PupilAudit
from sammen.attendance.importers.context import Context
from sammen.attendance.importers.csv_format import SOURCE
from sammen.attendance.importers.fast_audit import created_changes
from sammen.attendance.importers.fast_declined import Declined
from sammen.attendance.importers.fast_judge import judge
from sammen.attendance.importers.fast_read import read_table
from sammen.attendance.importers.fast_totals import MARK, count_totals, read_stored
from sammen.attendance.importers.fast_write import FrameWriter, timestamp
from sammen.attendance.models import AttendanceRecord, PupilDay, PupilWeek, ReportedBy
from sammen.attendance.totals import DAY_FIELDS, WEEK_FIELDS
from sammen.audit.log import record_many
from sammen.audit.models import ROW_FIELDS, AuditEvent
from sammen.lib.bulkwrite import large_cache
from sammen.lib.importreport import Report
from sammen.lib.uuids import uuid7

__all__ = ["Declined", "import_fast"]

# Ids per deletion (SQLite allows 999 parameters a statement).
_CHUNK = 500
# The audited fields every imported record has the same value of.
_CONSTANT = {"reported_by": ReportedBy.IMPORT.value, "source": SOURCE}


def import_fast(path: Path, ctx: Context, report: Report, *, dry_run: bool, detail: str) -> None:
    """Import the CSV at ``path`` into ``report`` as ``import_attendance`` would, or decline.

    Runs inside the import's transaction. Until everything is judged nothing is written and
    ``report`` is untouched, so a ``Declined`` leaves the row path a clean start.
    """
    table = read_table(path)
    rows = judge(table.frame, ctx)
    report.notes.extend(table.notes)
    report.created[MODEL] += rows.height
    report.applied = not dry_run
    if dry_run:
        return
    with large_cache():
        _write(rows, ctx, report, detail)


def _write(rows: pl.DataFrame, ctx: Context, report: Report, detail: str) -> None:
    """Write the records, their audit and the totals; the database works while Polars computes."""
    now = timezone.now()
    stamp = timestamp(now)
    # Everything read from the database is read first: the writer then has the connection.
    stored = read_stored(rows.select("pupil_id", "school_id", "date"))
    _remove(PupilWeek, stored.stale_weeks)
    _remove(PupilDay, stored.stale_days)
    hex_ids, text_ids = uuid7(rows.height)
    with FrameWriter() as writer:
        writer.write(AttendanceRecord, INSERT_FIELDS, _records(rows, hex_ids, stamp))
        writer.write(AuditEvent, ROW_FIELDS, _audit(rows, text_ids, ctx, now, stamp, detail))
        totals = count_totals(
            rows.select("pupil_id", "school_id", "date", "lessons", *MARK), stored
        )
        writer.write(PupilWeek, WEEK_FIELDS, totals.weeks)
        writer.write(PupilDay, DAY_FIELDS, totals.days)
    record_many([summary_event(report, detail)])


def _records(rows: pl.DataFrame, ids: pl.Series, stamp: str) -> pl.DataFrame:
    no_id = pl.lit(None, dtype=pl.Int64)
    return rows.select(
        public_id=ids,
        pupil=pl.col("pupil_id"),
        school=pl.col("school_id"),
        date=pl.col("date"),
        period=pl.col("period"),
        group=no_id,
        subject=pl.col("subject"),
        kind=pl.col("kind"),
        minutes=pl.col("minutes"),
        reason=pl.col("reason"),
        documented=pl.col("documented"),
        counts_on_diploma=pl.col("counts_on_diploma"),
        reported_by=pl.lit(_CONSTANT["reported_by"]),
        registered_by=no_id,
        comment=pl.col("comment"),
        source=pl.lit(_CONSTANT["source"]),
        created_at=pl.lit(stamp),
        updated_at=pl.lit(stamp),
    )


def _audit(
    rows: pl.DataFrame, ids: pl.Series, ctx: Context, now: datetime, stamp: str, detail: str
) -> pl.DataFrame:
    """One audit row per pupil, as ``PupilAudit`` makes it (ids as hex, the time as text)."""
    changes = created_changes(
        rows.select(
            "pupil_id",
            *(name for name in FIELDS if name not in _CONSTANT),
            record=ids,
            **{name: pl.lit(value) for name, value in _CONSTANT.items()},
        )
    )
    audit = PupilAudit(actor=ACTOR, at=now, detail=detail)
    columns: dict[str, list[object]] = {name: [] for name in ROW_FIELDS}
    for pk in changes["pupil_id"].to_list():
        pupil = ctx.pupil_by_pk(pk)
        values = audit.row(pupil, ctx.schools[pupil.school_id], "")
        for name, value in zip(ROW_FIELDS, values, strict=True):
            columns[name].append(_stored(value, stamp))
    del columns["changes"]  # Polars wrote them, in the same order of pupils
    people = pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))
    return people.with_columns(changes["changes"]).select(ROW_FIELDS)


def _stored(value: object, stamp: str) -> object:
    """An audit value as the database stores it: UUIDs as hex, the time stamp as text."""
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return stamp
    return value


def _remove(model: type[PupilDay] | type[PupilWeek], ids: list[int]) -> None:
    for i in range(0, len(ids), _CHUNK):
        model.objects.filter(pk__in=ids[i : i + _CHUNK]).delete()
