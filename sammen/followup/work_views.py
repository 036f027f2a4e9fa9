"""Consent for support services, meetings with minutes and action items, and the path for when
cooperation meets trouble. Access through ``sammen.followup.access``; writes through services."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sammen.attendance import access as attendance_access
from sammen.followup import access, cases, meetings, trouble
from sammen.followup.errors import EditConflictError, FollowupError
from sammen.followup.forms import (
    ActionForm,
    ActionToMeasureForm,
    ConsentForm,
    DisagreementForm,
    MediationForm,
    MediationUpdateForm,
    MeetingForm,
    MinutesForm,
    ReferralForm,
)
from sammen.followup.models import (
    ActionItem,
    Case,
    Consent,
    Disagreement,
    Frequency,
    MeasureKind,
    Mediation,
    MediationAnswer,
    Meeting,
)
from sammen.followup.pages import Handler, attempt, handle_post, log_case_read
from sammen.followup.plan_views import conflict_page
from sammen.followup.views import case_context

# Consent --------------------------------------------------------------------------------------


def _consent_form(case: Case, data: Any = None) -> ConsentForm:
    return ConsentForm(
        data,
        prefix="consent",
        staff=cases.support_staff_of_school(case),
        guardians=cases.responsible_guardians(case),
        initial={"given_on": attendance_access.today()},
    )


def _consent(request: HttpRequest, case: Case) -> forms.Form | None:
    form = _consent_form(case, request.POST)
    ok = attempt(form, lambda d: cases.record_consent(user=request.user, case=case, **d))
    return None if ok else form


@login_required
@require_http_methods(["GET", "POST"])
def consents(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = access.access_case(request.user, case_id)
    bound: dict[str, forms.Form] = {}
    if request.method == "POST":
        access.require_manager(request.user, case)
        response, bound = handle_post(request, case, {"consent": _consent}, request.path)
        if response is not None:
            return response
    else:
        log_case_read(request, case, "consents")
    now = timezone.now()
    rows = [
        {
            "consent": c,
            "in_force": c.withdrawn_at is None and c.expires_at > now,
            "guardians": [g.full_name for g in c.guardians.all()],
        }
        for c in case.consents.select_related("staff").prefetch_related("guardians")
    ]
    context = case_context(request, case)
    context.update(
        {
            "rows": rows,
            "pupil_must_consent": cases.pupil_must_consent(case.pupil, attendance_access.today()),
            "form": bound.get("consent") or _consent_form(case),
        }
    )
    return render(request, "followup/consents.html", context)


@login_required
@require_POST
def withdraw_consent(
    request: HttpRequest, case_id: uuid.UUID, consent_id: uuid.UUID
) -> HttpResponse:
    case = access.access_case(request.user, case_id)
    access.require_manager(request.user, case)
    consent = Consent.objects.filter(case=case, public_id=consent_id).select_related("case").first()
    if consent is None:
        raise Http404
    consent.case = case
    try:
        cases.withdraw_consent(user=request.user, consent=consent)
    except FollowupError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The consent is withdrawn: the service has no access from now.")
        )
    return redirect("followup:consents", case_id=case.public_id)


# Meetings -------------------------------------------------------------------------------------


def _meeting(request: HttpRequest, case: Case) -> forms.Form | None:
    form = MeetingForm(request.POST, prefix="meeting")
    ok = attempt(form, lambda d: meetings.plan_meeting(user=request.user, case=case, values=d))
    return None if ok else form


@login_required
@require_http_methods(["GET", "POST"])
def meeting_list(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = access.access_case(request.user, case_id)
    bound: dict[str, forms.Form] = {}
    if request.method == "POST":
        access.require_open(case)
        response, bound = handle_post(request, case, {"meeting": _meeting}, request.path)
        if response is not None:
            return response
    else:
        log_case_read(request, case, "meetings")
    context = case_context(request, case)
    context.update(
        {
            "meetings": list(case.meetings.prefetch_related("actions")),
            "form": bound.get("meeting")
            or MeetingForm(prefix="meeting", initial={"held_on": attendance_access.today()}),
        }
    )
    return render(request, "followup/meetings.html", context)


def _meeting_of(case: Case, public_id: uuid.UUID) -> Meeting:
    found = Meeting.objects.filter(case=case, public_id=public_id).select_related("updated_by")
    meeting = found.first()
    if meeting is None:
        raise Http404
    meeting.case = case
    return meeting


def _item_of(case: Case, public_id: uuid.UUID) -> ActionItem:
    item = ActionItem.objects.filter(case=case, public_id=public_id).first()
    if item is None:
        raise Http404
    item.case = case
    return item


def _meeting_handlers(meeting: Meeting) -> dict[str, Handler]:
    def minutes(request: HttpRequest, case: Case) -> forms.Form | HttpResponse | None:
        form = MinutesForm(request.POST, prefix="minutes")
        if not form.is_valid():
            return form
        try:
            meetings.save_minutes(
                user=request.user,
                meeting=meeting,
                version=form.cleaned_data["version"],
                minutes=form.cleaned_data["minutes"],
            )
        except EditConflictError as conflict:
            return conflict_page(request, case, conflict, form, "minutes")
        return None

    def action(request: HttpRequest, case: Case) -> forms.Form | None:
        form = ActionForm(request.POST, prefix="action")
        ok = attempt(form, lambda d: meetings.add_action(user=request.user, meeting=meeting, **d))
        return None if ok else form

    def done(request: HttpRequest, case: Case) -> forms.Form | None:
        form = forms.Form(request.POST, prefix="done")
        item = _item_of(case, _uuid(request.POST.get("item")))
        ok = attempt(
            form,
            lambda d: meetings.mark_action_done(
                user=request.user, item=item, today=attendance_access.today()
            ),
        )
        return None if ok else form

    def to_measure(request: HttpRequest, case: Case) -> forms.Form | None:
        form = ActionToMeasureForm(request.POST, prefix="to_measure")

        def work(d: dict[str, Any]) -> object:
            item = _item_of(case, d["item"])
            return meetings.action_to_measure(
                user=request.user,
                item=item,
                kind=d["kind"],
                frequency=d["frequency"],
                evaluate_on=d["evaluate_on"],
            )

        return None if attempt(form, work) else form

    return {"minutes": minutes, "action": action, "done": done, "to_measure": to_measure}


def _uuid(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def meeting_detail(request: HttpRequest, case_id: uuid.UUID, meeting_id: uuid.UUID) -> HttpResponse:
    case = access.access_case(request.user, case_id)
    meeting = _meeting_of(case, meeting_id)
    bound: dict[str, forms.Form] = {}
    if request.method == "POST":
        access.require_open(case)
        response, bound = handle_post(request, case, _meeting_handlers(meeting), request.path)
        if response is not None:
            return response
    else:
        log_case_read(request, case, "meeting")
    items = list(meeting.actions.select_related("measure"))
    context = case_context(request, case)
    context.update(
        {
            "meeting": meeting,
            "items": items,
            "minutes_form": bound.get("minutes")
            or MinutesForm(
                prefix="minutes", initial={"version": meeting.version, "minutes": meeting.minutes}
            ),
            "action_form": bound.get("action") or ActionForm(prefix="action"),
            "to_measure_form": bound.get("to_measure"),
            "measure_kinds": MeasureKind.choices,
            "frequencies": Frequency.choices,
        }
    )
    return render(request, "followup/meeting.html", context)


# When cooperation meets trouble ---------------------------------------------------------------


def _disagreement(request: HttpRequest, case: Case) -> forms.Form | None:
    form = DisagreementForm(request.POST, prefix="disagreement")
    ok = attempt(
        form,
        lambda d: trouble.record_disagreement(
            user=request.user, case=case, today=attendance_access.today(), **d
        ),
    )
    return None if ok else form


def _mediation(request: HttpRequest, case: Case) -> forms.Form | None:
    form = MediationForm(request.POST, prefix="mediation")

    def work(d: dict[str, Any]) -> object:
        found = Disagreement.objects.filter(case=case, pk=d["disagreement"]).first()
        if found is None:
            raise Http404
        found.case = case
        return trouble.offer_mediation(
            user=request.user,
            disagreement=found,
            led_by=d["led_by"],
            today=attendance_access.today(),
        )

    return None if attempt(form, work) else form


def _mediation_update(request: HttpRequest, case: Case) -> forms.Form | None:
    form = MediationUpdateForm(request.POST, prefix="mediation_update")

    def work(d: dict[str, Any]) -> object:
        found = Mediation.objects.filter(disagreement__case=case, pk=d["mediation"]).first()
        if found is None:
            raise Http404
        found.disagreement.case = case
        return trouble.update_mediation(
            user=request.user,
            mediation=found,
            answer=d["answer"],
            held_on=d["held_on"],
            outcome=d["outcome"],
            resolved=d["resolved"],
            today=attendance_access.today(),
        )

    return None if attempt(form, work) else form


def _referral(request: HttpRequest, case: Case) -> forms.Form | None:
    form = ReferralForm(request.POST, prefix="referral")
    ok = attempt(
        form,
        lambda d: trouble.send_referral(
            user=request.user, case=case, today=attendance_access.today(), **d
        ),
    )
    return None if ok else form


TROUBLE_HANDLERS: dict[str, Handler] = {
    "disagreement": _disagreement,
    "mediation": _mediation,
    "mediation_update": _mediation_update,
    "referral": _referral,
}


@login_required
@require_http_methods(["GET", "POST"])
def cooperation_trouble(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = access.access_case(request.user, case_id)
    bound: dict[str, forms.Form] = {}
    if request.method == "POST":
        if request.POST.get("action") == "referral":
            access.require_leader(request.user, case)
        else:
            access.require_manager(request.user, case)
        response, bound = handle_post(request, case, TROUBLE_HANDLERS, request.path)
        if response is not None:
            return response
    else:
        log_case_read(request, case, "trouble")
    disagreements = list(case.disagreements.prefetch_related("mediations"))
    context = case_context(request, case)
    context.update(
        {
            "disagreements": disagreements,
            "referrals": list(case.referrals.all()),
            "gaps": trouble.referral_gaps(case),
            "measures": list(case.measures.all()),
            "disagreement_form": bound.get("disagreement")
            or DisagreementForm(prefix="disagreement"),
            "mediation_form": bound.get("mediation"),
            "mediation_update_form": bound.get("mediation_update"),
            "answers": MediationAnswer.choices,
            "referral_form": bound.get("referral") or ReferralForm(prefix="referral"),
        }
    )
    return render(request, "followup/trouble.html", context)
