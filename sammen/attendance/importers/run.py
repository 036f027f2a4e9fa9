"""One attendance import, start to end: read, check, and write (or only report), one transaction."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from django.db import connection, transaction

from sammen.attendance.importers.apply import MODEL, Writer
from sammen.attendance.importers.checks import check
from sammen.attendance.importers.context import Context
from sammen.attendance.importers.csv_format import read_csv_file
from sammen.attendance.importers.fastpath import Declined, import_fast
from sammen.attendance.importers.rows import Read
from sammen.lib.bulkwrite import large_cache
from sammen.lib.importreport import Problem, Report
from sammen.roster.models import SchoolOwner

FORMATS = ("csv", "edfi", "fint")
# Two attendance imports at once would race for the same records; on PostgreSQL the second
# waits for the first here (SQLite's write lock already serialises them).
_LOCK = 7_305_001
log = logging.getLogger(__name__)


def _reader(fmt: str) -> Callable[[Path, Context], Read]:
    if fmt == "edfi":
        from sammen.attendance.importers.edfi import read_edfi

        return read_edfi
    if fmt == "fint":
        from sammen.attendance.importers.fint import read_fint

        return read_fint
    return lambda path, _ctx: read_csv_file(path)


def attendance_report(fmt: str, source: str, *, dry_run: bool, skip_invalid: bool) -> Report:
    return Report(
        format=fmt,
        source=source,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        models=(MODEL,),
        noun="attendance",
    )


def import_attendance(
    path: Path,
    *,
    fmt: str = "csv",
    owner_name: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    fast: bool | None = None,
) -> Report:
    """Import attendance records from ``path`` in format ``fmt``.

    All or nothing unless ``skip_invalid``: with any rejected row nothing is written, and the
    report still says what the valid rows would have done.

    A CSV of new, valid records takes the columnar fast path (``fastpath``), which writes and
    reports exactly what the row path would; any other file the row path. ``fast`` False
    forces the row path, True the fast path (``Declined`` if it cannot take the file).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    report = attendance_report(fmt, str(path), dry_run=dry_run, skip_invalid=skip_invalid)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
        owner: SchoolOwner | None = None
        if owner_name is not None:
            owner = SchoolOwner.objects.filter(name=owner_name).first()
            if owner is None:
                return report.fail(
                    Problem("--owner", None, None, owner_name, "no such school owner")
                )
        ctx = Context(owner)
        if fast or (fast is None and fmt == "csv"):
            try:
                if fmt != "csv":
                    raise Declined("the fast path reads CSV only")
                import_fast(path, ctx, report, dry_run=dry_run, detail=f"{fmt} from {path.name}")
                return report
            except Declined as declined:
                if fast:
                    raise
                log.info("%s: read row by row (%s)", path.name, declined.reason)
        read = _reader(fmt)(path, ctx)
        report.notes.extend(read.notes)
        if read.fatal:
            return report.fail(*read.fatal)
        checked = check(read, ctx)
        report.rejected.extend(read.problems)
        report.rejected.extend(checked.problems)
        report.skipped.extend(read.skipped)
        report.skipped.extend(checked.skipped)
        writer = Writer(checked, ctx, report, detail=f"{fmt} from {path.name}")
        writer.compute(fmt)
        report.rejected.sort(key=_place)
        report.skipped.sort(key=_place)
        report.applied = not dry_run and (skip_invalid or not report.rejected)
        if report.applied and report.changed:
            with large_cache():
                writer.write()
    return report


def _place(item: Problem | object) -> tuple[str, int, str]:
    line = getattr(item, "line", None)
    return (
        getattr(item, "file", ""),
        -1 if line is None else line,
        getattr(item, "field", "") or "",
    )
