"""The fortnightly review: a class's agenda this week, its set-up (the halves), and one screen per
pupil with the three questions. For the class's contact teacher and the school leader only."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sammen.attendance import access as attendance_access
from sammen.audit import actions
from sammen.audit.log import log_read, log_reads
from sammen.cooperation import access, agenda, queries, review
from sammen.cooperation.forms import ActionItemForm, ReviewForm
from sammen.cooperation.models import ActionItem, Contact, Review, ReviewSetup
from sammen.cooperation.services import CooperationError
from sammen.roster.access import viewer_for
from sammen.roster.models import Pupil, Staff
from sammen.warning.access import open_flags_of_pupil
from sammen.warning.queries import flag_row


@login_required
def review_agenda(request: HttpRequest, group_id: uuid.UUID) -> HttpResponse:
    group = access.access_coop_group(request.user, group_id)
    today = attendance_access.today()
    setup = ReviewSetup.objects.filter(group=group).first()
    pupils = agenda.class_pupils(request.user, group, today)
    found = agenda.agenda(setup, pupils, today) if setup else None
    if found is not None and found.this_week:
        log_reads(
            actor=request.user,
            action=actions.COOPERATION_VIEWED,
            pupils=[r.pupil for r in found.this_week],
            school=group.school,
            detail="review agenda",
        )
    context = {"group": group, "today": today, "agenda": found, "pupils": len(pupils)}
    return render(request, "cooperation/review_agenda.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def review_setup(request: HttpRequest, group_id: uuid.UUID) -> HttpResponse:
    group = access.access_coop_group(request.user, group_id)
    today = attendance_access.today()
    setup = ReviewSetup.objects.filter(group=group).first()
    pupils = agenda.class_pupils(request.user, group, today)
    if request.method == "POST":
        try:
            if setup is None:
                review.set_up_review(
                    actor=request.user, group=group, pupils=pupils, first_monday=today
                )
                messages.success(request, _("The review is set up: half A is on this week."))
                return redirect("cooperation:review", group_id=group.public_id)
            moved = next((p for p in pupils if str(p.public_id) == request.POST.get("move")), None)
            if moved is None:
                raise Http404
            review.move_pupil(actor=request.user, setup=setup, pupils=pupils, pupil=moved)
            messages.success(
                request,
                _("%(name)s moved to the other half.") % {"name": moved.full_name},
            )
        except CooperationError as exc:
            messages.error(request, exc.message)
        return redirect("cooperation:review_setup", group_id=group.public_id)
    found = agenda.agenda(setup, pupils, today) if setup else None
    context = {"group": group, "today": today, "agenda": found, "pupils": pupils}
    return render(request, "cooperation/review_setup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def review_pupil(request: HttpRequest, group_id: uuid.UUID, pupil_id: uuid.UUID) -> HttpResponse:
    group = access.access_coop_group(request.user, group_id)
    today = attendance_access.today()
    pupils = agenda.class_pupils(request.user, group, today)
    child = next((p for p in pupils if p.public_id == pupil_id), None)
    setup = ReviewSetup.objects.filter(group=group).first()
    if child is None or setup is None:
        raise Http404
    found = agenda.agenda(setup, pupils, today)
    row = next(r for r in found.rows if r.pupil.pk == child.pk)
    todays = Review.objects.filter(pupil=child, held_on=today).first()
    owners = agenda.owners_for(request.user, group, child)
    posting = request.method == "POST"
    form = ReviewForm(
        request.POST if posting and "save" in request.POST else None,
        initial=_initial(todays),
    )
    item_form = ActionItemForm(
        request.POST if posting and request.POST.get("text") else None,
        staff=owners,
        initial={"due_on": today + timedelta(days=14), "owner": _own_staff(request, owners)},
        prefix="item",
    )
    if posting and "done" in request.POST:
        item = ActionItem.objects.filter(pupil=child, public_id=request.POST["done"]).first()
        if item is None:
            raise Http404
        review.mark_done(actor=request.user, item=item, today=today)
        return redirect(request.path)
    if posting and "save" in request.POST:
        item_form = ActionItemForm(
            request.POST if request.POST.get("item-text") else None, staff=owners, prefix="item"
        )
        item_ok = not item_form.is_bound or item_form.is_valid()
        if form.is_valid() and item_ok:
            try:
                saved = review.save_review(
                    actor=request.user, pupil=child, group=group, held_on=today, **form.cleaned_data
                )
                if item_form.is_bound:
                    review.add_action_item(
                        actor=request.user, pupil=child, review=saved, **item_form.cleaned_data
                    )
            except CooperationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request, _("The review of %(name)s is saved.") % {"name": child.full_name}
                )
                following = _next_in_half(found, child.pk)
                if following is not None and "next" in request.POST:
                    return redirect(
                        "cooperation:review_pupil",
                        group_id=group.public_id,
                        pupil_id=following.public_id,
                    )
                return redirect(request.path)
    log_read(
        actor=request.user,
        action=actions.COOPERATION_VIEWED,
        pupil=child,
        school=group.school,
        detail="review",
    )
    previous = Review.objects.filter(pupil=child, held_on__lt=today).order_by("-held_on").first()
    context = {
        "group": group,
        "pupil": child,
        "today": today,
        "row": row,
        "form": form,
        "item_form": item_form,
        "previous": previous,
        "flags": [flag_row(f, today) for f in open_flags_of_pupil(request.user, child)],
        "items": list(
            ActionItem.objects.filter(pupil=child, done_on__isnull=True).select_related("owner")
        ),
        "contacts": list(Contact.objects.filter(pupil=child).order_by("-on", "-pk")[:3]),
        "next_pupil": _next_in_half(found, child.pk),
        "balance": queries.recent_tones([child.pk], today)[child.pk],
    }
    return render(request, "cooperation/review_pupil.html", context)


def _initial(todays: Review | None) -> dict[str, str]:
    if todays is None:
        return {}
    return {
        "positive": todays.positive,
        "made_possible": todays.made_possible,
        "support": todays.support,
    }


def _own_staff(request: HttpRequest, owners: list[Staff]) -> int | None:
    own = viewer_for(request.user).staff
    return own.pk if own is not None else None


def _next_in_half(found: agenda.Agenda, pupil_id: int) -> Pupil | None:
    rows = found.this_week
    ids = [r.pupil.pk for r in rows]
    if pupil_id not in ids:
        return None
    index = ids.index(pupil_id)
    return rows[index + 1].pupil if index + 1 < len(rows) else None
