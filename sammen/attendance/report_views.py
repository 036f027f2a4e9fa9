"""The guardian's absence report ("Meld fravær") and a pupil's reports from guardians."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from sammen.attendance import access, queries, services
from sammen.attendance.forms import GuardianReportForm
from sammen.attendance.services import RegistrationError
from sammen.attendance.views import log_pupil_read
from sammen.roster.access import viewer_for


@login_required
def report_absence(request: HttpRequest) -> HttpResponse:
    children = access.reportable_children(request.user)
    if not children.exists():
        raise Http404
    guardian = viewer_for(request.user).guardian
    assert guardian is not None  # reportable_children is empty for anyone else
    form = GuardianReportForm(request.POST or None, children=children, today=access.today())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.record_guardian_report(
                actor=request.user,
                guardian=guardian,
                pupil=data["child"],
                first_day=data["first_day"],
                last_day=data["last_day"],
                reason=data["reason"],
            )
        except RegistrationError as exc:
            form.add_error(None, "; ".join(exc.errors.values()))
        else:
            url = reverse("attendance:reports", args=[data["child"].public_id])
            return redirect(f"{url}?sendt={report.public_id}")
    return render(request, "attendance/report.html", {"form": form})


@login_required
def pupil_reports(request: HttpRequest, pupil_id: uuid.UUID) -> HttpResponse:
    """A pupil's absence reports from guardians; after a report, its confirmation."""
    pupil = access.access_pupil(request.user, pupil_id)
    log_pupil_read(request, pupil, "absence reports")
    reports = list(access.guardian_reports_for(pupil))
    sent = next((r for r in reports if str(r.public_id) == request.GET.get("sendt")), None)
    guardian = viewer_for(request.user).guardian
    context = {
        "pupil": pupil,
        "reports": reports,
        "sent": sent,
        "sent_days": (
            queries.school_days_between(pupil.school, sent.first_day, sent.last_day) if sent else []
        ),
        "viewer_guardian_id": guardian.pk if guardian else None,
        "may_report": access.reportable_children(request.user).filter(pk=pupil.pk).exists(),
    }
    return render(request, "attendance/reports.html", context)
