"""The guardian portal's own pages: the children, a child's start page, who has looked at the
child's data, and the guardian's settings. Thin: access, read or write through a service, render.
Every page that shows a child's data writes its read to the audit log."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sammen.attendance import access as attendance_access
from sammen.attendance import charts, queries
from sammen.attendance.routine import routine_for
from sammen.audit import actions
from sammen.audit.log import log_read, log_reads
from sammen.cooperation.services import standard_of
from sammen.portal import child as child_page
from sammen.portal.access import portal_child, portal_children, portal_guardian
from sammen.portal.forms import SettingsForm
from sammen.portal.looked import PER_PAGE, WINDOW_DAYS, looked_lines
from sammen.portal.services import SETTINGS_FIELDS, save_guardian_settings

# Months of the calendar shown on the start page; the attendance page has the whole year.
CALENDAR_MONTHS = 2


@login_required
def home(request: HttpRequest) -> HttpResponse:
    guardian = portal_guardian(request.user)
    if guardian is None:
        raise Http404
    children = list(portal_children(request.user))
    if children:
        log_reads(actor=request.user, action=actions.PORTAL_CHILDREN_LISTED, pupils=children)
    return render(request, "portal/home.html", {"guardian": guardian, "children": children})


@login_required
def child(request: HttpRequest, pupil_id: uuid.UUID) -> HttpResponse:
    pupil, guardian = portal_child(request.user, pupil_id)
    log_read(
        actor=request.user,
        action=actions.PORTAL_CHILD_VIEWED,
        obj=pupil,
        school=pupil.school,
        pupil=pupil,
    )
    today = attendance_access.today()
    year = queries.pupil_year(pupil, today)
    case = child_page.open_case(request.user, pupil)
    context: dict[str, object] = {
        "pupil": pupil,
        "guardian": guardian,
        "today": child_page.today_of(year, today),
        "year": year,
        "next_contact": child_page.next_contact(pupil, today),
        "standard": standard_of(pupil.school),
        "notice": child_page.notice_sentence(routine_for(pupil.school)),
        "case": case,
    }
    if year is not None:
        months = charts.calendar_charts(year.statuses, today)
        this_month = today.replace(day=1)
        context.update(
            attendance=child_page.attendance_sentence(pupil.given_name, year.totals),
            lessons=child_page.lessons_sentence(year.totals),
            lateness=child_page.lateness_sentence(year.totals),
            months=[m for m in months if m.month <= this_month][-CALENDAR_MONTHS:],
            legend=charts.legend(),
            today_swatch=charts.today_swatch(),
        )
    return render(request, "portal/child.html", context)


@login_required
def looked(request: HttpRequest, pupil_id: uuid.UUID) -> HttpResponse:
    pupil, _guardian = portal_child(request.user, pupil_id)
    # The guardian's own reads are never listed, so this one does not show up on the page.
    log_read(
        actor=request.user, action=actions.PORTAL_LOOKED_VIEWED, school=pupil.school, pupil=pupil
    )
    lines = looked_lines(pupil, timezone.now())
    page = Paginator(lines, PER_PAGE).get_page(request.GET.get("side"))
    context = {"pupil": pupil, "page": page, "window_days": WINDOW_DAYS}
    return render(request, "portal/looked.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def guardian_settings(request: HttpRequest) -> HttpResponse:
    guardian = portal_guardian(request.user)
    if guardian is None:
        raise Http404
    # No instance: a ModelForm writes its data into its instance while validating, and the
    # service must see the old values to audit what changed.
    initial = {name: getattr(guardian, name) for name in SETTINGS_FIELDS}
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in SETTINGS_FIELDS}
        changed = save_guardian_settings(actor=request.user, guardian=guardian, values=values)
        language = values["preferred_language"]
        offered = {code for code, _name in settings.LANGUAGES}
        if language not in offered:
            language = settings.LANGUAGE_CODE
        with translation.override(language):
            text = _("Your settings are saved.") if changed else _("Nothing had changed.")
        messages.success(request, text)
        response = redirect("portal:settings")
        # The new language from the next page on, also where the browser asks for another.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response
    return render(request, "portal/settings.html", {"form": form, "guardian": guardian})
