from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "sammen.conversations"
    label = "conversations"
