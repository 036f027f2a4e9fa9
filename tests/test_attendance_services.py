"""Registering attendance: records, their audit trail and the weekly totals, written together."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from sammen.attendance import calendar_setup, services
from sammen.attendance.models import (
    AttendanceRecord,
    CalendarDay,
    DayKind,
    GuardianReport,
    GuardianReportReason,
    Kind,
    LessonPeriod,
    PupilDay,
    PupilWeek,
    Reason,
    ReportedBy,
)
from sammen.attendance.rates import week_start
from sammen.attendance.services import PRESENT, Entry, RegistrationError
from sammen.audit import actions
from sammen.audit.log import Actor
from sammen.audit.models import AuditEvent
from sammen.roster.models import Pupil
from tests import factories as f
from tests.attendance_fixtures import (
    CHRISTMAS_EVE,
    MONDAY,
    SATURDAY,
    TODAY,
    YESTERDAY,
    CalendarWorld,
    add_pupils,
    calendar_world,
    report_absence,
)
from tests.conftest import World


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # The assertions below match the services' English messages; the UI default is Bokmål.
    with translation.override("en"):
        yield


__all__ = ["calendar_world"]


def _lesson(cw: CalendarWorld, *entries: Entry, day: date = TODAY, period: int = 2) -> int:
    outcome = services.register_lesson(
        actor=cw.world.bob, group=cw.world.maths, day=day, period=period, entries=entries
    )
    return outcome.changed


def _week(pupil: Pupil, day: date = TODAY) -> PupilWeek:
    return PupilWeek.objects.get(pupil=pupil, week_start=week_start(day))


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


# Lessons ---------------------------------------------------------------------------------------


def test_registering_a_lesson_writes_records_audit_and_weekly_totals(
    calendar_world: CalendarWorld,
) -> None:
    cw = calendar_world
    ola = cw.world.ola
    kari_in_maths = f.make_pupil(cw.world.school_a, cw.world.maths, given_name="Siv")
    changed = _lesson(cw, Entry(ola, Kind.ABSENT), Entry(kari_in_maths, Kind.LATE, minutes=10))

    assert changed == 2
    absent = AttendanceRecord.objects.get(pupil=ola)
    assert (absent.kind, absent.period, absent.reason, absent.group) == (
        Kind.ABSENT,
        2,
        Reason.UNEXPLAINED,
        cw.world.maths,
    )
    assert absent.registered_by == cw.world.bob
    assert absent.reported_by == ReportedBy.STAFF
    assert absent.subject == "Matematikk"
    late = AttendanceRecord.objects.get(pupil=kari_in_maths)
    assert (late.kind, late.minutes) == (Kind.LATE, 10)

    saved = _events(actions.ATTENDANCE_SAVED)
    assert len(saved) == 2
    assert saved[0].pupil_id == ola.public_id
    assert saved[0].changes["kind"] == {"old": None, "new": "absent"}
    assert saved[0].actor_label.startswith("Bob")

    week = _week(ola)
    assert (week.school_days, week.planned_lessons) == (5, 30)
    assert (week.absent_lessons, week.unexplained_lessons, week.absent_days) == (1, 1, 0)
    assert (_week(kari_in_maths).late_count, _week(kari_in_maths).late_minutes) == (1, 10)
    day = PupilDay.objects.get(pupil=ola)
    assert (day.date, day.school_id, day.planned_lessons, day.absent_lessons) == (
        TODAY,
        cw.world.school_a.pk,
        6,
        1,
    )
    late_day = PupilDay.objects.get(pupil=kari_in_maths)
    assert (late_day.late_count, late_day.late_minutes, late_day.first_lesson_absent) == (
        1,
        10,
        False,
    )


def test_registering_the_same_lesson_again_changes_nothing(
    calendar_world: CalendarWorld,
) -> None:
    cw = calendar_world
    _lesson(cw, Entry(cw.world.ola, Kind.LATE, minutes=5))
    events = AuditEvent.objects.count()
    assert _lesson(cw, Entry(cw.world.ola, Kind.LATE, minutes=5)) == 0
    assert AuditEvent.objects.count() == events


def test_present_removes_the_record_and_the_removal_is_audited(
    calendar_world: CalendarWorld,
) -> None:
    cw = calendar_world
    _lesson(cw, Entry(cw.world.ola, Kind.ABSENT))
    assert _lesson(cw, Entry(cw.world.ola, PRESENT)) == 1

    assert not AttendanceRecord.objects.filter(pupil=cw.world.ola).exists()
    removed = _events(actions.ATTENDANCE_REMOVED)
    assert len(removed) == 1
    assert removed[0].changes["kind"] == {"old": "absent", "new": None}
    assert _week(cw.world.ola).absent_lessons == 0
    assert not PupilDay.objects.filter(pupil=cw.world.ola).exists()


def test_a_correction_is_audited_with_old_and_new_values(calendar_world: CalendarWorld) -> None:
    cw = calendar_world
    _lesson(cw, Entry(cw.world.ola, Kind.ABSENT))
    record = AttendanceRecord.objects.get(pupil=cw.world.ola)
    services.correct_record(
        actor=cw.world.office,
        record=record,
        status=Kind.ABSENT,
        reason=Reason.SICK,
        documented=True,
    )
    record.refresh_from_db()
    assert (record.reason, record.documented, record.registered_by) == (
        Reason.SICK,
        True,
        cw.world.office,
    )
    last = _events(actions.ATTENDANCE_SAVED)[-1]
    assert last.changes["reason"] == {"old": "unexplained", "new": "sick"}
    assert last.changes["documented"] == {"old": False, "new": True}
    assert _week(cw.world.ola).unexplained_lessons == 0


def test_late_without_minutes_is_refused_and_nothing_is_written(
    calendar_world: CalendarWorld,
) -> None:
    cw = calendar_world
    other = f.make_pupil(cw.world.school_a, cw.world.maths)
    with pytest.raises(RegistrationError) as caught:
        _lesson(cw, Entry(other, Kind.ABSENT), Entry(cw.world.ola, Kind.LATE))
    assert set(caught.value.errors) == {str(cw.world.ola.public_id)}
    assert not AttendanceRecord.objects.exists()
    assert not _events(actions.ATTENDANCE_SAVED)


def test_minutes_longer_than_the_lesson_are_refused(calendar_world: CalendarWorld) -> None:
    cw = calendar_world
    with pytest.raises(RegistrationError, match="45"):
        _lesson(cw, Entry(cw.world.ola, Kind.LATE, minutes=50))


def test_a_pupil_outside_the_group_is_refused(calendar_world: CalendarWorld) -> None:
    cw = calendar_world
    with pytest.raises(RegistrationError, match="Nils Olsen"):
        _lesson(cw, Entry(cw.world.nils, Kind.ABSENT))


@pytest.mark.parametrize("day", [SATURDAY, CHRISTMAS_EVE, date(2027, 5, 17)])
def test_a_day_without_school_cannot_be_registered(
    calendar_world: CalendarWorld, day: date
) -> None:
    with pytest.raises(RegistrationError, match="not a school day"):
        _lesson(calendar_world, Entry(calendar_world.world.ola, Kind.ABSENT), day=day)


def test_a_lesson_after_the_days_last_is_refused(calendar_world: CalendarWorld) -> None:
    with pytest.raises(RegistrationError, match="no lesson 7"):
        _lesson(calendar_world, Entry(calendar_world.world.ola, Kind.ABSENT), period=7)


def test_present_elsewhere_is_not_counted_as_absence(calendar_world: CalendarWorld) -> None:
    cw = calendar_world
    _lesson(cw, Entry(cw.world.ola, Kind.PRESENT_ELSEWHERE))
    record = AttendanceRecord.objects.get(pupil=cw.world.ola)
    assert record.reason == Reason.SCHOOL_ACTIVITY
    assert record.counts_on_diploma is False
    assert _week(cw.world.ola).absent_lessons == 0


def test_the_lesson_register_leaves_a_pupil_away_all_day_to_the_whole_day_record(
    calendar_world: CalendarWorld,
) -> None:
    cw = calendar_world
    services.register_day(
        actor=cw.world.alice,
        school=cw.world.school_a,
        day=TODAY,
        entries=[Entry(cw.world.ola, Kind.ABSENT, reason=Reason.SICK)],
    )
    assert _lesson(cw, Entry(cw.world.ola, PRESENT)) == 0
    assert AttendanceRecord.objects.get(pupil=cw.world.ola).period is None


def test_registering_a_lesson_takes_the_same_queries_for_5_and_28_pupils(
    calendar_world: CalendarWorld,
) -> None:
    cw = calendar_world

    def queries_for(count: int) -> int:
        group = f.make_group(cw.world.school_a, f"Gruppe {count}", subject="Naturfag")
        pupils = add_pupils(group, count)
        entries = [Entry(p, Kind.ABSENT if i % 2 else Kind.LATE, 5) for i, p in enumerate(pupils)]
        with CaptureQueriesContext(connection) as ctx:
            services.register_lesson(
                actor=cw.world.leader, group=group, day=TODAY, period=3, entries=entries
            )
        return len(ctx.captured_queries)

    assert queries_for(5) == queries_for(28)


# Whole days ------------------------------------------------------------------------------------


def test_a_whole_day_absence_misses_every_planned_lesson(calendar_world: CalendarWorld) -> None:
    cw = calendar_world
    services.register_day(
        actor=cw.world.alice,
        school=cw.world.school_a,
        day=MONDAY,
        entries=[Entry(cw.world.ola, Kind.ABSENT, reason=Reason.LEAVE, documented=True)],
    )
    record = AttendanceRecord.objects.get(pupil=cw.world.ola)
    assert (record.period, record.reason, record.documented) == (None, Reason.LEAVE, True)
    week = _week(cw.world.ola, MONDAY)
    assert (week.absent_days, week.absent_lessons, week.unexplained_lessons) == (1, 6, 0)
    day = PupilDay.objects.get(pupil=cw.world.ola)
    assert (day.absent_lessons, day.sick_lessons, day.first_lesson_absent) == (6, 0, False)


def test_lateness_is_not_a_whole_day_kind(calendar_world: CalendarWorld) -> None:
    cw = calendar_world
    with pytest.raises(RegistrationError, match="lesson"):
        services.register_day(
            actor=cw.world.alice,
            school=cw.world.school_a,
            day=TODAY,
            entries=[Entry(cw.world.ola, Kind.LATE, minutes=5)],
        )


def test_a_pupil_of_another_school_cannot_be_registered_here(
    calendar_world: CalendarWorld,
) -> None:
    cw = calendar_world
    with pytest.raises(RegistrationError, match="Kari Berg"):
        services.register_day(
            actor=cw.world.office,
            school=cw.world.school_a,
            day=TODAY,
            entries=[Entry(cw.world.kari, Kind.ABSENT)],
        )


# Guardian reports ------------------------------------------------------------------------------


def _report(cw: CalendarWorld, first: date, last: date, reason: str) -> GuardianReport:
    return report_absence(cw.world, reason, first, last)


def test_a_guardians_report_of_illness_makes_a_documented_record_per_school_day(
    calendar_world: CalendarWorld,
) -> None:
    cw = calendar_world
    report = _report(cw, TODAY, date(2026, 11, 30), GuardianReportReason.SICK)  # Thu–Mon

    records = list(AttendanceRecord.objects.filter(pupil=cw.world.ola).order_by("date"))
    assert [r.date for r in records] == [TODAY, date(2026, 11, 27), date(2026, 11, 30)]
    for record in records:
        assert (record.kind, record.period, record.reason) == (Kind.ABSENT, None, Reason.SICK)
        assert (record.documented, record.reported_by) == (True, ReportedBy.GUARDIAN)
    created = _events(actions.GUARDIAN_REPORT_CREATED)
    assert [e.object_id for e in created] == [str(report.public_id)]
    assert len(_events(actions.ATTENDANCE_SAVED)) == 3
    assert _week(cw.world.ola).absent_days == 2


def test_planned_leave_waits_for_the_school_to_document_it(calendar_world: CalendarWorld) -> None:
    _report(calendar_world, TODAY, TODAY, GuardianReportReason.LEAVE)
    record = AttendanceRecord.objects.get(pupil=calendar_world.world.ola)
    assert (record.reason, record.documented) == (Reason.LEAVE, False)


@pytest.mark.parametrize(
    ("given", "reason", "documented"),
    [
        (GuardianReportReason.APPOINTMENT, Reason.OTHER, True),
        (GuardianReportReason.OTHER, Reason.OTHER, False),
    ],
)
def test_each_guardian_reason_maps_to_a_record_reason(
    calendar_world: CalendarWorld, given: str, reason: str, documented: bool
) -> None:
    _report(calendar_world, TODAY, TODAY, given)
    record = AttendanceRecord.objects.get(pupil=calendar_world.world.ola)
    assert (record.reason, record.documented) == (reason, documented)


def test_a_guardians_report_explains_the_days_unexplained_lessons(
    calendar_world: CalendarWorld,
) -> None:
    cw = calendar_world
    _lesson(cw, Entry(cw.world.ola, Kind.ABSENT))
    services.register_day(
        actor=cw.world.alice,
        school=cw.world.school_a,
        day=TODAY,
        entries=[Entry(cw.world.ola, Kind.ABSENT)],
    )
    _report(cw, TODAY, TODAY, GuardianReportReason.SICK)

    lesson = AttendanceRecord.objects.get(pupil=cw.world.ola, period=2)
    whole = AttendanceRecord.objects.get(pupil=cw.world.ola, period__isnull=True)
    assert (lesson.reason, whole.reason, whole.reported_by) == (
        Reason.SICK,
        Reason.SICK,
        ReportedBy.GUARDIAN,
    )
    assert _week(cw.world.ola).unexplained_lessons == 0


def test_a_report_over_a_holiday_only_is_refused(calendar_world: CalendarWorld) -> None:
    with pytest.raises(RegistrationError, match="no school days"):
        _report(calendar_world, CHRISTMAS_EVE, date(2026, 12, 31), GuardianReportReason.SICK)
    assert not GuardianReport.objects.exists()


# The calendar ----------------------------------------------------------------------------------


def test_the_default_calendar_has_the_norwegian_holidays_and_lesson_times(
    calendar_world: CalendarWorld,
) -> None:
    school = calendar_world.world.school_a
    days = {d.date: d for d in CalendarDay.objects.filter(school=school)}
    assert days[TODAY].kind == DayKind.SCHOOL_DAY and days[TODAY].lessons == 6
    assert days[date(2027, 5, 17)].kind == DayKind.PUBLIC_HOLIDAY
    assert days[CHRISTMAS_EVE].kind == DayKind.HOLIDAY and days[CHRISTMAS_EVE].lessons == 0
    assert SATURDAY not in days
    periods = list(LessonPeriod.objects.filter(school=school).values_list("number", "start", "end"))
    assert periods[0] == (1, time(8, 30), time(9, 15))
    assert len(periods) == 6
    assert (
        AuditEvent.objects.filter(action=actions.CALENDAR_SAVED, school_id=school.public_id).count()
        == 2
    )  # the days and the lesson times


def test_writing_the_default_calendar_again_keeps_the_schools_own_changes(
    calendar_world: CalendarWorld,
) -> None:
    cw = calendar_world
    CalendarDay.objects.filter(school=cw.world.school_a, date=YESTERDAY).update(
        kind=DayKind.PLANNING_DAY, lessons=0
    )
    written = calendar_setup.ensure_default_calendar(
        actor=Actor.system("test"), school=cw.world.school_a, school_year=cw.year
    )
    assert written == 0
    assert CalendarDay.objects.get(school=cw.world.school_a, date=YESTERDAY).kind == (
        DayKind.PLANNING_DAY
    )


def test_records_written_before_the_calendar_are_counted_once_it_exists(world: World) -> None:
    year = f.make_school_year(world.school_a.owner, 2026)
    AttendanceRecord.objects.create(
        pupil=world.ola, school=world.school_a, date=TODAY, kind=Kind.ABSENT
    )
    calendar_setup.ensure_default_calendar(
        actor=Actor.system("test"), school=world.school_a, school_year=year, lessons_per_day=5
    )
    week = _week(world.ola)
    assert (week.school_days, week.absent_days, week.absent_lessons) == (5, 1, 5)
