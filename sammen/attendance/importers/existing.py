"""What Sammen already holds on the days an import names, read in one query per 900 pupils."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sammen.attendance.importers.audit_rows import audit_values
from sammen.attendance.importers.checks import Accepted, Key
from sammen.attendance.models import AttendanceRecord, ReportedBy

# SQLite allows 999 parameters a statement.
CHUNK = 900

_EXISTING = (
    "pk",
    "public_id",
    "pupil_id",
    "date",
    "period",
    "kind",
    "minutes",
    "reason",
    "documented",
    "subject",
    "comment",
    "counts_on_diploma",
    "group_id",
    "source",
    "reported_by",
    "registered_by_id",
)


def family(source: str) -> str:
    """The format part of a record's ``source`` ("fint" of "fint:FR-1")."""
    return source.partition(":")[0]


@dataclass(slots=True)
class Existing:
    pk: int
    public_id: uuid.UUID
    pupil_id: int
    date: date
    period: int | None
    kind: str
    minutes: int | None
    reason: str
    documented: bool
    subject: str
    comment: str
    counts_on_diploma: bool
    group_id: int | None
    source: str
    reported_by: str
    registered_by_id: int | None

    @property
    def sammens_own(self) -> bool:
        """Made in Sammen, or corrected there since it was imported: an import leaves it be."""
        return (
            not self.source
            or self.reported_by != ReportedBy.IMPORT
            or self.registered_by_id is not None
        )

    def values(self) -> tuple[object, ...]:
        return (
            self.kind,
            self.minutes,
            self.reason,
            self.documented,
            self.subject,
            self.comment,
            self.counts_on_diploma,
            self.group_id,
        )

    def audited(self) -> dict[str, Any]:
        return audit_values(
            {
                "date": self.date,
                "period": self.period,
                "subject": self.subject,
                "kind": self.kind,
                "minutes": self.minutes,
                "reason": self.reason,
                "documented": self.documented,
                "counts_on_diploma": self.counts_on_diploma,
                "comment": self.comment,
                "reported_by": self.reported_by,
                "source": self.source,
            }
        )


def load_existing(rows: list[Accepted]) -> dict[Key, Existing]:
    """The records on the pupil-days of ``rows``, by (pupil, date, lesson)."""
    if not rows:
        return {}
    days = {(row.pupil.pk, row.wanted.date) for row in rows}
    pupils = sorted({pk for pk, _ in days})
    first = min(day for _, day in days)
    last = max(day for _, day in days)
    found: dict[Key, Existing] = {}
    for i in range(0, len(pupils), CHUNK):
        query = AttendanceRecord.objects.filter(
            pupil_id__in=pupils[i : i + CHUNK], date__range=(first, last)
        ).values_list(*_EXISTING)
        for values in query:
            record = Existing(*values)
            if (record.pupil_id, record.date) in days:
                found[(record.pupil_id, record.date, record.period)] = record
    return found
