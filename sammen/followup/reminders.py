"""Evaluation dates and action items that are due or overdue: for the leader's page, a case
member's list, and the daily ``followup_reminders`` job."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet

from sammen.followup.models import ActionItem, Case, Measure, Status
from sammen.followup.plans import OPEN_STATUSES
from sammen.roster.models import Pupil

SOON_DAYS = 7


@dataclass(frozen=True)
class Due:
    evaluations: list[Measure]
    actions: list[ActionItem]

    def __len__(self) -> int:
        return len(self.evaluations) + len(self.actions)


def due(cases: QuerySet[Case], until: date) -> Due:
    """Evaluations of measures still going and action items not done, due on or before
    ``until``, of the open ``cases``. Two queries."""
    open_cases = cases.filter(status=Status.OPEN)
    evaluations = list(
        Measure.objects.filter(
            case__in=open_cases, status__in=OPEN_STATUSES, evaluate_on__lte=until
        )
        .select_related("case__pupil")
        .order_by("evaluate_on", "pk")
    )
    items = list(
        ActionItem.objects.filter(case__in=open_cases, done_on__isnull=True, due_on__lte=until)
        .select_related("case__pupil")
        .order_by("due_on", "pk")
    )
    return Due(evaluations, items)


def overdue(cases: QuerySet[Case], today: date) -> Due:
    return due(cases, today - timedelta(days=1))


def soon(cases: QuerySet[Case], today: date) -> Due:
    return due(cases, today + timedelta(days=SOON_DAYS))


def pupils_in(found: Due) -> list[Pupil]:
    """Each pupil named by ``found`` once, for the audit of who was read."""
    seen: dict[int, Pupil] = {}
    for case in [m.case for m in found.evaluations] + [a.case for a in found.actions]:
        seen.setdefault(case.pupil_id, case.pupil)
    return list(seen.values())
