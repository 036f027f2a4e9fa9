"""The scheduled job's work: fixed contacts overdue past the school's limit are shown to the
school leader (``Cadence.escalated_on``), once each, until the next conversation clears it."""

from __future__ import annotations

from datetime import date

from sammen.audit.log import Actor
from sammen.cooperation import rhythm, services
from sammen.cooperation.models import Cadence
from sammen.cooperation.queries import Rules, last_conversations, rules_of


def escalate(today: date) -> int:
    """Escalate every overdue fixed contact past its school's limit; the number escalated."""
    cadences = list(
        Cadence.objects.filter(active=True, escalated_on__isnull=True).select_related(
            "pupil__school"
        )
    )
    if not cadences:
        return 0
    ids = [c.pupil_id for c in cadences]
    last = last_conversations(ids)
    rules = rules_of({c.pupil.school_id for c in cadences})
    due = []
    for cadence in cadences:
        rule = rules.get(cadence.pupil.school_id, Rules())
        due_on = rhythm.due_date(
            last_contact=last.get(cadence.pupil_id),
            started_on=cadence.started_on,
            every_days=cadence.every_days,
        )
        due.append(
            (
                cadence,
                rhythm.due_status(due_on, today, escalate_after_days=rule.escalate_after_days),
            )
        )
    return services.escalate_overdue(
        actor=Actor.system("cooperation_reminders"), due=due, today=today
    )
