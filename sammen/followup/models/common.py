"""What the follow-up models share."""

from django.conf import settings

USER = settings.AUTH_USER_MODEL
TEXT = 4000  # the longest free text anywhere in a case: a plan's problem, minutes are longer
MINUTES = 20000
