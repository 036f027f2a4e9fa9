"""What the attendance demo means for the personas: their class, and the lessons they teach on a
given day (pure: from the seed, without the database, so a browser test can ask too)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from sammen.attendance.demo.calendar import lesson_times, school_days
from sammen.attendance.demo.timetable import plan_timetable
from sammen.roster.demo import personas as p
from sammen.roster.demo.plan import DemoPlan, PupilPlan
from sammen.roster.demo.planner import plan_demo

PERSONA_CHILDREN = frozenset({p.FORELDER1_OLDER_CHILD, p.FORELDER2_CHILD})


def persona_school(plan: DemoPlan) -> int:
    """The index of the lower secondary school where the staff personas work."""
    return next(i for i, s in enumerate(plan.schools) if s.secondary)


def persona_class_name() -> str:
    return f"{p.PERSONA_CLASS_GRADE}{p.PERSONA_CLASS_LETTER}"


def persona_class_pupils(plan: DemoPlan) -> list[PupilPlan]:
    school = persona_school(plan)
    return [x for x in plan.pupils if x.school == school and x.class_name == persona_class_name()]


@dataclass(frozen=True)
class TaughtLesson:
    group: str  # the teaching group's name, «9B Matematikk»
    subject: str
    period: int
    start: time
    end: time


def lessons_on(plan: DemoPlan, username: str, day: date) -> list[TaughtLesson]:
    """The lessons the staff member ``username`` teaches on ``day`` (none on a day off)."""
    staff = next((s for s in plan.staff if s.username == username), None)
    if staff is None:
        return []
    timetable = plan_timetable(plan)
    lessons: list[TaughtLesson] = []
    for group in plan.groups:
        if not any(key == staff.key for key, _ in group.teachers):
            continue
        school = plan.schools[group.school]
        if day not in {d.date for d in school_days(school.secondary)}:
            continue
        times = {n: (start, end) for n, start, end in lesson_times(school.secondary)}
        for slot in timetable.get(group.key, ()):
            if slot.weekday == day.weekday():
                start, end = times[slot.period]
                lessons.append(TaughtLesson(group.name, group.subject, slot.period, start, end))
    return sorted(lessons, key=lambda x: x.period)


def lesson_today_for(
    username: str,
    today: date | None = None,
    *,
    seed: int = 2026,
    schools: int = 2,
    pupils: int | None = None,
) -> TaughtLesson | None:
    """The first lesson ``username`` teaches on ``today`` in the demo loaded with these options
    (``sammen demo_data --seed N``), or None when there is none (a weekend, a holiday)."""
    plan = plan_demo(seed, schools=schools, pupils=pupils)
    lessons = lessons_on(plan, username, today or date.today())
    return lessons[0] if lessons else None
