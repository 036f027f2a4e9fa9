from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "sammen.portal"
    label = "portal"
