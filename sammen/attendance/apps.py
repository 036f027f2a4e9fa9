from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "sammen.attendance"
    label = "attendance"
