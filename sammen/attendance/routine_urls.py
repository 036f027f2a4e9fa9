from django.urls import path

from sammen.attendance import routine_views

app_name = "attendance_routine"
urlpatterns = [
    path("skole/<uuid:school_id>/fravarsvarsel/", routine_views.routine_edit, name="edit"),
]
