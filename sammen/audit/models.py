"""The append-only audit trail.

No foreign keys: an event must outlive the user, pupil or school it names, so it keeps their public
ids and a snapshot of their names. The database refuses UPDATE and DELETE on the table (triggers in
migration 0002); deleting by retention rule is its own, later, documented service.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditKind(models.TextChoices):
    READ = "read", _("read")
    CHANGE = "change", _("change")
    LOGIN = "login", _("login")


# The columns of an event as bulk writers give them (``sammen.lib.bulkwrite.insert_rows`` rows in
# this order): the attendance import's one event per pupil and the early warning's flag events.
ROW_FIELDS = (
    "at",
    "kind",
    "action",
    "actor_id",
    "actor_label",
    "object_type",
    "object_id",
    "object_label",
    "school_id",
    "school_label",
    "pupil_id",
    "pupil_label",
    "changes",
    "detail",
    "request_id",
)


class AuditEvent(models.Model):
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=AuditKind.choices)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    actor_id = models.UUIDField(null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("who"), max_length=300, blank=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=100, blank=True)
    object_label = models.CharField(_("what"), max_length=300, blank=True)
    school_id = models.UUIDField(null=True, blank=True, db_index=True)
    school_label = models.CharField(max_length=300, blank=True)
    pupil_id = models.UUIDField(null=True, blank=True, db_index=True)
    pupil_label = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise RuntimeError("Audit events are append-only")
