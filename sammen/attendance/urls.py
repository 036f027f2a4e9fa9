"""Attendance URLs. Dates in paths are ISO (2026-11-26); ``?dato=`` also takes 26.11.2026."""

from __future__ import annotations

from datetime import date

from django.urls import path, register_converter

from sammen.attendance import report_views, views


class IsoDateConverter:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        return date.fromisoformat(value)  # a ValueError (30 February) makes the URL not match

    def to_url(self, value: date | str) -> str:
        return value.isoformat() if isinstance(value, date) else value


register_converter(IsoDateConverter, "attendance_date")

app_name = "attendance"
urlpatterns = [
    path("i-dag/", views.today, name="today"),
    path(
        "gruppe/<uuid:group_id>/time/<attendance_date:day>/<int:period>/",
        views.lesson_register,
        name="lesson",
    ),
    path("gruppe/<uuid:group_id>/dag/<attendance_date:day>/", views.class_day, name="class_day"),
    path("elev/<uuid:pupil_id>/fravaer/", views.pupil_attendance, name="pupil"),
    path("elev/<uuid:pupil_id>/fravaer/dag/", views.pupil_day, name="pupil_day"),
    path("elev/<uuid:pupil_id>/fravaersmeldinger/", report_views.pupil_reports, name="reports"),
    path("meld-fravaer/", report_views.report_absence, name="report"),
]
