"""Early-warning URLs (Norwegian paths)."""

from __future__ import annotations

from django.urls import path

from sammen.warning import views

app_name = "warning"
urlpatterns = [
    path("trenger-oppmerksomhet/", views.queue, name="queue"),
    path("varsel/<uuid:flag_id>/svar/", views.answer_flag, name="answer"),
    path("skole/<uuid:school_id>/tidlig-varsling/", views.overview, name="overview"),
    path("skole/<uuid:school_id>/tidlig-varsling/standard/", views.standard, name="standard"),
    path(
        "skole/<uuid:school_id>/tidlig-varsling/standard/forhandsvisning/",
        views.preview,
        name="preview",
    ),
]
