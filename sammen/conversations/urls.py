"""Conversation URLs (Norwegian paths)."""

from __future__ import annotations

from django.urls import path

from sammen.conversations import views

app_name = "conversations"
urlpatterns = [
    path("meldinger/", views.inbox, name="inbox"),
    path(
        "elev/<uuid:pupil_id>/meldinger/<uuid:guardian_id>/",
        views.staff_thread,
        name="staff_thread",
    ),
    path("foresatt/meldinger/", views.guardian_inbox, name="guardian_inbox"),
    path("foresatt/barn/<uuid:pupil_id>/meldinger/", views.guardian_thread, name="guardian_thread"),
]
