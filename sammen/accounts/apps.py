from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sammen.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from sammen.accounts import sessions, signed_in

        user_logged_in.connect(sessions.on_user_logged_in, dispatch_uid="sammen.session_clock")
        user_logged_in.connect(signed_in.on_user_logged_in, dispatch_uid="sammen.signed_in")
