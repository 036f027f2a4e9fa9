"""The same-day notice of unexplained absence, with e-mail through a real SMTP server on 127.0.0.1
(aiosmtpd) and text messages through the in-memory SMS backend."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from sammen.attendance.models import (
    AbsenceNotice,
    AttendanceRecord,
    CalendarDay,
    DayKind,
    GuardianReport,
    GuardianReportReason,
    Kind,
    LessonPeriod,
    Reason,
)
from sammen.attendance.norwegian_calendar import default_school_year
from sammen.attendance.notices import Status, Summary, notify_absence
from sammen.attendance.routine import save_routine
from sammen.audit import actions
from sammen.audit.log import Actor
from sammen.audit.models import AuditEvent
from sammen.lib import sms
from sammen.roster.models import Guardianship, Pupil, SchoolYear
from sammen.web import scheduler
from tests import factories as f
from tests.conftest import World
from tests.smtp_support import SmtpServer

OSLO = ZoneInfo("Europe/Oslo")
DAY = date(2026, 11, 23)  # a Monday, a school day in the default calendar
LESSONS = [(1, time(8, 30)), (2, time(9, 25)), (3, time(10, 30)), (4, time(11, 25))]
MOTHER_PHONE = "+47 911 11 111"
FATHER_PHONE = "+47 922 22 222"


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=OSLO)


# The school, its calendar and the absences ----------------------------------------------------


@pytest.fixture
def school_year(world: World) -> SchoolYear:
    year = f.make_school_year(world.school_a.owner, 2026)
    for school in (world.school_a, world.school_b):
        CalendarDay.objects.bulk_create(
            CalendarDay(
                school=school,
                school_year=year,
                date=d.date,
                kind=d.kind,
                name=d.name,
                lessons=6 if d.kind == DayKind.SCHOOL_DAY else 0,
            )
            for d in default_school_year(year.start_date, year.end_date)
        )
        for number, start in LESSONS:
            end = (datetime.combine(DAY, start) + timedelta(minutes=45)).time()
            LessonPeriod.objects.create(school=school, number=number, start=start, end=end)
    world.ola_mother.phone = MOTHER_PHONE
    world.ola_mother.save()
    world.ola_father.phone = FATHER_PHONE
    world.ola_father.save()
    return year


def absent(
    pupil: Pupil,
    *,
    period: int | None = None,
    reason: str = Reason.UNEXPLAINED,
    kind: str = Kind.ABSENT,
    day: date = DAY,
) -> AttendanceRecord:
    return AttendanceRecord.objects.create(
        pupil=pupil, school=pupil.school, date=day, period=period, kind=kind, reason=reason
    )


def run(now: datetime, **kwargs: Any) -> Summary:
    return notify_absence(day=kwargs.pop("day", now.astimezone(OSLO).date()), now=now, **kwargs)


@pytest.fixture
def ola_absent(world: World, school_year: SchoolYear, smtp: SmtpServer) -> World:
    absent(world.ola)
    return world


# Who is told, and how often -------------------------------------------------------------------


def test_the_guardian_with_parental_responsibility_gets_one_email_and_one_text(
    ola_absent: World, smtp: SmtpServer
) -> None:
    world = ola_absent
    summary = run(at(9, 5))
    assert summary.counts()[Status.SENT] == 2
    [mail] = smtp.inbox.messages
    assert mail.rcpt_tos == [world.ola_mother.email]
    assert mail.message["To"] == world.ola_mother.email
    assert mail.message["From"] == "sammen@kommune.example"
    assert mail.message["Auto-Submitted"] == "auto-generated"
    assert "Ola" in mail.message["Subject"] and "23.11.2026" in mail.message["Subject"]
    assert [m.to for m in sms.outbox] == [MOTHER_PHONE]
    notices = AbsenceNotice.objects.filter(pupil=world.ola, date=DAY)
    assert {(n.guardian_id, n.channel) for n in notices} == {
        (world.ola_mother.pk, "email"),
        (world.ola_mother.pk, "sms"),
    }
    assert all(n.sent_at is not None and n.error == "" for n in notices)


def test_a_second_run_sends_nothing(ola_absent: World, smtp: SmtpServer) -> None:
    run(at(9, 5))
    again = run(at(9, 10))
    assert len(smtp.inbox.messages) == 1
    assert len(sms.outbox) == 1
    assert [o.status for o in again.outcomes] == [Status.ALREADY_SENT, Status.ALREADY_SENT]
    assert AbsenceNotice.objects.count() == 2


def test_a_further_absent_lesson_the_same_day_sends_no_second_notice(
    world: World, school_year: SchoolYear, smtp: SmtpServer
) -> None:
    absent(world.ola, period=1)
    run(at(9, 5))
    absent(world.ola, period=3)
    run(at(11, 0))
    assert len(smtp.inbox.messages) == 1


def test_a_guardian_without_parental_responsibility_gets_nothing(
    ola_absent: World, smtp: SmtpServer
) -> None:
    world = ola_absent
    run(at(9, 5))
    assert smtp.inbox.to(world.ola_father.email) == []
    assert FATHER_PHONE not in [m.to for m in sms.outbox]
    assert not AbsenceNotice.objects.filter(guardian=world.ola_father).exists()


def test_neither_parent_is_told_about_the_other_nor_any_address(
    ola_absent: World, smtp: SmtpServer
) -> None:
    world = ola_absent
    # The father also has parental responsibility here, so both are told, each alone.
    Guardianship.objects.filter(guardian=world.ola_father).update(parental_responsibility=True)
    run(at(9, 5))
    mother_mail, father_mail = (
        smtp.inbox.to(g.email) for g in (world.ola_mother, world.ola_father)
    )
    assert len(mother_mail) == len(father_mail) == 1
    texts = {m.to: m.body for m in sms.outbox}
    for me, other, mail in (
        (world.ola_mother, world.ola_father, mother_mail[0]),
        (world.ola_father, world.ola_mother, father_mail[0]),
    ):
        assert mail.rcpt_tos == [me.email]
        for seen in (mail.raw, texts[me.phone]):
            assert other.email not in seen
            assert other.phone not in seen
            assert other.given_name not in seen
            assert me.address not in seen and other.address not in seen
            assert world.ola.family_name not in seen


def test_a_confidential_address_keeps_even_the_schools_name_out_of_the_notice(
    ola_absent: World, smtp: SmtpServer
) -> None:
    world = ola_absent
    Guardianship.objects.filter(guardian=world.ola_mother).update(confidential_address=True)
    run(at(9, 5))
    [mail] = smtp.inbox.messages
    [text] = sms.outbox
    for seen in (mail.raw, mail.message.get_content(), text.body):
        assert world.ola_mother.address not in seen
        assert world.school_a.name not in seen
    assert "Ola" in text.body


def test_the_notice_names_the_school_when_no_address_is_confidential(
    ola_absent: World, smtp: SmtpServer
) -> None:
    run(at(9, 5))
    [mail] = smtp.inbox.messages
    assert ola_absent.school_a.name in mail.message.get_content()
    assert sms.outbox[0].body.startswith(ola_absent.school_a.name)


def test_an_absence_the_guardian_reported_sends_no_notice(
    ola_absent: World, smtp: SmtpServer
) -> None:
    world = ola_absent
    GuardianReport.objects.create(
        pupil=world.ola,
        guardian=world.ola_mother,
        first_day=DAY - timedelta(days=3),
        last_day=DAY,
        reason=GuardianReportReason.SICK,
    )
    summary = run(at(9, 5))
    assert summary.outcomes == []
    assert smtp.inbox.messages == [] and sms.outbox == []


@pytest.mark.parametrize("reason", [Reason.SICK, Reason.LEAVE, Reason.OTHER])
def test_an_absence_with_a_reason_sends_no_notice(
    world: World, school_year: SchoolYear, smtp: SmtpServer, reason: str
) -> None:
    absent(world.ola, reason=reason)
    assert run(at(9, 5)).outcomes == []
    assert smtp.inbox.messages == []


def test_a_lesson_marked_unexplained_on_a_day_explained_as_a_whole_sends_no_notice(
    world: World, school_year: SchoolYear, smtp: SmtpServer
) -> None:
    absent(world.ola, reason=Reason.LEAVE)
    absent(world.ola, period=2)
    assert run(at(12, 0)).outcomes == []


def test_lateness_sends_no_notice(world: World, school_year: SchoolYear, smtp: SmtpServer) -> None:
    AttendanceRecord.objects.create(
        pupil=world.ola, school=world.school_a, date=DAY, period=1, kind=Kind.LATE, minutes=10
    )
    assert run(at(12, 0)).outcomes == []


def test_an_inactive_pupil_is_not_notified_about(ola_absent: World, smtp: SmtpServer) -> None:
    Pupil.objects.filter(pk=ola_absent.ola.pk).update(active=False)
    assert run(at(9, 5)).outcomes == []


# When -----------------------------------------------------------------------------------------


def test_nothing_is_sent_before_the_routine_time(ola_absent: World, smtp: SmtpServer) -> None:
    summary = run(at(8, 59))
    assert [s.state for s in summary.schools] == ["not_yet", "not_yet"]
    assert summary.outcomes == [] and smtp.inbox.messages == []
    assert run(at(9, 0)).counts()[Status.SENT] == 2


def test_the_schools_own_routine_time_and_channels_decide(
    ola_absent: World, smtp: SmtpServer
) -> None:
    world = ola_absent
    save_routine(
        actor=Actor.system("test"),
        school=world.school_a,
        notify_at=time(10, 15),
        email=False,
        sms=True,
    )
    assert run(at(10, 0)).outcomes == []
    summary = run(at(10, 15))
    assert [(o.channel, o.status) for o in summary.outcomes] == [("sms", Status.SENT)]
    assert smtp.inbox.messages == []


def test_a_school_with_both_channels_off_sends_nothing(ola_absent: World, smtp: SmtpServer) -> None:
    save_routine(
        actor=Actor.system("test"),
        school=ola_absent.school_a,
        notify_at=time(9, 0),
        email=False,
        sms=False,
    )
    summary = run(at(12, 0))
    assert summary.schools[0].state == "no_channels"
    assert summary.outcomes == []


def test_an_absent_lesson_counts_once_it_has_begun(
    world: World, school_year: SchoolYear, smtp: SmtpServer
) -> None:
    absent(world.ola, period=3)  # lesson 3 starts 10:30
    assert run(at(10, 29)).outcomes == []
    assert run(at(10, 30)).counts()[Status.SENT] == 2


def test_a_lesson_with_no_lesson_time_counts_as_begun(
    world: World, school_year: SchoolYear, smtp: SmtpServer
) -> None:
    absent(world.ola, period=6)
    assert run(at(9, 0)).counts()[Status.SENT] == 2


def test_nothing_is_sent_on_a_day_the_calendar_gives_off(
    world: World, school_year: SchoolYear, smtp: SmtpServer
) -> None:
    CalendarDay.objects.filter(school=world.school_a, date=DAY).update(
        kind=DayKind.PLANNING_DAY, lessons=0
    )
    absent(world.ola)
    summary = run(at(12, 0))
    assert summary.schools[0].state == "not_a_school_day"
    assert summary.outcomes == []


def test_a_future_day_is_never_due_and_a_past_day_is_due_in_full(
    world: World, school_year: SchoolYear, smtp: SmtpServer
) -> None:
    absent(world.ola, period=4)
    assert run(at(12, 0, DAY - timedelta(days=1)), day=DAY).outcomes == []
    caught_up = run(at(7, 0, DAY + timedelta(days=1)), day=DAY)
    assert caught_up.counts()[Status.SENT] == 2


# Language -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "subject", "body"),
    [
        ("en", "Absent without notice: Ola, 23.11.2026", "Ola is registered absent from school"),
        ("nn", "Fråvær utan melding: Ola, 23.11.2026", "Ola er registrert borte frå skulen"),
        ("pl", "Nieobecność bez zgłoszenia: Ola, 23.11.2026", "Państwa dziecka (Ola)"),
        ("uk", "Відсутність без попередження: Ola, 23.11.2026", "вашої дитини (Ola)"),
        ("ar", "غياب دون إبلاغ مسبق: Ola، 23.11.2026", "طفلكم (Ola)"),
    ],
)
def test_the_notice_is_written_in_the_guardians_language(
    ola_absent: World, smtp: SmtpServer, language: str, subject: str, body: str
) -> None:
    world = ola_absent
    world.ola_mother.preferred_language = language
    world.ola_mother.save()
    run(at(9, 5))
    [mail] = smtp.inbox.messages
    assert mail.message["Content-Language"] == language
    # Django folds a long encoded subject onto a continuation line; the parser keeps its space.
    assert mail.message["Subject"].strip() == subject
    assert body in mail.message.get_content()
    assert body in sms.outbox[0].body
    assert AbsenceNotice.objects.filter(language=language).count() == 2


def test_a_bokmal_reader_gets_the_bokmal_catalogues_text(
    ola_absent: World, smtp: SmtpServer
) -> None:
    run(at(9, 5))
    [mail] = smtp.inbox.messages
    assert mail.message["Content-Language"] == "nb"
    with translation.override("nb"):
        expected = translation.gettext("Absent without notice: %(name)s, %(date)s") % {
            "name": "Ola",
            "date": "23.11.2026",
        }
    assert mail.message["Subject"].strip() == expected


def test_a_language_without_a_written_notice_gets_bokmal(
    ola_absent: World, smtp: SmtpServer
) -> None:
    world = ola_absent
    world.ola_mother.preferred_language = "ti"
    world.ola_mother.save()
    run(at(9, 5))
    assert smtp.inbox.messages[0].message["Content-Language"] == "nb"
    assert set(AbsenceNotice.objects.values_list("language", flat=True)) == {"nb"}


# Channels and failures ------------------------------------------------------------------------


def test_a_guardian_without_an_email_address_is_still_texted(
    ola_absent: World, smtp: SmtpServer
) -> None:
    world = ola_absent
    world.ola_mother.email = ""
    world.ola_mother.save()
    summary = run(at(9, 5))
    assert {(o.channel, o.status) for o in summary.outcomes} == {
        ("email", Status.NO_CONTACT),
        ("sms", Status.SENT),
    }
    assert smtp.inbox.messages == []
    assert [m.to for m in sms.outbox] == [MOTHER_PHONE]


def test_a_refused_email_is_recorded_and_sent_by_a_later_run(
    ola_absent: World, smtp: SmtpServer
) -> None:
    smtp.inbox.refuse = True
    failed = run(at(9, 5))
    assert {(o.channel, o.status) for o in failed.outcomes} == {
        ("email", Status.FAILED),
        ("sms", Status.SENT),
    }
    notice = AbsenceNotice.objects.get(channel="email")
    assert notice.sent_at is None
    assert "554" in notice.error

    smtp.inbox.refuse = False
    retried = run(at(9, 10))
    assert {(o.channel, o.status) for o in retried.outcomes} == {
        ("email", Status.SENT),
        ("sms", Status.ALREADY_SENT),
    }
    notice.refresh_from_db()
    assert notice.sent_at is not None and notice.error == ""
    assert len(smtp.inbox.messages) == 1
    assert len(sms.outbox) == 1


def test_a_stopped_mail_server_is_recorded_and_a_later_run_retries(
    ola_absent: World, smtp: SmtpServer
) -> None:
    smtp.stop()
    assert run(at(9, 5)).counts()[Status.FAILED] == 1
    assert "Connection" in AbsenceNotice.objects.get(channel="email").error
    smtp.start()
    assert run(at(9, 10)).counts()[Status.SENT] == 1
    assert len(smtp.inbox.messages) == 1


class BrokenSms:
    def send(self, messages: Sequence[sms.SmsMessage]) -> int:
        raise sms.SmsError("gateway unavailable")


def test_a_failing_sms_gateway_is_recorded_and_the_command_fails(
    ola_absent: World, smtp: SmtpServer, settings: Any
) -> None:
    settings.SMS_BACKEND = f"{__name__}.BrokenSms"
    out = StringIO()
    with pytest.raises(CommandError, match="1 notice"):
        call_command("notify_absence", "--date", DAY.isoformat(), stdout=out)
    assert "1 failed" in out.getvalue()
    assert AbsenceNotice.objects.get(channel="sms").error == "SmsError: gateway unavailable"


def test_each_notice_sent_is_audited_without_the_message(
    ola_absent: World, smtp: SmtpServer
) -> None:
    world = ola_absent
    run(at(9, 5))
    events = AuditEvent.objects.filter(action=actions.ABSENCE_NOTICE_SENT).order_by("detail")
    assert [e.detail for e in events] == ["email", "sms"]
    for event in events:
        assert event.pupil_id == world.ola.public_id
        assert event.school_id == world.school_a.public_id
        assert event.actor_label == "system: notify_absence"
        assert event.changes["guardian"]["new"] == str(world.ola_mother.public_id)
        stored = json.dumps(event.changes) + event.detail + event.object_label
        assert world.ola_mother.email not in stored
        assert world.ola_mother.phone not in stored
        assert "registered absent" not in stored


def test_a_failed_send_is_not_audited_as_sent(ola_absent: World, smtp: SmtpServer) -> None:
    smtp.inbox.refuse = True
    run(at(9, 5))
    assert list(
        AuditEvent.objects.filter(action=actions.ABSENCE_NOTICE_SENT).values_list(
            "detail", flat=True
        )
    ) == ["sms"]


# Two runs at once -----------------------------------------------------------------------------


class ReentrantSms:
    """Starts a second run while the first is still sending, as an overlapping cron job would."""

    nested: list[Summary] = []

    def send(self, messages: Sequence[sms.SmsMessage]) -> int:
        ReentrantSms.nested.append(run(at(9, 5)))
        sms.outbox.extend(messages)
        return len(messages)


def test_a_run_that_starts_while_another_is_sending_sends_nothing(
    ola_absent: World, smtp: SmtpServer, settings: Any
) -> None:
    settings.SMS_BACKEND = f"{__name__}.ReentrantSms"
    ReentrantSms.nested = []
    save_routine(
        actor=Actor.system("test"),
        school=ola_absent.school_a,
        notify_at=time(9),
        email=False,
        sms=True,
    )
    outer = run(at(9, 5))
    [inner] = ReentrantSms.nested
    assert [o.status for o in inner.outcomes] == [Status.IN_PROGRESS]
    assert [o.status for o in outer.outcomes] == [Status.SENT]
    assert len(sms.outbox) == 1


class SlowSms:
    """Holds each send open long enough for a competing run to try the same notice."""

    def send(self, messages: Sequence[sms.SmsMessage]) -> int:
        threading.Event().wait(0.3)
        sms.outbox.extend(messages)
        return len(messages)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory SQLite test database cannot be shared between threads for writing; "
    "the interleaving test above covers the logic",
)
def test_two_concurrent_runs_send_each_notice_once(
    world: World, school_year: SchoolYear, smtp: SmtpServer, settings: Any
) -> None:
    settings.SMS_BACKEND = f"{__name__}.SlowSms"
    absent(world.ola)
    absent(world.kari)
    start = threading.Barrier(2)
    results: list[Summary] = []
    errors: list[BaseException] = []

    def one_run() -> None:
        try:
            start.wait()
            results.append(run(at(9, 5)))
        except BaseException as exc:  # reported below; a thread must not swallow it
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=one_run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    sent = [o for summary in results for o in summary.outcomes if o.status == Status.SENT]
    assert len(sent) == 4  # ola's mother and kari's guardian, by e-mail and text, once each
    assert sorted(m.to for m in sms.outbox) == sorted({MOTHER_PHONE, world.kari_guardian.phone})
    assert len(smtp.inbox.messages) == 2
    assert AbsenceNotice.objects.filter(sent_at__isnull=False).count() == 4


# Dry run, one school, the command and the scheduler -------------------------------------------


def test_a_dry_run_sends_and_writes_nothing(ola_absent: World, smtp: SmtpServer) -> None:
    summary = run(at(9, 5), dry_run=True)
    assert [o.status for o in summary.outcomes] == [Status.WOULD_SEND, Status.WOULD_SEND]
    assert smtp.inbox.messages == [] and sms.outbox == []
    assert not AbsenceNotice.objects.exists()
    assert not AuditEvent.objects.filter(action=actions.ABSENCE_NOTICE_SENT).exists()


def test_the_school_option_limits_the_run_to_that_school(
    ola_absent: World, smtp: SmtpServer
) -> None:
    world = ola_absent
    absent(world.kari)
    out = StringIO()
    call_command(
        "notify_absence", "--date", DAY.isoformat(), "--school", "Sørby skole", "--json", stdout=out
    )
    report = json.loads(out.getvalue())
    assert [s["name"] for s in report["schools"]] == ["Sørby skole"]
    assert smtp.inbox.to(world.kari_guardian.email)
    assert not smtp.inbox.to(world.ola_mother.email)


def test_an_unknown_school_is_a_clear_error(ola_absent: World) -> None:
    with pytest.raises(CommandError, match="no school is named 'Vestby skole'"):
        call_command("notify_absence", "--school", "Vestby skole")


def test_a_malformed_date_is_a_clear_error(ola_absent: World) -> None:
    with pytest.raises(CommandError, match="expected YYYY-MM-DD"):
        call_command("notify_absence", "--date", "23.11.2026")


def test_the_json_summary_names_schools_counts_and_notices_by_id(
    ola_absent: World, smtp: SmtpServer
) -> None:
    world = ola_absent
    out = StringIO()
    call_command("notify_absence", "--date", DAY.isoformat(), "--dry-run", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert set(report) == {"date", "dry_run", "schools", "counts", "notices"}
    assert report["date"] == "2026-11-23"
    assert report["dry_run"] is True
    assert report["schools"][0] == {
        "school": str(world.school_a.public_id),
        "name": "Nordby skole",
        "notify_at": "09:00",
        "channels": ["email", "sms"],
        "state": "due",
    }
    assert report["counts"] == {
        "sent": 0,
        "failed": 0,
        "would_send": 2,
        "already_sent": 0,
        "in_progress": 0,
        "no_contact": 0,
    }
    assert report["notices"][0] == {
        "pupil": str(world.ola.public_id),
        "guardian": str(world.ola_mother.public_id),
        "channel": "email",
        "language": "nb",
        "status": "would_send",
        "error": "",
    }
    assert world.ola.family_name not in out.getvalue()
    assert world.ola_mother.email not in out.getvalue()


def test_the_command_prints_a_one_line_summary(ola_absent: World, smtp: SmtpServer) -> None:
    out = StringIO()
    call_command("notify_absence", "--date", DAY.isoformat(), stdout=out)
    assert out.getvalue().strip() == (
        "notify_absence 2026-11-23: 2 school(s) due; 2 sent, 0 failed, 0 would send, "
        "0 already sent, 0 in progress, 0 no contact"
    )


def test_the_scheduler_runs_the_notices_every_five_minutes() -> None:
    assert scheduler.Job("notify_absence", 300, "notify_absence") in scheduler.JOBS


def test_a_run_with_nothing_due_stays_cheap(
    ola_absent: World, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(3):
        run(at(8, 0))


def test_a_run_with_everything_sent_already_asks_a_fixed_number_of_queries(
    world: World, school_year: SchoolYear, smtp: SmtpServer, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        pupil = f.make_pupil(world.school_a, world.class_8a)
        f.make_guardian(pupil)
        absent(pupil)
    run(at(9, 5))
    with django_assert_max_num_queries(6):
        again = run(at(9, 10))
    assert {o.status for o in again.outcomes} == {Status.ALREADY_SENT}
