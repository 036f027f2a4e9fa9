"""The demo's plan: what ``plan_demo`` draws and ``load_demo`` writes, as plain data.

Conventions worth knowing when reading the data:
- A class (``GroupKind.CLASS``, «9B») is also the contact-teacher group: its contact teacher is
  linked to it with ``is_contact_teacher``. There are no separate ``CONTACT`` groups.
- Every subject is a teaching group per class («9B Matematikk») at both kinds of school, so
  per-lesson attendance has a group to hang on. At the lower secondary school the elective
  (valgfag) and the foreign-language choice are groups across the classes of a grade.
- ``source_id`` holds a stable demo key («demo:pupil:0042») that later demo generators can use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sammen.roster.models import Language

OWNER_NAME = "Fjordvik kommune"
# Fictional places of the municipality, each with a fictional postcode.
PLACES: tuple[tuple[str, str], ...] = (
    ("Fjordvik", "6790"),
    ("Nesbukt", "6791"),
    ("Lyngstrand", "6792"),
    ("Bjørkeli", "6793"),
    ("Storøya", "6794"),
    ("Furumo", "6795"),
)
MAX_SCHOOLS = 2 * len(PLACES)

YEAR_NAME = "2026–2027"
YEAR_START = date(2026, 8, 17)
YEAR_END = date(2027, 6, 18)
TERMS: tuple[tuple[str, date, date], ...] = (
    ("Høsthalvåret 2026", date(2026, 8, 17), date(2026, 12, 18)),
    ("Vårhalvåret 2027", date(2027, 1, 4), date(2027, 6, 18)),
)

# Default size: 35 pupils per grade and school (two schools: 350 pupils), about 23 per class.
PUPILS_PER_GRADE = 35
CLASS_SIZE = 23
MIN_CLASS_SIZE = 3


# The plan ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolPlan:
    key: str
    name: str
    place: str
    postcode: str
    grade_from: int
    grade_to: int

    @property
    def secondary(self) -> bool:
        return self.grade_from >= 8

    @property
    def grades(self) -> range:
        return range(self.grade_from, self.grade_to + 1)


@dataclass(frozen=True)
class PupilPlan:
    key: str
    school: int
    grade: int
    class_name: str
    given_name: str
    family_name: str
    birth_date: date


@dataclass
class GuardianPlan:
    key: str
    given_name: str
    family_name: str
    female: bool
    email: str
    phone: str
    address: str
    preferred_language: str = Language.NB
    needs_interpreter: bool = False
    contact_windows: str = ""
    username: str = ""


@dataclass
class GuardianshipPlan:
    pupil: str
    guardian: str
    relation: str
    parental_responsibility: bool = True
    lives_with: bool = True
    confidential_address: bool = False


@dataclass
class GroupPlan:
    key: str
    school: int
    kind: str
    name: str
    grade: int
    subject: str = ""
    pupils: list[str] = field(default_factory=list)
    # (staff key, is contact teacher)
    teachers: list[tuple[str, bool]] = field(default_factory=list)


@dataclass
class StaffPlan:
    key: str
    given_name: str
    family_name: str
    email: str
    phone: str
    # (school index or None for the owner, role)
    roles: list[tuple[int | None, str]] = field(default_factory=list)
    username: str = ""


@dataclass
class DemoPlan:
    seed: int
    schools: list[SchoolPlan]
    groups: list[GroupPlan]
    pupils: list[PupilPlan]
    guardians: list[GuardianPlan]
    guardianships: list[GuardianshipPlan]
    staff: list[StaffPlan]
    # hex, for django-otp's TOTPDevice.key: drawn from the seed so demo_logins can print it
    totp_key: str


def school_plans(count: int) -> list[SchoolPlan]:
    """Primary and lower secondary schools alternate: «Fjordvik barneskole», «Fjordvik
    ungdomsskole», «Nesbukt barneskole», …"""
    plans = []
    for i in range(count):
        place, postcode = PLACES[i // 2]
        secondary = i % 2 == 1
        plans.append(
            SchoolPlan(
                key=f"demo:school:{i + 1}",
                name=f"{place} {'ungdomsskole' if secondary else 'barneskole'}",
                place=place,
                postcode=postcode,
                grade_from=8 if secondary else 1,
                grade_to=10 if secondary else 7,
            )
        )
    return plans
