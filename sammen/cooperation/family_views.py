"""A pupil's family side, for the contact teacher and the leader: the family's cooperation needs
(with the barriers the family has told of), home visits, the 24-hour person and the network."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sammen.audit import actions
from sammen.audit.log import log_read
from sammen.cooperation import access, network, services
from sammen.cooperation.forms import (
    FamilyNeedsForm,
    HomeVisitForm,
    NetworkForm,
    ProfileEntryForm,
)
from sammen.cooperation.models import (
    FamilyNeeds,
    HomeVisit,
    NetworkMember,
    Part,
    ProfileEntry,
    Visibility,
)
from sammen.roster.models import Pupil


@login_required
@require_http_methods(["GET", "POST"])
def needs(request: HttpRequest, pupil_id: uuid.UUID) -> HttpResponse:
    child = access.access_coop_pupil(request.user, pupil_id)
    if not access.may_see_barriers(request.user, child):
        raise Http404
    current = FamilyNeeds.objects.filter(pupil=child).first()
    form = FamilyNeedsForm(request.POST or None, instance=current)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.save_family_needs(actor=request.user, pupil=child, values=form.cleaned_data)
        except services.CooperationError as exc:
            error = exc.message
        else:
            messages.success(request, _("The family's cooperation needs are saved."))
            return redirect("cooperation:pupil", pupil_id=child.public_id)
    if (
        request.method == "GET"
        and current is not None
        and (current.barriers or current.barrier_note)
    ):
        log_read(
            actor=request.user,
            action=actions.COOP_BARRIERS_VIEWED,
            pupil=child,
            school=child.school,
            detail="needs form",
        )
    return render(request, "cooperation/needs.html", {"pupil": child, "form": form, "error": error})


@login_required
@require_http_methods(["GET", "POST"])
def home_visits(request: HttpRequest, pupil_id: uuid.UUID) -> HttpResponse:
    child = access.access_coop_pupil(request.user, pupil_id)
    return _visit_page(request, child, None)


@login_required
@require_http_methods(["GET", "POST"])
def home_visit(request: HttpRequest, pupil_id: uuid.UUID, visit_id: uuid.UUID) -> HttpResponse:
    child = access.access_coop_pupil(request.user, pupil_id)
    visit = HomeVisit.objects.filter(pupil=child, public_id=visit_id).first()
    if visit is None:
        raise Http404
    return _visit_page(request, child, visit)


def _visit_page(request: HttpRequest, child: Pupil, visit: HomeVisit | None) -> HttpResponse:
    form = HomeVisitForm(request.POST or None, instance=visit)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.save_home_visit(
                actor=request.user, pupil=child, visit=visit, values=form.cleaned_data
            )
        except services.CooperationError as exc:
            error = exc.message
        else:
            messages.success(request, _("The home visit is saved."))
            return redirect("cooperation:home_visits", pupil_id=child.public_id)
    log_read(
        actor=request.user,
        action=actions.COOPERATION_VIEWED,
        pupil=child,
        school=child.school,
        detail="home visits",
    )
    context = {
        "pupil": child,
        "form": form,
        "error": error,
        "visit": visit,
        "visits": list(HomeVisit.objects.filter(pupil=child)),
    }
    return render(request, "cooperation/home_visits.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest, pupil_id: uuid.UUID) -> HttpResponse:
    child = access.access_coop_pupil(request.user, pupil_id)
    form = ProfileEntryForm(request.POST if "add" in request.POST else None)
    if request.method == "POST":
        if "remove" in request.POST:
            entry = ProfileEntry.objects.filter(
                pupil=child, public_id=request.POST["remove"]
            ).first()
            if entry is None:
                raise Http404
            services.remove_profile_entry(actor=request.user, entry=entry)
            return redirect("cooperation:profile", pupil_id=child.public_id)
        if form.is_valid():
            services.add_profile_entry(actor=request.user, pupil=child, **form.cleaned_data)
            messages.success(request, _("Saved in the 24-hour person."))
            return redirect("cooperation:profile", pupil_id=child.public_id)
    log_read(
        actor=request.user,
        action=actions.COOPERATION_VIEWED,
        pupil=child,
        school=child.school,
        detail="24-hour person",
    )
    entries = list(ProfileEntry.objects.filter(pupil=child))
    context = {"pupil": child, "form": form, "parts": parts_of(entries)}
    return render(request, "cooperation/profile.html", context)


def parts_of(entries: list[ProfileEntry]) -> list[tuple[str, str, list[ProfileEntry]]]:
    return [
        (value, str(label), [e for e in entries if e.part == value])
        for value, label in Part.choices
    ]


@login_required
@require_http_methods(["GET", "POST"])
def network_page(request: HttpRequest, pupil_id: uuid.UUID) -> HttpResponse:
    child = access.access_coop_pupil(request.user, pupil_id)
    form = NetworkForm(request.POST if "add" in request.POST else None)
    if request.method == "POST":
        if "remove" in request.POST:
            member = NetworkMember.objects.filter(
                pupil=child, public_id=request.POST["remove"]
            ).first()
            if member is None:
                raise Http404
            services.remove_network_member(actor=request.user, member=member)
            return redirect("cooperation:network", pupil_id=child.public_id)
        if form.is_valid():
            try:
                services.add_network_member(actor=request.user, pupil=child, **form.cleaned_data)
            except services.CooperationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Added to the network."))
                return redirect("cooperation:network", pupil_id=child.public_id)
    log_read(
        actor=request.user,
        action=actions.COOPERATION_VIEWED,
        pupil=child,
        school=child.school,
        detail="network",
    )
    members = list(NetworkMember.objects.filter(pupil=child).select_related("added_by_guardian"))
    context = {
        "pupil": child,
        "form": form,
        "members": members,
        "circles": network.layout(members, _("+%(n)d more")),
        "width": network.WIDTH,
        "height": network.HEIGHT,
        "radius": network.RADIUS,
        "family_visibility": Visibility.FAMILY,
    }
    return render(request, "cooperation/network.html", context)
