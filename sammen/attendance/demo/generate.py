"""The whole demo's attendance as plain data: every pupil's full year simulated, then cut at
"today" (pure, no database; ``write.py`` stores it).

The records before today are exactly the full-year simulation's; of today itself only what a
school knows by the morning is kept (whole-day absences and lateness to the first lesson), and
never anything later. Guardian reports end today at the latest; a report of today is kept only
with its records, and planned leave after today is left out.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date

from sammen.attendance.demo import personas as demo_personas
from sammen.attendance.demo.calendar import SchoolDay, school_days
from sammen.attendance.demo.model import pupil_year
from sammen.attendance.demo.patterns import PERSONA_CLASS_PATTERNS, Pattern
from sammen.attendance.demo.timetable import Timetable, plan_timetable
from sammen.attendance.demo.year import DemoMark, DemoReport, Lesson, Profile, Week
from sammen.attendance.models import Kind, ReportedBy
from sammen.roster.demo.plan import DemoPlan, PupilPlan
from sammen.roster.models import GroupKind


@dataclass
class PupilAttendance:
    pupil: PupilPlan
    profile: Profile
    marks: list[DemoMark] = field(default_factory=list)
    reports: list[DemoReport] = field(default_factory=list)


@dataclass
class AttendancePlan:
    today: date
    timetable: Timetable
    pupils: list[PupilAttendance]

    @property
    def patterns(self) -> dict[str, Pattern]:
        """Pupil key → pattern, for every pupil who is not ordinary."""
        return {
            x.pupil.key: x.profile.pattern
            for x in self.pupils
            if x.profile.pattern != Pattern.ORDINARY
        }


def pupil_weeks(plan: DemoPlan, timetable: Timetable) -> dict[str, Week]:
    """Each pupil's lessons by weekday, from the teaching groups the pupil is in."""
    weeks: dict[str, dict[int, list[Lesson]]] = defaultdict(lambda: defaultdict(list))
    for group in plan.groups:
        if group.kind != GroupKind.TEACHING:
            continue
        for slot in timetable.get(group.key, ()):
            lesson = Lesson(slot.period, group.key, group.subject)
            for key in group.pupils:
                weeks[key][slot.weekday].append(lesson)
    return {
        key: {d: sorted(lessons, key=lambda x: x.period) for d, lessons in days.items()}
        for key, days in weeks.items()
    }


def planted_patterns(plan: DemoPlan) -> dict[str, Pattern]:
    """Which pupils of the personas' class get which pattern (``PERSONA_CLASS_PATTERNS``)."""
    keys = sorted(
        x.key
        for x in demo_personas.persona_class_pupils(plan)
        if (x.given_name, x.family_name) not in demo_personas.PERSONA_CHILDREN
    )
    # Not for secrets: which pupil shows which pattern follows from the seed.
    random.Random(f"patterns:{plan.seed}").shuffle(keys)  # noqa: S311
    return dict(zip(keys, PERSONA_CLASS_PATTERNS, strict=False))


def plan_attendance(plan: DemoPlan, *, today: date) -> AttendancePlan:
    timetable = plan_timetable(plan)
    weeks = pupil_weeks(plan, timetable)
    planted = planted_patterns(plan)
    calendars: dict[bool, list[SchoolDay]] = {s: school_days(s) for s in (False, True)}
    pupils = []
    for pupil in plan.pupils:
        days = calendars[plan.schools[pupil.school].secondary]
        week = weeks.get(pupil.key, {})
        profile, year = pupil_year(
            plan.seed, pupil.key, pupil.grade, days, week, planted.get(pupil.key)
        )
        marks = [m for m in year.marks if known_by(m, today)]
        reported_today = any(
            m.date == today and m.reported_by == ReportedBy.GUARDIAN for m in marks
        )
        reports = [
            _until(r, today)
            for r in year.reports
            if r.first_day < today or (r.first_day == today and reported_today)
        ]
        pupils.append(PupilAttendance(pupil, profile, marks, reports))
    return AttendancePlan(today, timetable, pupils)


def known_by(mark: DemoMark, today: date) -> bool:
    """Whether the school knows of ``mark`` on the morning of ``today``."""
    if mark.date < today:
        return True
    if mark.date > today:
        return False
    return mark.period is None or (mark.kind == Kind.LATE and mark.period == 1)


def _until(report: DemoReport, today: date) -> DemoReport:
    return replace(report, last_day=min(report.last_day, today))
