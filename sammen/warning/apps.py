from django.apps import AppConfig


class WarningConfig(AppConfig):
    name = "sammen.warning"
    label = "warning"

    def ready(self) -> None:
        from sammen.attendance.signals import attendance_imported
        from sammen.warning.receivers import refresh_after_import

        attendance_imported.connect(refresh_after_import, dispatch_uid="warning.after_import")
