"""Read queries for roster pages, always built on the access policy's querysets."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from sammen.roster import access
from sammen.roster.models import Group, Pupil


def pupils_in_group(user: Any, group: Group) -> QuerySet[Pupil]:
    return (
        access.pupils_for(user)
        .filter(enrollments__group=group)
        .order_by("family_name", "given_name")
    )
