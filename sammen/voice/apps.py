from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "sammen.voice"
    label = "voice"
