"""Follow-up pages: a pupil's cases (and opening one, also from a flag), my cases, the leader's
overview with overdue evaluations and action items, and the case page with its timeline.

Thin: access (``sammen.followup.access``: 404 for anyone outside the case), work (a service),
render. Reading a case is audited.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sammen.attendance import access as attendance_access
from sammen.audit import actions
from sammen.audit.log import log_reads
from sammen.followup import access, cases, reminders, timeline
from sammen.followup.errors import FollowupError
from sammen.followup.forms import CoordinatorForm, LevelForm, MemberForm, OpenCaseForm
from sammen.followup.models import Case, Level
from sammen.followup.pages import Handler, attempt, handle_post, log_case_read
from sammen.warning import access as warning_access
from sammen.warning.models import Flag


def _flag_of(request: HttpRequest, value: Any) -> Flag | None:
    if not value:
        return None
    try:
        return warning_access.access_flag(request.user, uuid.UUID(str(value)))
    except ValueError:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def pupil_cases(request: HttpRequest, pupil_id: uuid.UUID) -> HttpResponse:
    """The pupil's cases, and the button that opens one (with ``?varsel=`` from a flag)."""
    pupil = access.access_pupil_cases(request.user, pupil_id)
    flag = _flag_of(request, request.POST.get("flag") or request.GET.get("varsel"))
    if flag is not None and flag.pupil_id != pupil.pk:
        raise Http404
    posted = request.POST if request.method == "POST" else None
    form = OpenCaseForm(posted, initial={"flag": flag.public_id if flag else None})
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            case = cases.open_case(
                user=request.user, pupil=pupil, today=attendance_access.today(), flag=flag
            )
        except FollowupError as exc:
            error = exc.message
        else:
            messages.success(request, _("The follow-up case is opened at level 1."))
            return redirect("followup:case", case_id=case.public_id)
    found = list(access.cases_for(request.user).filter(pupil=pupil).select_related("coordinator"))
    if found:
        log_reads(
            actor=request.user, action=actions.CASE_VIEWED, pupils=[pupil], detail="pupil cases"
        )
    context = {
        "pupil": pupil,
        "cases": found,
        "has_open": any(c.is_open for c in found),
        "form": form,
        "flag": flag,
        "error": error,
    }
    return render(request, "followup/pupil_cases.html", context)


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    """The cases the user works on, and what is due in them this week."""
    if not access.has_case_role(request.user):
        raise Http404
    mine = access.cases_for(request.user)
    found = list(mine.select_related("pupil", "coordinator").order_by("status", "-opened_on"))
    due = reminders.soon(mine, attendance_access.today())
    log_reads(
        actor=request.user,
        action=actions.CASE_VIEWED,
        pupils=list({c.pupil_id: c.pupil for c in found}.values()),
        detail="my cases",
    )
    leader_schools = access.leader_school_ids(request.user)
    context = {
        "cases": found,
        "due": due,
        "today": attendance_access.today(),
        "leader": bool(leader_schools),
    }
    if leader_schools:
        context["leader_school_ids"] = [
            c.school.public_id for c in found if c.school_id in leader_schools
        ][:1]
    return render(request, "followup/my_cases.html", context)


@login_required
def school_cases(request: HttpRequest, school_id: uuid.UUID) -> HttpResponse:
    """The leader's view: every case of the school, and evaluations and action items overdue."""
    school = access.access_leader_school(request.user, school_id)
    school_cases = access.cases_for(request.user).filter(school=school)
    found = list(school_cases.select_related("pupil", "coordinator").order_by("status", "level"))
    overdue = reminders.overdue(school_cases, attendance_access.today())
    log_reads(
        actor=request.user,
        action=actions.CASE_VIEWED,
        pupils=[c.pupil for c in found],
        school=school,
        detail="school cases",
    )
    context = {
        "school": school,
        "cases": found,
        "overdue": overdue,
        "by_level": [
            (label, sum(1 for c in found if c.is_open and c.level == value))
            for value, label in Level.choices
        ],
        "today": attendance_access.today(),
    }
    return render(request, "followup/school_cases.html", context)


# The case page ---------------------------------------------------------------------------------


def _level(request: HttpRequest, case: Case) -> forms.Form | None:
    form = LevelForm(request.POST, prefix="level")
    ok = attempt(
        form,
        lambda d: cases.change_level(
            user=request.user,
            case=case,
            level=d["level"],
            reason=d["reason"],
            today=attendance_access.today(),
        ),
    )
    return None if ok else form


def _coordinator(request: HttpRequest, case: Case) -> forms.Form | None:
    form = CoordinatorForm(request.POST, prefix="coordinator", staff=cases.staff_of_school(case))
    ok = attempt(
        form, lambda d: cases.name_coordinator(user=request.user, case=case, staff=d["staff"])
    )
    return None if ok else form


def _member(request: HttpRequest, case: Case) -> forms.Form | None:
    form = MemberForm(request.POST, prefix="member", staff=cases.staff_of_school(case))
    ok = attempt(
        form,
        lambda d: cases.add_member(
            user=request.user,
            case=case,
            staff=d["staff"],
            role=d["role"],
            today=attendance_access.today(),
        ),
    )
    return None if ok else form


def _close(request: HttpRequest, case: Case) -> forms.Form | None:
    form = forms.Form(request.POST, prefix="close")
    ok = attempt(
        form,
        lambda d: cases.close_case(user=request.user, case=case, today=attendance_access.today()),
    )
    return None if ok else form


CASE_HANDLERS: dict[str, Handler] = {
    "level": _level,
    "coordinator": _coordinator,
    "member": _member,
    "close": _close,
}


def case_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    return {
        "case": case,
        "pupil": case.pupil,
        "may_manage": access.may_manage(request.user, case),
        "is_leader": access.is_leader(request.user, case),
        "today": attendance_access.today(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = access.access_case(request.user, case_id)
    bound: dict[str, forms.Form] = {}
    if request.method == "POST":
        if request.POST.get("action") in {"coordinator", "member"}:
            access.require_manager(request.user, case)
        elif request.POST.get("action") in {"level", "close"}:
            access.require_leader(request.user, case)
        response, bound = handle_post(request, case, CASE_HANDLERS, request.path)
        if response is not None:
            return response
    else:
        log_case_read(request, case, "case")
    now = attendance_access.today()
    full = (
        Case.objects.filter(pk=case.pk)
        .prefetch_related(
            "level_changes",
            "consents",
            "meetings",
            "measures__evaluations",
            "pupil_views",
            "disagreements__mediations",
            "referrals",
            "members__staff",
        )
        .get()
    )
    flags = Flag.objects.filter(pupil_id=case.pupil_id, opened_on__gte=_a_year_before(case))
    weeks = timeline.pupil_weeks(case)
    staff = cases.staff_of_school(case)
    context = case_context(request, case)
    context.update(
        {
            "entries": timeline.entries(full, flags, now),
            "effects": timeline.measure_effects(full, weeks, now),
            "members": list(full.members.all()),
            "overdue": reminders.overdue(Case.objects.filter(pk=case.pk), now),
            "level_form": bound.get("level") or LevelForm(prefix="level"),
            "coordinator_form": bound.get("coordinator")
            or CoordinatorForm(prefix="coordinator", staff=staff),
            "member_form": bound.get("member") or MemberForm(prefix="member", staff=staff),
        }
    )
    return render(request, "followup/case.html", context)


def _a_year_before(case: Case) -> date:
    return case.opened_on - timedelta(days=365)


def case_url(case: Case, name: str = "followup:case") -> str:
    return reverse(name, kwargs={"case_id": case.public_id})
