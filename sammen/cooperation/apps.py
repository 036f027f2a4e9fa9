from django.apps import AppConfig


class CooperationConfig(AppConfig):
    name = "sammen.cooperation"
    label = "cooperation"
