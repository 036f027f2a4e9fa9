"""The guardians' side: their child's page of home–school cooperation (positive notes, the
24-hour person, the network, "did you feel heard?"), the answer by link without logging in, and
the school's routines for cooperation."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sammen.attendance import access as attendance_access
from sammen.audit import actions
from sammen.audit.log import Actor, log_read
from sammen.cooperation import access, felt_heard, network, services
from sammen.cooperation.family_views import parts_of
from sammen.cooperation.forms import FeltHeardForm, GuardianNetworkForm, GuardianProfileForm
from sammen.cooperation.models import (
    Author,
    Contact,
    ContactKind,
    FeltHeard,
    NetworkMember,
    ProfileEntry,
    Visibility,
)
from sammen.roster.models import Guardian


def _guardian_actor(request: HttpRequest, guardian: Guardian) -> Actor:
    """A guardian answering by link may not be signed in: the audit names them all the same."""
    if request.user.is_authenticated:
        return Actor.of(request.user)
    return Actor(None, f"{guardian.full_name} (guardian, by link)")


@login_required
@require_http_methods(["GET", "POST"])
def family(request: HttpRequest, pupil_id: uuid.UUID) -> HttpResponse:
    child, guardian = access.access_family_pupil(request.user, pupil_id)
    today = attendance_access.today()
    profile_form = GuardianProfileForm(request.POST if "profile" in request.POST else None)
    network_form = GuardianNetworkForm(request.POST if "network" in request.POST else None)
    if request.method == "POST":
        if "profile" in request.POST and profile_form.is_valid():
            services.add_profile_entry(
                actor=request.user,
                pupil=child,
                author=Author.GUARDIAN,
                visibility=Visibility.FAMILY,
                **profile_form.cleaned_data,
            )
            messages.success(request, _("Thank you! The school can now read it."))
            return redirect("cooperation:family", pupil_id=child.public_id)
        if "network" in request.POST and network_form.is_valid():
            services.add_network_member(
                actor=request.user, pupil=child, guardian=guardian, **network_form.cleaned_data
            )
            messages.success(request, _("Added to the network."))
            return redirect("cooperation:family", pupil_id=child.public_id)
        if "remove" in request.POST:
            # Their own part only: people this guardian added.
            member = NetworkMember.objects.filter(
                pupil=child, public_id=request.POST["remove"], added_by_guardian=guardian
            ).first()
            if member is None:
                raise Http404
            services.remove_network_member(actor=request.user, member=member)
            return redirect("cooperation:family", pupil_id=child.public_id)
        if "felt_heard" in request.POST:
            return _answer_here(request, child.public_id, guardian, today)
    log_read(
        actor=request.user, action=actions.COOPERATION_VIEWED, pupil=child, school=child.school
    )
    entries = list(ProfileEntry.objects.filter(pupil=child, visibility=Visibility.FAMILY))
    members = list(NetworkMember.objects.filter(pupil=child))
    context = {
        "pupil": child,
        "guardian": guardian,
        "lysglimt": list(
            Contact.objects.filter(
                pupil=child, kind=ContactKind.LYSGLIMT, shared_with_family=True
            ).order_by("-on", "-pk")[:10]
        ),
        "parts": parts_of(entries),
        "profile_form": profile_form,
        "network_form": network_form,
        "members": members,
        "circles": network.layout(members, _("+%(n)d more")),
        "width": network.WIDTH,
        "height": network.HEIGHT,
        "radius": network.RADIUS,
        "questions": [
            (c, FeltHeardForm(auto_id=f"q{c.public_id.hex}_%s"))
            for c in felt_heard.open_questions(guardian, child, today)
        ],
    }
    return render(request, "cooperation/family.html", context)


def _answer_here(
    request: HttpRequest, pupil_id: uuid.UUID, guardian: Guardian, today: object
) -> HttpResponse:
    child, _guardian = access.access_family_pupil(request.user, pupil_id)
    contact = Contact.objects.filter(pupil=child, public_id=request.POST.get("contact", "")).first()
    form = FeltHeardForm(request.POST)
    if contact is None:
        raise Http404
    if form.is_valid():
        try:
            services.answer_felt_heard(
                actor=request.user, contact=contact, guardian=guardian, **form.cleaned_data
            )
        except services.CooperationError as exc:
            messages.info(request, exc.message)
        else:
            messages.success(request, _("Thank you for your answer."))
    return redirect("cooperation:family", pupil_id=child.public_id)


@require_http_methods(["GET", "POST"])
def answer_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """No login: the signed link is the permission, for this one answer."""
    found = felt_heard.resolve(token)
    if found is None:
        raise Http404
    contact, guardian = found
    form = FeltHeardForm(request.POST or None)
    done = False
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_felt_heard(
                actor=_guardian_actor(request, guardian),
                contact=contact,
                guardian=guardian,
                **form.cleaned_data,
            )
        except services.CooperationError as exc:
            error = exc.message
        else:
            done = True
    answered = FeltHeard.objects.filter(contact=contact, guardian=guardian).exists()
    context = {
        "contact": contact,
        "form": form,
        "done": done,
        "error": error,
        "answered": answered,
    }
    return render(request, "cooperation/felt_heard.html", context)


@login_required
def routines(request: HttpRequest, school_id: uuid.UUID) -> HttpResponse:
    school = access.access_routine_school(request.user, school_id)
    context = {
        "school": school,
        "standard": services.standard_of(school),
        "is_leader": access.is_leader(request.user, school.pk),
    }
    return render(request, "cooperation/routines.html", context)
