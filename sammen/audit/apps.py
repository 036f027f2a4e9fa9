from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sammen.audit"
    label = "audit"
