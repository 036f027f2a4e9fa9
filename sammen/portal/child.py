"""What a child's start page in the portal says: today, the school year in plain words, the next
fixed contact and the school's expectations. Built from the attendance and cooperation reads, so
the guardian sees the same figures as the contact teacher; nothing is counted twice here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sammen.attendance.models import (
    AttendanceRecord,
    AttendanceRoutine,
    GuardianReport,
    Kind,
    Reason,
)
from sammen.attendance.queries import PupilYear
from sammen.attendance.summary import Category, Totals
from sammen.cooperation import rhythm
from sammen.cooperation.models import Cadence
from sammen.cooperation.queries import last_conversations
from sammen.followup.access import guardian_cases_for
from sammen.followup.models import Case, Status
from sammen.roster.models import Pupil


def percent_text(part: int, whole: int) -> str:
    """A share as a Norwegian reads it in running text: whole per cent, with one decimal only
    below 1 % so that a little absence never reads as none ("0,5 %")."""
    if not whole:
        return number_format(0)
    share = Decimal(100 * part) / Decimal(whole)
    places = 1 if 0 < share < 1 else 0
    return number_format(round(share, places), decimal_pos=places)


def attendance_sentence(name: str, totals: Totals) -> str:
    """«Ida har vært borte 6 dager av 58 skoledager (10 %).»"""
    return ngettext(
        "%(name)s has been away %(absent)d day of %(days)d school days (%(percent)s %%).",
        "%(name)s has been away %(absent)d days of %(days)d school days (%(percent)s %%).",
        totals.absent_days,
    ) % {
        "name": name,
        "absent": totals.absent_days,
        "days": totals.school_days,
        "percent": percent_text(totals.absent_days, totals.school_days),
    }


def lessons_sentence(totals: Totals) -> str:
    return ngettext(
        "In all, %(absent)d lesson of %(planned)d was missed (%(percent)s %%).",
        "In all, %(absent)d lessons of %(planned)d were missed (%(percent)s %%).",
        totals.absent_lessons,
    ) % {
        "absent": totals.absent_lessons,
        "planned": totals.planned_lessons,
        "percent": number_format(totals.percent_of_lessons, decimal_pos=1),
    }


def lateness_sentence(totals: Totals) -> str:
    if not totals.late_count:
        return _("No lateness is registered this school year.")
    return ngettext(
        "Late %(count)d time (%(minutes)d minutes in all).",
        "Late %(count)d times (%(minutes)d minutes in all).",
        totals.late_count,
    ) % {"count": totals.late_count, "minutes": totals.late_minutes}


# Today -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Today:
    day: date
    school_day: bool
    day_name: str
    lines: list[str]
    reports: list[GuardianReport]
    unexplained: bool


def _record_line(record: AttendanceRecord) -> str:
    when = _("Lesson %(n)d") % {"n": record.period} if record.period else _("The whole school day")
    what = str(record.get_kind_display())
    if record.minutes and record.kind in (Kind.LATE, Kind.LEFT_EARLY):
        what = _("%(what)s, %(minutes)d min") % {"what": what, "minutes": record.minutes}
    if record.kind == Kind.ABSENT:
        what = _("%(what)s (%(reason)s)") % {"what": what, "reason": record.get_reason_display()}
    return _("%(when)s: %(what)s") % {"when": when, "what": what}


def today_of(year: PupilYear | None, day: date) -> Today:
    """Today's registrations and the guardians' reports that cover today, from the year's data
    (no further queries)."""
    if year is None:
        return Today(day, False, "", [], [], False)
    status = next((s for s in year.statuses if s.date == day), None)
    school_day = status is not None and status.category not in (
        Category.HOLIDAY,
        Category.NOT_ENROLLED,
    )
    records = sorted(
        (r for r in year.records if r.date == day), key=lambda r: (r.period is not None, r.period)
    )
    reports = [r for r in year.reports if r.first_day <= day <= r.last_day]
    unexplained = any(r.kind == Kind.ABSENT and r.reason == Reason.UNEXPLAINED for r in records)
    return Today(
        day=day,
        school_day=school_day,
        day_name=status.name if status is not None else "",
        lines=[_record_line(r) for r in records],
        reports=reports,
        unexplained=unexplained and not reports,
    )


# The next fixed contact ------------------------------------------------------------------------


@dataclass(frozen=True)
class NextContact:
    due_on: date
    every_days: int
    channel: str
    window: str
    overdue: bool


def next_contact(pupil: Pupil, today: date) -> NextContact | None:
    """The fixed contact the school has set up with the home, if it has (an active cadence)."""
    cadence = Cadence.objects.filter(pupil=pupil, active=True).first()
    if cadence is None:
        return None
    last = last_conversations([pupil.pk]).get(pupil.pk)
    due_on = rhythm.due_date(
        last_contact=last, started_on=cadence.started_on, every_days=cadence.every_days
    )
    return NextContact(
        due_on=due_on,
        every_days=cadence.every_days,
        channel=str(cadence.get_channel_display()),
        window=str(cadence.get_window_display()) if cadence.window else "",
        overdue=due_on < today,
    )


def open_case(user: Any, pupil: Pupil) -> Case | None:
    """The child's open follow-up case, when the guardian may read its plan."""
    return guardian_cases_for(user).filter(pupil=pupil, status=Status.OPEN).first()


# The school's expectations --------------------------------------------------------------------


def notice_sentence(routine: AttendanceRoutine) -> str:
    """What happens when the child is away and nobody has told the school (the school's routine
    for same-day notices), or "" if the school sends none."""
    if routine.email and routine.sms:
        how = _("by e-mail and text message")
    elif routine.email:
        how = _("by e-mail")
    elif routine.sms:
        how = _("by text message")
    else:
        return ""
    return _(
        "If your child is away and the school has not heard from you, the school tells you "
        "%(how)s the same day, around %(time)s."
    ) % {"how": how, "time": time_format(routine.notify_at, "H:i")}
