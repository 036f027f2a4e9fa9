"""Every change to the roster goes through a function here, with its audit event in the same
transaction. Importers use ``apply_fields`` and the audit module's ``record_many`` for bulk work."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.db import models, transaction

from sammen.audit import actions
from sammen.audit.log import ActorLike, log_change, snapshot
from sammen.roster.models import Guardian, Pupil

M = TypeVar("M", bound=models.Model)

GUARDIAN_CONTACT_FIELDS = (
    "email",
    "phone",
    "preferred_language",
    "needs_interpreter",
    "contact_windows",
)


def apply_fields(obj: models.Model, values: Mapping[str, Any]) -> dict[str, Any]:
    """Set ``values`` on ``obj``; return the old values of the fields that changed."""
    old: dict[str, Any] = {}
    for name, value in values.items():
        current = getattr(obj, name)
        if current != value:
            old[name] = current
            setattr(obj, name, value)
    return old


def save_tracked(
    *,
    actor: ActorLike,
    action: str,
    obj: M,
    values: Mapping[str, Any],
    school: Any = None,
    pupil: Any = None,
) -> tuple[M, bool]:
    """Create or update ``obj`` with ``values`` and audit what changed. Returns (obj, changed)."""
    with transaction.atomic():
        creating = obj.pk is None
        old = apply_fields(obj, values)
        if not creating and not old:
            return obj, False
        if creating:
            obj.save()
            old_snapshot: dict[str, Any] = {}
        else:
            obj.save(update_fields=list(old))
            old_snapshot = old
        log_change(
            actor=actor,
            action=action,
            obj=obj,
            old=old_snapshot,
            # Only what changed: on an update, unchanged fields are not news.
            new=snapshot(obj, values.keys() if creating else old.keys()),
            school=school,
            pupil=pupil,
        )
        return obj, True


def change_guardian_contact(
    *, actor: ActorLike, pupil: Pupil, guardian: Guardian, values: Mapping[str, Any]
) -> bool:
    """A contact teacher or the office updates how and when a guardian wants to be reached."""
    unknown = set(values) - set(GUARDIAN_CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"not contact fields: {sorted(unknown)}")
    _, changed = save_tracked(
        actor=actor,
        action=actions.GUARDIAN_CONTACT_CHANGED,
        obj=guardian,
        values=values,
        school=pupil.school,
        pupil=pupil,
    )
    return changed
