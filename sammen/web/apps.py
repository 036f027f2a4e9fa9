from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "sammen.web"
    label = "web"
