"""Every change to attendance goes through a function here.

Each function validates, writes in bulk, records one audit event per changed record (``Event`` +
``record_many``) in the same transaction, and then brings the touched pupils' weekly totals
(``PupilWeek``) up to date with ``refresh_totals``, still inside that transaction, so a reader never
sees records and totals that disagree. The number of queries does not grow with the number of
pupils.

Permissions are the caller's business (``sammen.attendance.access`` for pages; imports and the demo
act as the system); these functions check the facts: a school day, a lesson that exists that day,
a pupil who belongs to the group, minutes in range.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sammen.accounts.models import User
from sammen.attendance.calendar_setup import LESSON_MINUTES
from sammen.attendance.models import (
    NOT_COUNTED_REASONS,
    AttendanceRecord,
    CalendarDay,
    DayKind,
    GuardianReport,
    GuardianReportReason,
    Kind,
    LessonPeriod,
    Reason,
    ReportedBy,
)
from sammen.attendance.totals import refresh_totals
from sammen.audit import actions
from sammen.audit.log import ActorLike, Event, diff, record_many, snapshot
from sammen.audit.models import AuditKind
from sammen.lib.dates import norwegian_date
from sammen.roster.models import Enrollment, Group, Guardian, Pupil, School

K = TypeVar("K", bound=Hashable)

# "Present" is not a kind of record: registering it removes the pupil's record.
PRESENT = "present"
STATUSES = (PRESENT, *Kind.values)
MINUTE_KINDS = frozenset({Kind.LATE, Kind.LEFT_EARLY})
MAX_MINUTES = 480

# The fields a registration or correction may set, in the order the audit shows them.
RECORD_FIELDS = ("kind", "minutes", "reason", "documented", "counts_on_diploma", "comment")
AUDIT_FIELDS = ("date", "period", "subject", *RECORD_FIELDS, "reported_by")

# What a guardian's structured reason becomes on the record: (reason, documented).
# A guardian's own notice documents illness and appointments for a pupil in compulsory school;
# planned leave (permisjon) needs the school's approval, so it stays undocumented until the office
# or the leader approves it by marking it documented; "other" is for the school to look into.
GUARDIAN_REASONS: Mapping[str, tuple[str, bool]] = {
    GuardianReportReason.SICK: (Reason.SICK, True),
    GuardianReportReason.APPOINTMENT: (Reason.OTHER, True),
    GuardianReportReason.LEAVE: (Reason.LEAVE, False),
    GuardianReportReason.OTHER: (Reason.OTHER, False),
}


class RegistrationError(ValueError):
    """The registration cannot be saved; ``errors`` maps a pupil's public id (or "") to why."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = dict(errors)


@dataclass(frozen=True)
class Entry:
    """What a register says about one pupil: a status (``PRESENT`` or a ``Kind``) and details."""

    pupil: Pupil
    status: str
    minutes: int | None = None
    reason: str = Reason.UNEXPLAINED
    documented: bool = False
    comment: str = ""


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    # What each key (a pupil id, or a date for one pupil's days) has now; None when removed.
    records: dict[Hashable, AttendanceRecord | None] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.removed


def _registered_by(actor: ActorLike) -> User | None:
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def counts_on_diploma(kind: str, reason: str) -> bool:
    """Absence with the school (present elsewhere, a school activity) is not absence at all."""
    return kind != Kind.PRESENT_ELSEWHERE and reason not in NOT_COUNTED_REASONS


def _wanted_values(entry: Entry, *, max_minutes: int) -> dict[str, Any] | str:
    """The record's fields for ``entry`` (empty for present), or why it is invalid."""
    if entry.status not in STATUSES:
        return _("Choose a status.")
    if entry.reason not in Reason.values:
        return _("Choose a reason.")
    if entry.status == PRESENT:
        return {}
    minutes = entry.minutes if entry.status in MINUTE_KINDS else None
    if entry.status in MINUTE_KINDS:
        if minutes is None:
            return _("Write how many minutes.")
        if not 1 <= minutes <= max_minutes:
            return _("Minutes must be between 1 and %(max)d.") % {"max": max_minutes}
    reason = entry.reason
    if entry.status == Kind.PRESENT_ELSEWHERE:
        reason = Reason.SCHOOL_ACTIVITY
    elif entry.status in MINUTE_KINDS and reason == Reason.SCHOOL_ACTIVITY:
        reason = Reason.UNEXPLAINED
    return {
        "kind": entry.status,
        "minutes": minutes,
        "reason": reason,
        "documented": entry.documented,
        "counts_on_diploma": counts_on_diploma(entry.status, reason),
        "comment": entry.comment[:500],
    }


def school_day(school: School, day: date) -> CalendarDay:
    """The calendar's school day, or RegistrationError if ``day`` is not one at ``school``."""
    found = CalendarDay.objects.filter(school=school, date=day).first()
    if found is None or found.kind != DayKind.SCHOOL_DAY:
        raise RegistrationError(
            {"": _("%(date)s is not a school day.") % {"date": norwegian_date(day)}}
        )
    return found


def lesson_minutes(school: School, period: int) -> int:
    """The length of lesson ``period`` at ``school``, the most minutes one can be late for it."""
    lesson = LessonPeriod.objects.filter(school=school, number=period).first()
    if lesson is None:
        return LESSON_MINUTES
    length = datetime.combine(date.min, lesson.end) - datetime.combine(date.min, lesson.start)
    return int(length.total_seconds() // 60)


def _enrolled_ids(group: Group, day: date, pupils: Iterable[Pupil]) -> set[int]:
    return set(
        Enrollment.objects.filter(
            Q(start_date__isnull=True) | Q(start_date__lte=day),
            Q(end_date__isnull=True) | Q(end_date__gte=day),
            group=group,
            pupil__in=[p.pk for p in pupils],
        ).values_list("pupil_id", flat=True)
    )


def _save(
    *,
    actor: ActorLike,
    existing: Mapping[K, AttendanceRecord],
    wanted: Mapping[K, Mapping[str, Any]],
    make: Mapping[K, AttendanceRecord],
    detail: str,
) -> Outcome:
    """Apply ``wanted`` (key → field values; empty = remove the record) against ``existing``.

    ``make`` holds a new, unsaved record for each key that has none yet. Runs inside the caller's
    transaction: bulk writes, an audit event per changed record, then the weekly totals.
    """
    outcome = Outcome()
    events: list[Event] = []
    to_create: list[AttendanceRecord] = []
    to_update: list[tuple[AttendanceRecord, dict[str, Any]]] = []
    to_remove: list[AttendanceRecord] = []
    for key, values in wanted.items():
        record = existing.get(key)
        if record is None:
            if not values:
                outcome.unchanged += 1
                continue
            record = make[key]
            for name, value in values.items():
                setattr(record, name, value)
            record.registered_by = _registered_by(actor)
            to_create.append(record)
        elif not values:
            to_remove.append(record)
            outcome.records[key] = None
            continue
        else:
            old = snapshot(record, AUDIT_FIELDS)
            changed = {k: v for k, v in values.items() if getattr(record, k) != v}
            if not changed:
                outcome.unchanged += 1
                outcome.records[key] = record
                continue
            for name, value in changed.items():
                setattr(record, name, value)
            record.registered_by = _registered_by(actor) or record.registered_by
            record.updated_at = timezone.now()
            to_update.append((record, old))
        outcome.records[key] = record

    if to_remove:
        events.extend(_removed_event(actor, r) for r in to_remove)
        AttendanceRecord.objects.filter(pk__in=[r.pk for r in to_remove]).delete()
    if to_create:
        AttendanceRecord.objects.bulk_create(to_create)
        events.extend(_saved_event(actor, r, {}) for r in to_create)
    if to_update:
        AttendanceRecord.objects.bulk_update(
            [r for r, _old in to_update],
            [*RECORD_FIELDS, "reported_by", "registered_by", "updated_at"],
        )
        events.extend(_saved_event(actor, r, old) for r, old in to_update)
    for event in events:
        event.detail = detail
    record_many(events)
    refresh_totals(
        (r.pupil_id, r.date) for r in [*to_remove, *to_create, *(r for r, _o in to_update)]
    )
    outcome.created, outcome.updated, outcome.removed = (
        len(to_create),
        len(to_update),
        len(to_remove),
    )
    return outcome


def _saved_event(actor: ActorLike, record: AttendanceRecord, old: Mapping[str, Any]) -> Event:
    return Event(
        AuditKind.CHANGE,
        actions.ATTENDANCE_SAVED,
        actor,
        record,
        school=record.school,
        pupil=record.pupil,
        changes=diff(old, snapshot(record, AUDIT_FIELDS)),
    )


def _removed_event(actor: ActorLike, record: AttendanceRecord) -> Event:
    old = snapshot(record, AUDIT_FIELDS)
    return Event(
        AuditKind.CHANGE,
        actions.ATTENDANCE_REMOVED,
        actor,
        record,
        school=record.school,
        pupil=record.pupil,
        changes=diff(old, dict.fromkeys(old)),
    )


def register_lesson(
    *,
    actor: ActorLike,
    group: Group,
    day: date,
    period: int,
    entries: Sequence[Entry],
    subject: str = "",
) -> Outcome:
    """Register one lesson of ``group``: a record per pupil who was not simply present.

    A pupil whose whole day is already registered (a guardian's report, say) is covered by that
    record; entries for them are left alone here and corrected on the pupil's day instead.
    """
    calendar = school_day(group.school, day)
    if not 1 <= period <= calendar.lessons:
        raise RegistrationError(
            {"": _("There is no lesson %(period)d on this day.") % {"period": period}}
        )
    pupils = [e.pupil for e in entries]
    enrolled = _enrolled_ids(group, day, pupils)
    max_minutes = lesson_minutes(group.school, period)
    whole_day = set(
        AttendanceRecord.objects.filter(
            pupil__in=[p.pk for p in pupils], date=day, period__isnull=True
        ).values_list("pupil_id", flat=True)
    )
    errors: dict[str, str] = {}
    wanted: dict[int, dict[str, Any]] = {}
    for entry in entries:
        if entry.pupil.pk not in enrolled:
            errors[str(entry.pupil.public_id)] = _("%(name)s is not in this group.") % {
                "name": entry.pupil.full_name
            }
            continue
        if entry.pupil.pk in whole_day:
            continue
        values = _wanted_values(entry, max_minutes=max_minutes)
        if isinstance(values, str):
            errors[str(entry.pupil.public_id)] = values
            continue
        wanted[entry.pupil.pk] = values
    if errors:
        raise RegistrationError(errors)
    where = {
        "school": group.school,
        "date": day,
        "period": period,
        "group": group,
        "subject": subject or group.subject,
    }
    return _register(
        actor, entries, wanted, where, detail=f"{group} {norwegian_date(day)} {period}."
    )


def _register(
    actor: ActorLike,
    entries: Sequence[Entry],
    wanted: Mapping[int, Mapping[str, Any]],
    where: Mapping[str, Any],
    *,
    detail: str,
) -> Outcome:
    """Save a register's rows: one record per pupil at ``where`` (school, date, period …)."""
    with transaction.atomic():
        existing = {
            r.pupil_id: r
            for r in AttendanceRecord.objects.select_for_update()
            .filter(pupil__in=list(wanted), date=where["date"], period=where["period"])
            .select_related("pupil", "school")
        }
        make = {
            e.pupil.pk: AttendanceRecord(pupil=e.pupil, reported_by=ReportedBy.STAFF, **where)
            for e in entries
            if e.pupil.pk in wanted and e.pupil.pk not in existing
        }
        return _save(actor=actor, existing=existing, wanted=wanted, make=make, detail=detail)


def register_day(
    *, actor: ActorLike, school: School, day: date, entries: Sequence[Entry]
) -> Outcome:
    """Register whole days at ``school``: absent, present elsewhere, or present (no record)."""
    calendar = school_day(school, day)
    errors: dict[str, str] = {}
    wanted: dict[int, dict[str, Any]] = {}
    for entry in entries:
        key = str(entry.pupil.public_id)
        if entry.pupil.school_id != school.pk:
            errors[key] = _("%(name)s is not a pupil at this school.") % {
                "name": entry.pupil.full_name
            }
            continue
        if entry.status in MINUTE_KINDS:
            errors[key] = _("Lateness is registered on a lesson.")
            continue
        values = _wanted_values(entry, max_minutes=MAX_MINUTES)
        if isinstance(values, str):
            errors[key] = values
            continue
        wanted[entry.pupil.pk] = values
    if errors:
        raise RegistrationError(errors)
    where = {"school": school, "date": calendar.date, "period": None}
    return _register(actor, entries, wanted, where, detail=f"{school} {norwegian_date(day)}")


def correct_record(
    *,
    actor: ActorLike,
    record: AttendanceRecord,
    status: str,
    minutes: int | None = None,
    reason: str = Reason.UNEXPLAINED,
    documented: bool = False,
    comment: str = "",
) -> Outcome:
    """Change one record (``status`` PRESENT removes it). Who may, and when, is
    ``sammen.attendance.access.may_correct``: teachers the same day, the office and leader any day.
    """
    if record.period is None and status in MINUTE_KINDS:
        raise RegistrationError({"": _("Lateness is registered on a lesson.")})
    max_minutes = lesson_minutes(record.school, record.period) if record.period else MAX_MINUTES
    entry = Entry(record.pupil, status, minutes, reason, documented, comment)
    values = _wanted_values(entry, max_minutes=max_minutes)
    if isinstance(values, str):
        raise RegistrationError({str(record.pupil.public_id): values})
    with transaction.atomic():
        return _save(
            actor=actor,
            existing={record.pupil_id: record},
            wanted={record.pupil_id: values},
            make={},
            detail="correction",
        )


def guardian_report_event(actor: ActorLike, report: GuardianReport, detail: str = "") -> Event:
    """The audit event of a new guardian report (for bulk writers too, such as the demo)."""
    return Event(
        AuditKind.CHANGE,
        actions.GUARDIAN_REPORT_CREATED,
        actor,
        report,
        school=report.pupil.school,
        pupil=report.pupil,
        changes=diff({}, snapshot(report, ("first_day", "last_day", "reason"))),
        detail=detail,
    )


def record_guardian_report(
    *,
    actor: ActorLike,
    guardian: Guardian,
    pupil: Pupil,
    first_day: date,
    last_day: date,
    reason: str,
) -> GuardianReport:
    """A guardian's notice of absence: the report, and a whole-day record per school day in it.

    The notice explains those days: an earlier whole-day record becomes the guardian's, and the
    days' lesson absences registered as unexplained take the guardian's reason. Lateness and
    leaving early stay as they are.
    """
    if reason not in GUARDIAN_REASONS:
        raise RegistrationError({"": _("Choose a reason.")})
    if last_day < first_day:
        raise RegistrationError({"": _("The last day comes before the first.")})
    days = list(
        CalendarDay.objects.filter(
            school_id=pupil.school_id,
            kind=DayKind.SCHOOL_DAY,
            date__range=(first_day, last_day),
        ).values_list("date", flat=True)
    )
    if not days:
        raise RegistrationError({"": _("There are no school days in this period.")})
    record_reason, documented = GUARDIAN_REASONS[reason]
    whole_day = {
        "kind": Kind.ABSENT,
        "minutes": None,
        "reason": record_reason,
        "documented": documented,
        "counts_on_diploma": True,
        "reported_by": ReportedBy.GUARDIAN,
    }
    explained = {
        "reason": record_reason,
        "documented": documented,
        "counts_on_diploma": counts_on_diploma(Kind.ABSENT, record_reason),
    }
    with transaction.atomic():
        report = GuardianReport.objects.create(
            pupil=pupil, guardian=guardian, first_day=first_day, last_day=last_day, reason=reason
        )
        record_many([guardian_report_event(actor, report)])
        existing: dict[tuple[date, int | None], AttendanceRecord] = {
            (r.date, r.period): r
            for r in AttendanceRecord.objects.select_for_update()
            .filter(pupil=pupil, date__in=days)
            .select_related("pupil", "school")
        }
        wanted: dict[tuple[date, int | None], Mapping[str, Any]] = {
            (day, None): whole_day for day in days
        }
        for key, record in existing.items():
            lesson_absence = record.period is not None and record.kind == Kind.ABSENT
            if lesson_absence and record.reason == Reason.UNEXPLAINED:
                wanted[key] = explained
        make: dict[tuple[date, int | None], AttendanceRecord] = {
            (day, None): AttendanceRecord(pupil=pupil, school_id=pupil.school_id, date=day)
            for day in days
        }
        _save(
            actor=actor,
            existing=existing,
            wanted=wanted,
            make=make,
            detail="reported by guardian",
        )
    return report
