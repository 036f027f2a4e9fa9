"""Planning the demo's schools: the classes and their sizes, the staff, the groups they teach."""

from __future__ import annotations

import random
import string

from sammen.roster.demo import names
from sammen.roster.demo import personas as p
from sammen.roster.demo.plan import (
    CLASS_SIZE,
    MIN_CLASS_SIZE,
    GroupPlan,
    PupilPlan,
    SchoolPlan,
    StaffPlan,
)
from sammen.roster.demo.planner_base import PlannerPart, SchoolClass, Unique
from sammen.roster.models import GroupKind, Role

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


def _letter(n: int) -> str:
    """A, B, …, Z, then AA, AB, … for a very large demo."""
    letters = string.ascii_uppercase
    return letters[n] if n < len(letters) else letters[n // len(letters) - 1] + letters[n % 26]


class SchoolsPlanner(PlannerPart):
    def __init__(
        self, rng: random.Random, schools: list[SchoolPlan], total: int, unique: Unique
    ) -> None:
        super().__init__(rng, schools, total, unique)
        self.staff: list[StaffPlan] = []
        self.staff_names: set[tuple[str, str]] = {(x.given_name, x.family_name) for x in p.PERSONAS}

    # Classes and seats ---------------------------------------------------------------------

    def classes(self) -> list[SchoolClass]:
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

        classes: list[SchoolClass] = []
        for slot in slots:
            for n in range(per_slot[slot]):
                classes.append(SchoolClass(slot[0], slot[1], _letter(n), 0))
        for c, size in zip(classes, sizes, strict=True):
            c.size = size
        return classes

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

    def groups(
        self, classes: list[SchoolClass], seat_class: list[int], pupils: dict[int, PupilPlan]
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
