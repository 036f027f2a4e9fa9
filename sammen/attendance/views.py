"""Attendance pages: today's lessons, the lesson and day registers, a pupil's year, corrections,
Thin: access, work, render.

The registers work as plain forms (one POST saves every row) and, with htmx, save one row at a
time as the teacher goes: a change in a row posts the form with ``row=<pupil id>`` and gets back
only that row's status line, so nothing the teacher is typing in another field is replaced.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sammen.attendance import access, charts, queries, services
from sammen.attendance.forms import (
    DATE_FORMATS,
    CorrectionForm,
    DayRowForm,
    LessonRowForm,
)
from sammen.attendance.models import AttendanceRecord, DayKind, Kind, Reason
from sammen.attendance.queries import RegisterRow
from sammen.attendance.services import PRESENT, Entry, Outcome, RegistrationError
from sammen.audit import actions
from sammen.audit.log import log_read, log_reads
from sammen.lib.dates import norwegian_date
from sammen.roster.access import viewer_for
from sammen.roster.models import Group, Pupil

RowForm = LessonRowForm | DayRowForm
MONDAY = date(2024, 1, 1)


def _day_from_query(request: HttpRequest, default: date) -> date:
    raw = request.GET.get("dato", "").strip()
    if not raw:
        return default
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise Http404


# Today -----------------------------------------------------------------------------------------


@login_required
def today(request: HttpRequest) -> HttpResponse:
    if not access.may_use_registers(request.user):
        raise Http404
    now = access.today()
    day = _day_from_query(request, now)
    context = {
        "day": day,
        "is_today": day == now,
        "weekend": day.weekday() > 4,
        "lessons": queries.lessons_of_day(request.user, day),
        "classes": queries.classes_of_day(request.user, day),
    }
    return render(request, "attendance/today.html", context)


# Registers -------------------------------------------------------------------------------------


def _school_day_problem(group: Group, day: date, period: int | None) -> str:
    """Why ``day`` (and lesson ``period``) cannot be registered at the group's school, or ""."""
    found = queries.calendar_day(group.school, day)
    if found is None or found.kind != DayKind.SCHOOL_DAY:
        if found is not None and found.name:
            return _("%(date)s is not a school day (%(name)s).") % {
                "date": norwegian_date(day),
                "name": found.name,
            }
        return _("%(date)s is not a school day.") % {"date": norwegian_date(day)}
    if period is not None and period > found.lessons:
        return _("There is no lesson %(period)d on this day.") % {"period": period}
    return ""


def _entry_text(form: RowForm, entry: Entry) -> str:
    status = form.fields["status"]
    assert isinstance(status, forms.ChoiceField)
    text = str(dict(status.choices).get(entry.status, entry.status))  # type: ignore[arg-type]
    if entry.minutes:
        text = _("%(status)s, %(minutes)d min") % {"status": text, "minutes": entry.minutes}
    return _("Saved: %(status)s") % {"status": text}


def _first_error(form: forms.Form) -> str:
    for errors in form.errors.values():
        if errors:
            return str(errors[0])
    return _("Not saved.")


def _saved_message(changed: int) -> str:
    if not changed:
        return _("The register is saved. Nothing had changed.")
    return ngettext(
        "The register is saved: %(n)d change.", "The register is saved: %(n)d changes.", changed
    ) % {"n": changed}


def _row_status(request: HttpRequest, *, saved: str = "", error: str = "") -> HttpResponse:
    # htmx swaps only 2xx answers, so a refused row still answers 200, with its reason.
    return render(request, "attendance/parts.html#row-status", {"saved": saved, "error": error})


def _run_register(
    request: HttpRequest,
    rows: Sequence[RegisterRow],
    *,
    editable: Callable[[RegisterRow], bool],
    make_form: Callable[[RegisterRow, QueryDict | None], RowForm],
    save: Callable[[list[Entry]], Outcome],
) -> HttpResponse | tuple[dict[int, RowForm], dict[str, str]]:
    """Validate and save a register POST: every row, or only ``row`` (htmx). Returns a response
    when done, else the forms and errors to show."""
    posting = request.method == "POST"
    only = request.POST.get("row", "") if posting else ""
    found = {
        row.pupil.pk: make_form(row, request.POST if posting else None)
        for row in rows
        if editable(row) and (not only or str(row.pupil.public_id) == only)
    }
    errors: dict[str, str] = {}
    if not posting:
        return found, errors
    if only and not found:
        raise Http404
    if all(form.is_valid() for form in found.values()):
        entries = [form.entry() for form in found.values()]
        try:
            outcome = save(entries)
        except RegistrationError as exc:
            errors = exc.errors
        else:
            if only:
                form = next(iter(found.values()))
                return _row_status(request, saved=_entry_text(form, entries[0]))
            messages.success(request, _saved_message(outcome.changed))
            return redirect(request.get_full_path())
    if only:
        form = next(iter(found.values()))
        return _row_status(request, error=errors.get(only) or _first_error(form))
    return found, errors


def _register_context(
    rows: Sequence[RegisterRow],
    found: dict[int, RowForm],
    errors: dict[str, str],
    make_form: Callable[[RegisterRow, QueryDict | None], RowForm],
    editable: Callable[[RegisterRow], bool],
) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        form = found.get(row.pupil.pk)
        if form is None and editable(row):
            form = make_form(row, None)
        error = errors.get(str(row.pupil.public_id), "")
        if not error and form is not None and form.is_bound and form.errors:
            error = _first_error(form)
        out.append({"row": row, "form": form, "error": error})
    return out


def _log_register(
    request: HttpRequest, rows: Sequence[RegisterRow], group: Group, what: str
) -> None:
    if request.method == "GET" and rows:
        log_reads(
            actor=request.user,
            action=actions.REGISTER_VIEWED,
            pupils=[r.pupil for r in rows],
            school=group.school,
            detail=f"{group} {what}",
        )


def _lesson_initial(row: RegisterRow) -> dict[str, Any]:
    if row.record is None:
        return {"status": PRESENT}
    return {"status": row.record.kind, "minutes": row.record.minutes}


def _lesson_open(row: RegisterRow) -> bool:
    # A pupil whose whole day is registered (a guardian's report, say) is covered by that record.
    return row.whole_day is None


@login_required
def lesson_register(
    request: HttpRequest, group_id: uuid.UUID, day: date, period: int
) -> HttpResponse:
    group = access.access_group(request.user, group_id)
    may_change = access.may_register_lesson(request.user, group, day)
    if request.method == "POST" and not may_change:
        raise PermissionDenied
    problem = _school_day_problem(group, day, period)
    rows = [] if problem else queries.register_rows(request.user, group, day, period)
    subject = queries.timetable_subject(group, day, period)

    def make_form(row: RegisterRow, data: QueryDict | None) -> RowForm:
        return LessonRowForm(data, pupil=row.pupil, initial=_lesson_initial(row))

    def save(entries: list[Entry]) -> Outcome:
        return services.register_lesson(
            actor=request.user,
            group=group,
            day=day,
            period=period,
            entries=entries,
            subject=subject,
        )

    result = _run_register(request, rows, editable=_lesson_open, make_form=make_form, save=save)
    if isinstance(result, HttpResponse):
        return result
    found, errors = result
    _log_register(request, rows, group, f"{day.isoformat()} {period}.")
    context = {
        "group": group,
        "day": day,
        "period": period,
        "lesson_time": queries.lesson_period(group.school, period),
        "subject": subject,
        "problem": problem,
        "may_change": may_change and not problem,
        "is_today": day == access.today(),
        "rows": _register_context(rows, found, errors, make_form, _lesson_open),
        "registered": sum(1 for r in rows if r.record is not None or r.whole_day is not None),
        "error": errors.get("", ""),
    }
    return render(request, "attendance/lesson.html", context)


def _day_initial(row: RegisterRow) -> dict[str, Any]:
    record = row.whole_day
    if record is None:
        return {"status": PRESENT, "reason": Reason.UNEXPLAINED}
    return {
        "status": record.kind,
        "reason": _absence_reason(record),
        "documented": record.documented,
    }


def _absence_reason(record: AttendanceRecord) -> str:
    # "Elsewhere" carries the school-activity reason itself; the reason field offers the others.
    return Reason.UNEXPLAINED if record.reason == Reason.SCHOOL_ACTIVITY else record.reason


def _always(row: RegisterRow) -> bool:
    return True


@login_required
def class_day(request: HttpRequest, group_id: uuid.UUID, day: date) -> HttpResponse:
    """The class's day: who is away and who was reported by guardians, and the whole-day
    register for the contact teacher."""
    group = access.access_class(request.user, group_id)
    may_change = access.may_register_day(request.user, group, day)
    if request.method == "POST" and not may_change:
        raise PermissionDenied
    problem = _school_day_problem(group, day, None)
    rows = [] if problem else queries.register_rows(request.user, group, day, None)

    def make_form(row: RegisterRow, data: QueryDict | None) -> RowForm:
        return DayRowForm(data, pupil=row.pupil, initial=_day_initial(row))

    def save(entries: list[Entry]) -> Outcome:
        return services.register_day(
            actor=request.user, school=group.school, day=day, entries=entries
        )

    result = _run_register(request, rows, editable=_always, make_form=make_form, save=save)
    if isinstance(result, HttpResponse):
        return result
    found, errors = result
    _log_register(request, rows, group, day.isoformat())
    context = {
        "group": group,
        "day": day,
        "problem": problem,
        "may_change": may_change and not problem,
        "is_today": day == access.today(),
        "rows": _register_context(rows, found, errors, make_form, _always),
        "absent": [r for r in rows if _absent(r)],
        "reported": [r for r in rows if r.reports],
        "late": [r for r in rows if any(x.kind in services.MINUTE_KINDS for x in r.lessons)],
        "error": errors.get("", ""),
    }
    return render(request, "attendance/class_day.html", context)


def _absent(row: RegisterRow) -> bool:
    return any(m is not None and m.kind == Kind.ABSENT for m in [row.whole_day, *row.lessons])


# The pupil's attendance ------------------------------------------------------------------------


def log_pupil_read(request: HttpRequest, pupil: Pupil, detail: str = "") -> None:
    log_read(
        actor=request.user,
        action=actions.ATTENDANCE_VIEWED,
        obj=pupil,
        school=pupil.school,
        pupil=pupil,
        detail=detail,
    )


@login_required
def pupil_attendance(request: HttpRequest, pupil_id: uuid.UUID) -> HttpResponse:
    pupil = access.access_pupil(request.user, pupil_id)
    log_pupil_read(request, pupil)
    now = access.today()
    year = queries.pupil_year(pupil, now)
    guardian = viewer_for(request.user).guardian
    context: dict[str, Any] = {
        "pupil": pupil,
        "today": now,
        "year": year,
        "viewer_guardian_id": guardian.pk if guardian else None,
        "may_correct_any_day": access.whole_school(request.user, pupil.school_id),
        "may_correct_today": access.may_correct(request.user, pupil, now),
    }
    if year is not None:
        context.update(
            months=charts.calendar_charts(year.statuses, now),
            legend=charts.legend(),
            today_swatch=charts.today_swatch(),
            trend=charts.week_bars(year.weeks),
            weekday_rows=[
                {"name": date_format(MONDAY + timedelta(days=r.key), "l"), "row": r}
                for r in year.weekdays
            ],
            unusual_weekdays=[r for r in year.weekdays if r.above_usual],
            unusual_lessons=[r for r in year.lessons if r.above_usual],
        )
    return render(request, "attendance/pupil.html", context)


def _correction_initial(record: AttendanceRecord) -> dict[str, Any]:
    return {
        "status": record.kind,
        "minutes": record.minutes,
        "reason": _absence_reason(record),
        "documented": record.documented,
    }


def _pupil_day_url(pupil: Pupil, day: date) -> str:
    return f"{reverse('attendance:pupil_day', args=[pupil.public_id])}?dato={day.isoformat()}"


@login_required
def pupil_day(request: HttpRequest, pupil_id: uuid.UUID) -> HttpResponse:
    """Correct one pupil's records of one day (``?dato=``, today by default)."""
    day = _day_from_query(request, access.today())
    pupil = access.access_pupil_day(request.user, pupil_id, day)
    found = queries.calendar_day(pupil.school, day)
    is_school_day = found is not None and found.kind == DayKind.SCHOOL_DAY
    posted = request.POST.get("record", "") if request.method == "POST" else ""
    records = list(access.records_of_day(pupil, day))
    corrections = [
        (
            record,
            CorrectionForm(
                request.POST if posted == str(record.public_id) else None,
                prefix=str(record.public_id),
                initial=_correction_initial(record),
                whole_day=record.period is None,
            ),
        )
        for record in records
    ]
    day_form = None
    if is_school_day and not any(r.period is None for r in records):
        day_form = DayRowForm(
            request.POST if posted == "day" else None,
            pupil=pupil,
            initial={"status": Kind.ABSENT, "reason": Reason.UNEXPLAINED},
        )
    error = ""
    if request.method == "POST":
        form = (
            day_form
            if posted == "day"
            else {str(r.public_id): f for r, f in corrections}.get(posted)
        )
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                _save_correction(request, pupil, day, posted, form, records)
            except RegistrationError as exc:
                error = "; ".join(exc.errors.values())
            else:
                messages.success(request, _("The change is saved."))
                return redirect(_pupil_day_url(pupil, day))
    context = {
        "pupil": pupil,
        "day": day,
        "is_school_day": is_school_day,
        "day_name": found.name if found else "",
        "corrections": corrections,
        "day_form": day_form,
        "error": error,
    }
    return render(request, "attendance/pupil_day.html", context)


def _save_correction(
    request: HttpRequest,
    pupil: Pupil,
    day: date,
    posted: str,
    form: forms.Form,
    records: Sequence[AttendanceRecord],
) -> None:
    if isinstance(form, DayRowForm):
        services.register_day(
            actor=request.user, school=pupil.school, day=day, entries=[form.entry()]
        )
        return
    record = next(r for r in records if str(r.public_id) == posted)
    data = form.cleaned_data
    services.correct_record(
        actor=request.user,
        record=record,
        status=data["status"],
        minutes=data.get("minutes"),
        reason=data["reason"],
        documented=data["documented"],
    )
