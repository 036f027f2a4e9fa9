"""Writing an attendance import: upserts by (pupil, date, lesson), removals, audit, weekly totals.

The unit is the pupil's day. For each (pupil, date) the file names, the file says what happened
that day, so:
- a record at the same (pupil, date, lesson) is created, updated or left unchanged;
- a record an earlier import *of the same format* wrote on that day, which the file no longer
  has, is removed (an Ed-Fi "In Attendance" event, or a corrected export, takes it back);
- a record made in Sammen (registered by staff, reported by a guardian, or an imported record
  someone has since corrected) is never changed or removed by an import: a row for its lesson is
  skipped, and a row that contradicts it is rejected;
- a day with any rejected row is left exactly as it is: its other rows are rejected too, so
  ``--skip-invalid`` never writes half a day.
Everything is written in one transaction, in bulk, with one audit event per pupil whose records
changed (listing each record's change) and one ``attendance.imported`` summary, and the daily
and weekly totals of the touched days are recomputed.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from sammen.attendance.importers.audit_rows import PupilAudit, audit_values
from sammen.attendance.importers.checks import (
    CLASH,
    Accepted,
    Checked,
    Key,
    describe,
    relation,
)
from sammen.attendance.importers.checks import PupilDay as Day
from sammen.attendance.importers.context import Context
from sammen.attendance.importers.existing import CHUNK, Existing, family, load_existing
from sammen.attendance.models import AttendanceRecord, ReportedBy
from sammen.attendance.rates import Mark
from sammen.attendance.services import PRESENT
from sammen.attendance.totals import refresh_totals
from sammen.audit import actions
from sammen.audit.log import Actor, Event, diff, record_many
from sammen.audit.models import ROW_FIELDS, AuditEvent, AuditKind
from sammen.lib.bulkwrite import insert_rows
from sammen.lib.importreport import Report
from sammen.lib.uuids import uuid7_batch

ACTOR = Actor.system("import_attendance")
MODEL = "attendance_record"

# The columns of a new record, in the order both import paths write them.
INSERT_FIELDS = (
    "public_id",
    "pupil",
    "school",
    "date",
    "period",
    "group",
    "subject",
    "kind",
    "minutes",
    "reason",
    "documented",
    "counts_on_diploma",
    "reported_by",
    "registered_by",
    "comment",
    "source",
    "created_at",
    "updated_at",
)
_UPDATE = (
    "kind",
    "minutes",
    "reason",
    "documented",
    "subject",
    "comment",
    "counts_on_diploma",
    "group",
    "source",
    "reported_by",
    "updated_at",
)


def _record_keys(rows: list[Accepted]) -> set[Key]:
    """The keys of the records the rows make (a "present" row makes none)."""
    return {row.key for row in rows if row.wanted.kind != PRESENT}


def values_of(row: Accepted) -> dict[str, Any]:
    """The audited fields of the record a row makes (dates as dates)."""
    w = row.wanted
    return {
        "date": w.date,
        "period": w.period,
        "subject": w.subject,
        "kind": w.kind,
        "minutes": w.minutes,
        "reason": w.reason,
        "documented": w.documented,
        "counts_on_diploma": row.counts_on_diploma,
        "comment": w.comment,
        "reported_by": ReportedBy.IMPORT.value,
        "source": w.source,
    }


def created_values(row: Accepted) -> tuple[Any, ...]:
    """``values_of(row)`` in ``FIELDS`` order, without the dict: a million of these per import."""
    w = row.wanted
    return (
        w.date,
        w.period,
        w.subject,
        w.kind,
        w.minutes,
        w.reason,
        w.documented,
        row.counts_on_diploma,
        w.comment,
        ReportedBy.IMPORT.value,
        w.source,
    )


def _mark(row: Accepted) -> Mark:
    w = row.wanted
    return Mark(w.date, w.period, w.kind, w.reason, w.minutes)


@dataclass
class Changes:
    creates: list[Accepted] = field(default_factory=list)
    updates: list[tuple[Existing, Accepted]] = field(default_factory=list)
    removals: list[Existing] = field(default_factory=list)


class Writer:
    """Works out an import's changes in memory (so a dry run reports them) and writes them."""

    def __init__(self, checked: Checked, ctx: Context, report: Report, *, detail: str) -> None:
        self.checked = checked
        self.ctx = ctx
        self.report = report
        self.detail = detail
        self.changes = Changes()
        self.existing: dict[Key, Existing] = {}

    # working out ------------------------------------------------------------------------------

    def compute(self, fmt: str) -> None:
        rows = self._left_whole_days(self.checked.accepted, self.checked.doubtful)
        existing = self.existing = load_existing(rows)
        rows = self._against_kept(rows, existing, fmt)
        keys = _record_keys(rows)
        clean_days = {(row.pupil.pk, row.wanted.date) for row in rows}
        changes, report = self.changes, self.report
        for row in rows:
            found = existing.get(row.key)
            if found is not None and found.sammens_own:
                report.skipped.append(
                    row.wanted.skip(
                        row.wanted.pupil,
                        f"Sammen has its own record of {describe(found.kind, found.period)} "
                        f"on this day (reported by {found.reported_by}); it is kept",
                    )
                )
            elif row.wanted.kind == PRESENT:
                report.skipped.append(
                    row.wanted.skip(row.wanted.pupil, "present: Sammen stores only absence")
                )
            elif found is None:
                changes.creates.append(row)
            elif found.values() == row.values() and found.source == row.wanted.source:
                report.unchanged[MODEL] += 1
            else:
                changes.updates.append((found, row))
        for record in existing.values():
            if (
                not record.sammens_own
                and family(record.source) == fmt
                and (record.pupil_id, record.date) in clean_days
                and (record.pupil_id, record.date, record.period) not in keys
            ):
                changes.removals.append(record)
        report.created[MODEL] += len(changes.creates)
        report.updated[MODEL] += len(changes.updates)
        report.deleted[MODEL] += len(changes.removals)

    def _left_whole_days(self, rows: list[Accepted], doubtful: dict[Day, str]) -> list[Accepted]:
        """Rows on a day with a rejected row are rejected too: a day is written whole or not."""
        if not doubtful:
            return rows
        kept = []
        for row in rows:
            where = doubtful.get((row.pupil.pk, row.wanted.date))
            if where is None:
                kept.append(row)
                continue
            self.report.rejected.append(
                row.wanted.problem(
                    "pupil_id",
                    row.wanted.pupil,
                    f"left out: the same pupil's row for this day ({where}) has an error",
                )
            )
        return kept

    def _against_kept(
        self, rows: list[Accepted], existing: dict[Key, Existing], fmt: str
    ) -> list[Accepted]:
        """Reject rows that contradict records the import keeps (Sammen's own, other formats)."""
        keys = _record_keys(rows)
        kept_whole: dict[Day, Existing] = {}
        kept_lessons: dict[Day, list[Existing]] = defaultdict(list)
        for key, record in existing.items():
            if not record.sammens_own and (key in keys or family(record.source) == fmt):
                continue  # replaced or removed by this import
            day = (record.pupil_id, record.date)
            if record.period is None:
                kept_whole[day] = record
            else:
                kept_lessons[day].append(record)
        if not kept_whole and not kept_lessons:
            return rows
        bad_days: dict[Day, str] = {}
        clashed: set[int] = set()
        for row in rows:
            w = row.wanted
            day = (row.pupil.pk, w.date)
            if w.period is not None:
                whole = kept_whole.get(day)
                clashes = [whole] if whole and relation(whole, w) == CLASH else []
            else:
                clashes = [r for r in kept_lessons.get(day, ()) if relation(w, r) == CLASH]
                whole = kept_whole.get(day)
                if w.kind == PRESENT and whole and relation(w, whole) == CLASH:
                    clashes.append(whole)
            if not clashes:
                continue
            told = "; ".join(
                f"{describe(r.kind, r.period)} (reported by {r.reported_by})" for r in clashes
            )
            self.report.rejected.append(
                w.problem(
                    "kind",
                    w.kind,
                    f"{describe(w.kind, w.period)} contradicts what Sammen has for this "
                    f"pupil and day: {told}",
                )
            )
            bad_days.setdefault(day, w.where)
            clashed.add(id(row))
        if not bad_days:
            return rows
        on_bad_days = [row for row in rows if (row.pupil.pk, row.wanted.date) in bad_days]
        self._left_whole_days([row for row in on_bad_days if id(row) not in clashed], bad_days)
        return [row for row in rows if (row.pupil.pk, row.wanted.date) not in bad_days]

    # writing ----------------------------------------------------------------------------------

    def write(self) -> None:
        changes = self.changes
        now = timezone.now()
        touched: set[Day] = set()
        pupils = {}
        for row in changes.creates:
            pupils[row.pupil.pk] = row.pupil
        for record in changes.removals:
            touched.add((record.pupil_id, record.date))
        removal_ids = [record.pk for record in changes.removals]
        for i in range(0, len(removal_ids), CHUNK):
            AttendanceRecord.objects.filter(pk__in=removal_ids[i : i + CHUNK]).delete()
        if changes.updates:
            objs = []
            for found, row in changes.updates:
                w = row.wanted
                objs.append(
                    AttendanceRecord(
                        pk=found.pk,
                        kind=w.kind,
                        minutes=w.minutes,
                        reason=w.reason,
                        documented=w.documented,
                        subject=w.subject,
                        comment=w.comment,
                        counts_on_diploma=row.counts_on_diploma,
                        group_id=row.group_id,
                        source=w.source,
                        reported_by=ReportedBy.IMPORT,
                        updated_at=now,
                    )
                )
                touched.add((found.pupil_id, found.date))
            AttendanceRecord.objects.bulk_update(objs, list(_UPDATE), batch_size=500)
        ids = uuid7_batch(len(changes.creates))
        insert_rows(AttendanceRecord, INSERT_FIELDS, self._new_rows(ids, now))
        touched.update((row.pupil.pk, row.wanted.date) for row in changes.creates)
        audit = PupilAudit(actor=ACTOR, at=now, detail=self.detail)
        self._audit(audit, ids)
        insert_rows(AuditEvent, ROW_FIELDS, audit.rows())
        record_many([self._summary()])
        refresh_totals(touched, self._marks_after(touched))

    def _marks_after(self, touched: set[Day]) -> dict[Day, list[Mark]]:
        """Every record of the touched days once written: this import read them all before."""
        after: dict[Key, Mark] = {}
        for key, found in self.existing.items():
            if (found.pupil_id, found.date) in touched:
                after[key] = Mark(found.date, found.period, found.kind, found.reason, found.minutes)
        for record in self.changes.removals:
            after.pop((record.pupil_id, record.date, record.period), None)
        for _found, row in self.changes.updates:
            after[row.key] = _mark(row)
        for row in self.changes.creates:
            after[row.key] = _mark(row)
        marks: dict[Day, list[Mark]] = defaultdict(list)
        for (pupil_id, day, _period), mark in after.items():
            marks[(pupil_id, day)].append(mark)
        return marks

    def _new_rows(self, ids: list[uuid.UUID], now: Any) -> Iterator[tuple[Any, ...]]:
        for public_id, row in zip(ids, self.changes.creates, strict=True):
            w = row.wanted
            yield (
                public_id,
                row.pupil.pk,
                row.pupil.school_id,
                w.date,
                w.period,
                row.group_id,
                w.subject,
                w.kind,
                w.minutes,
                w.reason,
                w.documented,
                row.counts_on_diploma,
                ReportedBy.IMPORT.value,
                None,
                w.comment,
                w.source,
                now,
                now,
            )

    def _audit(self, audit: PupilAudit, ids: list[uuid.UUID]) -> None:
        schools = self.ctx.schools
        for public_id, row in zip(ids, self.changes.creates, strict=True):
            pupil = row.pupil
            audit.created(public_id, pupil, schools[pupil.school_id], created_values(row))
        for found, row in self.changes.updates:
            w = row.wanted
            pupil = row.pupil
            audit.changed(
                found.public_id,
                pupil,
                schools[pupil.school_id],
                w.date,
                w.period,
                diff(found.audited(), audit_values(values_of(row))),
            )
        for record in self.changes.removals:
            pupil = self.ctx.pupil_by_pk(record.pupil_id)
            audit.removed(record.public_id, pupil, schools[pupil.school_id], record.audited())

    def _summary(self) -> Event:
        return summary_event(self.report, self.detail)


def summary_event(report: Report, detail: str) -> Event:
    """The ``attendance.imported`` event of an import: what it did, in numbers."""
    summary: dict[str, Any] = {
        name: counts[MODEL] for name, counts in report.counts().items() if counts[MODEL]
    }
    summary["rejected_rows"] = report.rejected_rows()
    return Event(
        AuditKind.CHANGE,
        actions.ATTENDANCE_IMPORTED,
        ACTOR,
        None,
        changes=diff({}, summary),
        detail=detail,
    )
