"""Template tags for cooperation links that only some people may see."""

from __future__ import annotations

from typing import Any

from django import template

from sammen.cooperation import access
from sammen.roster.models import Pupil

register = template.Library()


@register.simple_tag
def may_cooperate(user: Any) -> bool:
    """Contact teachers and school leaders: "Calls to the homes"."""
    return access.may_cooperate(user)


@register.simple_tag
def cooperation_link(user: Any, pupil: Pupil) -> str:
    """Which cooperation page of ``pupil`` the user has: "staff", "family" or ""."""
    if access.coop_pupils(user).filter(pk=pupil.pk).exists():
        return "staff"
    if access.family_pupils(user).filter(pk=pupil.pk).exists():
        return "family"
    return ""
