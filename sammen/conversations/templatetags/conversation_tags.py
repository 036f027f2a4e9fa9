"""The "Messages (2)" link in the navigation: one query per page, for whoever has messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.urls import reverse

from sammen.conversations import access
from sammen.roster.access import viewer_for

register = template.Library()


@dataclass(frozen=True)
class NavLink:
    url: str
    view_names: tuple[str, ...]
    unread: int


@register.simple_tag
def message_links(user: Any) -> list[NavLink]:
    """The school's inbox for contact teachers and leaders, the guardian's messages for
    guardians; each with its unread count (one COUNT query each)."""
    if user is None or not user.is_authenticated:
        return []
    links = []
    if access.may_cooperate(user):
        links.append(
            NavLink(
                reverse("conversations:inbox"),
                ("conversations:inbox",),
                access.unread_for_school(user),
            )
        )
    if viewer_for(user).guardian is not None:
        children = list(access.children_with_unread(user))
        # A parent without parental responsibility has no conversations, so no link.
        if children:
            links.append(
                NavLink(
                    reverse("conversations:guardian_inbox"),
                    ("conversations:guardian_inbox",),
                    sum(int(getattr(child, "unread", 0)) for child in children),
                )
            )
    return links
