"""The incremental run after an import: the pupils whose records it changed, re-evaluated."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sammen.attendance import access as attendance_access
from sammen.audit import actions
from sammen.audit.models import AuditEvent
from sammen.roster.models import Pupil
from sammen.warning.services import RefreshSummary, refresh_flags

# Ids per query: well under SQLite's limit of bound parameters.
_CHUNK = 5000


def refresh_after_import(
    sender: Any, *, request_id: str, since: datetime, **kwargs: Any
) -> RefreshSummary | None:
    """Re-evaluate, as of today, the pupils the import changed: its audit events (one per pupil,
    with the import's request id) name them."""
    if not request_id:
        return None
    named = AuditEvent.objects.filter(
        action=actions.ATTENDANCE_IMPORTED_FOR_PUPIL, at__gte=since, request_id=request_id
    ).values_list("pupil_id", flat=True)
    public = sorted({p for p in named if p is not None}, key=str)
    if not public:
        return None
    pupil_ids: set[int] = set()
    for i in range(0, len(public), _CHUNK):
        pupil_ids.update(
            Pupil.objects.filter(public_id__in=public[i : i + _CHUNK]).values_list("pk", flat=True)
        )
    return refresh_flags(None, attendance_access.today(), pupil_ids=pupil_ids)
