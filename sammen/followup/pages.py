"""What the follow-up pages share: one page holds several small forms, each POST names its form
(``action``), the form is checked, the service called, and the page either moves on (redirect,
so a reload does not post twice) or shows the same page with that form's errors."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from sammen.audit import actions
from sammen.audit.log import log_read
from sammen.followup.errors import FollowupError
from sammen.followup.models import Case

# A handler returns None when saved, a form to show again with its errors, or a response of its
# own (the conflict page of an edit that lost the race).
Handler = Callable[[HttpRequest, Case], "forms.Form | HttpResponse | None"]


def attempt(form: forms.Form, work: Callable[[dict[str, Any]], object]) -> bool:
    """Check the form and do the work; a refusal from the service becomes the form's error."""
    if not form.is_valid():
        return False
    try:
        work(form.cleaned_data)
    except FollowupError as error:
        form.add_error(None, error.message)
        return False
    return True


def handle_post(
    request: HttpRequest, case: Case, handlers: Mapping[str, Handler], done_url: str
) -> tuple[HttpResponse | None, dict[str, forms.Form]]:
    """Run the handler the POST names: a redirect when saved, else the form with its errors."""
    action = request.POST.get("action", "")
    handler = handlers.get(action)
    if handler is None:
        return HttpResponseBadRequest(), {}
    result = handler(request, case)
    if result is None:
        messages.success(request, _("Saved."))
        return redirect(f"{done_url}#{action}"), {}
    if isinstance(result, HttpResponse):
        return result, {}
    return None, {action: result}


def log_case_read(request: HttpRequest, case: Case, what: str) -> None:
    log_read(
        actor=request.user,
        action=actions.CASE_VIEWED,
        obj=case,
        school=case.school,
        pupil=case.pupil,
        detail=what,
    )
