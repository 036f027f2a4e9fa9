"""Early-warning pages: the queue ("Needs attention"), a flag's answer, the school's overview and
the school's standard with its live preview. Thin: access, work, render.

Flags are reached only through ``sammen.warning.access``: the contact teacher's and the school
leader's; everyone else gets 404. Reading flags is audited per pupil listed. The answer forms and
the standard work as plain forms; with htmx an answer replaces only its flag's card, and the
standard's preview follows the numbers as the leader types.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sammen.attendance import access as attendance_access
from sammen.audit import actions
from sammen.audit.log import log_read, log_reads
from sammen.roster.models import School
from sammen.warning import access, answer, charts, engine, explain, queries
from sammen.warning.forms import AnswerForm, StandardForm
from sammen.warning.models import Flag
from sammen.warning.standard import Rule, Standard
from sammen.warning.tiers import TIER_NAMES, school_tiers


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _answer_form(flag: Flag, data: Any = None) -> AnswerForm:
    # Many forms on one page: ids unique per flag.
    return AnswerForm(data, auto_id=f"f{flag.public_id.hex}_%s")


def _log_flag_reads(request: HttpRequest, rows: Iterable[queries.PupilFlags], what: str) -> None:
    by_school: dict[int, list[queries.PupilFlags]] = defaultdict(list)
    for row in rows:
        by_school[row.pupil.school_id].append(row)
    for entries in by_school.values():
        log_reads(
            actor=request.user,
            action=actions.FLAGS_VIEWED,
            pupils=[e.pupil for e in entries],
            school=entries[0].flags[0].flag.school,
            detail=what,
        )


# The queue -------------------------------------------------------------------------------------


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    if not access.may_use_queue(request.user):
        raise Http404
    today = attendance_access.today()
    everyone = queries.queue(request.user, today)
    # A leader's queue spans many classes: one class at a time, by its public id (?klasse=).
    options = queries.class_options(everyone)
    chosen = _chosen_class(request.GET.get("klasse", ""), options)
    pupils = queries.in_class(everyone, chosen.key) if chosen else everyone
    for entry in pupils:
        for row in entry.flags:
            if not row.flag.answer:
                row.form = _answer_form(row.flag)
    _log_flag_reads(request, pupils, "queue")
    context = {
        "pupils": pupils,
        "class_options": options if len(options) > 1 else [],
        "chosen_class": chosen,
        "unknown_class": bool(request.GET.get("klasse")) and chosen is None,
        "all_waiting": sum(p.unanswered for p in everyone),
        "today": today,
        "unanswered": sum(p.unanswered for p in pupils),
        "overdue": sum(1 for p in pupils for r in p.flags if r.overdue),
        "leader_schools": list(
            access.leader_schools(request.user).order_by("name").values("public_id", "name")
        ),
    }
    return render(request, "warning/queue.html", context)


def _chosen_class(wanted: str, options: list[queries.ClassOption]) -> queries.ClassOption | None:
    """The class asked for, if it is one of the queue's; else None (the whole queue)."""
    try:
        key = uuid.UUID(wanted)
    except ValueError:
        return None
    return next((option for option in options if option.key == key), None)


def _next_url(request: HttpRequest) -> str:
    """Where to go after answering: the page the form was on, if it is ours; else the queue."""
    wanted = request.POST.get("next", "") or request.GET.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("warning:queue")


@login_required
@require_http_methods(["GET", "POST"])
def answer_flag(request: HttpRequest, flag_id: uuid.UUID) -> HttpResponse:
    """Answer one flag: the form on its own page, or (with htmx) its card on the queue."""
    flag = access.access_flag(request.user, flag_id)
    today = attendance_access.today()
    form = _answer_form(flag, request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            answer.answer_flag(
                request.user, flag, data["answer"], data["dismiss_reason"], data["note"]
            )
        except answer.AnswerError as exc:
            error = exc.message
        else:
            if not _is_htmx(request):
                messages.success(request, _("The answer is saved."))
                return redirect(_next_url(request))
    elif request.method == "GET":
        log_read(
            actor=request.user,
            action=actions.FLAGS_VIEWED,
            obj=flag,
            school=flag.school,
            pupil=flag.pupil,
            detail="answer",
        )
    row = queries.flag_row(flag, today)
    row.form = None if flag.answer else form
    context = {
        "row": row,
        "pupil": flag.pupil,
        "error": error,
        "today": today,
        "saved": False,
        "next_url": _next_url(request),
    }
    if _is_htmx(request):
        context["saved"] = bool(flag.answer) and not error
        # htmx swaps only 2xx answers, so a refused answer still answers 200, with its reason.
        return render(request, "warning/parts.html#flag", context)
    classes = queries.classes_of([flag.pupil_id], today).get(flag.pupil_id, [])
    context["classes"] = [c.name for c in classes]
    return render(request, "warning/answer.html", context)


# The school leader's overview ------------------------------------------------------------------


@login_required
def overview(request: HttpRequest, school_id: uuid.UUID) -> HttpResponse:
    school = access.access_leader_school(request.user, school_id)
    today = attendance_access.today()
    found = queries.overview(request.user, school, today)
    for entry in found.overdue:
        for row in entry.flags:
            row.form = _answer_form(row.flag)
    _log_flag_reads(request, found.overdue, "overview: overdue")
    points = school_tiers(school, today)
    context = {
        "school": school,
        "today": today,
        "overview": found,
        "points": points,
        "chart": charts.tier_chart(points),
        "tiers": [
            {"name": name, "label": charts.tier_label(name), "range": charts.tier_range(name)}
            for name in TIER_NAMES
        ],
        "rows": [
            {
                "point": point,
                "month": charts.month_name(point),
                "counts": [point.count(name) for name in TIER_NAMES],
            }
            for point in points
        ],
    }
    return render(request, "warning/overview.html", context)


# The school's standard -------------------------------------------------------------------------


def _preview_context(school: School, standard: Standard | None) -> dict[str, Any]:
    """The live preview: how many pupils ``standard`` would flag today (None: the form has
    errors, so there is nothing to count)."""
    if standard is None:
        return {"preview": None, "preview_invalid": True}
    result = engine.preview(school, standard, as_of=attendance_access.today())
    rules = [
        {
            "rule": rule,
            "name": explain.rule_name(rule),
            "on": standard.rule_on(rule),
            "pupils": result.by_rule.get(rule, 0),
        }
        for rule in Rule.ALL
    ]
    return {"preview": result, "preview_rules": rules, "preview_invalid": False}


@login_required
@require_http_methods(["GET", "POST"])
def standard(request: HttpRequest, school_id: uuid.UUID) -> HttpResponse:
    school = access.access_leader_school(request.user, school_id)
    current = answer.standard_of(school)
    posting = request.method == "POST"
    form = StandardForm(request.POST if posting else None, standard=current)
    context: dict[str, Any] = {"school": school, "form": form, "is_default": current == Standard()}
    if posting and "preview" in request.POST:
        # Without JavaScript: the preview button shows the page again with the preview.
        context.update(_preview_context(school, form.standard() if form.is_valid() else None))
    elif posting and form.is_valid():
        if answer.save_standard(request.user, school, form.standard()):
            messages.success(request, _("The standard is saved."))
        else:
            messages.info(request, _("Nothing had changed."))
        return redirect("warning:standard", school_id=school.public_id)
    return render(request, "warning/standard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, school_id: uuid.UUID) -> HttpResponse:
    """The preview fragment: of the saved standard (GET) or of the numbers on the form (POST)."""
    school = access.access_leader_school(request.user, school_id)
    if request.method == "POST":
        form = StandardForm(request.POST)
        wanted = form.standard() if form.is_valid() else None
    else:
        wanted = answer.standard_of(school)
    context = {"school": school, **_preview_context(school, wanted)}
    return render(request, "warning/standard.html#preview", context)
