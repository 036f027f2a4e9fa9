"""Template tags for links to attendance pages that only some people may open."""

from __future__ import annotations

from typing import Any

from django import template

from sammen.attendance import access

register = template.Library()


@register.simple_tag
def may_use_registers(user: Any) -> bool:
    """Teachers, contact teachers, the office and the leader: the "Today" page."""
    return access.may_use_registers(user)


@register.simple_tag
def may_report_absence(user: Any) -> bool:
    """Guardians with a child they may report absent."""
    return access.reportable_children(user).exists()
