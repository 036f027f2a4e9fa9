"""Secure messages between a guardian and the school about one child.

One thread per (pupil, guardian with parental responsibility): the school side is the contact
teacher(s) of the pupil's class, with the school leader able to read and answer. Each guardian
sees only their own thread, plus the messages another guardian of the child chose to share
(``Message.shared``), read-only. Writes go through ``sammen.conversations.services``; pages reach
rows only through ``sammen.conversations.access``.

Guardians and staff are told that a message waits (``MessageNotice``), never what it says.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sammen.roster.models import Guardian, Pupil, Staff

MAX_MESSAGE_LENGTH = 4000


class Thread(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="message_threads")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="message_threads")
    created_at = models.DateTimeField(auto_now_add=True)
    # Kept with each new message, so the inbox sorts without scanning the messages.
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.UniqueConstraint(fields=["pupil", "guardian"], name="thread_unique_per_family"),
        ]

    def __str__(self) -> str:
        # No names: this label is what the audit log keeps.
        return f"conversation {self.public_id}"


class Side(models.TextChoices):
    SCHOOL = "school", _("school")
    GUARDIAN = "guardian", _("guardian")


class AuthorRole(models.TextChoices):
    """In which role the author wrote, shown beside the name."""

    CONTACT_TEACHER = "contact_teacher", _("contact teacher")
    LEADER = "leader", _("school leader")
    GUARDIAN = "guardian", _("guardian")


class Message(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    side = models.CharField(_("written by"), max_length=10, choices=Side.choices)
    author_staff = models.ForeignKey(
        Staff, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The author's name and role as written, so the thread reads the same if a person leaves.
    author_label = models.CharField(_("from"), max_length=300)
    author_role = models.CharField(max_length=20, choices=AuthorRole.choices)
    text = models.TextField(_("message"), max_length=MAX_MESSAGE_LENGTH)
    # Only a guardian's message can be shared with the child's other guardians.
    shared = models.BooleanField(
        _("also visible to the child's other guardians with parental responsibility"),
        default=False,
    )
    sent_at = models.DateTimeField(_("sent"))
    read_by_school_at = models.DateTimeField(null=True, blank=True)
    read_by_guardian_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["sent_at", "pk"]
        indexes = [models.Index(fields=["thread", "sent_at"], name="message_thread_sent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(side="guardian") | Q(shared=False), name="message_only_guardian_shares"
            ),
        ]

    def __str__(self) -> str:
        return f"message {self.public_id}"


class NoticeChannel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("text message (SMS)")


class MessageNotice(models.Model):
    """That a person was told a message waits: one row per message and recipient, created
    before sending, so a message is never announced twice (the unique constraints)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="notices")
    guardian = models.ForeignKey(
        Guardian, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    staff = models.ForeignKey(
        Staff, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=8, choices=NoticeChannel.choices)
    language = models.CharField(max_length=5)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Why the send failed, as the backend said it: it may hold the address, so it is shown on no
    # page and the log gets only the kind of failure (notify._failed).
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["message", "guardian"],
                condition=Q(guardian__isnull=False),
                name="messagenotice_once_per_guardian",
            ),
            models.UniqueConstraint(
                fields=["message", "staff"],
                condition=Q(staff__isnull=False),
                name="messagenotice_once_per_staff",
            ),
            models.CheckConstraint(
                condition=Q(guardian__isnull=True, staff__isnull=False)
                | Q(guardian__isnull=False, staff__isnull=True),
                name="messagenotice_one_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"notice {self.pk} of {self.message}"
