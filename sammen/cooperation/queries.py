"""Reads for the cooperation pages, on top of ``sammen.cooperation.access``.

Each list runs a fixed number of queries whatever the number of pupils: the pupils with their
cadence in one, then one each for the schools' standards, the last conversations, the recent
tones, the last reviews, the classes, the guardians and the families' needs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Avg, Count, Max, Q, QuerySet
from django.db.models.functions import TruncMonth

from sammen.attendance.models import PupilWeek
from sammen.cooperation import access, rhythm
from sammen.cooperation.models import (
    CONVERSATION_KINDS,
    DEFAULT_CADENCE_DAYS,
    DEFAULT_ESCALATE_AFTER_DAYS,
    Cadence,
    Channel,
    Contact,
    CooperationStandard,
    FamilyNeeds,
    FeltHeard,
    Review,
)
from sammen.roster.models import Guardianship, Pupil, School
from sammen.warning.models import Flag
from sammen.warning.queries import classes_of

# How far back the due list looks for the last review to bring to the call.
REVIEW_LOOKBACK_DAYS = 120


@dataclass(frozen=True)
class Rules:
    cadence_days: int = DEFAULT_CADENCE_DAYS
    escalate_after_days: int = DEFAULT_ESCALATE_AFTER_DAYS


@dataclass
class CallRow:
    pupil: Pupil
    cadence: Cadence | None
    every_days: int
    channel: str
    window: str
    last_contact: date | None
    due: rhythm.Due
    balance: rhythm.Balance
    classes: list[str] = field(default_factory=list)
    last_review: Review | None = None
    guardians: list[Guardianship] = field(default_factory=list)
    needs: FamilyNeeds | None = None

    @property
    def by_default(self) -> bool:
        """On the list because of an open early-warning flag, not a cadence someone set."""
        return self.cadence is None


def rules_of(school_ids: Iterable[int]) -> dict[int, Rules]:
    found = CooperationStandard.objects.filter(school_id__in=list(school_ids))
    return {s.school_id: Rules(s.cadence_days, s.escalate_after_days) for s in found}


def _on_the_list(pupils: QuerySet[Pupil]) -> QuerySet[Pupil]:
    """Pupils with an active cadence, and pupils in follow-up (an open early-warning flag) who
    get the school's default cadence until someone sets one."""
    flagged = Flag.objects.filter(closed_on__isnull=True).values("pupil_id")
    return pupils.filter(
        Q(cadence__active=True) | (Q(pk__in=flagged) & Q(cadence__isnull=True))
    ).select_related("school", "cadence")


def last_conversations(pupil_ids: list[int]) -> dict[int, date]:
    rows = (
        Contact.objects.filter(pupil_id__in=pupil_ids, kind__in=CONVERSATION_KINDS)
        .values("pupil_id")
        .annotate(last=Max("on"))
        .values_list("pupil_id", "last")
    )
    return dict(rows)


def recent_tones(pupil_ids: list[int], today: date) -> dict[int, rhythm.Balance]:
    since = today - timedelta(days=rhythm.BALANCE_DAYS)
    tones: dict[int, list[str]] = defaultdict(list)
    for pupil_id, tone in Contact.objects.filter(
        pupil_id__in=pupil_ids, on__gte=since, on__lte=today
    ).values_list("pupil_id", "tone"):
        tones[pupil_id].append(tone)
    return {pid: rhythm.balance(tones.get(pid, [])) for pid in pupil_ids}


def last_reviews(pupil_ids: list[int], today: date) -> dict[int, Review]:
    since = today - timedelta(days=REVIEW_LOOKBACK_DAYS)
    out: dict[int, Review] = {}
    for review in Review.objects.filter(
        pupil_id__in=pupil_ids, held_on__gte=since, held_on__lte=today
    ).order_by("-held_on", "-pk"):
        out.setdefault(review.pupil_id, review)
    return out


def guardians_of(pupil_ids: list[int]) -> dict[int, list[Guardianship]]:
    """The guardians with parental responsibility: the ones the school calls."""
    out: dict[int, list[Guardianship]] = defaultdict(list)
    for link in (
        Guardianship.objects.filter(pupil_id__in=pupil_ids, parental_responsibility=True)
        .select_related("guardian")
        .order_by("guardian__family_name", "guardian__given_name")
    ):
        out[link.pupil_id].append(link)
    return out


def calls(
    user: Any, today: date, *, school: School | None = None, pupil: Pupil | None = None
) -> list[CallRow]:
    """The fixed contacts the user makes (or, for a leader, the school's): due first."""
    pupils_qs = access.coop_pupils(user)
    if school is not None:
        pupils_qs = pupils_qs.filter(school=school)
    if pupil is not None:
        pupils_qs = pupils_qs.filter(pk=pupil.pk)
    pupils = list(_on_the_list(pupils_qs))
    ids = [p.pk for p in pupils]
    if not ids:
        return []
    rules = rules_of({p.school_id for p in pupils})
    last = last_conversations(ids)
    tones = recent_tones(ids, today)
    reviews = last_reviews(ids, today)
    classes = classes_of(ids, today)
    guardians = guardians_of(ids)
    needs = {n.pupil_id: n for n in FamilyNeeds.objects.filter(pupil_id__in=ids)}
    rows = []
    for child in pupils:
        rule = rules.get(child.school_id, Rules())
        cadence = getattr(child, "cadence", None)
        every = cadence.every_days if cadence else rule.cadence_days
        # A pupil on the list by an open flag alone is due at once if never contacted.
        started = cadence.started_on if cadence else today - timedelta(days=every)
        due_on = rhythm.due_date(
            last_contact=last.get(child.pk), started_on=started, every_days=every
        )
        rows.append(
            CallRow(
                pupil=child,
                cadence=cadence,
                every_days=every,
                channel=str(cadence.get_channel_display() if cadence else Channel.PHONE.label),
                window=str(cadence.get_window_display()) if cadence else "",
                last_contact=last.get(child.pk),
                due=rhythm.due_status(due_on, today, escalate_after_days=rule.escalate_after_days),
                balance=tones[child.pk],
                classes=[c.name for c in classes.get(child.pk, [])],
                last_review=reviews.get(child.pk),
                guardians=guardians.get(child.pk, []),
                needs=needs.get(child.pk),
            )
        )
    rows.sort(key=lambda r: (r.due.due_on, r.pupil.family_name, r.pupil.given_name))
    return rows


# Felt heard ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthAverage:
    month: date
    average: float
    answers: int


def felt_heard_by_month(school: School, today: date, months: int = 12) -> list[MonthAverage]:
    since = (today.replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    rows = (
        FeltHeard.objects.filter(school=school, contact__on__gte=since)
        .annotate(month=TruncMonth("contact__on"))
        .values("month")
        .annotate(average=Avg("score"), answers=Count("pk"))
        .order_by("month")
    )
    return [MonthAverage(r["month"], float(r["average"]), r["answers"]) for r in rows]


# Attendance since the last review --------------------------------------------------------------


@dataclass(frozen=True)
class Attendance:
    since: date
    school_days: int
    planned: int
    absent: int
    absent_days: int
    unexplained: int
    late: int

    @property
    def percent(self) -> float:
        return 100 * self.absent / self.planned if self.planned else 0.0


def attendance_since(pupil_ids: list[int], since: dict[int, date]) -> dict[int, Attendance]:
    """Each pupil's weekly totals from the week of ``since[pupil]`` on, in one query."""
    if not pupil_ids:
        return {}
    earliest = rhythm.monday_of(min(since.values()))
    sums: dict[int, list[int]] = {pid: [0] * 6 for pid in pupil_ids}
    for week in PupilWeek.objects.filter(pupil_id__in=pupil_ids, week_start__gte=earliest):
        if week.week_start < rhythm.monday_of(since[week.pupil_id]):
            continue
        row = sums[week.pupil_id]
        for i, value in enumerate(
            (
                week.school_days,
                week.planned_lessons,
                week.absent_lessons,
                week.absent_days,
                week.unexplained_lessons,
                week.late_count,
            )
        ):
            row[i] += value
    return {pid: Attendance(since[pid], *sums[pid]) for pid in pupil_ids}


def open_flag_counts(pupil_ids: list[int]) -> dict[int, int]:
    rows = (
        Flag.objects.filter(pupil_id__in=pupil_ids, closed_on__isnull=True)
        .values("pupil_id")
        .annotate(n=Count("pk"))
        .values_list("pupil_id", "n")
    )
    return dict(rows)
