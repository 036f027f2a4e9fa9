"""The demo municipality «Fjordvik kommune», in two steps.

``plan_demo`` draws everything from ``random.Random(seed)`` into plain data (no database), so the
same seed always gives the same names, counts and links. ``load_demo`` writes a plan with bulk
inserts and records an audit event per row through ``sammen.audit.log.record_many``, as the roster
importers do, plus one ``roster.demo_data_loaded`` event.

Conventions worth knowing when reading the data:
- A class (``GroupKind.CLASS``, «9B») is also the contact-teacher group: its contact teacher is
  linked to it with ``is_contact_teacher``. There are no separate ``CONTACT`` groups.
- Every subject is a teaching group per class («9B Matematikk») at both kinds of school, so
  per-lesson attendance has a group to hang on. At the lower secondary school the elective
  (valgfag) and the foreign-language choice are groups across the classes of a grade.
- ``source_id`` holds a stable demo key («demo:pupil:0042») that later demo generators can use.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from sammen.accounts.models import User
from sammen.audit import actions
from sammen.audit.log import MASK, Actor, Event, diff, record_many, snapshot
from sammen.audit.models import AuditKind
from sammen.roster.demo import names
from sammen.roster.demo import personas as p
from sammen.roster.demo.names import Origin
from sammen.roster.models import (
    Enrollment,
    Group,
    GroupKind,
    GroupTeacher,
    Guardian,
    Guardianship,
    Language,
    Pupil,
    Relation,
    Role,
    School,
    SchoolOwner,
    SchoolYear,
    Staff,
    StaffRole,
    Term,
)

T = TypeVar("T")
M = TypeVar("M", bound=models.Model)

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

# Shares of the population, applied as quotas (not coin flips) so that even a small demo lands
# near them: pupils with a guardian without parental responsibility, pupils with a confidential
# address, guardians preferring another language than Norwegian (half of them need interpreter).
NO_RESPONSIBILITY_SHARE = 0.045
CONFIDENTIAL_SHARE = 0.01
OTHER_LANGUAGE_SHARE = 0.08
INTERPRETER_SHARE = 0.5
NYNORSK_SHARE = 0.03
TWO_GUARDIANS_SHARE = 0.82
SEPARATED_SHARE = 0.22
MIXED_COUPLE_SHARE = 0.2

PRIMARY_SUBJECTS: tuple[tuple[str, range], ...] = (
    ("Norsk", range(1, 8)),
    ("Matematikk", range(1, 8)),
    ("Engelsk", range(1, 8)),
    ("Naturfag", range(1, 8)),
    ("Samfunnsfag", range(1, 8)),
    ("KRLE", range(1, 8)),
    ("Kunst og håndverk", range(1, 8)),
    ("Musikk", range(1, 8)),
    ("Kroppsøving", range(1, 8)),
    ("Mat og helse", range(5, 8)),
)
SECONDARY_SUBJECTS: tuple[tuple[str, range], ...] = (
    ("Norsk", range(8, 11)),
    ("Matematikk", range(8, 11)),
    ("Engelsk", range(8, 11)),
    ("Naturfag", range(8, 11)),
    ("Samfunnsfag", range(8, 11)),
    ("KRLE", range(8, 11)),
    ("Kroppsøving", range(8, 11)),
    ("Kunst og håndverk", range(8, 11)),
    ("Musikk", range(8, 11)),
    ("Mat og helse", range(8, 10)),
    ("Utdanningsvalg", range(8, 11)),
)
# What the contact teacher teaches in their own class; the rest goes to subject teachers. In the
# lower grades the contact teacher has the class for nearly everything.
PRIMARY_CONTACT_SUBJECTS = frozenset(
    {"Norsk", "Matematikk", "Naturfag", "Samfunnsfag", "KRLE", "Kunst og håndverk"}
)
PRIMARY_CONTACT_SUBJECTS_LOW_GRADES = PRIMARY_CONTACT_SUBJECTS | {"Engelsk", "Musikk"}
SECONDARY_CONTACT_SUBJECTS = frozenset({"Norsk", "Samfunnsfag"})
# Groups a subject teacher takes before the next one is hired.
SUBJECT_TEACHER_LOAD = {False: 8, True: 6}

VALGFAG: tuple[str, ...] = (
    "Programmering",
    "Fysisk aktivitet og helse",
    "Sal og scene",
    "Friluftsliv",
    "Design og redesign",
    "Innsats for andre",
    "Medier og informasjon",
    "Teknologi i praksis",
    "Produksjon av varer og tjenester",
)
VALGFAG_GROUP_SIZE = 15
# Which subject teachers take an elective or a language alternative.
TEACHER_POOL = {
    **dict.fromkeys(VALGFAG, "Valgfag"),
    "Arbeidslivsfag": "Valgfag",
    "Fordypning i engelsk": "Engelsk",
}
# The foreign language or its alternatives, chosen once for grades 8–10.
LANGUAGE_CHOICES: tuple[tuple[str, float], ...] = (
    ("Spansk", 0.4),
    ("Tysk", 0.3),
    ("Fordypning i engelsk", 0.2),
    ("Arbeidslivsfag", 0.1),
)


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


@dataclass
class _Class:
    school: int
    grade: int
    letter: str
    size: int

    @property
    def name(self) -> str:
        return f"{self.grade}{self.letter}"


@dataclass
class _Family:
    seats: list[int]
    origin: Origin = names.NORWEGIAN
    mixed: bool = False
    persona: str = ""
    guardians: list[_GuardianDraft] = field(default_factory=list)


@dataclass
class _GuardianDraft:
    plan: GuardianPlan
    origin: Origin
    relation: str
    lives_with: bool = True


class _Unique:
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


def _letter(n: int) -> str:
    """A, B, …, Z, then AA, AB, … for a very large demo."""
    letters = string.ascii_uppercase
    return letters[n] if n < len(letters) else letters[n // len(letters) - 1] + letters[n % 26]


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
    return _Planner(rng, seed, school_plans(schools), total).plan()


class _Planner:
    def __init__(self, rng: random.Random, seed: int, schools: list[SchoolPlan], total: int):
        self.rng = rng
        self.seed = seed
        self.schools = schools
        self.total = total
        self.unique = _Unique()
        self.first_primary = next(i for i, s in enumerate(schools) if not s.secondary)
        self.first_secondary = next(i for i, s in enumerate(schools) if s.secondary)
        self.staff: list[StaffPlan] = []
        self.staff_names: set[tuple[str, str]] = {(x.given_name, x.family_name) for x in p.PERSONAS}
        self.pupil_names: set[tuple[int, str, str]] = set()

    def plan(self) -> DemoPlan:
        classes = self._classes()
        seat_class = [ci for ci, c in enumerate(classes) for _ in range(c.size)]
        families = self._families(classes, seat_class)
        pupils_by_seat = self._pupils(classes, seat_class, families)
        guardians, links = self._guardians(families, pupils_by_seat)
        groups = self._groups(classes, seat_class, pupils_by_seat)
        pupils = sorted(
            pupils_by_seat.values(), key=lambda x: (x.school, x.grade, x.class_name, x.key)
        )
        return DemoPlan(
            seed=self.seed,
            schools=self.schools,
            groups=groups,
            pupils=pupils,
            guardians=guardians,
            guardianships=links,
            staff=self.staff,
            totp_key=f"{self.rng.getrandbits(160):040x}",
        )

    # Classes and seats ---------------------------------------------------------------------

    def _classes(self) -> list[_Class]:
        rng = self.rng
        slots = [(i, g) for i, s in enumerate(self.schools) for g in s.grades]
        count = max(len(slots) + 1, round(self.total / CLASS_SIZE))
        per_slot = dict.fromkeys(slots, 1)
        # The personas' class 9B must exist whatever the size.
        per_slot[(self.first_secondary, p.PERSONA_CLASS_GRADE)] += 1
        extra = count - len(slots) - 1
        while extra > 0:
            order = list(slots)
            rng.shuffle(order)
            for slot in order[:extra]:
                per_slot[slot] += 1
            extra -= min(extra, len(order))

        base, remainder = divmod(self.total, count)
        sizes = [base] * count
        for index in rng.sample(range(count), remainder):
            sizes[index] += 1
        # Real classes differ by a few pupils; move some between classes, keeping the total.
        low, high = max(MIN_CLASS_SIZE, base - 3), base + 4
        for _ in range(count):
            a, b = rng.sample(range(count), 2)
            k = rng.randint(0, 3)
            if sizes[a] - k >= low and sizes[b] + k <= high:
                sizes[a] -= k
                sizes[b] += k

        classes: list[_Class] = []
        for slot in slots:
            for n in range(per_slot[slot]):
                classes.append(_Class(slot[0], slot[1], _letter(n), 0))
        for c, size in zip(classes, sizes, strict=True):
            c.size = size
        return classes

    def _class_index(self, classes: list[_Class], school: int, grade: int, letter: str) -> int:
        return next(
            i
            for i, c in enumerate(classes)
            if (c.school, c.grade, c.letter) == (school, grade, letter)
        )

    # Families --------------------------------------------------------------------------------

    def _families(self, classes: list[_Class], seat_class: list[int]) -> list[_Family]:
        rng = self.rng
        seats_of: dict[int, list[int]] = {}
        for seat, ci in enumerate(seat_class):
            seats_of.setdefault(ci, []).append(seat)
        c9b = self._class_index(
            classes, self.first_secondary, p.PERSONA_CLASS_GRADE, p.PERSONA_CLASS_LETTER
        )
        c4a = self._class_index(classes, self.first_primary, p.FORELDER1_YOUNGER_GRADE, "A")
        sander, nora = rng.sample(seats_of[c9b], 2)
        ella = rng.choice(seats_of[c4a])
        families = [
            _Family([sander, ella], persona=p.FORELDER1.username),
            _Family([nora], persona=p.FORELDER2.username),
        ]
        taken = {sander, nora, ella}

        order = [seat for seat in range(len(seat_class)) if seat not in taken]
        rng.shuffle(order)
        for i, seat in enumerate(order):
            if seat in taken:
                continue
            taken.add(seat)
            kids = [seat]
            r = rng.random()
            wanted = 1 if r < 0.6 else 2 if r < 0.9 else 3
            # Siblings are in different grades; look a little ahead in the shuffled seats.
            for candidate in order[i + 1 : i + 60]:
                if len(kids) >= wanted:
                    break
                grades = {classes[seat_class[k]].grade for k in kids}
                if candidate not in taken and classes[seat_class[candidate]].grade not in grades:
                    kids.append(candidate)
                    taken.add(candidate)
            families.append(_Family(kids))

        # Origins by quota over the families that are not the personas'.
        others = list(range(2, len(families)))
        rng.shuffle(others)
        start = 0
        for origin, share in names.ORIGIN_SHARES:
            n = round(share * len(others))
            for index in others[start : start + n]:
                families[index].origin = origin
                families[index].mixed = rng.random() < MIXED_COUPLE_SHARE
            start += n
        return families

    # Pupils ----------------------------------------------------------------------------------

    def _pupils(
        self, classes: list[_Class], seat_class: list[int], families: list[_Family]
    ) -> dict[int, PupilPlan]:
        drafts: dict[int, tuple[str, str]] = {}
        for family in families:
            self._name_family(family, classes, seat_class, drafts)
        ordered = sorted(
            drafts,
            key=lambda seat: (
                classes[seat_class[seat]].school,
                classes[seat_class[seat]].grade,
                classes[seat_class[seat]].letter,
                drafts[seat][1],
                drafts[seat][0],
            ),
        )
        result: dict[int, PupilPlan] = {}
        for n, seat in enumerate(ordered, start=1):
            c = classes[seat_class[seat]]
            given, family_name = drafts[seat]
            result[seat] = PupilPlan(
                key=f"demo:pupil:{n:04d}",
                school=c.school,
                grade=c.grade,
                class_name=c.name,
                given_name=given,
                family_name=family_name,
                birth_date=self._birth_date(c.grade),
            )
        return result

    def _birth_date(self, grade: int) -> date:
        # Pupils start grade 1 the year they turn six: grade 1 in 2026–27 was born in 2020.
        year = YEAR_START.year - 5 - grade
        first = date(year, 1, 1)
        days = (date(year + 1, 1, 1) - first).days
        return first + timedelta(days=self.rng.randrange(days))

    def _name_family(
        self,
        family: _Family,
        classes: list[_Class],
        seat_class: list[int],
        drafts: dict[int, tuple[str, str]],
    ) -> None:
        rng = self.rng
        if family.persona == p.FORELDER1.username:
            older, younger = family.seats
            drafts[older] = p.FORELDER1_OLDER_CHILD
            drafts[younger] = p.FORELDER1_YOUNGER_CHILD
            for seat in family.seats:
                self.pupil_names.add((classes[seat_class[seat]].school, *drafts[seat]))
            family.guardians = [
                self._persona_guardian(p.FORELDER1, female=True),
                self._guardian(*p.FORELDER1_PARTNER, female=False, origin=names.NORWEGIAN),
            ]
            return
        if family.persona == p.FORELDER2.username:
            (seat,) = family.seats
            drafts[seat] = p.FORELDER2_CHILD
            self.pupil_names.add((classes[seat_class[seat]].school, *drafts[seat]))
            family.guardians = [
                self._persona_guardian(p.FORELDER2, female=False),
                self._guardian(*p.FORELDER2_PARTNER, female=True, origin=names.NORWEGIAN),
            ]
            return

        origin = family.origin
        two = rng.random() < TWO_GUARDIANS_SHARE
        mother_origin = father_origin = origin
        if family.mixed and two:
            if rng.random() < 0.5:
                mother_origin = names.NORWEGIAN
            else:
                father_origin = names.NORWEGIAN
        two_mothers = two and origin is names.NORWEGIAN and rng.random() < 0.015
        has_father = (two and not two_mothers) or (not two and rng.random() < 0.25)
        has_mother = two or not has_father

        surname_origin = father_origin if has_father else mother_origin
        surname = rng.choice(surname_origin.family_names)
        separated = two and rng.random() < SEPARATED_SHARE

        guardians: list[_GuardianDraft] = []
        if has_mother:
            guardians.append(
                self._parent(mother_origin, surname, surname_origin, female=True, own=separated)
            )
        if two_mothers:
            guardians.append(
                self._parent(names.NORWEGIAN, surname, surname_origin, female=True, own=True)
            )
        if has_father:
            guardians.append(
                self._parent(father_origin, surname, surname_origin, female=False, own=False)
            )
        if separated:
            # The parent listed last lives elsewhere; about a third share the care (delt bosted).
            guardians[-1].lives_with = rng.random() < 0.35
        family.guardians = guardians

        home = self._address(classes[seat_class[family.seats[0]]].school)
        for g in guardians:
            g.plan.address = home if g.lives_with else self._address(None)

        used_in_family: set[str] = set()
        for seat in family.seats:
            school = classes[seat_class[seat]].school
            girl = rng.random() < 0.5
            name_origin = origin if not family.mixed else rng.choice((mother_origin, father_origin))
            for _ in range(30):
                pool = name_origin
                if pool is not names.NORWEGIAN and rng.random() < 0.25:
                    pool = names.NORWEGIAN  # many children of immigrants get Norwegian names
                given = rng.choice(pool.girls if girl else pool.boys)
                family_name = (
                    names.feminine(surname)
                    if girl and surname_origin.gendered_surnames
                    else surname
                )
                if given not in used_in_family and (school, given, family_name) not in (
                    self.pupil_names
                ):
                    break
            used_in_family.add(given)
            self.pupil_names.add((school, given, family_name))
            drafts[seat] = (given, family_name)

    def _parent(
        self, origin: Origin, surname: str, surname_origin: Origin, *, female: bool, own: bool
    ) -> _GuardianDraft:
        rng = self.rng
        given = rng.choice(origin.women if female else origin.men)
        if not female:
            family_name = surname
        elif origin.mother_keeps_name or own or surname_origin is not origin:
            family_name = rng.choice(origin.family_names)
            if origin.gendered_surnames:
                family_name = names.feminine(family_name)
        elif origin is names.NORWEGIAN and rng.random() < 0.25:
            # Many Norwegian couples live together unmarried and keep their own names.
            family_name = rng.choice(origin.family_names)
        else:
            family_name = names.feminine(surname) if origin.gendered_surnames else surname
        return self._guardian(given, family_name, female=female, origin=origin)

    def _guardian(
        self,
        given: str,
        family_name: str,
        *,
        female: bool,
        origin: Origin,
        persona: p.Persona | None = None,
    ) -> _GuardianDraft:
        rng = self.rng
        # A few guardians have given the school no e-mail address; the personas all have one.
        has_email = persona is not None or rng.random() < 0.97
        windows = rng.choice(names.CONTACT_WINDOWS) if rng.random() < 0.7 else ""
        plan = GuardianPlan(
            key="",
            given_name=given,
            family_name=family_name,
            female=female,
            email=self.unique.email(given, family_name) if has_email else "",
            phone=self.unique.phone(rng),
            address="",
            contact_windows=names.CONTACT_WINDOWS[0] if persona is not None else windows,
            username=persona.username if persona is not None else "",
        )
        relation = Relation.MOTHER if female else Relation.FATHER
        return _GuardianDraft(plan=plan, origin=origin, relation=relation)

    def _persona_guardian(self, persona: p.Persona, *, female: bool) -> _GuardianDraft:
        return self._guardian(
            persona.given_name,
            persona.family_name,
            female=female,
            origin=names.NORWEGIAN,
            persona=persona,
        )

    def _address(self, school: int | None) -> str:
        rng = self.rng
        place, postcode = (
            (self.schools[school].place, self.schools[school].postcode)
            if school is not None
            else rng.choice(PLACES[: (len(self.schools) + 1) // 2])
        )
        number = f"{rng.randint(1, 120)}{rng.choice('ABC') if rng.random() < 0.15 else ''}"
        return f"{rng.choice(names.STREETS)} {number}, {postcode} {place}"

    # Guardians -------------------------------------------------------------------------------

    def _guardians(
        self, families: list[_Family], pupils: dict[int, PupilPlan]
    ) -> tuple[list[GuardianPlan], list[GuardianshipPlan]]:
        rng = self.rng
        ordinary = [f for f in families if not f.persona]

        # Parental responsibility: in some separated families the parent living elsewhere has
        # none (a court or agreement gave it to the other parent).
        separated = [f for f in ordinary if len(f.guardians) == 2 and not f.guardians[1].lives_with]
        no_responsibility = self._quota(
            separated, NO_RESPONSIBILITY_SHARE * self.total, lambda f: len(f.seats)
        )
        without = {id(f.guardians[1]) for f in no_responsibility}

        confidential_families = self._quota(
            ordinary, max(1.0, CONFIDENTIAL_SHARE * self.total), lambda f: len(f.seats)
        )
        confidential = {id(f) for f in confidential_families}

        drafts = [g for f in families for g in f.guardians]
        eligible = [g for g in drafts if g.origin.language is not None and not g.plan.username]
        target = round(OTHER_LANGUAGE_SHARE * len(drafts))
        other_language = rng.sample(eligible, min(target, len(eligible)))
        for g in other_language:
            g.plan.preferred_language = str(g.origin.language)
        for g in rng.sample(other_language, round(INTERPRETER_SHARE * len(other_language))):
            g.plan.needs_interpreter = True
        chosen = {id(g) for g in other_language}
        norwegian = [
            g
            for g in drafts
            if g.origin is names.NORWEGIAN and id(g) not in chosen and not g.plan.username
        ]
        for g in rng.sample(norwegian, round(NYNORSK_SHARE * len(norwegian))):
            g.plan.preferred_language = Language.NN

        guardians: list[GuardianPlan] = []
        links: list[GuardianshipPlan] = []
        for family in families:
            for g in family.guardians:
                g.plan.key = f"demo:guardian:{len(guardians) + 1:04d}"
                guardians.append(g.plan)
                for seat in family.seats:
                    responsible = id(g) not in without
                    links.append(
                        GuardianshipPlan(
                            pupil=pupils[seat].key,
                            guardian=g.plan.key,
                            relation=g.relation,
                            parental_responsibility=responsible,
                            lives_with=g.lives_with and responsible,
                            confidential_address=id(family) in confidential and g.lives_with,
                        )
                    )
        return guardians, links

    def _quota(self, candidates: list[T], target: float, weight: Callable[[T], int]) -> list[T]:
        """Candidates drawn at random until their weights reach ``target``."""
        order = list(candidates)
        self.rng.shuffle(order)
        chosen: list[T] = []
        covered = 0
        for candidate in order:
            if covered >= target:
                break
            chosen.append(candidate)
            covered += weight(candidate)
        return chosen

    # Staff and groups ------------------------------------------------------------------------

    def _new_staff(
        self, roles: list[tuple[int | None, str]], persona: p.Persona | None = None
    ) -> StaffPlan:
        rng = self.rng
        if persona is not None:
            given, family_name = persona.given_name, persona.family_name
        else:
            while True:
                origin = names.NORWEGIAN
                if rng.random() < 0.1:
                    origin = rng.choice([o for o, _ in names.ORIGIN_SHARES])
                female = rng.random() < 0.7  # most school staff in Norway are women
                given = rng.choice(origin.women if female else origin.men)
                family_name = rng.choice(origin.family_names)
                if female and origin.gendered_surnames:
                    family_name = names.feminine(family_name)
                if (given, family_name) not in self.staff_names:
                    break
        self.staff_names.add((given, family_name))
        staff = StaffPlan(
            key=f"demo:staff:{len(self.staff) + 1:03d}",
            given_name=given,
            family_name=family_name,
            email=self.unique.email(given, family_name),
            phone=self.unique.phone(rng),
            roles=roles,
            username=persona.username if persona is not None else "",
        )
        self.staff.append(staff)
        return staff

    def _groups(
        self, classes: list[_Class], seat_class: list[int], pupils: dict[int, PupilPlan]
    ) -> list[GroupPlan]:
        rng = self.rng
        members: dict[int, list[str]] = {}
        for seat, ci in enumerate(seat_class):
            members.setdefault(ci, []).append(pupils[seat].key)
        for keys in members.values():
            keys.sort()

        # Owner-level staff first, then each school's leaders, office and support.
        self._new_staff([(None, Role.ANALYST)])
        self._new_staff([(None, Role.SYSADMIN)], p.ADMIN)
        # The PPT adviser serves every school of the municipality.
        self._new_staff([(i, Role.SUPPORT) for i in range(len(self.schools))])
        for i, _school in enumerate(self.schools):
            persona_school = i == self.first_secondary
            self._new_staff([(i, Role.LEADER)], p.REKTOR if persona_school else None)
            self._new_staff([(i, Role.LEADER)])  # avdelingsleder
            self._new_staff([(i, Role.OFFICE)])
            self._new_staff([(i, Role.SUPPORT)], p.HELSESYKEPLEIER if persona_school else None)

        persona_class = (self.first_secondary, p.PERSONA_CLASS_GRADE, p.PERSONA_CLASS_LETTER)
        contact: dict[int, StaffPlan] = {}
        groups: list[GroupPlan] = []
        for ci, c in enumerate(classes):
            is_persona = (c.school, c.grade, c.letter) == persona_class
            teacher = self._new_staff(
                [(c.school, Role.CONTACT_TEACHER)], p.KONTAKTLAERER if is_persona else None
            )
            contact[ci] = teacher
            groups.append(
                GroupPlan(
                    key=f"demo:group:{c.school + 1}:{c.name}",
                    school=c.school,
                    kind=GroupKind.CLASS,
                    name=c.name,
                    grade=c.grade,
                    pupils=list(members[ci]),
                    teachers=[(teacher.key, True)],
                )
            )

        faglaerer = self._new_staff([(self.first_secondary, Role.TEACHER)], p.FAGLAERER)
        kontaktlaerer = next(s for s in self.staff if s.username == p.KONTAKTLAERER.username)
        fixed = {
            (self.first_secondary, "9B Norsk"): kontaktlaerer,
            (self.first_secondary, "9B Samfunnsfag"): kontaktlaerer,
            (self.first_secondary, "9A Norsk"): kontaktlaerer,
            (self.first_secondary, "9B Matematikk"): faglaerer,
            (self.first_secondary, "10A Matematikk"): faglaerer,
        }
        pools: dict[tuple[int, str], tuple[StaffPlan, int]] = {}

        def subject_teacher(school: int, subject: str) -> StaffPlan:
            # Electives go to teachers who take several of them, not one teacher per elective.
            subject = TEACHER_POOL.get(subject, subject)
            current = pools.get((school, subject))
            load = SUBJECT_TEACHER_LOAD[self.schools[school].secondary]
            if current is None or current[1] >= load:
                current = (self._new_staff([(school, Role.TEACHER)]), 0)
            pools[(school, subject)] = (current[0], current[1] + 1)
            return current[0]

        for ci, c in enumerate(classes):
            secondary = self.schools[c.school].secondary
            subjects = SECONDARY_SUBJECTS if secondary else PRIMARY_SUBJECTS
            if secondary:
                own = SECONDARY_CONTACT_SUBJECTS
            elif c.grade <= 4:
                own = PRIMARY_CONTACT_SUBJECTS_LOW_GRADES
            else:
                own = PRIMARY_CONTACT_SUBJECTS
            for subject, grades in subjects:
                if c.grade not in grades:
                    continue
                name = f"{c.name} {subject}"
                teacher = fixed.get((c.school, name)) or (
                    contact[ci] if subject in own else subject_teacher(c.school, subject)
                )
                groups.append(
                    GroupPlan(
                        key=f"demo:group:{c.school + 1}:{name}",
                        school=c.school,
                        kind=GroupKind.TEACHING,
                        name=name,
                        grade=c.grade,
                        subject=subject,
                        pupils=list(members[ci]),
                        teachers=[(teacher.key, False)],
                    )
                )

        # Electives and the language choice, across the classes of each grade.
        for i, school in enumerate(self.schools):
            if not school.secondary:
                continue
            for grade in school.grades:
                keys = sorted(
                    k
                    for ci, c in enumerate(classes)
                    if (c.school, c.grade) == (i, grade)
                    for k in members[ci]
                )
                shuffled = list(keys)
                rng.shuffle(shuffled)
                count = max(1, round(len(keys) / VALGFAG_GROUP_SIZE))
                options = rng.sample(VALGFAG, min(count, len(VALGFAG)))
                chosen: dict[str, list[str]] = {o: [] for o in options}
                for n, key in enumerate(shuffled):
                    chosen[options[n % len(options)]].append(key)
                language: dict[str, list[str]] = {o: [] for o, _ in LANGUAGE_CHOICES}
                for key in shuffled:
                    pick = rng.choices(
                        [o for o, _ in LANGUAGE_CHOICES], [w for _, w in LANGUAGE_CHOICES]
                    )[0]
                    language[pick].append(key)
                for subject, pupil_keys in [*chosen.items(), *language.items()]:
                    if not pupil_keys:
                        continue
                    name = f"{grade} {subject}"
                    groups.append(
                        GroupPlan(
                            key=f"demo:group:{i + 1}:{name}",
                            school=i,
                            kind=GroupKind.TEACHING,
                            name=name,
                            grade=grade,
                            subject=subject,
                            pupils=sorted(pupil_keys),
                            teachers=[(subject_teacher(i, subject).key, False)],
                        )
                    )
        return groups


# Writing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSummary:
    schools: int
    groups: int
    pupils: int
    guardians: int
    staff: int
    users: int
    audit_events: int


_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    SchoolOwner: ("name",),
    School: ("owner", "name", "grade_from", "grade_to"),
    SchoolYear: ("owner", "name", "start_date", "end_date"),
    Term: ("school_year", "name", "start_date", "end_date"),
    Group: ("school", "school_year", "kind", "name", "grade", "subject"),
    Pupil: ("school", "given_name", "family_name", "birth_date", "grade"),
    Enrollment: ("group", "pupil", "start_date"),
    Guardian: (
        "given_name",
        "family_name",
        "email",
        "phone",
        "address",
        "preferred_language",
        "needs_interpreter",
        "contact_windows",
    ),
    Guardianship: (
        "pupil",
        "guardian",
        "relation",
        "parental_responsibility",
        "lives_with",
        "confidential_address",
    ),
    Staff: ("given_name", "family_name", "email", "phone", "username"),
    StaffRole: ("staff", "school", "role"),
    GroupTeacher: ("group", "staff", "is_contact_teacher"),
}
_ACTIONS: dict[type[models.Model], str] = {
    SchoolOwner: actions.SCHOOL_OWNER_SAVED,
    School: actions.SCHOOL_SAVED,
    SchoolYear: actions.SCHOOL_YEAR_SAVED,
    Term: actions.TERM_SAVED,
    Group: actions.GROUP_SAVED,
    Pupil: actions.PUPIL_SAVED,
    Enrollment: actions.ENROLLMENT_SAVED,
    Guardian: actions.GUARDIAN_SAVED,
    Guardianship: actions.GUARDIANSHIP_SAVED,
    Staff: actions.STAFF_SAVED,
    StaffRole: actions.STAFF_ROLE_SAVED,
    GroupTeacher: actions.GROUP_TEACHER_SAVED,
}
DETAIL = "demo data"


class _Writer:
    def __init__(self) -> None:
        self.actor = Actor.system("demo_data")
        self.events: list[Event] = []

    def create(
        self,
        rows: Sequence[M],
        *,
        school: Callable[[M], Any] | None = None,
        pupil: Callable[[M], Any] | None = None,
        hidden: Callable[[M], Iterable[str]] | None = None,
    ) -> list[M]:
        """Insert ``rows`` in bulk and queue one creation event for each."""
        if not rows:
            return []
        model = type(rows[0])
        model._default_manager.bulk_create(rows)
        fields = _FIELDS[model]
        for row in rows:
            changes = diff({}, snapshot(row, fields))
            for name in hidden(row) if hidden else ():
                changes[name] = {"old": None, "new": MASK}
            self.events.append(
                Event(
                    kind=AuditKind.CHANGE,
                    action=_ACTIONS[model],
                    actor=self.actor,
                    obj=row,
                    school=school(row) if school else None,
                    pupil=pupil(row) if pupil else None,
                    changes=changes,
                    detail=DETAIL,
                )
            )
        return list(rows)


def load_demo(plan: DemoPlan, *, password: str) -> DemoSummary:
    """Write ``plan`` to the database in one transaction, with its audit trail."""
    w = _Writer()
    with transaction.atomic():
        (owner,) = w.create([SchoolOwner(name=OWNER_NAME, source_id="demo:owner")])
        schools = w.create(
            [
                School(
                    owner=owner,
                    name=s.name,
                    grade_from=s.grade_from,
                    grade_to=s.grade_to,
                    source_id=s.key,
                )
                for s in plan.schools
            ],
            school=lambda s: s,
        )
        (year,) = w.create(
            [
                SchoolYear(
                    owner=owner,
                    name=YEAR_NAME,
                    start_date=YEAR_START,
                    end_date=YEAR_END,
                    source_id="demo:year:2026",
                )
            ]
        )
        w.create(
            [
                Term(
                    owner=owner,
                    school_year=year,
                    name=name,
                    start_date=start,
                    end_date=end,
                    source_id=f"demo:term:{n}",
                )
                for n, (name, start, end) in enumerate(TERMS, start=1)
            ]
        )
        groups = {
            row.source_id: row
            for row in w.create(
                [
                    Group(
                        owner=owner,
                        school=schools[g.school],
                        school_year=year,
                        kind=g.kind,
                        name=g.name,
                        grade=g.grade,
                        subject=g.subject,
                        source_id=g.key,
                    )
                    for g in plan.groups
                ],
                school=lambda g: g.school,
            )
        }
        pupils = {
            row.source_id: row
            for row in w.create(
                [
                    Pupil(
                        owner=owner,
                        school=schools[x.school],
                        given_name=x.given_name,
                        family_name=x.family_name,
                        birth_date=x.birth_date,
                        grade=x.grade,
                        source_id=x.key,
                    )
                    for x in plan.pupils
                ],
                school=lambda x: x.school,
                pupil=lambda x: x,
            )
        }
        w.create(
            [
                Enrollment(group=groups[g.key], pupil=pupils[key], start_date=YEAR_START)
                for g in plan.groups
                for key in g.pupils
            ],
            school=lambda e: e.group.school,
            pupil=lambda e: e.pupil,
        )

        # One hash for every persona: argon2 is slow on purpose, and the demo password is
        # printed for all to see anyway.
        hashed = make_password(password)
        logins = [
            *((g.username, g.given_name, g.family_name, g.email) for g in plan.guardians),
            *((s.username, s.given_name, s.family_name, s.email) for s in plan.staff),
        ]
        users = {
            u.username: u
            for u in User.objects.bulk_create(
                [
                    User(
                        username=username,
                        first_name=given,
                        last_name=family,
                        email=email,
                        password=hashed,
                    )
                    for username, given, family, email in logins
                    if username
                ]
            )
        }

        confidential = {link.guardian for link in plan.guardianships if link.confidential_address}
        guardians = {
            row.source_id: row
            for row in w.create(
                [
                    Guardian(
                        owner=owner,
                        given_name=g.given_name,
                        family_name=g.family_name,
                        email=g.email,
                        phone=g.phone,
                        address=g.address,
                        preferred_language=g.preferred_language,
                        needs_interpreter=g.needs_interpreter,
                        contact_windows=g.contact_windows,
                        user=users.get(g.username),
                        source_id=g.key,
                    )
                    for g in plan.guardians
                ],
                # A confidential address must not reach the audit page either.
                hidden=lambda g: ("address",) if g.source_id in confidential else (),
            )
        }
        w.create(
            [
                Guardianship(
                    pupil=pupils[link.pupil],
                    guardian=guardians[link.guardian],
                    relation=link.relation,
                    parental_responsibility=link.parental_responsibility,
                    lives_with=link.lives_with,
                    confidential_address=link.confidential_address,
                )
                for link in plan.guardianships
            ],
            school=lambda link: link.pupil.school,
            pupil=lambda link: link.pupil,
        )

        staff = {
            row.source_id: row
            for row in w.create(
                [
                    Staff(
                        owner=owner,
                        given_name=s.given_name,
                        family_name=s.family_name,
                        email=s.email,
                        phone=s.phone,
                        # Feide user name (eduPersonPrincipalName): the work address here.
                        username=s.email,
                        user=users.get(s.username),
                        source_id=s.key,
                    )
                    for s in plan.staff
                ]
            )
        }
        w.create(
            [
                StaffRole(
                    staff=staff[s.key],
                    school=schools[school] if school is not None else None,
                    role=role,
                )
                for s in plan.staff
                for school, role in s.roles
            ],
            school=lambda r: r.school,
        )
        w.create(
            [
                GroupTeacher(group=groups[g.key], staff=staff[key], is_contact_teacher=is_contact)
                for g in plan.groups
                for key, is_contact in g.teachers
            ],
            school=lambda t: t.group.school,
        )

        admin = users[p.ADMIN.username]
        TOTPDevice.objects.create(user=admin, name="Sammen", key=plan.totp_key, confirmed=True)
        w.events.append(
            Event(AuditKind.CHANGE, actions.TOTP_DEVICE_CONFIRMED, w.actor, admin, detail=DETAIL)
        )
        summary = DemoSummary(
            schools=len(schools),
            groups=len(groups),
            pupils=len(pupils),
            guardians=len(guardians),
            staff=len(staff),
            users=len(users),
            audit_events=len(w.events) + 1,
        )
        w.events.append(
            Event(
                AuditKind.CHANGE,
                actions.DEMO_DATA_LOADED,
                w.actor,
                owner,
                detail=(
                    f"seed {plan.seed}: {summary.schools} schools, {summary.pupils} pupils, "
                    f"{summary.guardians} guardians, {summary.staff} staff"
                ),
            )
        )
        record_many(w.events)
    return summary
