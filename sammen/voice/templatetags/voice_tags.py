"""What the home has said since the last call, on a card of the calls list."""

from __future__ import annotations

from typing import Any

from django import template

from sammen.roster.models import Pupil

register = template.Library()


@register.inclusion_tag("voice/call_note.html")
def voice_note(
    notes: Any, pupil: Pupil, compact: bool = False, line: bool = False
) -> dict[str, Any]:
    """``notes`` is ``sammen.voice.queries.notes_for_calls``; absent on pages that do not ask."""
    note = notes.get(pupil.pk) if isinstance(notes, dict) else None
    return {"note": note, "compact": compact, "line": line}
