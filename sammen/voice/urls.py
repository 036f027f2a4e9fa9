"""The guardian's voice (Norwegian paths): the guardian's pages under /foresatt/, the school's
button under the pupil's cooperation page."""

from __future__ import annotations

from django.urls import path

from sammen.voice import views

app_name = "voice"
CHILD = "foresatt/barn/<uuid:pupil_id>/"
urlpatterns = [
    path(CHILD + "innspill/", views.input_page, name="input"),
    path(CHILD + "kontakt-meg/", views.contact_request, name="contact_request"),
    path(
        "elev/<uuid:pupil_id>/samarbeid/kontakt-meg/<uuid:request_id>/",
        views.handle_request,
        name="handle_request",
    ),
]
