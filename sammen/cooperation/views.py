"""The contact teacher's calls, the leader's overview and standard, and a pupil's cooperation
page with its quick forms (log a contact, share a positive note, set the fixed contact). Thin:
access, work, render. Everyone but the pupil's contact teacher and the school leader gets 404."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sammen.attendance import access as attendance_access
from sammen.audit import actions
from sammen.audit.log import log_read, log_reads
from sammen.cooperation import access, felt_heard, queries, rhythm, services
from sammen.cooperation.forms import CadenceForm, ContactForm, LysglimtForm, StandardForm
from sammen.cooperation.models import Adjustment, Barrier, Cadence, Contact, FamilyNeeds, FeltHeard
from sammen.roster.access import guardianships_for
from sammen.roster.models import Guardian, Pupil
from sammen.voice import queries as voice_queries
from sammen.voice import services as voice_services


def _log_rows(request: HttpRequest, pupils: Sequence[Pupil], what: str) -> None:
    by_school: dict[int, list[Pupil]] = defaultdict(list)
    for pupil in pupils:
        by_school[pupil.school_id].append(pupil)
    for entries in by_school.values():
        log_reads(
            actor=request.user,
            action=actions.COOPERATION_VIEWED,
            pupils=entries,
            school=entries[0].school,
            detail=what,
        )


def _guardians(request: HttpRequest, pupil: Pupil) -> list[Guardian]:
    return [
        link.guardian
        for link in guardianships_for(request.user, pupil)
        if link.parental_responsibility
    ]


# The contact teacher's calls -------------------------------------------------------------------


@login_required
def calls(request: HttpRequest) -> HttpResponse:
    if not access.may_cooperate(request.user):
        raise Http404
    today = attendance_access.today()
    rows = queries.calls(request.user, today)
    _log_rows(request, [r.pupil for r in rows], "calls")
    # What the homes said between calls, also from homes with no fixed contact on the list.
    voice_off_list = voice_queries.off_the_list(request.user, rows, today)
    _log_rows(request, [o.pupil for o in voice_off_list], "calls: from the home")
    context = {
        "today": today,
        "rows": rows,
        "due": [r for r in rows if r.due.status != rhythm.Status.LATER],
        "later": [r for r in rows if r.due.status == rhythm.Status.LATER],
        "groups": list(access.coop_groups(request.user).order_by("school__name", "grade", "name")),
        "leader_schools": list(access.leader_schools(request.user).order_by("name")),
        "voice_notes": voice_queries.notes_for_calls(rows, today),
        "voice_off_list": voice_off_list,
    }
    return render(request, "cooperation/calls.html", context)


# The leader ------------------------------------------------------------------------------------


@login_required
def overview(request: HttpRequest, school_id: uuid.UUID) -> HttpResponse:
    school = access.access_leader_school(request.user, school_id)
    today = attendance_access.today()
    rows = queries.calls(request.user, today, school=school)
    pressing = [r for r in rows if r.due.status != rhythm.Status.LATER]
    _log_rows(request, [r.pupil for r in pressing], "overview")
    context = {
        "school": school,
        "today": today,
        "overdue": [r for r in pressing if r.due.status == rhythm.Status.OVERDUE],
        "due": [r for r in pressing if r.due.status == rhythm.Status.DUE],
        "escalated": [r for r in pressing if r.cadence and r.cadence.escalated_on],
        "later": len(rows) - len(pressing),
        "only_concerns": sum(1 for r in rows if r.balance.only_concerns),
        "felt_heard": queries.felt_heard_by_month(school, today),
    }
    return render(request, "cooperation/overview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def standard(request: HttpRequest, school_id: uuid.UUID) -> HttpResponse:
    school = access.access_leader_school(request.user, school_id)
    current = services.standard_of(school)
    form = StandardForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        if services.save_standard(actor=request.user, school=school, values=form.cleaned_data):
            messages.success(request, _("The cooperation standard is saved."))
        else:
            messages.info(request, _("Nothing had changed."))
        return redirect("cooperation:standard", school_id=school.public_id)
    return render(request, "cooperation/standard.html", {"school": school, "form": form})


# A pupil's cooperation -------------------------------------------------------------------------


@login_required
def pupil(request: HttpRequest, pupil_id: uuid.UUID) -> HttpResponse:
    child = access.access_coop_pupil(request.user, pupil_id)
    today = attendance_access.today()
    contacts = list(
        Contact.objects.filter(pupil=child).select_related("guardian").order_by("-on", "-pk")[:50]
    )
    guardians = _guardians(request, child)
    answers: dict[int, list[FeltHeard]] = defaultdict(list)
    for answer in FeltHeard.objects.filter(contact__in=contacts).select_related("guardian"):
        answers[answer.contact_id].append(answer)
    links = felt_heard.links_for(request, contacts, guardians, answers, today)
    needs = FamilyNeeds.objects.filter(pupil=child).first()
    show_barriers = bool((needs and needs.barriers) or (needs and needs.barrier_note))
    show_barriers = show_barriers and access.may_see_barriers(request.user, child)
    log_read(
        actor=request.user, action=actions.COOPERATION_VIEWED, pupil=child, school=child.school
    )
    if show_barriers:
        log_read(
            actor=request.user,
            action=actions.COOP_BARRIERS_VIEWED,
            pupil=child,
            school=child.school,
        )
    rows = queries.calls(request.user, today, pupil=child)
    voice = voice_queries.pupil_voice(child, today)
    if voice:
        log_read(
            actor=request.user, action=actions.VOICE_INPUTS_VIEWED, pupil=child, school=child.school
        )
    row = rows[0] if rows else None
    context = {
        "pupil": child,
        "today": today,
        "row": row,
        "contacts": [(c, answers.get(c.pk, []), links.get(c.pk, [])) for c in contacts],
        "guardians": guardians,
        "needs": needs,
        "barriers": [Barrier(b).label for b in needs.barriers] if show_barriers and needs else [],
        "show_barriers": show_barriers,
        "adjustments": [Adjustment(a).label for a in needs.adjustments] if needs else [],
        "balance": queries.recent_tones([child.pk], today)[child.pk],
        "lysglimt_form": LysglimtForm(),
        "cadence": Cadence.objects.filter(pupil=child).first(),
        "voice": voice,
    }
    return render(request, "cooperation/pupil.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def log_contact(request: HttpRequest, pupil_id: uuid.UUID) -> HttpResponse:
    child = access.access_coop_pupil(request.user, pupil_id)
    today = attendance_access.today()
    guardians = _guardians(request, child)
    cadence = Cadence.objects.filter(pupil=child).first()
    every = cadence.every_days if cadence else services.standard_of(child.school).cadence_days
    initial = {"on": today, "next_contact_on": today + timedelta(days=every)}
    form = ContactForm(request.POST or None, initial=initial, guardians=guardians)
    error = ""
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        if values["guardian"] is None and len(guardians) == 1:
            # One guardian to talk to: the form need not ask.
            values["guardian"] = guardians[0]
        data = services.ContactData(**values)
        try:
            with transaction.atomic():
                services.log_contact(actor=request.user, pupil=child, data=data, today=today)
                # A guardian who asked to be contacted has been: the request is done.
                met = data.guardian is not None and voice_services.close_met_requests(
                    actor=request.user,
                    pupil=child,
                    guardian=data.guardian,
                    kind=data.kind,
                    on=data.on,
                )
        except services.CooperationError as exc:
            error = exc.message
        else:
            messages.success(request, _("The contact is logged."))
            if met:
                messages.info(request, _("The request to be contacted is marked done."))
            if request.POST.get("back") == "calls":
                return redirect("cooperation:calls")
            return redirect("cooperation:pupil", pupil_id=child.public_id)
    context = {
        "pupil": child,
        "form": form,
        "error": error,
        "back": request.POST.get("back") or request.GET.get("back", ""),
    }
    return render(request, "cooperation/log_contact.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def lysglimt(request: HttpRequest, pupil_id: uuid.UUID) -> HttpResponse:
    child = access.access_coop_pupil(request.user, pupil_id)
    today = attendance_access.today()
    form = LysglimtForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.share_lysglimt(
            actor=request.user, pupil=child, note=form.cleaned_data["note"], today=today
        )
        messages.success(request, _("The positive note is shared with the family."))
        if request.POST.get("back") == "calls":
            return redirect("cooperation:calls")
        return redirect("cooperation:pupil", pupil_id=child.public_id)
    return render(request, "cooperation/lysglimt.html", {"pupil": child, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def cadence(request: HttpRequest, pupil_id: uuid.UUID) -> HttpResponse:
    child = access.access_coop_pupil(request.user, pupil_id)
    today = attendance_access.today()
    current = Cadence.objects.filter(pupil=child).first()
    initial: dict[str, Any] = {}
    if current is None:
        initial = {"every_days": services.standard_of(child.school).cadence_days, "active": True}
        needs = FamilyNeeds.objects.filter(pupil=child).first()
        if needs is not None:
            initial |= {"channel": needs.channel, "window": needs.window}
    form = CadenceForm(request.POST or None, instance=current, initial=initial)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.set_cadence(actor=request.user, pupil=child, today=today, **form.cleaned_data)
        except services.CooperationError as exc:
            error = exc.message
        else:
            messages.success(request, _("The fixed contact is saved."))
            return redirect("cooperation:pupil", pupil_id=child.public_id)
    context = {"pupil": child, "form": form, "error": error}
    return render(request, "cooperation/cadence.html", context)
