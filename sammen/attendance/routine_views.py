"""The school leader's page for the absence-notice routine: when, and by which channels."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sammen.attendance import access as attendance_access
from sammen.attendance.models import AttendanceRoutine
from sammen.attendance.notices import notice_counts
from sammen.attendance.routine import may_change_routine, routine_for, save_routine
from sammen.roster import access

ROUTINE_FIELDS = ("notify_at", "email", "sms")


class RoutineForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = AttendanceRoutine
        fields = ROUTINE_FIELDS
        widgets = {"notify_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}


@login_required
def routine_edit(request: HttpRequest, school_id: uuid.UUID) -> HttpResponse:
    school = access.access_school(request.user, school_id)
    if not may_change_routine(request.user, school):
        raise PermissionDenied
    routine = routine_for(school)
    initial = {name: getattr(routine, name) for name in ROUTINE_FIELDS}
    form = RoutineForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = save_routine(
            actor=request.user,
            school=school,
            notify_at=form.cleaned_data["notify_at"],
            email=form.cleaned_data["email"],
            sms=form.cleaned_data["sms"],
        )
        if changed:
            messages.success(request, _("The routine is saved."))
        return redirect("attendance_routine:edit", school_id=school.public_id)
    today = attendance_access.today()
    context = {
        "school": school,
        "form": form,
        "today": today,
        "counts": notice_counts(school, today),
    }
    return render(request, "attendance/routine.html", context)
