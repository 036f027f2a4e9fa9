from django.urls import path

from sammen.roster import views

app_name = "roster"
urlpatterns = [
    path("skole/<uuid:school_id>/", views.school_detail, name="school"),
    path("skole/<uuid:school_id>/ansatte/", views.school_staff, name="school_staff"),
    path("gruppe/<uuid:group_id>/", views.group_detail, name="group"),
    path("elev/<uuid:pupil_id>/", views.pupil_detail, name="pupil"),
    path(
        "elev/<uuid:pupil_id>/foresatt/<uuid:guardian_id>/kontakt/",
        views.guardian_contact_edit,
        name="guardian_contact",
    ),
]
