"""What the two halves of the demo planner share: the random stream, the schools, the classes,
and the e-mail addresses and phone numbers handed out so far."""

from __future__ import annotations

import random
from dataclasses import dataclass

from sammen.roster.demo import names
from sammen.roster.demo.plan import SchoolPlan


@dataclass
class SchoolClass:
    """A class («9B») while the plan is drawn: its school (an index), grade and size."""

    school: int
    grade: int
    letter: str
    size: int

    @property
    def name(self) -> str:
        return f"{self.grade}{self.letter}"


def class_index(classes: list[SchoolClass], school: int, grade: int, letter: str) -> int:
    return next(
        i for i, c in enumerate(classes) if (c.school, c.grade, c.letter) == (school, grade, letter)
    )


class Unique:
    """Hands out values not handed out before, for e-mail addresses and phone numbers."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def email(self, given: str, family: str) -> str:
        local = f"{names.ascii_slug(given)}.{names.ascii_slug(family)}"
        candidate, n = local, 1
        while candidate in self.seen:
            n += 1
            candidate = f"{local}{n}"
        self.seen.add(candidate)
        return f"{candidate}@example.no"

    def phone(self, rng: random.Random) -> str:
        while True:
            digits = f"9{rng.randrange(100):02d}{rng.randrange(100):02d}{rng.randrange(1000):03d}"
            if digits not in self.seen:
                self.seen.add(digits)
                return f"+47 {digits[:3]} {digits[3:5]} {digits[5:]}"


class PlannerPart:
    """The state both halves of the planner read. They draw from the one ``random.Random``, so
    the order in which ``plan_demo`` calls them decides every draw."""

    def __init__(
        self, rng: random.Random, schools: list[SchoolPlan], total: int, unique: Unique
    ) -> None:
        self.rng = rng
        self.schools = schools
        self.total = total
        self.unique = unique
        self.first_primary = next(i for i, s in enumerate(schools) if not s.secondary)
        self.first_secondary = next(i for i, s in enumerate(schools) if s.secondary)
