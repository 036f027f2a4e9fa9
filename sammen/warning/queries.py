"""Reads for the early-warning pages, on top of ``sammen.warning.access``.

Each function runs a fixed number of queries whatever the number of flags or pupils: the flags
with their pupils in one, the pupils' classes in one, their contact teachers in one.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from django.db.models import Count, Q, QuerySet

from sammen.attendance.access import CLASS_KINDS
from sammen.roster.models import Enrollment, GroupTeacher, Pupil, School
from sammen.warning import access, explain
from sammen.warning.models import Flag


@dataclass
class FlagRow:
    flag: Flag
    sentence: str
    rule_name: str
    overdue: bool
    form: Any = None  # the answer form, attached by the view


@dataclass
class PupilFlags:
    pupil: Pupil
    classes: list[str] = field(default_factory=list)
    class_keys: list[uuid.UUID] = field(default_factory=list)  # the classes' public ids
    contact_teachers: list[str] = field(default_factory=list)
    flags: list[FlagRow] = field(default_factory=list)

    @property
    def unanswered(self) -> int:
        return sum(1 for row in self.flags if not row.flag.answer)


def is_overdue(flag: Flag, today: date) -> bool:
    return not flag.answer and flag.due_on < today


def flag_row(flag: Flag, today: date) -> FlagRow:
    return FlagRow(
        flag=flag,
        sentence=explain.sentence(flag.rule, flag.evidence),
        rule_name=explain.rule_name(flag.rule),
        overdue=is_overdue(flag, today),
    )


def _flag_order(row: FlagRow) -> tuple[bool, date, int, int]:
    # Unanswered before answered; the earliest deadline first; the most serious first.
    return (bool(row.flag.answer), row.flag.due_on, -row.flag.level, row.flag.pk)


def _current(enrollments: QuerySet[Enrollment], today: date) -> QuerySet[Enrollment]:
    return enrollments.filter(
        Q(start_date__isnull=True) | Q(start_date__lte=today),
        Q(end_date__isnull=True) | Q(end_date__gte=today),
    )


class ClassRef(NamedTuple):
    group_id: int
    key: uuid.UUID  # the group's public id
    name: str


def classes_of(pupil_ids: Iterable[int], today: date) -> dict[int, list[ClassRef]]:
    """Each pupil's current classes (and contact-teacher groups): pupil id -> classes by name."""
    rows = _current(
        Enrollment.objects.filter(pupil_id__in=list(pupil_ids), group__kind__in=CLASS_KINDS),
        today,
    ).values_list("pupil_id", "group_id", "group__public_id", "group__name")
    out: dict[int, list[ClassRef]] = defaultdict(list)
    for pupil_id, group_id, key, name in rows.order_by("group__name"):
        out[pupil_id].append(ClassRef(group_id, key, name))
    return out


def contact_teachers_of(group_ids: Iterable[int]) -> dict[int, list[str]]:
    """The contact teachers' names of each group: group id -> names."""
    rows = (
        GroupTeacher.objects.filter(group_id__in=list(group_ids), is_contact_teacher=True)
        .values_list("group_id", "staff__given_name", "staff__family_name")
        .order_by("staff__family_name", "staff__given_name")
    )
    out: dict[int, list[str]] = defaultdict(list)
    for group_id, given, family in rows:
        out[group_id].append(f"{given} {family}".strip())
    return out


def group_by_pupil(
    flags: Sequence[Flag], today: date, *, with_teachers: bool = False
) -> list[PupilFlags]:
    """The flags grouped by pupil, each pupil with their classes (and contact teachers)."""
    by_pupil: dict[int, PupilFlags] = {}
    for flag in flags:
        entry = by_pupil.setdefault(flag.pupil_id, PupilFlags(pupil=flag.pupil))
        entry.flags.append(flag_row(flag, today))
    classes = classes_of(by_pupil, today)
    teachers: dict[int, list[str]] = {}
    if with_teachers:
        teachers = contact_teachers_of({c.group_id for rows in classes.values() for c in rows})
    for pupil_id, entry in by_pupil.items():
        entry.classes = [c.name for c in classes.get(pupil_id, [])]
        entry.class_keys = [c.key for c in classes.get(pupil_id, [])]
        names = [n for c in classes.get(pupil_id, []) for n in teachers.get(c.group_id, [])]
        entry.contact_teachers = list(dict.fromkeys(names))
        entry.flags.sort(key=_flag_order)
    return sorted(by_pupil.values(), key=_pupil_order)


def _pupil_order(entry: PupilFlags) -> tuple[tuple[bool, date, int, int], str, str]:
    return (
        _flag_order(entry.flags[0]),
        entry.pupil.family_name,
        entry.pupil.given_name,
    )


def queue(user: Any, today: date) -> list[PupilFlags]:
    """The open flags the user may see, answered or not, grouped by pupil."""
    flags = list(access.open_flags_for(user).select_related("pupil", "school", "answered_by"))
    return group_by_pupil(flags, today)


@dataclass(frozen=True)
class ClassOption:
    """A class in the queue's filter: its public id, name and how many flags wait in it."""

    key: uuid.UUID
    name: str
    waiting: int


def class_options(entries: Sequence[PupilFlags]) -> list[ClassOption]:
    """The classes of the queue's pupils, by name, each with its flags waiting for an answer (a
    pupil in two classes counts in both)."""
    names: dict[uuid.UUID, str] = {}
    waiting: dict[uuid.UUID, int] = defaultdict(int)
    for entry in entries:
        for key, name in zip(entry.class_keys, entry.classes, strict=True):
            names[key] = name
            waiting[key] += entry.unanswered
    return [
        ClassOption(key, names[key], waiting[key])
        for key in sorted(names, key=lambda k: (name_order(names[k]), str(k)))
    ]


def name_order(name: str) -> tuple[tuple[int, str], ...]:
    """A class name as people read it: 8A, 9A, 9B, 10A (the numbers by value, not as text)."""
    return tuple(
        (int(part), "") if part.isdecimal() else (0, part.casefold())
        for part in re.split(r"(\d+)", name)
    )


def in_class(entries: Sequence[PupilFlags], key: uuid.UUID) -> list[PupilFlags]:
    """The queue's pupils in one class."""
    return [entry for entry in entries if key in entry.class_keys]


@dataclass(frozen=True)
class RuleCount:
    rule: str
    name: str
    open: int
    unanswered: int


@dataclass(frozen=True)
class Overview:
    overdue: list[PupilFlags]
    overdue_flags: int
    by_rule: list[RuleCount]
    open_flags: int
    pupils: int


def overview(user: Any, school: School, today: date) -> Overview:
    """A school's open flags: the overdue ones in full, the rest counted by rule."""
    open_flags = access.open_flags_for(user).filter(school=school)
    overdue = list(
        open_flags.filter(answer="", due_on__lt=today).select_related(
            "pupil", "school", "answered_by"
        )
    )
    counts = {
        row["rule"]: row
        for row in open_flags.order_by()
        .values("rule")
        .annotate(open=Count("pk"), unanswered=Count("pk", filter=Q(answer="")))
    }
    by_rule = [
        RuleCount(rule, explain.rule_name(rule), counts[rule]["open"], counts[rule]["unanswered"])
        for rule in sorted(counts, key=lambda r: (-counts[r]["open"], r))
    ]
    totals = open_flags.order_by().aggregate(
        flags=Count("pk"), pupils=Count("pupil_id", distinct=True)
    )
    return Overview(
        overdue=group_by_pupil(overdue, today, with_teachers=True),
        overdue_flags=len(overdue),
        by_rule=by_rule,
        open_flags=totals["flags"],
        pupils=totals["pupils"],
    )
