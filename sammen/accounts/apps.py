from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sammen.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from sammen.accounts import sessions

        user_logged_in.connect(sessions.on_user_logged_in, dispatch_uid="sammen.session_clock")
