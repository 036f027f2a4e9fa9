"""Guardian portal URLs (Norwegian paths under /foresatt/)."""

from __future__ import annotations

from django.urls import path

from sammen.portal import views

app_name = "portal"
urlpatterns = [
    path("foresatt/", views.home, name="home"),
    path("foresatt/innstillinger/", views.guardian_settings, name="settings"),
    path("foresatt/barn/<uuid:pupil_id>/", views.child, name="child"),
    path("foresatt/barn/<uuid:pupil_id>/innsyn/", views.looked, name="looked"),
]
