"""Cooperation URLs (Norwegian paths)."""

from __future__ import annotations

from django.urls import path

from sammen.cooperation import family_views, guardian_views, review_views, views

app_name = "cooperation"
PUPIL = "elev/<uuid:pupil_id>/samarbeid/"
urlpatterns = [
    path("samarbeid/kontakter/", views.calls, name="calls"),
    path("skole/<uuid:school_id>/samarbeid/", views.overview, name="overview"),
    path("skole/<uuid:school_id>/samarbeid/standard/", views.standard, name="standard"),
    path("skole/<uuid:school_id>/samarbeid/rutiner/", guardian_views.routines, name="routines"),
    path(PUPIL, views.pupil, name="pupil"),
    path(PUPIL + "kontakt/", views.log_contact, name="log_contact"),
    path(PUPIL + "lysglimt/", views.lysglimt, name="lysglimt"),
    path(PUPIL + "fast-kontakt/", views.cadence, name="cadence"),
    path(PUPIL + "behov/", family_views.needs, name="needs"),
    path(PUPIL + "hjemmebesok/", family_views.home_visits, name="home_visits"),
    path(PUPIL + "hjemmebesok/<uuid:visit_id>/", family_views.home_visit, name="home_visit"),
    path(PUPIL + "24-timersmennesket/", family_views.profile, name="profile"),
    path(PUPIL + "nettverk/", family_views.network_page, name="network"),
    path("elev/<uuid:pupil_id>/hjem-og-skole/", guardian_views.family, name="family"),
    path("gruppe/<uuid:group_id>/elevgjennomgang/", review_views.review_agenda, name="review"),
    path(
        "gruppe/<uuid:group_id>/elevgjennomgang/oppsett/",
        review_views.review_setup,
        name="review_setup",
    ),
    path(
        "gruppe/<uuid:group_id>/elevgjennomgang/elev/<uuid:pupil_id>/",
        review_views.review_pupil,
        name="review_pupil",
    ),
    path("sett-og-hort/<str:token>/", guardian_views.answer_by_link, name="felt_heard"),
]
