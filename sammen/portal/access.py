"""Who may use the guardian portal for a child: the one access function every portal page uses.

A guardian reaches a child's portal pages only with parental responsibility (foreldreansvar) for
that child, and only while the child is an active pupil. Everyone else (a parent without
parental responsibility, another family's guardian, staff, a guardian who also works at the
school but is not this child's guardian) gets 404, exactly as for a child who does not exist.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from sammen.attendance.access import reportable_children
from sammen.roster.access import viewer_for
from sammen.roster.models import Guardian, Pupil


def portal_guardian(user: Any) -> Guardian | None:
    """The signed-in user's guardian record, if they have one."""
    return viewer_for(user).guardian


def portal_children(user: Any) -> QuerySet[Pupil]:
    """The active children the user holds parental responsibility for, by name: the children
    they may report absent (one rule for both)."""
    return reportable_children(user)


def portal_child(user: Any, pupil_id: uuid.UUID) -> tuple[Pupil, Guardian]:
    """The guardian's own child (with parental responsibility) and the guardian, or 404."""
    guardian = portal_guardian(user)
    if guardian is None:
        raise Http404
    try:
        pupil = portal_children(user).get(public_id=pupil_id)
    except Pupil.DoesNotExist:
        raise Http404 from None
    return pupil, guardian
