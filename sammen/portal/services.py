"""The portal's writes: a guardian's own settings, audited in the same transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sammen.audit import actions
from sammen.audit.log import ActorLike
from sammen.roster.models import Guardian
from sammen.roster.services import save_tracked

SETTINGS_FIELDS = (
    "preferred_language",
    "preferred_channel",
    "contact_windows",
    "needs_interpreter",
    "email",
    "phone",
)


def save_guardian_settings(
    *, actor: ActorLike, guardian: Guardian, values: Mapping[str, Any]
) -> bool:
    """Save the guardian's own language, channel, contact hours, interpreter need and contact
    details; returns whether anything changed."""
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"not portal settings: {sorted(unknown)}")
    _, changed = save_tracked(
        actor=actor, action=actions.PORTAL_SETTINGS_SAVED, obj=guardian, values=values
    )
    return changed
