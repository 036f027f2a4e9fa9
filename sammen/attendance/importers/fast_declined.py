"""Why the fast path left a file to the row path (``fastpath``): said once, by whoever saw it."""

from __future__ import annotations


class Declined(Exception):  # noqa: N818 - a decision, not an error: the row path takes over
    """The fast path cannot be sure it would do what the row path does; ``reason`` says why.

    The reason is for the log and the tests, never for the import's report: a declined file is
    imported (or rejected) by the row path, which reports every row as it always has.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
