"""Changes to the plan: its text (with optimistic locking), goals, measures and their evaluation,
the gradual return plan, agreements with the home, and the guardians' comments. Each function
writes its audit event in the same transaction as the change."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sammen.audit import actions
from sammen.audit.log import snapshot
from sammen.followup import access
from sammen.followup.cases import audit
from sammen.followup.errors import EditConflictError, FollowupError
from sammen.followup.models import (
    ActionItem,
    Agreement,
    Case,
    Evaluation,
    Frequency,
    Goal,
    GuardianComment,
    Measure,
    MeasureKind,
    MeasureStatus,
    Outcome,
    OwnerKind,
    Plan,
    ReturnStep,
    StepStatus,
)
from sammen.roster.models import Guardian

PLAN_FIELDS = ("problem", "school_work_at_home")
MEASURE_FIELDS = (
    "title",
    "kind",
    "owner_kind",
    "owner_name",
    "starts_on",
    "frequency",
    "evaluate_on",
    "status",
)
OPEN_STATUSES = (MeasureStatus.PLANNED, MeasureStatus.ACTIVE)


def _who(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.username)


def save_plan(*, user: Any, case: Case, version: int, values: Mapping[str, str]) -> Plan:
    """Save the plan's text if nobody has saved it since ``version`` was read; otherwise raise
    ``EditConflictError`` with what is saved now, and write nothing."""
    access.require_open(case)
    with transaction.atomic():
        plan = (
            Plan.objects.select_for_update(of=("self",)).select_related("updated_by").get(case=case)
        )
        if plan.version != version:
            raise EditConflictError(
                snapshot(plan, PLAN_FIELDS), plan.version, _who(plan.updated_by)
            )
        old = snapshot(plan, PLAN_FIELDS)
        for name in PLAN_FIELDS:
            setattr(plan, name, values.get(name, "").strip())
        new = snapshot(plan, PLAN_FIELDS)
        if new == old:
            return plan
        plan.version += 1
        plan.updated_at = timezone.now()
        plan.updated_by = user
        plan.save()
        audit(user, actions.PLAN_SAVED, plan, case, old, new, detail=f"version {plan.version}")
    return plan


def add_goal(*, user: Any, case: Case, text: str, pupil_own: bool, today: date) -> Goal:
    access.require_open(case)
    text = text.strip()
    if not text:
        raise FollowupError(_("Write the goal."))
    with transaction.atomic():
        goal = Goal.objects.create(case=case, text=text, pupil_own=pupil_own, added_on=today)
        audit(user, actions.GOAL_ADDED, goal, case, None, {"text": text, "pupil_own": pupil_own})
    return goal


def _check_measure(values: Mapping[str, Any]) -> None:
    if not str(values.get("title", "")).strip():
        raise FollowupError(_("Name the measure."))
    if values.get("kind") not in MeasureKind.values:
        raise FollowupError(_("Choose the kind of measure."))
    if values.get("owner_kind") not in OwnerKind.values:
        raise FollowupError(_("Say who carries out the measure."))
    if values.get("frequency") not in Frequency.values:
        raise FollowupError(_("Say how often."))
    if values.get("status", MeasureStatus.PLANNED) not in MeasureStatus.values:
        raise FollowupError(_("Choose a status."))
    starts, evaluate = values.get("starts_on"), values.get("evaluate_on")
    if not isinstance(starts, date) or not isinstance(evaluate, date):
        raise FollowupError(_("Give the start and the evaluation date."))
    if evaluate < starts:
        raise FollowupError(_("The measure is evaluated after it starts."))


def save_measure(
    *,
    user: Any,
    case: Case,
    values: Mapping[str, Any],
    measure: Measure | None = None,
    from_action: ActionItem | None = None,
) -> Measure:
    """Add a measure (``measure`` None) or change one; § 12-4's what, when, who and evaluation."""
    access.require_open(case)
    _check_measure(values)
    with transaction.atomic():
        if measure is None:
            measure = Measure(case=case, created_by=user, from_action=from_action)
            old: dict[str, Any] = {}
        else:
            old = snapshot(measure, MEASURE_FIELDS)
        for name in MEASURE_FIELDS:
            if name in values:
                value = values[name]
                setattr(measure, name, value.strip() if isinstance(value, str) else value)
        measure.save()
        audit(user, actions.MEASURE_SAVED, measure, case, old, snapshot(measure, MEASURE_FIELDS))
    return measure


def evaluate_measure(
    *,
    user: Any,
    measure: Measure,
    outcome: str,
    note: str,
    status: str,
    next_evaluate_on: date | None,
    today: date,
) -> Evaluation:
    """Record an evaluation; a measure that goes on gets its next evaluation date."""
    case = measure.case
    access.require_open(case)
    if outcome not in Outcome.values:
        raise FollowupError(_("Choose how it went."))
    if status not in MeasureStatus.values:
        raise FollowupError(_("Choose a status."))
    if status in OPEN_STATUSES and (next_evaluate_on is None or next_evaluate_on <= today):
        raise FollowupError(_("A measure that goes on needs a new evaluation date after today."))
    with transaction.atomic():
        evaluation = Evaluation.objects.create(
            measure=measure,
            evaluated_on=today,
            outcome=outcome,
            note=note.strip(),
            recorded_by=user,
        )
        old = snapshot(measure, ("status", "evaluate_on"))
        measure.status = status
        if next_evaluate_on is not None:
            measure.evaluate_on = next_evaluate_on
        measure.save(update_fields=["status", "evaluate_on"])
        new = {**snapshot(measure, ("status", "evaluate_on")), "outcome": outcome}
        audit(user, actions.MEASURE_EVALUATED, measure, case, old, new)
    return evaluation


def add_return_step(
    *, user: Any, case: Case, description: str, from_on: date, status: str = StepStatus.PLANNED
) -> ReturnStep:
    access.require_open(case)
    description = description.strip()
    if not description:
        raise FollowupError(_("Describe the step."))
    if status not in StepStatus.values:
        raise FollowupError(_("Choose a status."))
    with transaction.atomic():
        position = ReturnStep.objects.filter(case=case).count() + 1
        step = ReturnStep.objects.create(
            case=case, position=position, description=description, from_on=from_on, status=status
        )
        audit(user, actions.RETURN_STEP_SAVED, step, case, None, snapshot(step, ("description",)))
    return step


def set_step_status(*, user: Any, step: ReturnStep, status: str) -> ReturnStep:
    case = step.case
    access.require_open(case)
    if status not in StepStatus.values:
        raise FollowupError(_("Choose a status."))
    with transaction.atomic():
        old = {"status": step.status}
        step.status = status
        step.save(update_fields=["status"])
        audit(user, actions.RETURN_STEP_SAVED, step, case, old, {"status": status})
    return step


def add_agreement(*, user: Any, case: Case, text: str, agreed_on: date) -> Agreement:
    access.require_open(case)
    text = text.strip()
    if not text:
        raise FollowupError(_("Write what was agreed."))
    with transaction.atomic():
        agreement = Agreement.objects.create(case=case, text=text, agreed_on=agreed_on)
        audit(user, actions.AGREEMENT_SAVED, agreement, case, None, {"text": text})
    return agreement


def comment_as_guardian(*, user: Any, case: Case, guardian: Guardian, text: str) -> GuardianComment:
    """A guardian's comment on the plan and agreements; the case's staff read it."""
    text = text.strip()
    if not text:
        raise FollowupError(_("Write your comment."))
    if len(text) > 2000:
        raise FollowupError(_("The comment can be at most 2000 characters."))
    with transaction.atomic():
        comment = GuardianComment.objects.create(
            case=case, guardian=guardian, text=text, written_at=timezone.now()
        )
        audit(user, actions.GUARDIAN_COMMENTED, comment, case, None, {"text": text})
    return comment
