"""The guardian's input between calls and "please contact me" (through ``portal_child``: 404
for anyone but a guardian with parental responsibility), and the school's button that marks a
request answered or done (through ``access_coop_pupil``: the contact teacher and the leader).
Thin: access, work, render."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sammen.audit import actions
from sammen.audit.log import log_read
from sammen.cooperation.access import access_coop_pupil
from sammen.portal.access import portal_child
from sammen.voice import queries, services
from sammen.voice.forms import AnswerForm, ContactRequestForm, InputForm


@login_required
@require_http_methods(["GET", "POST"])
def input_page(request: HttpRequest, pupil_id: uuid.UUID) -> HttpResponse:
    child, guardian = portal_child(request.user, pupil_id)
    form = InputForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.give_input(
                actor=request.user, pupil=child, guardian=guardian, **form.cleaned_data
            )
        except services.VoiceError as exc:
            error = exc.message
        else:
            messages.success(
                request, _("Thank you! The contact teacher reads it before the next call.")
            )
            return redirect("voice:input", pupil_id=child.public_id)
    inputs = queries.own_inputs(child, guardian)
    if inputs:
        log_read(
            actor=request.user,
            action=actions.VOICE_INPUTS_VIEWED,
            pupil=child,
            school=child.school,
            detail="own inputs",
        )
    context = {"pupil": child, "form": form, "error": error, "inputs": inputs}
    return render(request, "voice/guardian_input.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def contact_request(request: HttpRequest, pupil_id: uuid.UUID) -> HttpResponse:
    child, guardian = portal_child(request.user, pupil_id)
    windows = services.offered_windows(child.school)
    form = ContactRequestForm(request.POST if request.method == "POST" else None, windows=windows)
    error = ""
    if request.method == "POST" and "withdraw" in request.POST:
        own = queries.own_open_request(child, guardian, request.POST["withdraw"])
        if own is None:
            raise Http404
        try:
            services.withdraw_request(actor=request.user, request=own)
        except services.VoiceError as exc:
            # The school closed it meanwhile: say so rather than fail.
            messages.info(request, exc.message)
        else:
            messages.success(request, _("The request is withdrawn."))
        return redirect("voice:contact_request", pupil_id=child.public_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_contact(
                actor=request.user, pupil=child, guardian=guardian, **form.cleaned_data
            )
        except services.VoiceError as exc:
            error = exc.message
        else:
            messages.success(request, _("Thank you! The school has received your request."))
            return redirect("voice:contact_request", pupil_id=child.public_id)
    requests = queries.own_requests(child, guardian)
    if requests:
        log_read(
            actor=request.user,
            action=actions.VOICE_INPUTS_VIEWED,
            pupil=child,
            school=child.school,
            detail="own requests",
        )
    context = {
        "pupil": child,
        "form": form,
        "error": error,
        "requests": requests,
        "open": next((r for r in requests if r.state == "open"), None),
        "evening": any(w == "evening" for w in windows),
    }
    return render(request, "voice/guardian_contact_request.html", context)


@login_required
@require_POST
def handle_request(
    request: HttpRequest, pupil_id: uuid.UUID, request_id: uuid.UUID
) -> HttpResponse:
    child = access_coop_pupil(request.user, pupil_id)
    found = queries.request_of(child, request_id)
    if found is None:
        raise Http404
    form = AnswerForm(request.POST)
    try:
        if "done" in request.POST:
            services.close_request(actor=request.user, request=found)
            messages.success(request, _("The request is marked done."))
        elif form.is_valid():
            services.answer_request(
                actor=request.user, request=found, reply=form.cleaned_data["reply"]
            )
            messages.success(request, _("The request is marked answered."))
        else:
            messages.error(request, _("Keep the answer short: at most 300 characters."))
    except services.VoiceError as exc:
        messages.info(request, exc.message)
    return redirect("cooperation:pupil", pupil_id=child.public_id)
