from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "sammen.roster"
    label = "roster"
