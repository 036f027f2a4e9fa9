"""A school's routine for same-day notices of unexplained absence: when, and by which channels.

A school without a saved routine follows the defaults of ``AttendanceRoutine`` (09:00, e-mail and
text message), so notices work from the first day without anyone setting them up.
"""

from __future__ import annotations

from datetime import time
from typing import Any

from django.db import transaction

from sammen.attendance.models import AttendanceRoutine, NoticeChannel
from sammen.audit import actions
from sammen.audit.log import ActorLike
from sammen.roster.access import viewer_for
from sammen.roster.models import Role, School
from sammen.roster.services import save_tracked


def default_routine(school: School) -> AttendanceRoutine:
    """The unsaved routine a school follows until its leader saves one."""
    routine = AttendanceRoutine(school=school)
    # The model's default is the string "09:00"; make it the time it becomes once saved.
    field = AttendanceRoutine._meta.get_field("notify_at")
    routine.notify_at = field.to_python(routine.notify_at)
    return routine


def routine_for(school: School) -> AttendanceRoutine:
    return AttendanceRoutine.objects.filter(school=school).first() or default_routine(school)


def channels(routine: AttendanceRoutine) -> list[str]:
    """The channels the routine sends by, in a fixed order."""
    wanted = {NoticeChannel.EMAIL: routine.email, NoticeChannel.SMS: routine.sms}
    return [str(channel) for channel, on in wanted.items() if on]


def may_change_routine(user: Any, school: School) -> bool:
    """Only the school's leader sets the routine: it decides what the school tells families."""
    return school.pk in viewer_for(user).schools_with({Role.LEADER})


def save_routine(
    *, actor: ActorLike, school: School, notify_at: time, email: bool, sms: bool
) -> bool:
    """Save the school's routine and audit what changed; returns whether anything changed."""
    with transaction.atomic():
        # Lock the school's row so two leaders saving at once cannot both create a routine.
        School.objects.select_for_update().filter(pk=school.pk).first()
        routine = routine_for(school)
        values = {"notify_at": notify_at, "email": email, "sms": sms}
        _, changed = save_tracked(
            actor=actor, action=actions.ROUTINE_SAVED, obj=routine, values=values, school=school
        )
        return changed
