"""Meetings with minutes and action items, and the path for when cooperation meets trouble
(disagreement, mediation, referral)."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sammen.followup.models.case import Case
from sammen.followup.models.common import MINUTES, TEXT, USER
from sammen.followup.models.plan import OwnerKind


class MeetingKind(models.TextChoices):
    GUARDIANS = "guardians", _("meeting with the guardians")
    TEAM = "team", _("team meeting at school")
    CROSS_SERVICE = "cross_service", _("meeting across services")
    MEDIATION = "mediation", _("mediation meeting")


class Meeting(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    held_on = models.DateField(_("date"))
    agenda = models.TextField(_("agenda"), max_length=TEXT, blank=True)
    participants = models.TextField(_("participants"), max_length=2000, blank=True)
    minutes = models.TextField(_("minutes"), max_length=MINUTES, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class ActionItem(models.Model):
    """Who does what by when, agreed in a meeting; may become a measure of the plan."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    what = models.CharField(_("what"), max_length=500)
    who = models.CharField(_("who"), max_length=200)
    owner_kind = models.CharField(_("who carries it out"), max_length=10, choices=OwnerKind)
    due_on = models.DateField(_("by"))
    done_on = models.DateField(_("done"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.what


# When cooperation meets trouble (Amundsen 2019) ------------------------------------------------


class Disagreement(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="disagreements")
    topic = models.CharField(_("what it is about"), max_length=300)
    school_view = models.TextField(_("the school's view"), max_length=TEXT)
    home_view = models.TextField(_("the home's view, as the home puts it"), max_length=TEXT)
    recorded_on = models.DateField(_("recorded"))
    resolved_on = models.DateField(_("resolved"), null=True, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["recorded_on", "pk"]

    def __str__(self) -> str:
        return self.topic


class MediationAnswer(models.TextChoices):
    WAITING = "waiting", _("waiting for the home's answer")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")


class Mediation(models.Model):
    """A mediation step offered: a meeting led by someone outside the class."""

    disagreement = models.ForeignKey(
        Disagreement, on_delete=models.CASCADE, related_name="mediations"
    )
    led_by = models.CharField(_("led by (someone outside the class)"), max_length=200)
    offered_on = models.DateField(_("offered"))
    answer = models.CharField(
        _("answer"), max_length=10, choices=MediationAnswer, default="waiting"
    )
    held_on = models.DateField(_("held"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), max_length=TEXT, blank=True)

    class Meta:
        ordering = ["offered_on", "pk"]

    def __str__(self) -> str:
        return f"{self.disagreement} – {self.led_by}"


class Referral(models.Model):
    """A referral to child welfare: only with documented grounds, the measures tried and the
    guardians informed (the form and the service refuse otherwise)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    grounds = models.TextField(_("grounds for the referral"), max_length=TEXT)
    measures_tried = models.TextField(_("measures tried and how they went"), max_length=TEXT)
    guardians_informed_on = models.DateField(_("guardians informed on"))
    how_informed = models.CharField(_("how the guardians were informed"), max_length=300)
    sent_on = models.DateField(_("sent"))
    decided_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["sent_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(grounds="") & ~Q(measures_tried="") & ~Q(how_informed=""),
                name="referral_documented",
            ),
            models.CheckConstraint(
                condition=Q(guardians_informed_on__lte=models.F("sent_on")),
                name="referral_guardians_informed_first",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.sent_on}"
