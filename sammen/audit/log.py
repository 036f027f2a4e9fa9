"""Writing audit events. Services call these inside the transaction that makes the change."""

from __future__ import annotations

import contextvars
import datetime
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models

from sammen.accounts.models import User
from sammen.audit.actions import ACTIONS
from sammen.audit.models import AuditEvent, AuditKind

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

# Field names whose values never reach the audit table in clear.
_SECRET_MARKERS = ("password", "secret", "token", "pid", "otp", "key", "national_id")
MASK = "***"


@dataclass(frozen=True)
class Actor:
    """Who did it: a user, or a named system process (an import, the scheduler)."""

    id: uuid.UUID | None
    label: str

    @classmethod
    def of(cls, user: Any) -> Actor:
        if user is None or not getattr(user, "is_authenticated", False):
            return cls(None, "anonymous")
        return cls(user.public_id, f"{user.get_full_name() or user.username} ({user.username})")

    @classmethod
    def system(cls, what: str) -> Actor:
        return cls(None, f"system: {what}")


ActorLike = Actor | Any


def _actor(actor: ActorLike) -> Actor:
    return actor if isinstance(actor, Actor) else Actor.of(actor)


def acting_user(actor: ActorLike) -> User | None:
    """The signed-in user behind ``actor``; None for a system process or a guardian by link."""
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def acting_name(actor: ActorLike) -> str:
    """How the person is named on what they wrote: their full name (else their user name), or a
    system actor's label."""
    user = acting_user(actor)
    if user is None:
        return str(getattr(actor, "label", ""))
    return user.get_full_name() or user.username


def mask_secrets(values: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if any(marker in key.lower() for marker in _SECRET_MARKERS) and value not in ("", None):
            out[key] = MASK
        else:
            out[key] = _jsonable(value)
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(getattr(value, "public_id", value.pk))
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """The changed fields as {"field": {"old": ..., "new": ...}}, secrets masked."""
    changed = {k for k in new if old.get(k) != new.get(k)}
    masked_old, masked_new = mask_secrets(old), mask_secrets(new)
    return {k: {"old": masked_old.get(k), "new": masked_new.get(k)} for k in sorted(changed)}


@dataclass
class Event:
    """An audit event not yet saved; build many and save them with ``record_many``."""

    kind: str
    action: str
    actor: ActorLike
    obj: models.Model | None = None
    school: Any = None
    pupil: Any = None
    changes: dict[str, Any] = field(default_factory=dict)
    detail: str = ""

    def to_row(self) -> AuditEvent:
        if self.action not in ACTIONS:
            raise ValueError(f"audit action {self.action!r} is not registered")
        who = _actor(self.actor)
        obj = self.obj
        return AuditEvent(
            kind=self.kind,
            action=self.action,
            actor_id=who.id,
            actor_label=who.label[:300],
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(getattr(obj, "public_id", obj.pk)) if obj is not None else "",
            object_label=str(obj)[:300] if obj is not None else "",
            school_id=getattr(self.school, "public_id", None),
            school_label=str(self.school)[:300] if self.school is not None else "",
            pupil_id=getattr(self.pupil, "public_id", None),
            pupil_label=str(self.pupil)[:300] if self.pupil is not None else "",
            changes=self.changes,
            detail=self.detail[:500],
            request_id=request_id_var.get(),
        )


def record(event: Event) -> AuditEvent:
    row = event.to_row()
    row.save()
    return row


def record_many(events: Iterable[Event], *, batch_size: int = 1000) -> int:
    rows = [e.to_row() for e in events]
    AuditEvent.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)


def log_change(
    *,
    actor: ActorLike,
    action: str,
    obj: models.Model,
    old: Mapping[str, Any] | None = None,
    new: Mapping[str, Any] | None = None,
    school: Any = None,
    pupil: Any = None,
    detail: str = "",
) -> AuditEvent:
    changes = diff(old or {}, new or {}) if new is not None else {}
    return record(Event(AuditKind.CHANGE, action, actor, obj, school, pupil, changes, detail))


def log_read(
    *,
    actor: ActorLike,
    action: str,
    obj: models.Model | None = None,
    school: Any = None,
    pupil: Any = None,
    detail: str = "",
) -> AuditEvent:
    return record(Event(AuditKind.READ, action, actor, obj, school, pupil, {}, detail))


def log_reads(
    *, actor: ActorLike, action: str, pupils: Iterable[Any], school: Any = None, detail: str = ""
) -> int:
    """One read event per pupil on a list page, written in one statement."""
    return record_many(
        Event(AuditKind.READ, action, actor, None, school, pupil, {}, detail) for pupil in pupils
    )


def log_login(*, actor: ActorLike, action: str, detail: str = "") -> AuditEvent:
    return record(Event(AuditKind.LOGIN, action, actor, None, None, None, {}, detail))
