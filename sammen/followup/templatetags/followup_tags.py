"""Template tags for follow-up links that only some people may see."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from sammen.followup import access
from sammen.roster.models import Pupil

register = template.Library()


@register.simple_tag
def has_case_role(user: Any) -> bool:
    """Staff at a school have a list of their follow-up cases."""
    return access.has_case_role(user)


@register.simple_tag
def followup_link(user: Any, pupil: Pupil) -> str:
    """Where ``pupil``'s page links for follow-up: the cases page for the contact teacher and
    the leader, the plan of the newest case for a guardian with parental responsibility, or
    nowhere (an empty string)."""
    if access.may_open_case(user, pupil):
        return reverse("followup:pupil_cases", args=[pupil.public_id])
    case = access.guardian_cases_for(user).filter(pupil=pupil).order_by("-pk").first()
    if case is not None:
        return reverse("followup:guardian_plan", args=[case.public_id])
    return ""
