"""The school's standard for the early warning: which rules are on, their thresholds and windows.

The defaults are the issue's (Kearney; Attendance Works). A school's standard is stored as JSON
(``WarningStandard.rules``) and read through ``Standard.from_json``, which fills what is missing
from the defaults, so adding a parameter later needs no data migration.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any


class Rule:
    """Rule codes, as stored on flags and printed by ``sammen early_warning --json``."""

    RATE_YEAR = "rate_year"
    RATE_RECENT = "rate_recent"
    DAYS_IN_15_WEEKS = "days_in_15_weeks"
    CONSECUTIVE = "consecutive"
    WEEKDAY = "weekday"
    LATE = "late"
    SUBJECT = "subject"
    SICK_EPISODES = "sick_episodes"
    RISING = "rising"
    UNEXPLAINED = "unexplained"

    ALL = (
        RATE_YEAR,
        RATE_RECENT,
        DAYS_IN_15_WEEKS,
        CONSECUTIVE,
        WEEKDAY,
        LATE,
        SUBJECT,
        SICK_EPISODES,
        RISING,
        UNEXPLAINED,
    )


@dataclass(frozen=True)
class RateYear:
    on: bool = True
    percent: float = 10.0  # level 2 at or above this share of the year so far
    severe_percent: float = 20.0  # level 3 at or above
    min_days: int = 20  # school days enrolled before the rule speaks


@dataclass(frozen=True)
class RateRecent:
    on: bool = True
    percent: float = 25.0
    days: int = 10


@dataclass(frozen=True)
class DaysInWeeks:
    on: bool = True
    days: int = 10  # absence days
    weeks: int = 15


@dataclass(frozen=True)
class Consecutive:
    on: bool = True
    days: int = 3


@dataclass(frozen=True)
class Weekday:
    on: bool = True
    times: int = 3  # absent on that weekday at least this often ...
    of_last: int = 6  # ... of its last school days
    ratio: float = 2.0  # and that weekday's rate at least this many times the other days'


@dataclass(frozen=True)
class Late:
    on: bool = True
    times: int = 5  # late arrivals or first-lesson absences
    days: int = 20


@dataclass(frozen=True)
class Subject:
    on: bool = True
    percent: float = 25.0
    weeks: int = 6
    ratio: float = 3.0


@dataclass(frozen=True)
class SickEpisodes:
    on: bool = True
    episodes: int = 3
    max_length: int = 2  # an episode is 1..max_length absence days in a row
    days: int = 30


@dataclass(frozen=True)
class Rising:
    on: bool = True
    percent: float = 10.0  # the last ``recent_weeks`` at least this ...
    ratio: float = 2.0  # ... and at least this many times the ``before_weeks`` before
    recent_weeks: int = 4
    before_weeks: int = 8


@dataclass(frozen=True)
class Unexplained:
    on: bool = True
    days: int = 2  # days with unexplained absence
    window: int = 20  # school days


@dataclass(frozen=True)
class Standard:
    rate_year: RateYear = field(default_factory=RateYear)
    rate_recent: RateRecent = field(default_factory=RateRecent)
    days_in_15_weeks: DaysInWeeks = field(default_factory=DaysInWeeks)
    consecutive: Consecutive = field(default_factory=Consecutive)
    weekday: Weekday = field(default_factory=Weekday)
    late: Late = field(default_factory=Late)
    subject: Subject = field(default_factory=Subject)
    sick_episodes: SickEpisodes = field(default_factory=SickEpisodes)
    rising: Rising = field(default_factory=Rising)
    unexplained: Unexplained = field(default_factory=Unexplained)
    # School days a flag may wait for an answer (the school's routine) before it is overdue.
    answer_within_days: int = 3

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Standard:
        """The stored standard, with defaults for whatever it does not say; unknown keys ignored."""
        data = data or {}
        standard = cls()
        changes: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in data:
                continue
            value = data[f.name]
            current = getattr(standard, f.name)
            if isinstance(value, dict):
                known = {p.name for p in fields(current)}
                changes[f.name] = replace(current, **{k: v for k, v in value.items() if k in known})
            elif not isinstance(value, dict) and not hasattr(current, "__dataclass_fields__"):
                changes[f.name] = value
        return replace(standard, **changes)

    def rule_on(self, code: str) -> bool:
        return bool(getattr(self, code).on)


# Attendance Works tiers by absence share of the school year so far; the boundary belongs to
# the higher tier (exactly 5 % is at risk, 10 % chronic, 20 % severe).
TIERS = (("satisfactory", 0.0), ("at_risk", 5.0), ("chronic", 10.0), ("severe", 20.0))


def tier(percent: float) -> str:
    """The tier of an absence share given in percent."""
    name = TIERS[0][0]
    for candidate, floor in TIERS:
        if percent >= floor:
            name = candidate
    return name
