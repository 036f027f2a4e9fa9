"""Reads for the fortnightly review: a class's pupils in their halves, this week's agenda with
attendance since each pupil's last review, and who may own an action item. A fixed number of
queries whatever the size of the class."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q

from sammen.cooperation import access, queries, rhythm
from sammen.cooperation.models import ActionItem, Review, ReviewSetup
from sammen.cooperation.review import place_newcomers
from sammen.roster.access import viewer_for
from sammen.roster.models import Group, GroupTeacher, Pupil, Role, Staff, StaffRole

# A pupil never reviewed: attendance over the last two weeks.
FIRST_LOOK_DAYS = 14


def class_pupils(user: Any, group: Group, today: date) -> list[Pupil]:
    """The class's current pupils whose cooperation the user sees, in name order."""
    current = Q(enrollments__start_date__isnull=True) | Q(enrollments__start_date__lte=today)
    current &= Q(enrollments__end_date__isnull=True) | Q(enrollments__end_date__gte=today)
    return list(
        access.coop_pupils(user)
        .filter(current, enrollments__group=group, active=True)
        .select_related("school")
        .order_by("family_name", "given_name", "pk")
        .distinct()
    )


@dataclass
class AgendaRow:
    pupil: Pupil
    half: int
    attendance: queries.Attendance
    open_flags: int
    last_review: Review | None
    reviewed_this_week: bool
    open_items: int


@dataclass
class Agenda:
    setup: ReviewSetup
    week_half: int
    monday: date
    rows: list[AgendaRow]

    @property
    def this_week(self) -> list[AgendaRow]:
        return [r for r in self.rows if r.half == self.week_half]

    @property
    def other_half(self) -> list[AgendaRow]:
        return [r for r in self.rows if r.half != self.week_half]

    @property
    def sizes(self) -> tuple[int, int]:
        return (
            sum(1 for r in self.rows if r.half == 0),
            sum(1 for r in self.rows if r.half == 1),
        )


def agenda(setup: ReviewSetup, pupils: list[Pupil], today: date) -> Agenda:
    halves = place_newcomers(setup, pupils)
    ids = [p.pk for p in pupils]
    monday = rhythm.monday_of(today)
    last = queries.last_reviews(ids, today)
    since = {
        pid: (last[pid].held_on if pid in last else today - timedelta(days=FIRST_LOOK_DAYS))
        for pid in ids
    }
    # The review held this week is the one being done: attendance since the one before it.
    before = _reviews_before(ids, monday)
    for pid, review in last.items():
        if review.held_on >= monday:
            since[pid] = before.get(pid, today - timedelta(days=FIRST_LOOK_DAYS))
    attendance = queries.attendance_since(ids, since)
    flags = queries.open_flag_counts(ids)
    items = dict(
        ActionItem.objects.filter(pupil_id__in=ids, done_on__isnull=True)
        .values("pupil_id")
        .annotate(n=Count("pk"))
        .values_list("pupil_id", "n")
    )
    rows = [
        AgendaRow(
            pupil=p,
            half=halves[p.pk],
            attendance=attendance[p.pk],
            open_flags=flags.get(p.pk, 0),
            last_review=last.get(p.pk),
            reviewed_this_week=p.pk in last and last[p.pk].held_on >= monday,
            open_items=items.get(p.pk, 0),
        )
        for p in pupils
    ]
    return Agenda(setup, rhythm.half_of_week(setup.first_monday, today), monday, rows)


def _reviews_before(ids: list[int], monday: date) -> dict[int, date]:
    out: dict[int, date] = {}
    for pid, held in (
        Review.objects.filter(pupil_id__in=ids, held_on__lt=monday)
        .order_by("-held_on")
        .values_list("pupil_id", "held_on")
    ):
        out.setdefault(pid, held)
    return out


def owners_for(user: Any, group: Group, pupil: Pupil) -> list[Staff]:
    """Who can own an action item: the pupil's teachers, the school's leaders, and oneself."""
    viewer = viewer_for(user)
    groups = pupil.enrollments.values("group_id")
    teachers = GroupTeacher.objects.filter(Q(group=group) | Q(group_id__in=groups)).values(
        "staff_id"
    )
    leaders = StaffRole.objects.filter(school=group.school, role=Role.LEADER).values("staff_id")
    condition = Q(pk__in=teachers) | Q(pk__in=leaders)
    if viewer.staff is not None:
        condition |= Q(pk=viewer.staff.pk)
    return list(Staff.objects.filter(condition).order_by("family_name", "given_name"))
