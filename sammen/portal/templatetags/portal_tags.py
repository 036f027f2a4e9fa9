"""Template tags for the guardian's menu."""

from __future__ import annotations

from typing import Any

from django import template

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
