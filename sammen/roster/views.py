"""Roster pages: school → group → pupil, and the school's staff. Thin: access, work, render."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sammen.audit import actions
from sammen.audit.log import log_read, log_reads
from sammen.roster import access, queries
from sammen.roster.access import Perm
from sammen.roster.models import Group, GroupKind, Guardian
from sammen.roster.services import GUARDIAN_CONTACT_FIELDS, change_guardian_contact


@login_required
def school_detail(request: HttpRequest, school_id: uuid.UUID) -> HttpResponse:
    school = access.access_school(request.user, school_id)
    groups = (
        access.groups_for(request.user)
        .filter(school=school)
        .annotate(pupil_count=Count("enrollments"))
        .order_by("kind", "grade", "name")
    )
    by_kind: dict[str, list[Group]] = {kind.value: [] for kind in GroupKind}
    for group in groups:
        by_kind[group.kind].append(group)
    sections = [(GroupKind(kind).label, items) for kind, items in by_kind.items() if items]
    context = {
        "school": school,
        "sections": sections,
        "may_see_staff": access.may_see_staff_list(request.user, school),
    }
    return render(request, "roster/school_detail.html", context)


@login_required
def group_detail(request: HttpRequest, group_id: uuid.UUID) -> HttpResponse:
    group = access.access_group(request.user, group_id)
    pupils = list(queries.pupils_in_group(request.user, group))
    log_reads(
        actor=request.user,
        action=actions.GROUP_VIEWED,
        pupils=pupils,
        school=group.school,
        detail=str(group),
    )
    teachers = group.teachers.select_related("staff").order_by(
        "-is_contact_teacher", "staff__family_name"
    )
    context = {"group": group, "pupils": pupils, "teachers": teachers}
    return render(request, "roster/group_detail.html", context)


@login_required
def pupil_detail(request: HttpRequest, pupil_id: uuid.UUID) -> HttpResponse:
    pupil = access.access_pupil(request.user, pupil_id)
    log_read(
        actor=request.user,
        action=actions.PUPIL_VIEWED,
        obj=pupil,
        school=pupil.school,
        pupil=pupil,
    )
    links = access.guardianships_for(request.user, pupil)
    groups = (
        access.groups_for(request.user).filter(enrollments__pupil=pupil).order_by("kind", "name")
    )
    context = {
        "pupil": pupil,
        "guardianships": links,
        "groups": groups,
        "may_change": access.pupils_for(request.user, Perm.CHANGE).filter(pk=pupil.pk).exists(),
        "show_confidential": access.may_see_confidential_address(request.user, pupil),
    }
    return render(request, "roster/pupil_detail.html", context)


class GuardianContactForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Guardian
        fields = GUARDIAN_CONTACT_FIELDS


@login_required
def guardian_contact_edit(
    request: HttpRequest, pupil_id: uuid.UUID, guardian_id: uuid.UUID
) -> HttpResponse:
    pupil = access.access_pupil(request.user, pupil_id, Perm.CHANGE)
    guardian = access.access_guardian(request.user, pupil, guardian_id, Perm.CHANGE)
    initial = {name: getattr(guardian, name) for name in GUARDIAN_CONTACT_FIELDS}
    form = GuardianContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = change_guardian_contact(
            actor=request.user,
            pupil=pupil,
            guardian=guardian,
            values={name: form.cleaned_data[name] for name in GUARDIAN_CONTACT_FIELDS},
        )
        if changed:
            messages.success(request, _("The contact details are saved."))
        return redirect("roster:pupil", pupil_id=pupil.public_id)
    context = {"pupil": pupil, "guardian": guardian, "form": form}
    return render(request, "roster/guardian_contact_form.html", context)


@login_required
def school_staff(request: HttpRequest, school_id: uuid.UUID) -> HttpResponse:
    school = access.access_school(request.user, school_id)
    roles = access.staff_roles_for_school(request.user, school)
    people: dict[int, dict[str, object]] = {}
    for staff_role in roles:
        entry = people.setdefault(staff_role.staff_id, {"staff": staff_role.staff, "roles": []})
        entry["roles"].append(staff_role.get_role_display())  # type: ignore[attr-defined]
    context = {"school": school, "people": list(people.values())}
    return render(request, "roster/school_staff.html", context)
