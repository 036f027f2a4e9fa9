"""Audit rows for imported attendance records, built for speed: one row per changed record.

Every change to a pupil's attendance is audited, also when an import writes a million records.
``Event.to_row`` builds a model instance and ``diff`` masks secrets key by key, which costs more
than writing the record itself; these rows carry exactly what ``Event(...).to_row()`` would (a
test holds the two together) as plain tuples for ``sammen.lib.bulkwrite.insert_rows``.
Attendance fields hold no secrets, so there is nothing to mask.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

from sammen.attendance.importers.context import PupilInfo, SchoolInfo
from sammen.attendance.models import AttendanceRecord, Kind
from sammen.attendance.services import AUDIT_FIELDS
from sammen.audit.actions import ACTIONS
from sammen.audit.log import Actor, request_id_var
from sammen.audit.models import AuditKind
from sammen.lib.bulkwrite import JsonText

COLUMNS = (
    "at",
    "kind",
    "action",
    "actor_id",
    "actor_label",
    "object_type",
    "object_id",
    "object_label",
    "school_id",
    "school_label",
    "pupil_id",
    "pupil_label",
    "changes",
    "detail",
    "request_id",
)
OBJECT_TYPE = AttendanceRecord._meta.label_lower
# What the audit trail keeps of an imported record: the services' fields, and where it came from.
FIELDS = (*AUDIT_FIELDS, "source")
_CREATED_PREFIX = {name: f'"{name}": {{"old": null, "new": ' for name in sorted(FIELDS)}


def audit_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """A record's audited fields as the audit trail stores them (dates as ISO text)."""
    return {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in ((n, values[n]) for n in FIELDS)
    }


class CreatedJson:
    """``diff({}, values)`` of a new record, written straight as JSON text.

    For a million records ``json.dumps`` of a nested dict costs more than writing the record;
    the values repeat (kinds, reasons, dates, lesson numbers), so each is encoded once.
    """

    def __init__(self) -> None:
        self._encoded: dict[tuple[type, Any], str] = {}

    def __call__(self, values: Mapping[str, Any]) -> JsonText:
        encoded = self._encoded
        parts = []
        for name, prefix in _CREATED_PREFIX.items():
            value = values[name]
            if value is None:
                continue
            key = (value.__class__, value)  # True == 1, but they are written differently
            text = encoded.get(key)
            if text is None:
                shown = value.isoformat() if isinstance(value, date) else value
                text = encoded[key] = json.dumps(shown, ensure_ascii=False)
            parts.append(prefix + text)
        return JsonText("{" + "}, ".join(parts) + "}}")


def removed(values: Mapping[str, Any]) -> dict[str, Any]:
    """What ``services`` writes for a removed record: every field, new None."""
    return {name: {"old": values[name], "new": None} for name in FIELDS}


class AuditRows:
    """Builds the audit rows of one import: the same actor, time and detail on every row."""

    def __init__(self, *, actor: Actor, action: str, at: datetime, detail: str) -> None:
        if action not in ACTIONS:
            raise ValueError(f"audit action {action!r} is not registered")
        self.constant = (
            at,
            AuditKind.CHANGE.value,
            action,
            actor.id,
            actor.label[:300],
            OBJECT_TYPE,
        )
        self.detail = detail[:500]
        self.request_id = request_id_var.get()
        self._kind_labels = {kind: str(label) for kind, label in Kind.choices}

    def label(self, pupil: PupilInfo, day: date, period: int | None, kind: str) -> str:
        """``str(record)``, without the query for the pupil."""
        where = f" {period}." if period else ""
        return f"{pupil.name} {day}{where} {self._kind_labels.get(kind, kind)}"[:300]

    def rows(
        self,
        items: Iterator[tuple[Any, PupilInfo, SchoolInfo, date, int | None, str, Any]],
    ) -> Iterator[tuple[Any, ...]]:
        """Rows for (record public id, pupil, school, date, period, kind, changes) items."""
        constant, detail, request_id = self.constant, self.detail, self.request_id
        for public_id, pupil, school, day, period, kind, changes in items:
            yield (
                *constant,
                str(public_id),
                self.label(pupil, day, period, kind),
                school.public_id,
                school.name[:300],
                pupil.public_id,
                pupil.name[:300],
                changes,
                detail,
                request_id,
            )
