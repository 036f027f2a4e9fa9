"""Template tags for the guardian's menu and pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.utils.formats import date_format

from sammen.portal.access import portal_children

register = template.Library()


@register.simple_tag
def has_portal_children(user: Any) -> bool:
    """Whether the guardian has a child to report absent (parental responsibility)."""
    cached = getattr(user, "_sammen_portal_children", None)
    if isinstance(cached, bool):
        return cached
    found = portal_children(user).exists()
    if user is not None and user.is_authenticated:
        user._sammen_portal_children = found
    return found


@register.filter
def weekday_and_date(day: date) -> str:
    """«torsdag 26. november», «Thursday November 26», «الخميس 26 نوفمبر»: the weekday and the
    active language's own day-and-month format, rather than one language's pattern for all."""
    return f"{date_format(day, 'l')} {date_format(day, 'MONTH_DAY_FORMAT')}"
