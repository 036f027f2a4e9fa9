from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sammen.roster import access
from sammen.roster.models import OWNER_ROLES, Role


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return JsonResponse({"status": "error", "database": type(exc).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page: what this person works with, by role."""
    viewer = access.viewer_for(request.user)
    if viewer.guardian is not None and not viewer.roles:
        # A guardian with no staff role has one place to start: their children in the portal.
        return redirect("portal:home")
    children = []
    if viewer.guardian is not None:
        children = list(access.pupils_for(request.user).select_related("school"))
    my_groups = []
    if viewer.staff is not None:
        my_groups = list(
            access.groups_for(request.user)
            .filter(teachers__staff=viewer.staff)
            .select_related("school")
            .annotate(pupil_count=Count("enrollments", distinct=True))
            .order_by("kind", "grade", "name")
        )
    schools = list(
        access.schools_for(request.user)
        .annotate(pupil_count=Count("pupils", filter=Q(pupils__active=True)))
        .order_by("name")
    )
    leader_school_ids = viewer.schools_with({Role.LEADER})
    owner_roles = {role for school, role in viewer.roles if school is None}
    # Aggregates only: the number of pupils per school, no names.
    owner_schools = list(
        access.owner_schools_for(request.user)
        .annotate(pupil_count=Count("pupils", filter=Q(pupils__active=True)))
        .order_by("name")
    )
    context = {
        "children": children,
        "my_groups": my_groups,
        "schools": schools,
        "leader_school_ids": leader_school_ids,
        "is_support": viewer.has_role(Role.SUPPORT),
        "is_sysadmin": Role.SYSADMIN in owner_roles,
        "is_analyst": Role.ANALYST in owner_roles,
        "owner_schools": owner_schools,
        "has_nothing": not (children or my_groups or schools or owner_roles & OWNER_ROLES),
    }
    return render(request, "web/home.html", context)
