from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sammen.accounts"
    label = "accounts"
