"""Meetings of a case: planned with an agenda and participants, minutes written (with optimistic
locking, as the plan), action items agreed (who does what by when) which may become measures."""

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
    Case,
    Frequency,
    Measure,
    MeasureKind,
    Meeting,
    MeetingKind,
    OwnerKind,
)
from sammen.followup.plans import _who, save_measure

MEETING_FIELDS = ("kind", "held_on", "agenda", "participants")
MINUTES_FIELDS = ("minutes",)


def plan_meeting(*, user: Any, case: Case, values: Mapping[str, Any]) -> Meeting:
    access.require_open(case)
    if values.get("kind") not in MeetingKind.values:
        raise FollowupError(_("Choose the kind of meeting."))
    if not isinstance(values.get("held_on"), date):
        raise FollowupError(_("Give the date of the meeting."))
    with transaction.atomic():
        meeting = Meeting.objects.create(
            case=case,
            kind=values["kind"],
            held_on=values["held_on"],
            agenda=str(values.get("agenda", "")).strip(),
            participants=str(values.get("participants", "")).strip(),
        )
        audit(user, actions.MEETING_SAVED, meeting, case, None, snapshot(meeting, MEETING_FIELDS))
    return meeting


def save_minutes(*, user: Any, meeting: Meeting, version: int, minutes: str) -> Meeting:
    """Save the minutes if nobody saved them since ``version``; otherwise ``EditConflictError``."""
    case = meeting.case
    access.require_open(case)
    with transaction.atomic():
        locked = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .get(pk=meeting.pk)
        )
        if locked.version != version:
            raise EditConflictError(
                snapshot(locked, MINUTES_FIELDS), locked.version, _who(locked.updated_by)
            )
        old = snapshot(locked, MINUTES_FIELDS)
        locked.minutes = minutes.strip()
        if locked.minutes == old["minutes"]:
            return locked
        locked.version += 1
        locked.updated_at = timezone.now()
        locked.updated_by = user
        locked.save(update_fields=["minutes", "version", "updated_at", "updated_by"])
        new = snapshot(locked, MINUTES_FIELDS)
        audit(user, actions.MINUTES_SAVED, locked, case, old, new, f"version {locked.version}")
    return locked


def add_action(
    *, user: Any, meeting: Meeting, what: str, who: str, owner_kind: str, due_on: date
) -> ActionItem:
    case = meeting.case
    access.require_open(case)
    what, who = what.strip(), who.strip()
    if not what or not who:
        raise FollowupError(_("Say what is to be done and who does it."))
    if owner_kind not in OwnerKind.values:
        raise FollowupError(_("Say who carries it out."))
    with transaction.atomic():
        item = ActionItem.objects.create(
            meeting=meeting, case=case, what=what, who=who, owner_kind=owner_kind, due_on=due_on
        )
        audit(user, actions.ACTION_ITEM_SAVED, item, case, None, snapshot(item, ("what", "who")))
    return item


def mark_action_done(*, user: Any, item: ActionItem, today: date) -> ActionItem:
    case = item.case
    access.require_open(case)
    if item.done_on is not None:
        return item
    with transaction.atomic():
        item.done_on = today
        item.save(update_fields=["done_on"])
        audit(user, actions.ACTION_ITEM_SAVED, item, case, {"done_on": None}, {"done_on": today})
    return item


def action_to_measure(
    *, user: Any, item: ActionItem, kind: str, frequency: str, evaluate_on: date
) -> Measure:
    """An action item that is really a measure lands in the plan, keeping its who and when."""
    if hasattr(item, "measure") and item.measure is not None:
        raise FollowupError(_("This action item is already a measure."))
    if kind not in MeasureKind.values or frequency not in Frequency.values:
        raise FollowupError(_("Choose the kind of measure and how often."))
    values = {
        "title": item.what,
        "kind": kind,
        "owner_kind": item.owner_kind,
        "owner_name": item.who,
        "starts_on": item.due_on,
        "frequency": frequency,
        "evaluate_on": evaluate_on,
    }
    return save_measure(user=user, case=item.case, values=values, from_action=item)
