from django.apps import AppConfig


class WarningConfig(AppConfig):
    name = "sammen.warning"
    label = "warning"
