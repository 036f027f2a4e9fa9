"""Template tags for early-warning links and sections that only some people may see."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template

from sammen.roster.models import Pupil
from sammen.warning import access, queries

register = template.Library()


@register.simple_tag
def may_see_flags(user: Any) -> bool:
    """Contact teachers and school leaders: the "Needs attention" queue."""
    return access.may_use_queue(user)


@register.simple_tag
def open_flags(user: Any, pupil: Pupil, today: date) -> list[queries.FlagRow]:
    """The pupil's open flags, as sentences, if the user may see flags; else none."""
    return [queries.flag_row(f, today) for f in access.open_flags_of_pupil(user, pupil)]
