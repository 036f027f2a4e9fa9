"""Audit rows for an attendance import, built for speed: one event per pupil whose records changed.

Every change to a pupil's attendance is audited, also when an import writes a million records,
but one audit row per record made the audit trail (six indexes) a third of an import's time
(docs/benchmarks.md). So the event is about the pupil and lists each changed record:

- ``created``: the new records as a table, ``fields`` (the record's public id first, then the
  audited fields) and one row of values per record;
- ``changed``: each updated record's id, date, lesson and the change of each field (old, new);
- ``removed``: each removed record's id, date, lesson and every field's old value.

A million records cost 20,000 audit rows. The row is exactly what ``Event(...).to_row()`` would
write for the pupil (a test holds the two together). Attendance fields hold no secrets, so there
is nothing to mask.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

from sammen.attendance.importers.context import PupilInfo, SchoolInfo
from sammen.attendance.services import AUDIT_FIELDS
from sammen.audit import actions
from sammen.audit.log import Actor, request_id_var
from sammen.audit.models import AuditKind
from sammen.lib.bulkwrite import JsonText
from sammen.roster.models import Pupil

# The event is about the pupil: it lists the pupil's changed records.
OBJECT_TYPE = Pupil._meta.label_lower
ACTION = actions.ATTENDANCE_IMPORTED_FOR_PUPIL
# What the audit trail keeps of an imported record: the services' fields, and where it came from.
FIELDS = (*AUDIT_FIELDS, "source")
CREATED_FIELDS = ("record", *FIELDS)


def audit_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """A record's audited fields as the audit trail stores them (dates as ISO text)."""
    return {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in ((n, values[n]) for n in FIELDS)
    }


class _Pupil:
    __slots__ = ("changed", "created", "info", "removed", "school")

    def __init__(self, info: PupilInfo, school: SchoolInfo) -> None:
        self.info = info
        self.school = school
        self.created: list[list[Any]] = []
        self.changed: list[dict[str, Any]] = []
        self.removed: list[dict[str, Any]] = []


class PupilAudit:
    """Collects an import's changes by pupil and yields one audit row per pupil."""

    def __init__(self, *, actor: Actor, at: datetime, detail: str) -> None:
        self.constant = (
            at,
            AuditKind.CHANGE.value,
            ACTION,
            actor.id,
            actor.label[:300],
            OBJECT_TYPE,
        )
        self.detail = detail[:500]
        self.request_id = request_id_var.get()
        self._by_pupil: dict[int, _Pupil] = {}
        self._iso: dict[date, str] = {}

    def _of(self, pupil: PupilInfo, school: SchoolInfo) -> _Pupil:
        entry = self._by_pupil.get(pupil.pk)
        if entry is None:
            entry = self._by_pupil[pupil.pk] = _Pupil(pupil, school)
        return entry

    def created(
        self, public_id: Any, pupil: PupilInfo, school: SchoolInfo, values: tuple[Any, ...]
    ) -> None:
        """A new record; ``values`` in ``FIELDS`` order, the date (first) as a date."""
        day = values[0]
        iso = self._iso.get(day)
        if iso is None:
            iso = self._iso[day] = day.isoformat()
        self._of(pupil, school).created.append([str(public_id), iso, *values[1:]])

    def changed(
        self,
        public_id: Any,
        pupil: PupilInfo,
        school: SchoolInfo,
        day: date,
        period: int | None,
        change: Mapping[str, Any],
    ) -> None:
        self._of(pupil, school).changed.append(
            {"record": str(public_id), "date": day.isoformat(), "lesson": period, "change": change}
        )

    def removed(
        self,
        public_id: Any,
        pupil: PupilInfo,
        school: SchoolInfo,
        old: Mapping[str, Any],
    ) -> None:
        self._of(pupil, school).removed.append({"record": str(public_id), **old})

    def __len__(self) -> int:
        return len(self._by_pupil)

    def rows(self) -> Iterator[tuple[Any, ...]]:
        for entry in self._by_pupil.values():
            changes: dict[str, Any] = {}
            if entry.created:
                changes["created"] = {"fields": CREATED_FIELDS, "rows": entry.created}
            if entry.changed:
                changes["changed"] = entry.changed
            if entry.removed:
                changes["removed"] = entry.removed
            yield self.row(entry.info, entry.school, json.dumps(changes, ensure_ascii=False))

    def row(self, pupil: PupilInfo, school: SchoolInfo, changes: str) -> tuple[Any, ...]:
        """The audit row of one pupil whose changes are ``changes`` (JSON text)."""
        return (
            *self.constant,
            str(pupil.public_id),
            pupil.name[:300],
            school.public_id,
            school.name[:300],
            pupil.public_id,
            pupil.name[:300],
            JsonText(changes),
            self.detail,
            self.request_id,
        )
