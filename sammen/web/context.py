from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sammen.roster.access import viewer_for
from sammen.roster.models import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    viewer = viewer_for(user)
    return {
        "viewer_is_guardian": viewer.guardian is not None,
        "viewer_is_staff": viewer.staff is not None,
        "viewer_roles": sorted({Role(r).label for _, r in viewer.roles}),
    }
