"""The audit events of a flag refresh, built as rows and written in bulk.

One event per raised or closed flag and per change of level, and one summary per school: the
rows ``Event(...).to_row()`` would write (``tests/test_early_warning_command.py`` holds the two
together), built without a model instance per event.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Collection
from datetime import date
from typing import Any

from django.utils import timezone

from sammen.audit import actions
from sammen.audit.actions import ACTIONS
from sammen.audit.log import Actor, ActorLike, Event, diff, record_many, request_id_var
from sammen.audit.models import ROW_FIELDS, AuditEvent, AuditKind
from sammen.lib.bulkwrite import insert_rows
from sammen.roster.models import School
from sammen.warning.flag_store import OpenFlag, pupil_names
from sammen.warning.models import Flag

# The summary event of a full run starts so; an incremental run looks for it (services).
FULL_RUN = "full as of "


def audit_changes(
    raised: list[OpenFlag],
    changed: list[tuple[OpenFlag, int]],
    closed: list[OpenFlag],
    as_of: date,
    actor: ActorLike,
    schools: Collection[int],
    *,
    full: bool,
    names: dict[int, tuple[uuid.UUID, str]] | None = None,
) -> None:
    """One audit event per raised or closed flag and per change of level, and one summary per
    school, written in one statement each: the rows ``Event(...).to_row()`` would write (a test
    holds the two together), built without a model instance per event."""
    flags = [*raised, *(flag for flag, _ in changed), *closed]
    if names is None:
        names = pupil_names({flag.pupil_id for flag in flags})
    wanted = {f.school_id for f in flags} | set(schools)
    by_pk = {s.pk: s for s in School.objects.filter(pk__in=wanted)}
    rows = _EventRows(actor)
    for flag in raised:
        rows.add(
            actions.FLAG_RAISED,
            flag,
            names,
            by_pk,
            # What diff({}, ...) gives, built directly: nothing here is secret.
            {
                "rule": {"old": None, "new": flag.rule},
                "level": {"old": None, "new": flag.level},
                "evidence": {"old": None, "new": flag.evidence},
                "opened_on": {"old": None, "new": flag.opened_on.isoformat()},
                "due_on": {"old": None, "new": flag.due_on.isoformat()},
            },
        )
    for flag, old in changed:
        rows.add(
            actions.FLAG_LEVEL_CHANGED,
            flag,
            names,
            by_pk,
            diff({"level": old}, {"level": flag.level}),
        )
    for flag in closed:
        change = diff({"closed_on": None}, {"closed_on": max(as_of, flag.opened_on)})
        rows.add(actions.FLAG_CLOSED, flag, names, by_pk, change)
    insert_rows(AuditEvent, ROW_FIELDS, rows.rows)
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for name, group in (("raised", raised), ("closed", closed)):
        for flag in group:
            counts[flag.school_id][name] += 1
    for flag, _ in changed:
        counts[flag.school_id]["changed level"] += 1
    kind = f"{FULL_RUN}{as_of.isoformat()}" if full else f"incremental as of {as_of.isoformat()}"

    def said(school_id: int) -> str:
        parts = [f"{n} {what}" for what, n in sorted(counts[school_id].items())]
        return f"{kind}: {', '.join(parts) or 'no change'}"

    record_many(
        Event(
            AuditKind.CHANGE,
            actions.FLAGS_REFRESHED,
            actor,
            school=by_pk[school_id],
            detail=said(school_id),
        )
        for school_id in sorted(schools)
    )


class _EventRows:
    """Audit rows of flag changes as plain tuples in ``ROW_FIELDS`` order."""

    def __init__(self, actor: ActorLike) -> None:
        who = actor if isinstance(actor, Actor) else Actor.of(actor)
        self.head = (timezone.now(), AuditKind.CHANGE.value)
        self.who = (who.id, who.label[:300], Flag._meta.label_lower)
        self.request_id = request_id_var.get()
        self.rows: list[tuple[Any, ...]] = []

    def add(
        self,
        action: str,
        flag: OpenFlag,
        pupils: dict[int, tuple[uuid.UUID, str]],
        schools: dict[int, School],
        changes: dict[str, Any],
    ) -> None:
        if action not in ACTIONS:
            raise ValueError(f"audit action {action!r} is not registered")
        pupil_public, pupil_name = pupils[flag.pupil_id]
        school = schools[flag.school_id]
        self.rows.append(
            (
                *self.head,
                action,
                *self.who,
                str(flag.public_id),
                f"{pupil_name} {flag.rule} ({flag.opened_on})"[:300],
                school.public_id,
                str(school)[:300],
                pupil_public,
                pupil_name[:300],
                changes,
                flag.rule[:500],
                self.request_id,
            )
        )
