from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class User(AbstractUser):
    """A login. What the person may see comes from the roster (Staff, Guardian), not from here.

    ``is_staff``/``is_superuser`` are Django's admin flags and are not used by Sammen's policy.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class SignedInSession(models.Model):
    """Whose a stored session is and how they logged in, so that every session of a user can be
    ended at once: after a logout at Feide or ID-porten (which names the user or their provider
    session), or by an administrator. Goes with its session (cascade) and follows it when the
    session key changes (``sammen.accounts.session_store``)."""

    session = models.OneToOneField("sessions.Session", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions"
    )
    # "local", "feide" or "idporten"
    method = models.CharField(max_length=20, default="local")
    issuer = models.CharField(max_length=255, blank=True)
    # The provider's identifier of the user (pairwise at ID-porten, never the national number).
    subject = models.CharField(max_length=255, blank=True)
    # The provider's session id (``sid``), which front- and back-channel logouts name.
    provider_session = models.CharField(max_length=255, blank=True)
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["issuer", "provider_session"], name="signedin_provider_session"),
            models.Index(fields=["issuer", "subject"], name="signedin_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ({self.method})"
