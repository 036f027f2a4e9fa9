"""``plan_demo``: the whole demo drawn from ``random.Random(seed)`` into plain data (no
database), so the same seed always gives the same names, counts and links."""

from __future__ import annotations

import random

from sammen.roster.demo.plan import (
    MAX_SCHOOLS,
    MIN_CLASS_SIZE,
    PUPILS_PER_GRADE,
    DemoPlan,
    SchoolPlan,
    school_plans,
)
from sammen.roster.demo.planner_base import Unique
from sammen.roster.demo.planner_families import FamiliesPlanner
from sammen.roster.demo.planner_schools import SchoolsPlanner


def default_pupils(schools: int) -> int:
    return PUPILS_PER_GRADE * sum(len(s.grades) for s in school_plans(schools))


def minimum_pupils(schools: int) -> int:
    """Enough for at least a few pupils in every class (one per grade, plus the personas' 9B)."""
    slots = sum(len(s.grades) for s in school_plans(schools))
    return MIN_CLASS_SIZE * (slots + 1)


def plan_demo(seed: int, *, schools: int = 2, pupils: int | None = None) -> DemoPlan:
    if not 2 <= schools <= MAX_SCHOOLS:
        raise ValueError(f"the demo has 2 to {MAX_SCHOOLS} schools, not {schools}")
    total = default_pupils(schools) if pupils is None else pupils
    if total < minimum_pupils(schools):
        raise ValueError(f"{schools} schools need at least {minimum_pupils(schools)} pupils")
    # Not for secrets: the demo must be reproducible from its seed, the TOTP key included.
    rng = random.Random(seed)  # noqa: S311
    return _plan(rng, seed, school_plans(schools), total)


def _plan(rng: random.Random, seed: int, schools: list[SchoolPlan], total: int) -> DemoPlan:
    # Both halves draw from ``rng``: the order of the calls below decides every draw.
    unique = Unique()
    school_part = SchoolsPlanner(rng, schools, total, unique)
    family_part = FamiliesPlanner(rng, schools, total, unique)
    classes = school_part.classes()
    seat_class = [ci for ci, c in enumerate(classes) for _ in range(c.size)]
    families = family_part.families(classes, seat_class)
    pupils_by_seat = family_part.pupils(classes, seat_class, families)
    guardians, links = family_part.guardians(families, pupils_by_seat)
    groups = school_part.groups(classes, seat_class, pupils_by_seat)
    pupils = sorted(pupils_by_seat.values(), key=lambda x: (x.school, x.grade, x.class_name, x.key))
    return DemoPlan(
        seed=seed,
        schools=schools,
        groups=groups,
        pupils=pupils,
        guardians=guardians,
        guardianships=links,
        staff=school_part.staff,
        totp_key=f"{rng.getrandbits(160):040x}",
    )
