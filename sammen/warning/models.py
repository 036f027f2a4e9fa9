"""Early-warning flags and each school's standard for raising them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sammen.roster.models import Pupil, School
from sammen.warning.standard import Rule, Standard

RULE_CHOICES = [(code, code) for code in Rule.ALL]


class WarningStandard(models.Model):
    """A school's own standard (rules on/off, thresholds, answer deadline); defaults if absent."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="warning_standard")
    rules = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("early-warning standard")
        verbose_name_plural = _("early-warning standards")

    def __str__(self) -> str:
        return f"{self.school}"

    @property
    def standard(self) -> Standard:
        return Standard.from_json(self.rules)


class Answer(models.TextChoices):
    CONTACTED = "contacted", _("contact made with the guardians")
    CASE_OPENED = "case_opened", _("follow-up case opened")
    DISMISSED = "dismissed", _("dismissed")


class DismissReason(models.TextChoices):
    """Structured, so no health details end up in free text."""

    KNOWN_AND_AGREED = "known_and_agreed", _("the absence is known and agreed with the home")
    ALREADY_FOLLOWED_UP = "already_followed_up", _("the pupil is already being followed up")
    WRONG_DATA = "wrong_data", _("the registrations are wrong and have been corrected")
    OTHER = "other", _("other")


class Flag(models.Model):
    """One rule holding for one pupil, from the day it was first seen until it no longer holds.

    The explanation is never stored as text: it is generated from ``evidence`` in the reader's
    language (``sammen.warning.explain``). A flag that still holds on the next run is kept (its
    evidence and level refreshed, ``seen_on`` moved on); one that no longer holds gets
    ``closed_on``. At most one open flag per pupil and rule.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="flags")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(_("rule"), max_length=20, choices=RULE_CHOICES)
    level = models.PositiveSmallIntegerField(_("level"))
    evidence = models.JSONField(default=dict)
    opened_on = models.DateField(_("raised"))
    seen_on = models.DateField(_("last seen"))
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    due_on = models.DateField(_("answer by"))
    answer = models.CharField(_("answer"), max_length=20, choices=Answer.choices, blank=True)
    dismiss_reason = models.CharField(
        _("reason"), max_length=24, choices=DismissReason.choices, blank=True
    )
    answer_note = models.CharField(_("note"), max_length=500, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(
                fields=["school", "due_on"],
                condition=Q(closed_on__isnull=True),
                name="flag_open_by_school",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "rule"],
                condition=Q(closed_on__isnull=True),
                name="flag_one_open_per_rule",
            ),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=3), name="flag_level"),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} {self.rule} ({self.opened_on})"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @property
    def is_answered(self) -> bool:
        return bool(self.answer)
