"""The rules of the cooperation's rhythm, as pure functions: when the next fixed contact is due,
whether a family has heard only concerns lately, and which half of a class a week reviews.

Kept apart from the database so that each rule can be read, and tested, in a few lines.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

# A contact counts as "due" this many days before its date, so the week's calls can be planned.
DUE_SOON_DAYS = 2
# The window for the balance of positive and concern contacts ("the last weeks").
BALANCE_DAYS = 42

T = TypeVar("T")


class Status(enum.StrEnum):
    OVERDUE = "overdue"
    DUE = "due"
    LATER = "later"


@dataclass(frozen=True)
class Due:
    due_on: date
    status: Status
    days_overdue: int
    escalate: bool


def due_date(*, last_contact: date | None, started_on: date, every_days: int) -> date:
    """The next fixed contact: ``every_days`` after the last conversation with the home, or after
    the cadence started if there has been none since."""
    if last_contact is None or last_contact < started_on:
        return started_on + timedelta(days=every_days)
    return last_contact + timedelta(days=every_days)


def due_status(due_on: date, today: date, *, escalate_after_days: int) -> Due:
    """Overdue after the due date; due from ``DUE_SOON_DAYS`` before it; the leader is told once
    it is ``escalate_after_days`` overdue."""
    overdue = (today - due_on).days
    if overdue > 0:
        status = Status.OVERDUE
    elif overdue >= -DUE_SOON_DAYS:
        status = Status.DUE
    else:
        status = Status.LATER
    return Due(due_on, status, max(0, overdue), overdue >= escalate_after_days > 0)


@dataclass(frozen=True)
class Balance:
    positive: int
    neutral: int
    concern: int

    @property
    def total(self) -> int:
        return self.positive + self.neutral + self.concern

    @property
    def only_concerns(self) -> bool:
        """The family has heard concerns and nothing positive in the last weeks: the thesis's
        father who "braced himself" for every call from school. Start the next one with good
        news."""
        return self.concern > 0 and self.positive == 0


def balance(tones: Iterable[str]) -> Balance:
    counts = {"positive": 0, "neutral": 0, "concern": 0}
    for tone in tones:
        if tone in counts:
            counts[tone] += 1
    return Balance(counts["positive"], counts["neutral"], counts["concern"])


# The fortnightly review -----------------------------------------------------------------------


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def half_of_week(first_monday: date, day: date) -> int:
    """0 (half A) in the week of ``first_monday`` and every second week from it, else 1.

    Counted in whole weeks from a fixed Monday, so holidays do not shift the rotation: a pupil
    reviewed before the autumn break is next reviewed two calendar weeks later."""
    return ((monday_of(day) - monday_of(first_monday)).days // 7) % 2


def split_halves(names: Sequence[tuple[T, str]]) -> dict[T, int]:
    """The first split of a class: in alphabetical order (by the sort name given), alternately to
    half A and half B, so the halves differ by at most one and neither is all of one end of the
    alphabet. Stored once; later changes only add or move single pupils."""
    ordered = sorted(names, key=lambda item: item[1].casefold())
    return {key: index % 2 for index, (key, _) in enumerate(ordered)}


def place_newcomers(current: dict[T, int], newcomers: Sequence[tuple[T, str]]) -> dict[T, int]:
    """Pupils who joined the class after the split go, in name order, to the smaller half (half
    A on a tie): the halves stay balanced and nobody already placed moves."""
    sizes = [sum(1 for h in current.values() if h == 0), sum(1 for h in current.values() if h == 1)]
    placed: dict[T, int] = {}
    for key, _ in sorted(newcomers, key=lambda item: item[1].casefold()):
        half = 0 if sizes[0] <= sizes[1] else 1
        placed[key] = half
        sizes[half] += 1
    return placed
