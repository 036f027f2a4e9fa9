"""The attendance import's fast audit rows say exactly what ``Event(...).to_row()`` would."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from sammen.attendance.importers.audit_rows import (
    COLUMNS,
    FIELDS,
    AuditRows,
    CreatedJson,
    audit_values,
)
from sammen.attendance.importers.context import Context
from sammen.attendance.models import AttendanceRecord
from sammen.audit import actions
from sammen.audit.log import Actor, Event, diff
from sammen.audit.models import AuditKind
from tests.test_import_attendance_support import make_setup

pytestmark = pytest.mark.django_db


def test_a_fast_row_matches_the_event_the_audit_module_would_build() -> None:
    setup = make_setup()
    record = AttendanceRecord.objects.create(
        pupil=setup.ola,
        school=setup.school,
        date=date(2027, 2, 8),
        period=3,
        kind="late",
        minutes=5,
        reason="unexplained",
        reported_by="import",
        source="csv",
        comment='"sen" buss',
    )
    raw = {name: getattr(record, name) for name in FIELDS}
    actor = Actor.system("import_attendance")
    ctx = Context()
    pupil = ctx.pupil("E-1001")
    assert not isinstance(pupil, str)
    now = timezone.now()
    fast = AuditRows(actor=actor, action=actions.ATTENDANCE_SAVED, at=now, detail="csv from a")
    item = (
        record.public_id,
        pupil,
        ctx.schools[pupil.school_id],
        record.date,
        record.period,
        record.kind,
        CreatedJson()(raw),
    )

    row = dict(zip(COLUMNS, next(fast.rows(iter([item]))), strict=True))

    expected = Event(
        AuditKind.CHANGE,
        actions.ATTENDANCE_SAVED,
        actor,
        record,
        school=setup.school,
        pupil=setup.ola,
        changes=diff({}, audit_values(raw)),
        detail="csv from a",
    ).to_row()
    expected.at = now
    assert json.loads(row.pop("changes")) == expected.changes
    assert row == {name: getattr(expected, name) for name in COLUMNS if name != "changes"}


def test_true_and_one_are_written_apart() -> None:
    created = CreatedJson()
    values: dict[str, Any] = dict.fromkeys(FIELDS, None)

    text = created({**values, "period": 1, "documented": True, "date": date(2027, 2, 8)})

    assert json.loads(text) == {
        "date": {"old": None, "new": "2027-02-08"},
        "documented": {"old": None, "new": True},
        "period": {"old": None, "new": 1},
    }


def test_unregistered_actions_are_refused() -> None:
    with pytest.raises(ValueError, match="not registered"):
        AuditRows(
            actor=Actor.system("x"), action="attendance.nonsense", at=timezone.now(), detail=""
        )
