"""The demo's weekly timetable, drawn from the roster plan and the seed (pure, no database).

Every class has a full week: 25 lessons at the barneskole (5 a day), 30 at the ungdomsskole
(6 a day), spread over its subject groups with the weekly hours below, which follow the shape of
Udir's fag- og timefordeling. Kunst og håndverk, Mat og helse and Kroppsøving come as double
lessons; a subject otherwise has at most one lesson a day. At the ungdomsskole the electives
(valgfag) and the language choice of a grade run as blocks of two lessons at the same time for all
its classes, since their groups cross the classes.

No teacher teaches two class groups at the same time. A teacher who holds two groups of one
elective or language block (the roster plan hands electives to teachers who take several) is
booked twice in that block; the demo does not model co-teaching. Teachers who can log in (the
personas) get at least one lesson on every weekday where their groups allow it, so that a
presenter always finds a lesson to register on a school day.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass

from sammen.roster.demo.plan import DemoPlan, GroupPlan
from sammen.roster.demo.planner_schools import LANGUAGE_CHOICES, VALGFAG
from sammen.roster.models import GroupKind

WEEKDAYS = 5
PRIMARY_LESSONS_PER_DAY = 5
SECONDARY_LESSONS_PER_DAY = 6

# Weekly lessons (45 minutes) per subject: grades 1–4, 5–7, 8–9 and 10.
_LOW = {
    "Norsk": 6,
    "Matematikk": 5,
    "Engelsk": 1,
    "Naturfag": 2,
    "Samfunnsfag": 2,
    "KRLE": 2,
    "Kunst og håndverk": 3,
    "Musikk": 2,
    "Kroppsøving": 2,
}
_MIDDLE = {
    "Norsk": 5,
    "Matematikk": 4,
    "Engelsk": 2,
    "Naturfag": 3,
    "Samfunnsfag": 3,
    "KRLE": 2,
    "Kunst og håndverk": 2,
    "Musikk": 1,
    "Kroppsøving": 2,
    "Mat og helse": 1,
}
_SECONDARY = {
    "Norsk": 4,
    "Matematikk": 4,
    "Engelsk": 2,
    "Naturfag": 3,
    "Samfunnsfag": 3,
    "KRLE": 2,
    "Kroppsøving": 2,
    "Kunst og håndverk": 2,
    "Musikk": 1,
    "Mat og helse": 2,
    "Utdanningsvalg": 1,
}
_TENTH = {**_SECONDARY, "Engelsk": 3, "Kroppsøving": 3}
del _TENTH["Mat og helse"]
DOUBLE_LESSON_SUBJECTS = frozenset({"Kunst og håndverk", "Mat og helse", "Kroppsøving"})
BLOCK_LESSONS = 2  # valgfag, and the language choice, per week
_BLOCKS = {**dict.fromkeys(VALGFAG, "valgfag"), **{o: "language" for o, _ in LANGUAGE_CHOICES}}
_ATTEMPTS = 50  # per school; each tries every class up to _CLASS_ATTEMPTS times
_CLASS_ATTEMPTS = 30


def weekly_hours(grade: int) -> dict[str, int]:
    if grade <= 4:
        return _LOW
    if grade <= 7:
        return _MIDDLE
    return _TENTH if grade == 10 else _SECONDARY


@dataclass(frozen=True)
class Slot:
    """A group's weekly lesson: weekday (0 = Monday) and lesson number (from 1)."""

    weekday: int
    period: int


Timetable = dict[str, list[Slot]]  # group key → its weekly slots


def lessons_per_day(secondary: bool) -> int:
    return SECONDARY_LESSONS_PER_DAY if secondary else PRIMARY_LESSONS_PER_DAY


def plan_timetable(plan: DemoPlan) -> Timetable:
    """Every teaching group's weekly slots, the same for the same plan."""
    persona_staff = {s.key for s in plan.staff if s.username}
    timetable: Timetable = {}
    for index, school in enumerate(plan.schools):
        groups = [g for g in plan.groups if g.school == index and g.kind == GroupKind.TEACHING]
        periods = lessons_per_day(school.secondary)
        for attempt in range(_ATTEMPTS):
            # Not for secrets: the timetable must follow from the seed.
            rng = random.Random(f"timetable:{plan.seed}:{index}:{attempt}")  # noqa: S311
            placed = _School(rng, periods, persona_staff, strict=attempt < _ATTEMPTS - 1).place(
                groups
            )
            if placed is not None:
                timetable.update(placed)
                break
    return timetable


@dataclass
class _Lesson:
    group: GroupPlan
    size: int  # 1, or 2 for a double lesson

    @property
    def teacher(self) -> str:
        return self.group.teachers[0][0] if self.group.teachers else ""


class _School:
    """One attempt at a school's week; ``place`` returns None when it paints itself into a
    corner, and the caller tries again with the next random stream."""

    def __init__(
        self, rng: random.Random, periods: int, persona_staff: set[str], *, strict: bool
    ) -> None:
        self.rng = rng
        self.periods = periods
        self.persona_staff = persona_staff
        # The last attempt may double-book a teacher rather than leave a class without lessons.
        self.strict = strict
        self.slots = [Slot(d, p) for d in range(WEEKDAYS) for p in range(1, periods + 1)]
        self.class_busy: dict[str, set[Slot]] = defaultdict(set)
        self.teacher_busy: dict[str, set[Slot]] = defaultdict(set)
        self.subject_days: dict[tuple[str, str], set[int]] = defaultdict(set)
        self.result: Timetable = defaultdict(list)

    def place(self, groups: list[GroupPlan]) -> Timetable | None:
        by_class: dict[str, list[GroupPlan]] = defaultdict(list)
        blocks: dict[tuple[int, str], list[GroupPlan]] = defaultdict(list)
        for group in groups:
            block = _BLOCKS.get(group.subject)
            if block is not None:
                blocks[(group.grade, block)].append(group)
            else:
                by_class[group.name.split(" ", 1)[0]].append(group)
        classes_of_grade: dict[int, list[str]] = defaultdict(list)
        for class_name, class_groups in by_class.items():
            classes_of_grade[class_groups[0].grade].append(class_name)
        for (grade, _block), members in sorted(blocks.items()):
            if not self._place_block(members, classes_of_grade[grade]):
                return None
        load: dict[str, int] = defaultdict(int)
        for group in groups:
            if group.teachers:
                load[group.teachers[0][0]] += weekly_hours(group.grade).get(group.subject, 0)
        class_names = sorted(by_class)
        self.rng.shuffle(class_names)
        # The personas' classes first, so their teachers can be given a lesson every day.
        class_names.sort(key=lambda c: not any(self._persona(g) for g in by_class[c]))
        for class_name in class_names:
            lessons = self._lessons(by_class[class_name])
            lessons.sort(
                key=lambda x: (not self._persona(x.group), -x.size, -load[x.teacher], x.group.key)
            )
            if not any(self._place_class(class_name, lessons) for _ in range(_CLASS_ATTEMPTS)):
                return None
        return dict(self.result)

    def _place_class(self, class_name: str, lessons: list[_Lesson]) -> bool:
        """Place one class's lessons, or undo them all and return False."""
        done: list[tuple[_Lesson, list[Slot]]] = []
        for lesson in lessons:
            cells = self._choose(class_name, lesson)
            if cells is None:
                for undo, undo_cells in done:
                    for cell in undo_cells:
                        self.class_busy[class_name].discard(cell)
                        self.teacher_busy[undo.teacher].discard(cell)
                        self.result[undo.group.key].remove(cell)
                    self.subject_days[(class_name, undo.group.subject)].clear()
                return False
            for cell in cells:
                self.class_busy[class_name].add(cell)
                self.teacher_busy[lesson.teacher].add(cell)
                self.result[lesson.group.key].append(cell)
            self.subject_days[(class_name, lesson.group.subject)].add(cells[0].weekday)
            done.append((lesson, cells))
        return True

    def _persona(self, group: GroupPlan) -> bool:
        return any(key in self.persona_staff for key, _ in group.teachers)

    def _lessons(self, groups: list[GroupPlan]) -> list[_Lesson]:
        lessons = []
        for group in groups:
            hours = weekly_hours(group.grade).get(group.subject, 0)
            doubles = hours // 2 if group.subject in DOUBLE_LESSON_SUBJECTS else 0
            lessons += [_Lesson(group, 2)] * doubles
            lessons += [_Lesson(group, 1)] * (hours - 2 * doubles)
        return lessons

    def _place_block(self, members: list[GroupPlan], classes: list[str]) -> bool:
        teachers = {key for g in members for key, _ in g.teachers}
        free = [
            s
            for s in self.slots
            if not any(s in self.class_busy[c] for c in classes)
            and not any(s in self.teacher_busy[t] for t in teachers)
        ]
        # Electives and languages tend to sit late in the day.
        free.sort(key=lambda s: (-s.period, self.rng.random()))
        chosen: list[Slot] = []
        for slot in free:
            if all(slot.weekday != c.weekday for c in chosen):
                chosen.append(slot)
            if len(chosen) == BLOCK_LESSONS:
                break
        if len(chosen) < BLOCK_LESSONS:
            return False
        for slot in chosen:
            for c in classes:
                self.class_busy[c].add(slot)
            for t in teachers:
                self.teacher_busy[t].add(slot)
            for group in members:
                self.result[group.key].append(slot)
        return True

    def _choose(self, class_name: str, lesson: _Lesson) -> list[Slot] | None:
        group = lesson.group
        used_days = self.subject_days[(class_name, group.subject)]
        teacher_days = {s.weekday for s in self.teacher_busy[lesson.teacher]}
        candidates: list[tuple[float, list[Slot]]] = []
        for slot in self.slots:
            if slot.period + lesson.size - 1 > self.periods:
                continue
            cells = [Slot(slot.weekday, slot.period + n) for n in range(lesson.size)]
            if any(c in self.class_busy[class_name] for c in cells):
                continue
            if self.strict and any(c in self.teacher_busy[lesson.teacher] for c in cells):
                continue
            # A subject twice in a day only when the week leaves no other room.
            score = self.rng.random() + 10.0 * (slot.weekday in used_days)
            if self._persona(group) and slot.weekday not in teacher_days:
                score -= 3.0
            if group.subject in ("Norsk", "Matematikk") and slot.period <= 3:
                score -= 0.5
            candidates.append((score, cells))
        if not candidates:
            return None
        return min(candidates, key=lambda c: c[0])[1]
