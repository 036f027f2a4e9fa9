"""Planning the demo's families: which pupils are siblings, everyone's names, the guardians and
their links to the pupils."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

from sammen.roster.demo import names
from sammen.roster.demo import personas as p
from sammen.roster.demo.names import Origin
from sammen.roster.demo.plan import (
    PLACES,
    YEAR_START,
    GuardianPlan,
    GuardianshipPlan,
    PupilPlan,
    SchoolPlan,
)
from sammen.roster.demo.planner_base import PlannerPart, SchoolClass, Unique, class_index
from sammen.roster.models import Language, Relation

T = TypeVar("T")

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


class FamiliesPlanner(PlannerPart):
    def __init__(
        self, rng: random.Random, schools: list[SchoolPlan], total: int, unique: Unique
    ) -> None:
        super().__init__(rng, schools, total, unique)
        self.pupil_names: set[tuple[int, str, str]] = set()

    # Families --------------------------------------------------------------------------------

    def families(self, classes: list[SchoolClass], seat_class: list[int]) -> list[_Family]:
        rng = self.rng
        seats_of: dict[int, list[int]] = {}
        for seat, ci in enumerate(seat_class):
            seats_of.setdefault(ci, []).append(seat)
        c9b = class_index(
            classes, self.first_secondary, p.PERSONA_CLASS_GRADE, p.PERSONA_CLASS_LETTER
        )
        c4a = class_index(classes, self.first_primary, p.FORELDER1_YOUNGER_GRADE, "A")
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

    def pupils(
        self, classes: list[SchoolClass], seat_class: list[int], families: list[_Family]
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
        classes: list[SchoolClass],
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

    def guardians(
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
