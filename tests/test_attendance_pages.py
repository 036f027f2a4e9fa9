"""The attendance pages through HTTP: who gets in, what they see, what a POST saves."""

from __future__ import annotations

import re
from datetime import date

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sammen.attendance import services
from sammen.attendance.models import (
    AttendanceRecord,
    GuardianReport,
    GuardianReportReason,
    Kind,
    Reason,
    ReportedBy,
)
from sammen.attendance.services import Entry
from sammen.audit import actions
from sammen.audit.models import AuditEvent
from sammen.roster.models import Group, Pupil
from tests import factories as f
from tests.attendance_fixtures import (
    CHRISTMAS_EVE,
    MATHS_PERIOD,
    TODAY,
    YESTERDAY,
    CalendarWorld,
    add_pupils,
    calendar_world,
    report_absence,
)
from tests.conftest import page

__all__ = ["calendar_world"]


def lesson_url(group: Group, day: date = TODAY, period: int = MATHS_PERIOD) -> str:
    return f"/gruppe/{group.public_id}/time/{day.isoformat()}/{period}/"


def day_url(group: Group, day: date = TODAY) -> str:
    return f"/gruppe/{group.public_id}/dag/{day.isoformat()}/"


def row(pupil: Pupil, status: str, minutes: str = "") -> dict[str, str]:
    return {f"{pupil.public_id}-status": status, f"{pupil.public_id}-minutes": minutes}


# Today -----------------------------------------------------------------------------------------


def test_the_subject_teacher_sees_todays_lesson_from_the_timetable(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    client.force_login(w.bob)
    html = page(client, "/i-dag/")
    assert lesson_url(w.maths) in html
    assert "Matematikk" in html and "09:20" in html
    assert day_url(w.class_8a) not in html


def test_the_contact_teacher_finds_her_class_register_on_the_today_page(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    client.force_login(w.alice)
    html = page(client, "/i-dag/")
    assert day_url(w.class_8a) in html
    assert lesson_url(w.class_8a, period=1) in html


def test_a_holiday_has_no_lessons(client: Client, calendar_world: CalendarWorld) -> None:
    client.force_login(calendar_world.world.bob)
    html = page(client, f"/i-dag/?dato={CHRISTMAS_EVE:%d.%m.%Y}")
    assert "/time/" not in html


def test_guardians_and_support_staff_have_no_register_page(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    for user in (w.guardian, w.nurse, w.analyst):
        client.force_login(user)
        assert client.get("/i-dag/").status_code == 404


def test_the_start_page_leads_teachers_to_today_and_guardians_to_the_report(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    client.force_login(w.bob)
    html = page(client, "/")
    assert 'href="/i-dag/"' in html and 'href="/meld-fravaer/"' not in html
    # Guardians start in the portal (/foresatt/), which links to the report.
    client.force_login(w.guardian)
    html = page(client, "/foresatt/")
    assert 'href="/meld-fravaer/"' in html and 'href="/i-dag/"' not in html
    client.force_login(w.father)
    assert 'href="/meld-fravaer/"' not in page(client, "/foresatt/")


# The lesson register ---------------------------------------------------------------------------


def test_the_lesson_register_lists_the_groups_pupils_present_by_default(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    client.force_login(w.bob)
    html = page(client, lesson_url(w.maths))
    assert "Nordmann, Ola" in html
    checked = re.search(r'name="[^"]+-status" value="(\w+)" checked', html)
    assert checked is not None and checked.group(1) == "present"
    assert AuditEvent.objects.filter(
        action=actions.REGISTER_VIEWED, pupil_id=w.ola.public_id
    ).exists()


def test_a_whole_register_is_saved_by_a_plain_form_post(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    siv = f.make_pupil(w.school_a, w.maths, given_name="Siv")
    client.force_login(w.bob)
    response = client.post(lesson_url(w.maths), {**row(w.ola, "late", "7"), **row(siv, "absent")})
    assert response.status_code == 302
    assert response["Location"] == lesson_url(w.maths)
    ola = AttendanceRecord.objects.get(pupil=w.ola)
    assert (ola.kind, ola.minutes, ola.period) == (Kind.LATE, 7, MATHS_PERIOD)
    assert AttendanceRecord.objects.get(pupil=siv).kind == Kind.ABSENT
    html = page(client, lesson_url(w.maths))
    assert re.search(rf'name="{w.ola.public_id}-minutes" value="7"', html)


def test_htmx_saves_one_row_and_answers_with_its_status_line(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    siv = f.make_pupil(w.school_a, w.maths, given_name="Siv")
    client.force_login(w.bob)
    # htmx posts the whole form; only the named row is saved.
    data = {**row(w.ola, "absent"), **row(siv, "absent"), "row": str(w.ola.public_id)}
    response = client.post(lesson_url(w.maths), data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'class="saved"' in html
    assert list(AttendanceRecord.objects.values_list("pupil_id", flat=True)) == [w.ola.pk]


def test_a_row_marked_late_without_minutes_is_not_saved_and_says_why(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    client.force_login(w.bob)
    data = {**row(w.ola, "late"), "row": str(w.ola.public_id)}
    response = client.post(lesson_url(w.maths), data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert not AttendanceRecord.objects.exists()


def test_a_full_post_with_a_bad_row_saves_nothing_and_marks_the_row(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    siv = f.make_pupil(w.school_a, w.maths, given_name="Siv")
    client.force_login(w.bob)
    response = client.post(lesson_url(w.maths), {**row(w.ola, "late"), **row(siv, "absent")})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert not AttendanceRecord.objects.exists()


def test_the_teacher_reads_but_cannot_change_yesterdays_register(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    client.force_login(w.bob)
    html = page(client, lesson_url(w.maths, YESTERDAY))
    assert '<form method="post"' not in html
    response = client.post(lesson_url(w.maths, YESTERDAY), row(w.ola, "absent"))
    assert response.status_code == 403
    assert not AttendanceRecord.objects.exists()


def test_the_office_may_change_an_earlier_day(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    client.force_login(w.office)
    response = client.post(lesson_url(w.maths, YESTERDAY), row(w.ola, "absent"))
    assert response.status_code == 302
    assert AttendanceRecord.objects.get(pupil=w.ola).date == YESTERDAY


def test_another_teacher_cannot_register_a_group_they_do_not_teach(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    client.force_login(w.alice)
    assert client.get(lesson_url(w.maths)).status_code == 404
    assert client.post(lesson_url(w.maths), row(w.ola, "absent")).status_code == 404
    client.force_login(w.charlie)
    assert client.post(lesson_url(w.maths), row(w.ola, "absent")).status_code == 404
    assert not AttendanceRecord.objects.exists()


def test_a_holiday_register_explains_itself_and_has_no_form(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    client.force_login(w.bob)
    html = page(client, lesson_url(w.maths, CHRISTMAS_EVE))
    assert "24.12.2026" in html
    assert "-status" not in html


def test_the_register_shows_an_absence_reported_by_a_guardian(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    report_absence(w, GuardianReportReason.SICK)
    client.force_login(w.bob)
    html = page(client, lesson_url(w.maths))
    assert str(GuardianReportReason.SICK.label) in html
    assert f'name="{w.ola.public_id}-status"' not in html  # covered by the whole-day record


def _queries(client: Client, method: str, url: str, data: dict[str, str] | None = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, data or {}) if method == "post" else client.get(url)
        assert response.status_code in (200, 302)
    return len(ctx.captured_queries)


def test_the_lesson_register_takes_the_same_queries_for_5_and_28_pupils(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    client.force_login(w.leader)
    counts = {}
    for size in (5, 28):
        group = f.make_group(w.school_a, f"Gruppe {size}", subject="Engelsk")
        pupils = add_pupils(group, size)
        url = lesson_url(group, period=3)
        _queries(client, "get", url)  # the session's first request reads the user
        data: dict[str, str] = {}
        for i, pupil in enumerate(pupils):
            data.update(row(pupil, "late" if i % 3 == 0 else "absent", "4"))
        counts[size] = (_queries(client, "get", url), _queries(client, "post", url, data))
    assert counts[5] == counts[28]


# The class's day -------------------------------------------------------------------------------


def test_the_contact_teacher_registers_a_whole_day_and_sees_whos_away(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    client.force_login(w.alice)
    prefix = str(w.ola.public_id)
    response = client.post(
        day_url(w.class_8a),
        {f"{prefix}-status": "absent", f"{prefix}-reason": "sick", f"{prefix}-documented": "on"},
    )
    assert response.status_code == 302
    record = AttendanceRecord.objects.get(pupil=w.ola)
    assert (record.period, record.reason, record.documented) == (None, Reason.SICK, True)
    html = page(client, day_url(w.class_8a))
    assert re.search(r'name="[^"]+-status" value="absent" checked', html)


def test_the_class_day_lists_the_guardians_reports(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    report_absence(w, GuardianReportReason.APPOINTMENT)
    client.force_login(w.alice)
    html = page(client, day_url(w.class_8a))
    assert 'id="reported-heading"' in html
    assert "Ola Nordmann" in html


def test_a_teaching_group_has_no_day_register(
    client: Client, calendar_world: CalendarWorld
) -> None:
    client.force_login(calendar_world.world.bob)
    assert client.get(day_url(calendar_world.world.maths)).status_code == 404


def test_the_contact_teacher_cannot_change_yesterdays_whole_day(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    client.force_login(w.alice)
    prefix = str(w.ola.public_id)
    data = {f"{prefix}-status": "absent", f"{prefix}-reason": "sick"}
    assert client.post(day_url(w.class_8a, YESTERDAY), data).status_code == 403


# The pupil's attendance ------------------------------------------------------------------------


def _absences(cw: CalendarWorld) -> None:
    w = cw.world
    services.register_day(
        actor=w.office,
        school=w.school_a,
        day=date(2026, 11, 16),
        entries=[Entry(w.ola, Kind.ABSENT, reason=Reason.SICK, documented=True)],
    )
    services.register_lesson(
        actor=w.office,
        group=w.maths,
        day=YESTERDAY,
        period=1,
        entries=[Entry(w.ola, Kind.LATE, minutes=12)],
    )


def test_the_pupil_page_shows_totals_calendar_trend_and_tables(
    client: Client, calendar_world: CalendarWorld
) -> None:
    _absences(calendar_world)
    w = calendar_world.world
    client.force_login(w.alice)
    html = page(client, f"/elev/{w.ola.public_id}/fravaer/")
    assert html.count('role="img"') >= 5  # months from August to November and the trend
    assert 'id="months-caption"' in html and 'id="weeks-caption"' in html
    assert 'id="weekday-caption"' in html and 'id="lesson-caption"' in html
    assert "16.11.2026" in html
    assert "style=" not in html
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None
    assert AuditEvent.objects.filter(
        action=actions.ATTENDANCE_VIEWED, pupil_id=w.ola.public_id
    ).exists()


def test_the_pupil_page_is_linked_from_the_pupils_page(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    client.force_login(w.bob)
    assert f'href="/elev/{w.ola.public_id}/fravaer/"' in page(client, f"/elev/{w.ola.public_id}/")


def test_a_guardian_sees_their_own_childs_attendance_only(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    client.force_login(w.guardian)
    page(client, f"/elev/{w.ola.public_id}/fravaer/")
    assert client.get(f"/elev/{w.kari.public_id}/fravaer/").status_code == 404
    client.force_login(w.father)
    assert client.get(f"/elev/{w.ola.public_id}/fravaer/").status_code == 404


def test_the_pupil_page_takes_the_same_queries_with_more_records(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    client.force_login(w.alice)
    url = f"/elev/{w.ola.public_id}/fravaer/"
    _queries(client, "get", url)
    before = _queries(client, "get", url)
    _absences(calendar_world)
    assert _queries(client, "get", url) == before


# Corrections -----------------------------------------------------------------------------------


def _correction_url(pupil: Pupil, day: date) -> str:
    return f"/elev/{pupil.public_id}/fravaer/dag/?dato={day.isoformat()}"


def test_the_contact_teacher_corrects_a_record_the_same_day(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    services.register_lesson(
        actor=w.bob, group=w.maths, day=TODAY, period=2, entries=[Entry(w.ola, Kind.ABSENT)]
    )
    record = AttendanceRecord.objects.get(pupil=w.ola)
    client.force_login(w.alice)
    prefix = str(record.public_id)
    response = client.post(
        _correction_url(w.ola, TODAY),
        {
            "record": prefix,
            f"{prefix}-status": "absent",
            f"{prefix}-reason": "sick",
            f"{prefix}-documented": "on",
        },
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.reason, record.documented) == (Reason.SICK, True)


def test_corrections_later_are_for_the_office_and_the_leader(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    url = _correction_url(w.ola, YESTERDAY)
    for user, status in ((w.alice, 403), (w.bob, 403), (w.guardian, 403), (w.office, 200)):
        client.force_login(user)
        assert client.get(url).status_code == status
    client.force_login(w.charlie)
    assert client.get(url).status_code == 404


def test_the_office_registers_an_approved_leave_ahead(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    client.force_login(w.office)
    day = date(2026, 12, 3)
    prefix = str(w.ola.public_id)
    response = client.post(
        _correction_url(w.ola, day),
        {
            "record": "day",
            f"{prefix}-status": "absent",
            f"{prefix}-reason": "leave",
            f"{prefix}-documented": "on",
        },
    )
    assert response.status_code == 302
    record = AttendanceRecord.objects.get(pupil=w.ola)
    assert (record.date, record.reason, record.documented) == (day, Reason.LEAVE, True)


# The guardian's report -------------------------------------------------------------------------


def test_a_guardian_reports_a_child_sick_today_and_gets_a_confirmation(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    client.force_login(w.guardian)
    html = page(client, "/meld-fravaer/")
    assert "<textarea" not in html and 'type="text"' not in html
    assert "Ola Nordmann" in html and "Kari" not in html
    response = client.post(
        "/meld-fravaer/", {"child": str(w.ola.public_id), "when": "today", "reason": "sick"}
    )
    assert response.status_code == 302
    report = GuardianReport.objects.get()
    assert (report.pupil, report.guardian, report.first_day) == (w.ola, w.ola_mother, TODAY)
    assert (
        response["Location"]
        == f"/elev/{w.ola.public_id}/fravaersmeldinger/?sendt={report.public_id}"
    )
    confirmation = page(client, response["Location"])
    assert "26.11.2026" in confirmation
    record = AttendanceRecord.objects.get(pupil=w.ola)
    assert (record.reported_by, record.reason) == (ReportedBy.GUARDIAN, Reason.SICK)
    client.force_login(w.alice)
    assert "Ola Nordmann" in page(client, day_url(w.class_8a))


def test_a_guardian_reports_several_days_ahead(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    client.force_login(w.guardian)
    response = client.post(
        "/meld-fravaer/",
        {
            "child": str(w.ola.public_id),
            "when": "period",
            "first_day": "30.11.2026",
            "last_day": "2026-12-02",
            "reason": "leave",
        },
    )
    assert response.status_code == 302
    assert AttendanceRecord.objects.filter(pupil=w.ola).count() == 3


def test_a_guardian_cannot_report_for_someone_elses_child(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    client.force_login(w.other_guardian)
    response = client.post(
        "/meld-fravaer/", {"child": str(w.ola.public_id), "when": "today", "reason": "sick"}
    )
    assert response.status_code == 200  # the form again: that child is not a choice
    assert not GuardianReport.objects.exists()


def test_the_report_refuses_dates_far_back_and_days_without_school(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    client.force_login(w.guardian)
    for first, last in (("2026-11-02", "2026-11-03"), ("2026-12-24", "2026-12-31")):
        response = client.post(
            "/meld-fravaer/",
            {
                "child": str(w.ola.public_id),
                "when": "period",
                "first_day": first,
                "last_day": last,
                "reason": "sick",
            },
        )
        assert response.status_code == 200
        assert "ds-error-summary" in response.content.decode()
    assert not GuardianReport.objects.exists()


def test_only_guardians_with_parental_responsibility_may_report(
    client: Client, calendar_world: CalendarWorld
) -> None:
    w = calendar_world.world
    for user in (w.father, w.alice, w.office, w.nobody):
        client.force_login(user)
        assert client.get("/meld-fravaer/").status_code == 404
