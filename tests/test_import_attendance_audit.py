"""The attendance import's fast audit rows say exactly what ``Event(...).to_row()`` would."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone

from sammen.attendance.importers.apply import created_values, values_of
from sammen.attendance.importers.audit_rows import (
    CREATED_FIELDS,
    FIELDS,
    PupilAudit,
    audit_values,
)
from sammen.attendance.importers.checks import check
from sammen.attendance.importers.context import Context
from sammen.attendance.importers.csv_format import read_csv_file
from sammen.attendance.models import AttendanceRecord
from sammen.audit import actions
from sammen.audit.log import Actor, Event
from sammen.audit.models import ROW_FIELDS, AuditKind
from tests.test_import_attendance_support import MONDAY, make_setup, write

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
    fast = PupilAudit(actor=actor, at=now, detail="csv from a")
    school = ctx.schools[pupil.school_id]
    fast.created(record.public_id, pupil, school, tuple(raw[name] for name in FIELDS))
    change = {"reason": {"old": "sick", "new": "unexplained"}}
    fast.changed("an-updated-one", pupil, school, date(2027, 2, 9), 2, change)
    fast.removed("a-removed-one", pupil, school, {"kind": "absent"})

    (only,) = list(fast.rows())
    row = dict(zip(ROW_FIELDS, only, strict=True))

    as_stored = audit_values(raw)
    expected = Event(
        AuditKind.CHANGE,
        actions.ATTENDANCE_IMPORTED_FOR_PUPIL,
        actor,
        setup.ola,
        school=setup.school,
        pupil=setup.ola,
        changes={
            "created": {
                "fields": list(CREATED_FIELDS),
                "rows": [[str(record.public_id), *(as_stored[name] for name in FIELDS)]],
            },
            "changed": [
                {"record": "an-updated-one", "date": "2027-02-09", "lesson": 2, "change": change}
            ],
            "removed": [{"record": "a-removed-one", "kind": "absent"}],
        },
        detail="csv from a",
    ).to_row()
    expected.at = now
    assert json.loads(row.pop("changes")) == expected.changes
    assert row == {name: getattr(expected, name) for name in ROW_FIELDS if name != "changes"}


def test_a_created_records_values_are_its_audited_fields_in_order(tmp_path: Path) -> None:
    make_setup()
    path = write(tmp_path, f"E-1001,{MONDAY},2,,late,7,sick,yes,buss")
    ctx = Context()
    (row,) = check(read_csv_file(path), ctx).accepted

    values = values_of(row)
    assert created_values(row) == tuple(values[name] for name in FIELDS)
