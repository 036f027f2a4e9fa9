from __future__ import annotations

from typing import Any

from sammen.roster.access import viewer_for
from sammen.roster.models import Role


def needs_two_factor(user: Any) -> bool:
    """System administrators must use a second factor (TOTP) with local accounts."""
    return viewer_for(user).has_role(Role.SYSADMIN)
