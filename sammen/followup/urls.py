"""Follow-up URLs (Norwegian paths)."""

from __future__ import annotations

from django.urls import path

from sammen.followup import family_views, plan_views, views, work_views

app_name = "followup"
urlpatterns = [
    path("elev/<uuid:pupil_id>/oppfolging/", views.pupil_cases, name="pupil_cases"),
    path("saker/", views.my_cases, name="my_cases"),
    path("skole/<uuid:school_id>/oppfolging/", views.school_cases, name="school_cases"),
    path("sak/<uuid:case_id>/", views.case_detail, name="case"),
    path("sak/<uuid:case_id>/kartlegging/", plan_views.mapping, name="mapping"),
    path("sak/<uuid:case_id>/plan/", plan_views.plan, name="plan"),
    path("sak/<uuid:case_id>/plan/utskrift/", family_views.print_plan, name="print_plan"),
    path("sak/<uuid:case_id>/samtykke/", work_views.consents, name="consents"),
    path(
        "sak/<uuid:case_id>/samtykke/<uuid:consent_id>/trekk-tilbake/",
        work_views.withdraw_consent,
        name="withdraw_consent",
    ),
    path("sak/<uuid:case_id>/moter/", work_views.meeting_list, name="meetings"),
    path("sak/<uuid:case_id>/mote/<uuid:meeting_id>/", work_views.meeting_detail, name="meeting"),
    path(
        "sak/<uuid:case_id>/mote/<uuid:meeting_id>/utskrift/",
        family_views.print_minutes,
        name="print_minutes",
    ),
    path("sak/<uuid:case_id>/uenighet/", work_views.cooperation_trouble, name="trouble"),
    path("sak/<uuid:case_id>/foresatt/", family_views.guardian_plan, name="guardian_plan"),
]
