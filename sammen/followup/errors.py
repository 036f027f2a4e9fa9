"""What the follow-up services raise when a change cannot be made."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class FollowupError(Exception):
    """The change breaks a rule; the message says which, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class EditConflictError(Exception):
    """Someone saved the text after this editor opened it. Nothing is written: the page shows
    both versions, so the second editor can merge and save again from the new version."""

    def __init__(self, current: Mapping[str, Any], version: int, by: str) -> None:
        super().__init__("edit conflict")
        self.current = dict(current)
        self.version = version
        self.by = by
