"""The guardian's page of a case (plan and agreements, read and comment) and the printable plan
and minutes, in the family's language where a translation exists.

The printable pages are standalone HTML with print CSS: the page a browser prints, and the page
a PDF step (WeasyPrint) will render from.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sammen.followup import access, cases, plans
from sammen.followup.errors import FollowupError
from sammen.followup.forms import CommentForm
from sammen.followup.models import Case
from sammen.followup.pages import log_case_read
from sammen.followup.pdf import pdf_response
from sammen.followup.plan_views import plan_parts
from sammen.followup.work_views import _meeting_of
from sammen.roster.access import viewer_for


@login_required
@require_http_methods(["GET", "POST"])
def guardian_plan(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = access.access_guardian_case(request.user, case_id)
    guardian = viewer_for(request.user).guardian
    assert guardian is not None
    form = CommentForm(request.POST or None, prefix="comment")
    if request.method == "POST" and form.is_valid():
        try:
            plans.comment_as_guardian(
                user=request.user, case=case, guardian=guardian, text=form.cleaned_data["text"]
            )
        except FollowupError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect(f"{request.path}#comments")
    elif request.method == "GET":
        log_case_read(request, case, "guardian plan")
    context = {"case": case, "pupil": case.pupil, "form": form, **plan_parts(case)}
    return render(request, "followup/guardian_plan.html", context)


def family_language(case: Case, wanted: str) -> str:
    """The language asked for, else the first responsible guardian's where the app has it."""
    available = {code for code, _name in settings.LANGUAGES}
    if wanted in available:
        return wanted
    for guardian in cases.responsible_guardians(case):
        if guardian.preferred_language in available:
            return guardian.preferred_language
    return str(settings.LANGUAGE_CODE)


def _languages(case: Case, current: str) -> list[tuple[str, str, bool]]:
    return [(code, str(name), code == current) for code, name in settings.LANGUAGES]


@login_required
def print_plan(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = access.access_case(request.user, case_id)
    log_case_read(request, case, "print plan")
    language = family_language(case, request.GET.get("sprak", ""))
    with translation.override(language):
        context = {
            "case": case,
            "pupil": case.pupil,
            "language": language,
            "languages": _languages(case, language),
            "title": _("Plan for follow-up of school attendance"),
            **plan_parts(case),
        }
        return _page_or_pdf(request, "followup/print_plan.html", context, "plan")


@login_required
def print_minutes(request: HttpRequest, case_id: uuid.UUID, meeting_id: uuid.UUID) -> HttpResponse:
    case = access.access_case(request.user, case_id)
    meeting = _meeting_of(case, meeting_id)
    log_case_read(request, case, "print minutes")
    language = family_language(case, request.GET.get("sprak", ""))
    with translation.override(language):
        context = {
            "case": case,
            "pupil": case.pupil,
            "meeting": meeting,
            "items": list(meeting.actions.all()),
            "language": language,
            "languages": _languages(case, language),
            "title": _("Minutes"),
        }
        return _page_or_pdf(request, "followup/print_minutes.html", context, "referat")


def _page_or_pdf(
    request: HttpRequest, template: str, context: dict[str, Any], name: str
) -> HttpResponse:
    """The printable page, or with ``?pdf=1`` the same page as a PDF file."""
    if request.GET.get("pdf") != "1":
        return render(request, template, context)
    html = render_to_string(template, {**context, "as_pdf": True}, request=request)
    # No name in the file name: it is seen in download folders and mail attachments.
    filename = f"{name}-{context['language']}.pdf"
    return pdf_response(html, request.build_absolute_uri("/"), filename)
