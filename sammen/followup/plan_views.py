"""The mapping page (what may lie behind the absence, the pupil's view, the best interest) and the
plan page (problem, goals, measures and their evaluation, the return plan, school work at home,
agreements, the guardians' comments). The plan's text is saved with optimistic locking: if
someone saved since the page was opened, the second saver gets the conflict page with both
versions, and nothing is lost."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from sammen.attendance import access as attendance_access
from sammen.followup import access, cases, plans
from sammen.followup.errors import EditConflictError
from sammen.followup.forms import (
    AgreementForm,
    BestInterestForm,
    EvaluationForm,
    GoalForm,
    MappingForm,
    MeasureForm,
    PlanForm,
    PupilViewForm,
    ReturnStepForm,
    StepStatusForm,
)
from sammen.followup.models import (
    Case,
    Mapping,
    Measure,
    MeasureStatus,
    Outcome,
    Plan,
    ReturnStep,
    StepStatus,
)
from sammen.followup.pages import Handler, attempt, handle_post, log_case_read
from sammen.followup.views import case_context

# The mapping ----------------------------------------------------------------------------------


def _mapping(request: HttpRequest, case: Case) -> forms.Form | None:
    form = MappingForm(request.POST, prefix="mapping")
    ok = attempt(form, lambda d: cases.save_mapping(user=request.user, case=case, values=d))
    return None if ok else form


def _voice(request: HttpRequest, case: Case) -> forms.Form | None:
    form = PupilViewForm(request.POST, prefix="voice")
    ok = attempt(form, lambda d: cases.record_pupil_view(user=request.user, case=case, **d))
    return None if ok else form


def _best(request: HttpRequest, case: Case) -> forms.Form | None:
    form = BestInterestForm(request.POST, prefix="best")
    ok = attempt(form, lambda d: cases.record_best_interest(user=request.user, case=case, **d))
    return None if ok else form


MAPPING_HANDLERS: dict[str, Handler] = {"mapping": _mapping, "voice": _voice, "best": _best}


@login_required
@require_http_methods(["GET", "POST"])
def mapping(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = access.access_case(request.user, case_id)
    bound: dict[str, forms.Form] = {}
    if request.method == "POST":
        access.require_open(case)
        response, bound = handle_post(request, case, MAPPING_HANDLERS, request.path)
        if response is not None:
            return response
    else:
        log_case_read(request, case, "mapping")
    saved, _created = Mapping.objects.get_or_create(case=case)
    initial = {name: getattr(saved, name) for name in cases.MAPPING_FIELDS}
    context = case_context(request, case)
    context.update(
        {
            "mapping": saved,
            "factor_labels": _labels(MappingForm.base_fields["factors"], saved.factors),
            "reason_labels": _labels(MappingForm.base_fields["reasons"], saved.reasons),
            "views": list(case.pupil_views.select_related("recorded_by")),
            "assessments": list(case.best_interests.all()),
            "mapping_form": bound.get("mapping") or MappingForm(prefix="mapping", initial=initial),
            "voice_form": bound.get("voice")
            or PupilViewForm(prefix="voice", initial={"heard_on": attendance_access.today()}),
            "best_form": bound.get("best")
            or BestInterestForm(prefix="best", initial={"assessed_on": attendance_access.today()}),
        }
    )
    return render(request, "followup/mapping.html", context)


def _labels(field: Any, codes: list[str]) -> list[str]:
    names = dict(field.choices)
    return [str(names[c]) for c in codes if c in names]


# The plan -------------------------------------------------------------------------------------


def _plan_text(request: HttpRequest, case: Case) -> forms.Form | HttpResponse | None:
    form = PlanForm(request.POST, prefix="plan")
    if not form.is_valid():
        return form
    data = form.cleaned_data
    try:
        plans.save_plan(user=request.user, case=case, version=data["version"], values=data)
    except EditConflictError as conflict:
        return conflict_page(request, case, conflict, form, "plan")
    return None


def conflict_page(
    request: HttpRequest, case: Case, conflict: EditConflictError, form: forms.Form, what: str
) -> HttpResponse:
    """Both versions side by side; the form carries the saved version, so saving again is a
    decision made with the other text in view."""
    data = {f"{form.prefix}-{k}": v for k, v in form.cleaned_data.items()}
    data[f"{form.prefix}-version"] = str(conflict.version)
    again = type(form)(data, prefix=form.prefix)
    rows = [
        {"label": form.fields[name].label, "theirs": conflict.current.get(name, ""), "yours": value}
        for name, value in form.cleaned_data.items()
        if name in conflict.current
    ]
    context = case_context(request, case)
    context.update({"rows": rows, "form": again, "by": conflict.by, "what": what})
    return render(request, "followup/conflict.html", context, status=409)


def _goal(request: HttpRequest, case: Case) -> forms.Form | None:
    form = GoalForm(request.POST, prefix="goal")
    ok = attempt(
        form,
        lambda d: plans.add_goal(
            user=request.user, case=case, today=attendance_access.today(), **d
        ),
    )
    return None if ok else form


def _measure(request: HttpRequest, case: Case) -> forms.Form | None:
    form = MeasureForm(request.POST, prefix="measure")
    ok = attempt(form, lambda d: plans.save_measure(user=request.user, case=case, values=d))
    return None if ok else form


def _measure_of(case: Case, public_id: uuid.UUID) -> Measure:
    try:
        return case.measures.get(public_id=public_id)
    except Measure.DoesNotExist:
        raise Http404 from None


def _evaluate(request: HttpRequest, case: Case) -> forms.Form | None:
    form = EvaluationForm(request.POST, prefix="evaluate")

    def work(d: dict[str, Any]) -> object:
        measure = _measure_of(case, d["measure"])
        return plans.evaluate_measure(
            user=request.user,
            measure=measure,
            outcome=d["outcome"],
            note=d["note"],
            status=d["status"],
            next_evaluate_on=d["next_evaluate_on"],
            today=attendance_access.today(),
        )

    return None if attempt(form, work) else form


def _step(request: HttpRequest, case: Case) -> forms.Form | None:
    form = ReturnStepForm(request.POST, prefix="step")
    ok = attempt(form, lambda d: plans.add_return_step(user=request.user, case=case, **d))
    return None if ok else form


def _step_status(request: HttpRequest, case: Case) -> forms.Form | None:
    form = StepStatusForm(request.POST, prefix="step_status")

    def work(d: dict[str, Any]) -> object:
        step = ReturnStep.objects.filter(case=case, pk=d["step"]).first()
        if step is None:
            raise Http404
        return plans.set_step_status(user=request.user, step=step, status=d["status"])

    return None if attempt(form, work) else form


def _agreement(request: HttpRequest, case: Case) -> forms.Form | None:
    form = AgreementForm(request.POST, prefix="agreement")
    ok = attempt(form, lambda d: plans.add_agreement(user=request.user, case=case, **d))
    return None if ok else form


PLAN_HANDLERS: dict[str, Handler] = {
    "plan": _plan_text,
    "goal": _goal,
    "measure": _measure,
    "evaluate": _evaluate,
    "step": _step,
    "step_status": _step_status,
    "agreement": _agreement,
}


def plan_parts(case: Case) -> dict[str, Any]:
    """What the plan page, the guardian's page and the printed plan show."""
    plan, _created = Plan.objects.get_or_create(case=case)
    return {
        "plan": plan,
        "goals": list(case.goals.all()),
        "measures": list(case.measures.prefetch_related("evaluations")),
        "steps": list(case.return_steps.all()),
        "agreements": list(case.agreements.filter(active=True)),
        "comments": list(case.guardian_comments.select_related("guardian")),
        "views": list(case.pupil_views.all()[:1]),
    }


@login_required
@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = access.access_case(request.user, case_id)
    bound: dict[str, forms.Form] = {}
    if request.method == "POST":
        access.require_open(case)
        response, bound = handle_post(request, case, PLAN_HANDLERS, request.path)
        if response is not None:
            return response
    else:
        log_case_read(request, case, "plan")
    parts = plan_parts(case)
    saved: Plan = parts["plan"]
    context = case_context(request, case)
    context.update(parts)
    now = attendance_access.today()
    context.update(
        {
            "plan_form": bound.get("plan")
            or PlanForm(
                prefix="plan",
                initial={
                    "version": saved.version,
                    "problem": saved.problem,
                    "school_work_at_home": saved.school_work_at_home,
                },
            ),
            "goal_form": bound.get("goal") or GoalForm(prefix="goal"),
            "measure_form": bound.get("measure")
            or MeasureForm(prefix="measure", initial={"starts_on": now, "status": "active"}),
            "evaluate_form": bound.get("evaluate"),
            "step_form": bound.get("step") or ReturnStepForm(prefix="step"),
            "agreement_form": bound.get("agreement")
            or AgreementForm(prefix="agreement", initial={"agreed_on": now}),
            "step_status_form": bound.get("step_status"),
            "outcomes": Outcome.choices,
            "statuses": MeasureStatus.choices,
            "step_statuses": StepStatus.choices,
        }
    )
    return render(request, "followup/plan.html", context)
