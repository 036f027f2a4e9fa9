"""Same-day notices to guardians of unexplained absence (``sammen notify_absence``).

Who is told: once a school's routine time has passed (a school without a routine uses the
defaults), every guardian WITH parental responsibility of an active pupil who today has an
unexplained absence (the whole day, or a lesson that has begun) and no guardian report covering
today, by each channel of the routine the guardian has an address for. A whole-day record with
another reason (sick, leave, a school trip) explains the day, so a lesson marked unexplained by
a teacher who did not know does not trigger a notice. Nothing is sent on a day the school's
calendar marks as a holiday.

What is said: the child's first name, the date, "registered absent without notice; please tell
the school", in the guardian's language. Never another guardian's details and never an address;
where any guardian of the child has a confidential address, not even the school's name, since
the school tells where the child lives.

Sending each notice exactly once, on SQLite and PostgreSQL, by three steps:

1. claim: create the ``AbsenceNotice`` row (unique per pupil, guardian, date and channel) in its
   own short transaction. Two runs racing for the same notice meet at the unique constraint:
   PostgreSQL makes the second INSERT wait for the first transaction and then fail; SQLite
   (``transaction_mode=IMMEDIATE``) queues the second writer at BEGIN, and it then finds the
   row. Only the run that created the row sends.
2. send, outside any transaction, so no database lock is held while a mail server or SMS
   gateway answers (on SQLite that would block every writer of the whole application).
3. record the outcome: ``sent_at`` and the audit event in one transaction, or ``error``.

A row with ``error`` set is a failed send: the next run takes it over (a conditional UPDATE that
only one run can win) and tries again, on every run of that day until it succeeds. A row with
neither ``sent_at`` nor ``error`` is a send in progress, or one whose process died mid-send:
it is never resent, because the message may have gone out; the run reports it as in progress.
"""

from __future__ import annotations

import enum
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import dateformat, timezone, translation

from sammen.attendance.models import (
    AbsenceNotice,
    AttendanceRecord,
    AttendanceRoutine,
    CalendarDay,
    DayKind,
    GuardianReport,
    Kind,
    LessonPeriod,
    NoticeChannel,
    Reason,
)
from sammen.attendance.routine import channels, default_routine
from sammen.audit import actions
from sammen.audit.log import Actor, log_change, snapshot
from sammen.lib.mailtext import render_text
from sammen.lib.sms import SmsBackend, SmsMessage, get_sms_backend
from sammen.roster.models import Guardian, Guardianship, Pupil, School

logger = logging.getLogger("sammen.notices")

# Languages the notice is written in; a guardian preferring another gets the school's language.
NOTICE_LANGUAGES = ("nb", "nn", "en", "pl", "uk", "ar", "so")
ACTOR = Actor.system("notify_absence")
# A mail server that never answers must not hold up the other notices for ever.
EMAIL_TIMEOUT_SECONDS = 30


class Status(enum.StrEnum):
    SENT = "sent"
    FAILED = "failed"
    WOULD_SEND = "would_send"
    ALREADY_SENT = "already_sent"
    IN_PROGRESS = "in_progress"
    NO_CONTACT = "no_contact"


class SchoolState(enum.StrEnum):
    DUE = "due"
    NOT_YET = "not_yet"
    NO_CHANNELS = "no_channels"
    NOT_A_SCHOOL_DAY = "not_a_school_day"


@dataclass(frozen=True)
class SchoolResult:
    school: School
    routine: AttendanceRoutine
    state: SchoolState

    def as_json(self) -> dict[str, Any]:
        return {
            "school": str(self.school.public_id),
            "name": self.school.name,
            "notify_at": f"{self.routine.notify_at:%H:%M}",
            "channels": channels(self.routine),
            "state": str(self.state),
        }


@dataclass(frozen=True)
class Outcome:
    pupil: Pupil
    guardian: Guardian
    channel: str
    language: str
    status: Status
    error: str = ""

    def as_json(self) -> dict[str, Any]:
        # Identifiers only: the summary ends up in logs, which need no names.
        return {
            "pupil": str(self.pupil.public_id),
            "guardian": str(self.guardian.public_id),
            "channel": self.channel,
            "language": self.language,
            "status": str(self.status),
            "error": self.error,
        }


@dataclass
class Summary:
    date: date
    dry_run: bool
    schools: list[SchoolResult] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((str(s) for s in Status), 0)
        for outcome in self.outcomes:
            counts[str(outcome.status)] += 1
        return counts

    def as_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "dry_run": self.dry_run,
            "schools": [s.as_json() for s in self.schools],
            "counts": self.counts(),
            "notices": [o.as_json() for o in self.outcomes],
        }

    def line(self) -> str:
        due = sum(s.state == SchoolState.DUE for s in self.schools)
        counts = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in self.counts().items())
        return f"notify_absence {self.date.isoformat()}: {due} school(s) due; {counts}"


@dataclass(frozen=True)
class Recipient:
    """One guardian to tell about one pupil, with what the message may say."""

    pupil: Pupil
    guardian: Guardian
    name_school: bool


def notice_language(guardian: Guardian) -> str:
    preferred = guardian.preferred_language
    return preferred if preferred in NOTICE_LANGUAGES else settings.LANGUAGE_CODE


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    sms: str


def render_notice(*, recipient: Recipient, day: date, language: str) -> Message:
    """The notice's texts in ``language``; only what the guardian needs to act."""
    pupil = recipient.pupil
    context = {
        "name": pupil.given_name,
        "date": dateformat.format(day, "j.n.Y"),  # as Norwegians write it, in every language
        "school": pupil.school.name if recipient.name_school else "",
        "url": settings.SITE_URL,
    }
    with translation.override(language):
        return Message(
            subject=_render("subject", context).replace("\n", " "),
            body=_render("body", context) + "\n",
            sms=_render("sms", context).replace("\n", " "),
        )


def _render(part: str, context: dict[str, Any]) -> str:
    return render_text(f"attendance/email/absence_notice_{part}.txt", context)


# Who is due a notice --------------------------------------------------------------------------


def _moment(day: date, now: datetime) -> time | None:
    """How far ``day`` has come at ``now`` (Oslo time): None if it has not begun."""
    today = timezone.localtime(now).date()
    if day > today:
        return None
    if day < today:
        return time.max
    return timezone.localtime(now).time()


def school_states(schools: QuerySet[School], day: date, moment: time | None) -> list[SchoolResult]:
    routines = {r.school_id: r for r in AttendanceRoutine.objects.filter(school__in=schools)}
    days_off = set(
        CalendarDay.objects.filter(school__in=schools, date=day)
        .exclude(kind=DayKind.SCHOOL_DAY)
        .values_list("school_id", flat=True)
    )
    results = []
    for school in schools.order_by("name", "pk"):
        routine = routines.get(school.pk) or default_routine(school)
        if school.pk in days_off:
            state = SchoolState.NOT_A_SCHOOL_DAY
        elif not channels(routine):
            state = SchoolState.NO_CHANNELS
        elif moment is None or moment < routine.notify_at:
            state = SchoolState.NOT_YET
        else:
            state = SchoolState.DUE
        results.append(SchoolResult(school, routine, state))
    return results


def unexplained_absences(schools: list[School], day: date, moment: time) -> QuerySet[Pupil]:
    """Active pupils of ``schools`` absent without explanation on ``day`` by ``moment``."""
    lesson_not_begun = LessonPeriod.objects.filter(
        school=OuterRef("school"), number=OuterRef("period"), start__gt=moment
    )
    # A lesson with no lesson time at the school counts as begun: someone registered it.
    records = AttendanceRecord.objects.filter(
        Q(period__isnull=True) | ~Exists(lesson_not_begun),
        school__in=schools,
        date=day,
        kind=Kind.ABSENT,
        reason=Reason.UNEXPLAINED,
    )
    reported = GuardianReport.objects.filter(
        pupil=OuterRef("pk"), first_day__lte=day, last_day__gte=day
    )
    day_explained = AttendanceRecord.objects.filter(
        pupil=OuterRef("pk"),
        date=day,
        period__isnull=True,
        kind__in=[Kind.ABSENT, Kind.PRESENT_ELSEWHERE],
    ).exclude(reason=Reason.UNEXPLAINED)
    return (
        Pupil.objects.filter(active=True, school__in=schools, pk__in=records.values("pupil_id"))
        .exclude(Exists(reported))
        .exclude(Exists(day_explained))
        .select_related("school")
        .order_by("pk")
    )


def recipients(pupils: list[Pupil]) -> list[Recipient]:
    links = list(
        Guardianship.objects.filter(pupil__in=pupils)
        .select_related("guardian")
        .order_by("pupil_id", "guardian_id")
    )
    confidential = {link.pupil_id for link in links if link.confidential_address}
    by_pupil: dict[int, list[Guardianship]] = defaultdict(list)
    for link in links:
        # Without parental responsibility a parent has no right to the school's information.
        if link.parental_responsibility:
            by_pupil[link.pupil_id].append(link)
    return [
        Recipient(pupil, link.guardian, name_school=pupil.pk not in confidential)
        for pupil in pupils
        for link in by_pupil[pupil.pk]
    ]


# Sending ---------------------------------------------------------------------------------------


def _address(guardian: Guardian, channel: str) -> str:
    return (guardian.email if channel == NoticeChannel.EMAIL else guardian.phone).strip()


@dataclass
class Senders:
    """The mail connection and SMS backend of one run, made when first needed."""

    _mail: Any = None
    _sms: SmsBackend | None = None

    def send(self, channel: str, address: str, message: Message, language: str) -> None:
        if channel == NoticeChannel.EMAIL:
            if self._mail is None:
                timeout = settings.EMAIL_TIMEOUT or EMAIL_TIMEOUT_SECONDS
                self._mail = get_connection(timeout=timeout)
            email = EmailMessage(
                subject=message.subject,
                body=message.body,
                to=[address],
                connection=self._mail,
                # RFC 3834: an automatic message, so out-of-office replies are not sent back.
                headers={"Content-Language": language, "Auto-Submitted": "auto-generated"},
            )
            if email.send() != 1:
                raise RuntimeError("the mail backend did not accept the message")
        else:
            if self._sms is None:
                self._sms = get_sms_backend()
            if self._sms.send([SmsMessage(to=address, body=message.sms)]) != 1:
                raise RuntimeError("the SMS backend did not accept the message")


def _claim(
    recipient: Recipient, day: date, channel: str, language: str, existing: AbsenceNotice | None
) -> AbsenceNotice | None:
    """This run's right to send the notice, or None if another run has it (or sent it)."""
    if existing is None:
        notice, created = AbsenceNotice.objects.get_or_create(
            pupil=recipient.pupil,
            guardian=recipient.guardian,
            date=day,
            channel=channel,
            defaults={"language": language},
        )
        return notice if created else None
    # A failed send: clearing its error takes it over, and only one run can do that.
    taken = (
        AbsenceNotice.objects.filter(pk=existing.pk, sent_at__isnull=True, error=existing.error)
        .exclude(error="")
        .update(error="", language=language)
    )
    if not taken:
        return None
    existing.error, existing.language = "", language
    return existing


def _record_sent(notice: AbsenceNotice, recipient: Recipient) -> None:
    with transaction.atomic():
        notice.sent_at = timezone.now()
        notice.save(update_fields=["sent_at"])
        log_change(
            actor=ACTOR,
            action=actions.ABSENCE_NOTICE_SENT,
            obj=notice,
            old={},
            new=snapshot(notice, ["guardian", "date", "channel", "language"]),
            school=recipient.pupil.school,
            pupil=recipient.pupil,
            detail=notice.channel,
        )


def _record_failed(notice: AbsenceNotice, exc: Exception) -> str:
    error = f"{type(exc).__name__}: {exc}"[:500]
    AbsenceNotice.objects.filter(pk=notice.pk).update(error=error)
    # The error may hold the address; the log gets the row's id, the row keeps the detail.
    logger.warning(
        "absence notice %s by %s failed: %s", notice.pk, notice.channel, type(exc).__name__
    )
    return error


def _deliver(
    recipient: Recipient,
    day: date,
    channel: str,
    existing: AbsenceNotice | None,
    senders: Senders | None,
) -> Outcome:
    """Tell one guardian by one channel, unless that is done or being done. ``senders`` is None
    on a dry run."""
    language = notice_language(recipient.guardian)

    def outcome(status: Status, error: str = "") -> Outcome:
        return Outcome(recipient.pupil, recipient.guardian, channel, language, status, error)

    address = _address(recipient.guardian, channel)
    if existing is not None and existing.sent_at is not None:
        return outcome(Status.ALREADY_SENT)
    if existing is not None and not existing.error:
        return outcome(Status.IN_PROGRESS)
    if not address:
        return outcome(Status.NO_CONTACT)
    if senders is None:
        return outcome(Status.WOULD_SEND)
    notice = _claim(recipient, day, channel, language, existing)
    if notice is None:
        return outcome(Status.IN_PROGRESS)
    message = render_notice(recipient=recipient, day=day, language=language)
    try:
        senders.send(channel, address, message, language)
    except Exception as exc:  # any failure of a backend is recorded and retried, never raised
        return outcome(Status.FAILED, _record_failed(notice, exc))
    _record_sent(notice, recipient)
    return outcome(Status.SENT)


def notify_absence(
    *,
    day: date | None = None,
    schools: QuerySet[School] | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
) -> Summary:
    """Send the notices due on ``day`` (today) at ``now``; see the module docstring."""
    now = now or timezone.now()
    day = day or timezone.localtime(now).date()
    moment = _moment(day, now)
    summary = Summary(date=day, dry_run=dry_run)
    summary.schools = school_states(
        schools if schools is not None else School.objects.all(), day, moment
    )
    due = [s for s in summary.schools if s.state == SchoolState.DUE]
    if moment is None or not due:
        logger.info(summary.line())
        return summary
    routine_channels = {s.school.pk: channels(s.routine) for s in due}
    pupils = list(unexplained_absences([s.school for s in due], day, moment))
    existing = {
        (n.pupil_id, n.guardian_id, n.channel): n
        for n in AbsenceNotice.objects.filter(date=day, pupil__in=pupils)
    }
    senders = None if dry_run else Senders()
    for recipient in recipients(pupils):
        for channel in routine_channels[recipient.pupil.school_id]:
            key = (recipient.pupil.pk, recipient.guardian.pk, channel)
            result = _deliver(recipient, day, channel, existing.get(key), senders)
            summary.outcomes.append(result)
    logger.info(summary.line())
    return summary


def parse_school(value: str, schools: QuerySet[School]) -> QuerySet[School]:
    """The schools a ``--school`` value names: a public id, an organisation number or a name."""
    try:
        return schools.filter(public_id=uuid.UUID(value))
    except ValueError:
        return schools.filter(Q(org_number=value) | Q(name=value))


def notice_counts(school: School, day: date) -> dict[str, int]:
    """How the school's notices of ``day`` stand: sent, failed, in progress."""
    unsent = Q(sent_at__isnull=True)
    counts: dict[str, int] = AbsenceNotice.objects.filter(pupil__school=school, date=day).aggregate(
        sent=Count("pk", filter=~unsent),
        failed=Count("pk", filter=unsent & ~Q(error="")),
        in_progress=Count("pk", filter=unsent & Q(error="")),
    )
    return counts
